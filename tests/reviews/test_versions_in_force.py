"""Which standard versions a quarter's review holds, the feedback about their team beside
them, and the page's queries not growing with the number of standards."""

import datetime as dt

from feedback.services import feedback_create
from reviews import services
from reviews.models import ReviewItem
from sla.standards.service_standards import standard_retire, standard_save
from tests.factories import CalendarFactory, ServiceStandardFactory
from tickets.constants import Priority

from .conftest import AFTER, BEFORE, IN_QUARTER, QUARTER


def test_a_version_replaced_in_the_quarter_and_its_successor_are_both_reviewed(world, clock):
    calendar = CalendarFactory()
    clock.set(BEFORE - dt.timedelta(days=100))
    old = standard_save(actor=world.admin, name="IT P1", team=world.it, calendar=calendar, priority=Priority.P1,
                        first_response_minutes=30, resolution_minutes=240)
    gone = standard_save(actor=world.admin, name="IT P4", team=world.it, calendar=calendar, priority=Priority.P4,
                         first_response_minutes=600, resolution_minutes=2400)
    replaced_early = standard_save(actor=world.admin, standard=gone, first_response_minutes=480)
    clock.set(BEFORE)
    standard_retire(actor=world.admin, standard=replaced_early)  # retired before the quarter
    clock.set(IN_QUARTER)
    new = standard_save(actor=world.admin, standard=old, first_response_minutes=20)  # replaced during it
    clock.set(AFTER)
    later = ServiceStandardFactory(team=world.hr, name="HR later")  # created after the quarter
    review = services.review_open(actor=world.admin, quarter=QUARTER)
    assert set(review.items.values_list("standard_id", flat=True)) == {old.pk, new.pk}
    assert later.pk not in set(review.items.values_list("standard_id", flat=True))


def test_feedback_about_the_team_in_the_quarter_is_beside_its_standards(world, clock, p2_standard):
    clock.set(IN_QUARTER)
    feedback_create(sender=world.bob, team=world.it, kind="complaint", text="Slow answers to P2 requests.")
    clock.set(AFTER)
    feedback_create(sender=world.bob, team=world.it, kind="praise", text="Thanks, after the quarter.")
    review = services.review_open(actor=world.admin, quarter=QUARTER)
    figures = ReviewItem.objects.get(review=review, standard=p2_standard).figures
    assert figures["feedback"]["total"] == 1 and figures["feedback"]["kind"]["complaint"] == 1
    assert figures["satisfaction"]["responses"] == 0


def test_the_review_page_reads_a_bounded_number_of_queries(world, clock, client, p2_standard,
                                                           django_assert_max_num_queries):
    for n in range(6):
        ServiceStandardFactory(team=world.hr, name=f"HR {n}", priority=Priority.P3)
    clock.set(AFTER)
    review = services.review_open(actor=world.admin, quarter=QUARTER)
    assert review.items.count() == 7
    client.force_login(world.admin)
    with django_assert_max_num_queries(8):  # the same for one standard as for seven
        assert client.get(f"/reviews/{review.pk}/").status_code == 200
