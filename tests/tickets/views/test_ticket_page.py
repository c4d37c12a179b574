"""The ticket page: the requester's view and the agent's view of the same URL."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from sla.models import SLAClock
from tests.tickets.views.conftest import upload
from tickets import services


def page(client, ticket):
    return client.get(reverse("ticket-detail", args=[ticket.pk]))


def test_requester_view_shows_details_fields_and_files(world, file_ticket, client_for):
    ticket = file_ticket(description="**Bold** claim", fields={"asset_tag": "LT-42", "urgency": "whole team"},
                         attachments=[upload("photo.png")])
    response = page(client_for(world.alice), ticket)
    html = response.content.decode()
    assert response.context["can_work"] is False
    assert "<strong>Bold</strong> claim" in html
    assert "Asset tag" in html and "LT-42" in html
    assert "Impact" in html and "whole team" in html
    assert "photo.png" in html
    assert reverse("attachment-download", args=[ticket.attachments.get().pk]) in html


def test_requester_view_has_no_agent_tools(world, ticket, client_for):
    response = page(client_for(world.alice), ticket)
    assert "assign_form" not in response.context
    assert "Work this ticket" not in response.content.decode()
    assert "History" not in response.content.decode()


def test_new_ticket_offers_the_requester_cancel_only(world, ticket, client_for):
    html = page(client_for(world.alice), ticket).content.decode()
    assert "Cancel request" in html
    assert "Reopen" not in html
    assert "Accept and close" not in html


def test_resolved_ticket_offers_reopen_and_accept(world, ticket, client_for):
    services.ticket_transition(ticket=ticket, to="resolved", actor=world.it_agent)
    html = page(client_for(world.alice), ticket).content.decode()
    assert "Reopen" in html
    assert "Accept and close" in html
    assert "Cancel request" not in html


def test_reopen_is_not_offered_after_the_window(world, ticket, client_for, settings):
    services.ticket_transition(ticket=ticket, to="resolved", actor=world.it_agent)
    ticket.refresh_from_db()
    type(ticket).objects.filter(pk=ticket.pk).update(
        resolved_at=timezone.now() - dt.timedelta(days=settings.TICKET_REOPEN_DAYS + 1))
    html = page(client_for(world.alice), ticket).content.decode()
    assert "Reopen" not in html
    assert "Accept and close" in html


def test_requester_accepts_and_closes(world, ticket, client_for):
    ticket = services.ticket_transition(ticket=ticket, to="resolved", actor=world.it_agent)
    response = client_for(world.alice).post(
        reverse("ticket-transition", args=[ticket.pk]), {"to": "closed", "version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "closed"


def test_requester_reopens(world, ticket, client_for):
    ticket = services.ticket_transition(ticket=ticket, to="resolved", actor=world.it_agent)
    client_for(world.alice).post(reverse("ticket-transition", args=[ticket.pk]), {"to": "open", "version": ticket.version})
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_requester_cancels_a_new_request(world, ticket, client_for):
    client_for(world.alice).post(
        reverse("ticket-transition", args=[ticket.pk]), {"to": "cancelled", "version": ticket.version})
    ticket.refresh_from_db()
    assert ticket.status == "cancelled"


def test_requester_cannot_resolve_and_is_told_why(world, ticket, client_for):
    response = client_for(world.alice).post(
        reverse("ticket-transition", args=[ticket.pk]), {"to": "resolved", "version": ticket.version})
    assert "cannot become resolved" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_agent_status_choices_are_the_allowed_transitions(world, ticket, client_for):
    response = page(client_for(world.it_agent), ticket)
    choices = [value for value, _label in response.context["transition_form"].fields["to"].choices]
    assert choices == ["", "open", "pending", "resolved", "cancelled"]


def test_agent_pressing_change_without_a_status_is_told_to_choose(world, ticket, client_for):
    response = client_for(world.it_agent).post(
        reverse("ticket-transition", args=[ticket.pk]), {"to": "", "version": ticket.version})
    assert response.context["transition_form"].errors["to"] == ["This field is required."]
    assert '<p class="error">This field is required.</p>' in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_agent_of_a_closed_ticket_gets_no_status_choice(world, ticket, client_for):
    services.ticket_transition(ticket=ticket, to="cancelled", actor=world.alice)
    response = page(client_for(world.it_agent), ticket)
    assert response.context["targets"] == []
    assert "No further status changes." in response.content.decode()


def test_assign_choices_are_the_team_members(world, ticket, client_for):
    response = page(client_for(world.it_lead), ticket)
    choices = [value for value, _label in response.context["assign_form"].fields["assignee"].choices]
    assert choices == ["", world.it_agent.pk, world.it_lead.pk]


def test_agent_assigns_to_themselves(world, ticket, client_for):
    response = client_for(world.it_agent).post(
        reverse("ticket-assign", args=[ticket.pk]), {"assignee": world.it_agent.pk, "version": ticket.version},
        follow=True)
    ticket.refresh_from_db()
    assert ticket.assignee == world.it_agent
    assert f"Assigned to {world.it_agent.display_name}." in response.content.decode()


def test_agent_unassigns(world, ticket, client_for):
    ticket = services.ticket_assign(ticket=ticket, assignee=world.it_agent, actor=world.it_lead)
    client_for(world.it_lead).post(reverse("ticket-assign", args=[ticket.pk]), {"assignee": "", "version": ticket.version})
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_history_is_human_readable(world, ticket, client_for):
    ticket = services.ticket_transition(ticket=ticket, to="pending", actor=world.it_agent)
    ticket = services.ticket_set_priority(ticket=ticket, priority="P1", actor=world.it_lead)
    services.ticket_assign(ticket=ticket, assignee=world.it_agent, actor=world.it_lead)
    html = page(client_for(world.it_agent), ticket).content.decode()
    assert "Filed the request" in html
    assert "Changed the status from new to waiting on requester" in html
    assert "Changed the priority from P3 · normal to P1 · urgent" in html
    assert f"Assigned to {world.it_agent.display_name}" in html


def test_agent_reply_goes_public_and_opens_the_ticket(world, ticket, client_for):
    response = client_for(world.it_agent).post(
        reverse("ticket-reply", args=[ticket.pk]),
        {"body": "Bring it to desk 4", "kind": "reply", "version": ticket.version}, follow=True)
    assert "Your reply was sent." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.comments.get().is_internal is False


def test_reply_with_files_attaches_them_to_the_comment(world, ticket, client_for):
    client_for(world.alice).post(reverse("ticket-reply", args=[ticket.pk]), {
        "body": "Logs attached", "version": ticket.version,
        "attachments": [upload("boot.log", b"error", "text/plain"), upload("shot.png")],
    })
    comment = ticket.comments.get()
    assert sorted(comment.attachments.values_list("original_name", flat=True)) == ["boot.log", "shot.png"]


@pytest.fixture
def clocked_ticket(world, file_ticket, it_standard):
    """A ticket with running clocks whose due times the tests set."""
    ticket = file_ticket()
    assert ticket.sla_clocks.count() == 2
    return ticket


def set_clock(ticket, kind, **values):
    SLAClock.objects.filter(ticket=ticket, kind=kind).update(**values)


def test_sla_due_time_is_in_the_viewers_time_zone(world, clocked_ticket, client_for):
    world.it_agent.timezone = "Asia/Shanghai"
    world.it_agent.save()
    due = dt.datetime(2031, 3, 4, 1, 30, tzinfo=dt.UTC)
    set_clock(clocked_ticket, "first_response", due_at=due, warn_at=due - dt.timedelta(minutes=10))
    html = page(client_for(world.it_agent), clocked_ticket).content.decode()
    assert "2031-03-04 09:30 (UTC+0800)" in html  # an offset: "CST" is also US Central


@pytest.mark.parametrize(("due_in", "warn_in", "state", "text"), [
    (dt.timedelta(hours=3, minutes=5), dt.timedelta(hours=2), "on_track", "3 h 4 min left"),
    (dt.timedelta(minutes=20), dt.timedelta(minutes=-5), "at_risk", "19 min left"),
    (dt.timedelta(hours=-2), dt.timedelta(hours=-3), "breached", "overdue by 2 h 0 min"),
])
def test_sla_clock_shows_time_left_and_colour(world, clocked_ticket, client_for, due_in, warn_in, state, text):
    now = timezone.now()
    set_clock(clocked_ticket, "first_response", due_at=now + due_in, warn_at=now + warn_in)
    response = page(client_for(world.it_agent), clocked_ticket)
    clock = next(c for c in response.context["clocks"] if c.kind == "first_response")
    assert clock.state == state
    html = response.content.decode()
    assert f'class="clock sla-{state}"' in html
    assert text in html


def test_met_clock_is_shown_as_met(world, clocked_ticket, client_for):
    services.comment_create(ticket=clocked_ticket, author=world.it_agent, body="On it")
    response = page(client_for(world.it_agent), clocked_ticket)
    clock = next(c for c in response.context["clocks"] if c.kind == "first_response")
    assert clock.state == "met"
    assert clock.remaining == ""


def test_ticket_without_standard_says_so(world, ticket, client_for):
    html = page(client_for(world.it_agent), ticket).content.decode()
    assert "No service standard applies to this request." in html


def test_sla_clocks_are_not_on_the_requester_page(world, clocked_ticket, client_for):
    html = page(client_for(world.alice), clocked_ticket).content.decode()
    assert 'class="clock ' not in html


def test_times_on_the_page_follow_the_viewer(world, ticket, client_for):
    world.alice.timezone = "America/New_York"
    world.alice.save()
    local = timezone.localtime(ticket.created_at, zoneinfo.ZoneInfo("America/New_York"))
    html = page(client_for(world.alice), ticket).content.decode()
    assert local.strftime("%Y-%m-%d %H:%M") in html


def test_language_switch_after_a_refused_change_returns_to_the_ticket(world, ticket, client_for):
    response = client_for(world.alice).post(reverse("ticket-reply", args=[ticket.pk]),
                                            {"body": "", "version": ticket.version})
    url = reverse("ticket-detail", args=[ticket.pk])
    assert f'name="next" value="{url}"' in response.content.decode()


def test_the_requester_reads_when_the_team_aims_to_reply_and_resolve(world, clocked_ticket, client_for):
    world.alice.timezone = "Asia/Shanghai"
    world.alice.save()
    reply_by = dt.datetime(2031, 3, 3, 1, 15, tzinfo=dt.UTC)  # Monday 09:15 in Shanghai
    resolve_by = dt.datetime(2031, 3, 5, 9, 0, tzinfo=dt.UTC)  # Wednesday 17:00 in Shanghai
    set_clock(clocked_ticket, "first_response", due_at=reply_by, warn_at=reply_by - dt.timedelta(hours=1))
    set_clock(clocked_ticket, "resolution", due_at=resolve_by, warn_at=resolve_by - dt.timedelta(hours=1))
    html = page(client_for(world.alice), clocked_ticket).content.decode()
    assert "We aim to reply by Mon 2031-03-03 09:15." in html
    assert "We aim to resolve it by Wed 2031-03-05 17:00." in html
    assert "at risk" not in html and "Service standard" not in html  # nothing internal


def test_the_requester_is_told_when_a_promise_was_missed_or_paused(world, clocked_ticket, client_for):
    late = timezone.now() - dt.timedelta(hours=2)
    set_clock(clocked_ticket, "first_response", due_at=late, warn_at=late - dt.timedelta(hours=1))
    set_clock(clocked_ticket, "resolution", paused_at=timezone.now())
    html = page(client_for(world.alice), clocked_ticket).content.decode()
    assert "We aimed to reply by" in html
    assert "Paused while the team waits for your reply." in html
    services.comment_create(ticket=clocked_ticket, author=world.it_agent, body="Here")
    html = page(client_for(world.alice), clocked_ticket).content.decode()
    assert "We aimed to reply by" not in html  # answered: nothing more to promise about it


def test_the_requester_reads_the_promise_in_chinese(world, clocked_ticket, client_for):
    due = dt.datetime(2031, 3, 3, 1, 15, tzinfo=dt.UTC)
    world.alice.timezone = "Asia/Shanghai"
    world.alice.save()
    set_clock(clocked_ticket, "first_response", due_at=due, warn_at=due - dt.timedelta(hours=1))
    client = client_for(world.alice)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = page(client, clocked_ticket).content.decode()
    assert "星期一 2031-03-03 09:15" in html
    assert "We aim to reply by" not in html
