"""The two bulk actions on a problem's incidents: "send the workaround" and "resolve with
the problem", with a mix of incidents that can and cannot move, and the report of each."""

import pytest
from django.urls import reverse

from notifications.models import OutboxMessage
from problems import services
from problems.models import ProblemChange, ProblemStatus
from servicedesk.exceptions import ApplicationError
from tickets import services as ticket_services
from tickets.constants import EventKind, Status
from tickets.models import Comment, Ticket, TicketEvent


def _outcomes(outcomes):
    return {o.reference: o.outcome for o in outcomes}


def test_the_workaround_goes_to_every_open_incident_as_a_public_reply(world, outage):
    services.problem_send_workaround(problem=outage.problem, actor=world.it_lead)

    for ticket in outage.tickets:
        reply = Comment.objects.get(ticket=ticket)
        assert not reply.is_internal and reply.author == world.it_lead
        assert outage.problem.workaround in reply.body
        assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.COMMENT).count() == 1
        # the requester is told as for any reply
        assert OutboxMessage.objects.filter(recipient=ticket.requester, event="ticket_reply", ticket=ticket).exists()


def test_the_workaround_reply_is_introduced_in_the_requesters_language(world, outage, carol):
    services.problem_send_workaround(problem=outage.problem, actor=world.it_lead)

    carols = Comment.objects.get(ticket__requester=carol).body
    alices = Comment.objects.get(ticket__requester=world.alice).body
    assert carols.startswith("我们已知道这个问题")
    assert alices.startswith("We know this problem")


def test_sending_the_same_workaround_twice_posts_it_once(world, outage):
    services.problem_send_workaround(problem=outage.problem, actor=world.it_lead)

    again = services.problem_send_workaround(problem=outage.problem, actor=world.it_lead)

    assert set(_outcomes(again).values()) == {"already_sent"}
    assert Comment.objects.count() == 3
    assert outage.problem.changes.filter(kind=ProblemChange.Kind.WORKAROUND_SENT).count() == 1


def test_a_changed_workaround_is_sent_again_once(world, outage):
    services.problem_send_workaround(problem=outage.problem, actor=world.it_lead)
    services.problem_update(problem=outage.problem, actor=world.it_lead, workaround="Use the phone app instead.")

    outcomes = services.problem_send_workaround(problem=outage.problem, actor=world.it_lead)

    assert set(_outcomes(outcomes).values()) == {"sent"}
    assert Comment.objects.filter(body__contains="phone app").count() == 3


def test_incidents_no_longer_open_get_no_workaround_and_are_reported(world, outage):
    alices, bobs, carols = outage.tickets
    ticket_services.ticket_transition(ticket=bobs, to=Status.RESOLVED, actor=world.it_agent)
    ticket_services.ticket_transition(ticket=carols, to=Status.CANCELLED, actor=carols.requester)

    outcomes = services.problem_send_workaround(problem=outage.problem, actor=world.it_lead)

    assert _outcomes(outcomes) == {alices.reference: "sent", bobs.reference: "not_open", carols.reference: "not_open"}
    assert list(Comment.objects.values_list("ticket_id", flat=True)) == [alices.pk]


def test_resolving_with_the_problem_moves_those_that_can_and_reports_the_others(world, outage):
    alices, bobs, carols = outage.tickets
    ticket_services.ticket_transition(ticket=bobs, to=Status.RESOLVED, actor=world.it_agent)
    ticket_services.ticket_transition(ticket=bobs, to=Status.CLOSED, actor=world.it_agent)
    ticket_services.ticket_transition(ticket=carols, to=Status.CANCELLED, actor=carols.requester)

    outcomes = services.problem_resolve_incidents(problem=outage.problem, actor=world.it_lead,
                                                  summary="The mail relay's certificate was renewed.")

    report = {o.reference: (o.outcome, o.message) for o in outcomes}
    assert report[alices.reference] == ("resolved", "")
    assert report[bobs.reference][0] == "refused" and "cannot become resolved" in report[bobs.reference][1]
    assert report[carols.reference][0] == "refused"
    alices = Ticket.objects.get(pk=alices.pk)
    assert alices.status == Status.RESOLVED
    assert alices.resolution_summary == "The mail relay's certificate was renewed."
    assert Ticket.objects.get(pk=bobs.pk).status == Status.CLOSED
    outage.problem.refresh_from_db()
    assert outage.problem.status == ProblemStatus.RESOLVED and outage.problem.resolved_at is not None


def test_an_incident_changed_since_the_page_was_read_is_refused_the_rest_go_on(world, outage):
    alices, bobs, carols = outage.tickets
    seen = {t.pk: Ticket.objects.get(pk=t.pk).version for t in outage.tickets}
    ticket_services.comment_create(ticket=bobs, author=bobs.requester, body="Still broken!")  # bob's moves on

    outcomes = services.problem_resolve_incidents(problem=outage.problem, actor=world.it_lead, versions=seen)

    assert _outcomes(outcomes) == {alices.reference: "resolved", bobs.reference: "refused",
                                   carols.reference: "resolved"}
    assert Ticket.objects.get(pk=bobs.pk).status != Status.RESOLVED


def test_resolving_again_changes_nothing(world, outage):
    services.problem_resolve_incidents(problem=outage.problem, actor=world.it_lead)
    events, changes = TicketEvent.objects.count(), ProblemChange.objects.count()

    with pytest.raises(ApplicationError, match="nothing left to resolve"):
        services.problem_resolve_incidents(problem=outage.problem, actor=world.it_lead)

    assert (TicketEvent.objects.count(), ProblemChange.objects.count()) == (events, changes)


def test_the_page_shows_what_happened_to_each_incident(world, outage, page_for):
    alices, bobs, _carols = outage.tickets
    ticket_services.ticket_transition(ticket=bobs, to=Status.CANCELLED, actor=bobs.requester)

    response = page_for("it_lead").post(reverse("problem-resolve", args=[outage.problem.pk]),
                                        {"summary": "Fixed at the relay."})

    assert response.status_code == 200
    rows = {o.reference: o.outcome for o in response.context["outcomes"]}
    assert rows[alices.reference] == "resolved" and rows[bobs.reference] == "refused"
    html = response.content.decode()
    assert "outcome-refused" in html and "outcome-resolved" in html
    assert "A cancelled ticket cannot become resolved" in html


def test_the_page_sends_the_workaround_and_reports_each_incident(world, outage, page_for):
    response = page_for("it_agent").post(reverse("problem-send-workaround", args=[outage.problem.pk]))

    assert response.status_code == 200
    assert [o.outcome for o in response.context["outcomes"]] == ["sent"] * 3
    assert response.content.decode().count("outcome-sent") == 3


def test_a_workaround_edited_since_the_page_was_read_is_not_sent(world, outage, page_for):
    read = outage.problem.version
    services.problem_update(problem=outage.problem, actor=world.it_agent, workaround="Restart Outlook.")

    response = page_for("it_lead").post(reverse("problem-send-workaround", args=[outage.problem.pk]),
                                        {"version": read}, follow=True)

    assert "changed by someone else" in response.content.decode()
    assert not Comment.objects.exists()
