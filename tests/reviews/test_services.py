"""The quarterly review's figures, flags, decisions, applying a decision as the standard's next
version, closing, and the beat's draft (reviews.services, reviews.figures)."""

import pytest

from reviews import services
from reviews.models import ReviewEvent, ReviewItem, StandardReview
from servicedesk.exceptions import ApplicationError
from sla.models import ServiceStandard, SLAClock, StandardChange
from tests.factories import ServiceStandardFactory
from tests.threads import run_together
from tickets.constants import Priority

from .conftest import AFTER, IN_QUARTER, QUARTER


def _item(review, standard) -> ReviewItem:
    return ReviewItem.objects.get(review=review, standard=standard)


def _open(world, clock) -> StandardReview:
    clock.set(AFTER)
    return services.review_open(actor=world.admin, quarter=QUARTER)


def test_flags_on_constructed_data(world, clock, file_ticket, decided, p2_standard):
    # Given three standards: one missed in 15 % of 20 cycles, one met with a p90 at 20 % of
    # its target and no breach, one missed in half of only 10 cycles.
    easy = ServiceStandardFactory(team=world.it, name="IT P3", priority=Priority.P3, first_response_minutes=60)
    few = ServiceStandardFactory(team=world.hr, name="HR any", first_response_minutes=60)
    clock.set(IN_QUARTER)
    tickets = [file_ticket(priority=Priority.P2) for _ in range(4)]
    for ticket in tickets:
        decided(p2_standard, ticket, n=5, breached=1 if ticket != tickets[0] else 0)
    decided(easy, tickets[0], n=20, seconds=720)  # 12 min of 60: 20 %
    decided(few, tickets[1], n=10, breached=5)
    # When the review is opened
    review = _open(world, clock)
    # Then
    tight = _item(review, p2_standard).figures
    assert tight["tickets"] == 4
    assert (tight["sla"]["first_response"]["met"], tight["sla"]["first_response"]["decided"]) == (17, 20)
    assert [(f["code"], f["kind"]) for f in tight["flags"]] == [("too_tight", "first_response")]
    easy_figures = _item(review, easy).figures
    assert easy_figures["sla"]["first_response"]["p90_business_seconds"] == 720
    assert [(f["code"], f["kind"]) for f in easy_figures["flags"]] == [("too_easy", "first_response")]
    few_figures = _item(review, few).figures
    assert few_figures["flags"] == [] and few_figures["sla"]["first_response"]["small_n"] is True
    assert tight["thresholds"] == {"miss_rate": 0.10, "easy_fraction": 1 / 3, "min_n": 20}


def test_outcomes_of_another_quarter_count_as_the_previous_quarter(world, clock, file_ticket, decided,
                                                                      p2_standard):
    import datetime as dt

    clock.set(IN_QUARTER)
    ticket = file_ticket(priority=Priority.P2)
    decided(p2_standard, ticket, n=3, breached=1)
    decided(p2_standard, ticket, n=2, at=dt.datetime(2026, 6, 29, 8, 0, tzinfo=dt.UTC))  # Q2
    # 2026-06-30 16:30 UTC is 1 July 00:30 in Shanghai: counted in the third quarter.
    decided(p2_standard, ticket, n=1, at=dt.datetime(2026, 6, 30, 16, 30, tzinfo=dt.UTC))
    review = _open(world, clock)
    figures = _item(review, p2_standard).figures
    assert figures["sla"]["first_response"]["decided"] == 4
    assert figures["previous"]["sla"]["first_response"]["decided"] == 2
    assert figures["previous"]["period"]["from"] == "2026-04-01"


def test_apply_tighten_creates_the_next_version_and_filed_tickets_keep_theirs(world, clock, file_ticket,
                                                                               p2_standard):
    clock.set(IN_QUARTER)
    before = file_ticket(priority=Priority.P2)
    review = _open(world, clock)
    item = _item(review, p2_standard)
    services.item_decide(actor=world.admin, item=item, decision="tighten", note="P2 first response 4 h → 2 h",
                         first_response_minutes=120)
    item = services.item_apply(actor=world.admin, item=item)
    new = item.applied_standard
    assert (new.lineage, new.version, new.first_response_minutes, new.is_current) == (p2_standard.lineage, 2, 120,
                                                                                       True)
    assert ServiceStandard.objects.get(pk=p2_standard.pk).is_current is False
    change = StandardChange.objects.get(object_type="standard", object_id=new.pk)
    assert item.applied_change == change and change.changes["review"] == {"old": None, "new": review.pk}
    assert change.changes["first_response_minutes"] == {"old": 240, "new": 120}
    after = file_ticket(priority=Priority.P2)
    assert SLAClock.objects.get(ticket=before, kind="first_response").standard_id == p2_standard.pk
    assert SLAClock.objects.get(ticket=after, kind="first_response").standard_id == new.pk
    assert ReviewEvent.objects.filter(item=item, action="applied").exists()


def test_a_tighten_decision_that_loosens_is_refused_with_the_field(world, clock, p2_standard):
    review = _open(world, clock)
    with pytest.raises(ApplicationError) as refused:
        services.item_decide(actor=world.admin, item=_item(review, p2_standard), decision="tighten",
                             first_response_minutes=300)
    assert "decision" in refused.value.field_errors
    with pytest.raises(ApplicationError) as refused:
        services.item_decide(actor=world.admin, item=_item(review, p2_standard), decision="tighten",
                             first_response_minutes="two")
    assert "first_response_minutes" in refused.value.field_errors


def test_keep_cannot_be_applied(world, clock, p2_standard):
    review = _open(world, clock)
    item = services.item_decide(actor=world.admin, item=_item(review, p2_standard), decision="keep", note="fine")
    assert (item.decision, item.decided_by, item.new_first_response_minutes) == ("keep", world.admin, None)
    with pytest.raises(ApplicationError):
        services.item_apply(actor=world.admin, item=item)


def test_a_closed_review_refuses_every_change(world, clock, p2_standard):
    review = _open(world, clock)
    item = _item(review, p2_standard)
    services.item_decide(actor=world.admin, item=item, decision="tighten", first_response_minutes=120)
    services.review_close(actor=world.admin, review=review)
    for change in (
        lambda: services.item_decide(actor=world.admin, item=item, decision="keep"),
        lambda: services.item_apply(actor=world.admin, item=item),
        lambda: services.review_refresh(actor=world.admin, review=review),
        lambda: services.review_close(actor=world.admin, review=review),
    ):
        with pytest.raises(ApplicationError, match="closed"):
            change()
    assert ServiceStandard.objects.filter(lineage=p2_standard.lineage).count() == 1


def test_only_a_service_admin_changes_a_review(world, clock, p2_standard):
    clock.set(AFTER)
    with pytest.raises(ApplicationError) as refused:
        services.review_open(actor=world.it_lead, quarter=QUARTER)
    assert refused.value.code == "permission_denied"


def test_a_quarter_not_started_or_not_a_quarter_start_is_refused(world, clock):
    import datetime as dt

    clock.set(AFTER)
    for quarter in (dt.date(2027, 1, 1), dt.date(2026, 7, 2)):
        with pytest.raises(ApplicationError) as refused:
            services.review_open(actor=world.admin, quarter=quarter)
        assert "quarter" in refused.value.field_errors


def test_an_open_review_cannot_be_opened_again(world, clock, p2_standard):
    _open(world, clock)
    with pytest.raises(ApplicationError):
        services.review_open(actor=world.admin, quarter=QUARTER)


@pytest.mark.django_db(transaction=True)
def test_two_beats_draft_the_quarter_once(world, clock, p2_standard):
    clock.set(AFTER)
    results = run_together(lambda: services.review_create_draft(quarter=services.today())[1], 2)
    assert sorted(results) == [False, True]
    review = StandardReview.objects.get()
    assert (review.quarter.isoformat(), review.state) == ("2026-10-01", "draft")
    assert review.items.filter(standard=p2_standard).exists()


def test_the_beat_task_drafts_once_and_an_admin_opens_the_draft(world, clock, p2_standard):
    from reviews.tasks import draft_quarter_review

    clock.set(AFTER)
    assert draft_quarter_review() is not None
    assert draft_quarter_review() is None
    review = services.review_open(actor=world.admin, quarter=services.today().replace(day=1, month=10))
    assert (review.state, review.opened_by) == ("open", world.admin)
    assert StandardReview.objects.count() == 1
