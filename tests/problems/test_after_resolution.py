"""What a problem still offers once it is resolved (QA walk-through): neither bulk action on
its page or in the API unless there is something left to do, the results table laid out
as a table, and a workaround reply that sends the requester no problem reference they
cannot open."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from problems import services
from problems.models import ProblemChange, ProblemStatus
from servicedesk.exceptions import ApplicationError
from tickets import services as ticket_services
from tickets.constants import Status
from tickets.models import Comment, TicketEvent


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def resolved(world, outage):
    """The outage, its workaround sent and the problem resolved with its three incidents."""
    services.problem_send_workaround(problem=outage.problem, actor=world.it_lead)
    services.problem_resolve_incidents(problem=outage.problem, actor=world.it_lead, summary="Relay fixed.")
    outage.problem.refresh_from_db()
    assert outage.problem.status == ProblemStatus.RESOLVED
    return outage


def _side_panel(response) -> str:
    html = response.content.decode()
    return html[html.index('id="actions-title"'):]


def test_a_resolved_problem_offers_neither_bulk_action(world, resolved, page_for):
    response = page_for("it_lead").get(reverse("problem-detail", args=[resolved.problem.pk]))

    panel = _side_panel(response)
    assert reverse("problem-send-workaround", args=[resolved.problem.pk]) not in panel
    assert reverse("problem-resolve", args=[resolved.problem.pk]) not in panel
    assert "Send the workaround" not in panel and "Resolve with the problem" not in panel
    assert reverse("problem-edit", args=[resolved.problem.pk]) in panel  # reopening it is still possible


def test_an_open_problem_offers_both_bulk_actions(world, outage, page_for):
    panel = _side_panel(page_for("it_lead").get(reverse("problem-detail", args=[outage.problem.pk])))

    assert reverse("problem-send-workaround", args=[outage.problem.pk]) in panel
    assert reverse("problem-resolve", args=[outage.problem.pk]) in panel


def test_a_resolved_problem_with_a_reopened_incident_still_offers_to_resolve_it(world, resolved, page_for):
    alices = resolved.tickets[0]
    alices.refresh_from_db()
    ticket_services.ticket_transition(ticket=alices, to=Status.OPEN, actor=world.alice)

    panel = _side_panel(page_for("it_lead").get(reverse("problem-detail", args=[resolved.problem.pk])))
    assert reverse("problem-resolve", args=[resolved.problem.pk]) in panel
    assert reverse("problem-send-workaround", args=[resolved.problem.pk]) not in panel

    outcomes = services.problem_resolve_incidents(problem=resolved.problem, actor=world.it_lead)
    assert {o.reference: o.outcome for o in outcomes}[alices.reference] == "resolved"


@pytest.mark.parametrize("status", [ProblemStatus.RESOLVED, ProblemStatus.CLOSED])
def test_a_resolved_or_closed_problem_refuses_to_send_the_workaround(world, resolved, status):
    alices = resolved.tickets[0]
    alices.refresh_from_db()
    ticket_services.ticket_transition(ticket=alices, to=Status.OPEN, actor=world.alice)  # one open again
    # a new workaround that alice has not had: before the fix it was posted to her
    services.problem_update(problem=resolved.problem, actor=world.it_lead, workaround="Restart Outlook.")
    if status == ProblemStatus.CLOSED:
        services.problem_update(problem=resolved.problem, actor=world.it_lead, status=status)
    resolved.problem.refresh_from_db()
    comments = Comment.objects.count()

    response = _api(world.it_lead).post(f"/api/v1/problems/{resolved.problem.pk}/send-workaround/", {},
                                        format="json")

    assert response.status_code == 400, response.content
    assert "sends no workaround" in str(response.json())
    assert Comment.objects.count() == comments


def test_a_resolved_problem_with_nothing_open_refuses_to_resolve_again(world, resolved):
    events, changes = TicketEvent.objects.count(), ProblemChange.objects.count()

    response = _api(world.it_lead).post(f"/api/v1/problems/{resolved.problem.pk}/resolve/",
                                        {"summary": "Again."}, format="json")

    assert response.status_code == 400, response.content
    assert "nothing left to resolve" in str(response.json())
    assert (TicketEvent.objects.count(), ProblemChange.objects.count()) == (events, changes)
    with pytest.raises(ApplicationError):
        services.problem_resolve_incidents(problem=resolved.problem, actor=world.it_lead)


def test_the_page_says_why_a_resolved_problem_sends_nothing(world, resolved, page_for):
    response = page_for("it_lead").post(reverse("problem-send-workaround", args=[resolved.problem.pk]), follow=True)

    assert "sends no workaround" in response.content.decode()


def test_the_results_rows_are_not_laid_out_as_the_sla_panels_outcome_lines(world, outage, page_for):
    """`.outcome` is the SLA panel's flex line (static/css/app.css): on a table row it
    pulled the cells out of their columns."""
    response = page_for("it_lead").post(reverse("problem-resolve", args=[outage.problem.pk]), {"summary": "Fixed."})

    html = response.content.decode()
    assert html.count("<tr class=\"problem-outcome problem-outcome-resolved\">") == 3
    assert 'class="outcome ' not in html


def test_the_workaround_reply_names_no_problem_reference(world, outage, carol):
    services.problem_send_workaround(problem=outage.problem, actor=world.it_lead)

    for reply in Comment.objects.filter(ticket__in=outage.tickets):
        assert outage.problem.reference not in reply.body
        assert "PRB-" not in reply.body
        assert outage.problem.workaround in reply.body
    # the staff still see which problem sent it, in the problem's history
    sent = ProblemChange.objects.get(problem=outage.problem, kind=ProblemChange.Kind.WORKAROUND_SENT)
    assert {row["ref"] for row in sent.data["outcomes"]} == {t.reference for t in outage.tickets}
