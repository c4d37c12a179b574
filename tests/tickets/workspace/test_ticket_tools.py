"""The agent's tools on the ticket page: timeline, Markdown preview, canned responses,
links and merges, collaborators, transfers, the requester's other requests. Every
endpoint 404s for a ticket out of reach and refuses a stale page."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tickets import services
from tickets.models import CannedResponse, Collaborator, TicketLink


def url(name, ticket):
    return reverse(name, args=[ticket.pk])


def flashes(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- timeline ------------------------------------------------------------------------------------


def test_timeline_mixes_conversation_and_history_in_time_order(world, ticket, client_for):
    services.comment_create(ticket=ticket, author=world.it_agent, body="Secret cause", internal=True)
    ticket.refresh_from_db()
    services.ticket_set_priority(ticket=ticket, priority="P1", actor=world.it_lead)
    services.comment_create(ticket=ticket, author=world.it_agent, body="On my way")
    response = client_for(world.it_agent).get(url("ticket-detail", ticket))
    kinds = [(kind, getattr(item, "kind", None) or item.body) for kind, _at, item, _t in response.context["timeline"]]
    assert kinds[0] == ("event", "created")
    assert kinds.index(("comment", "Secret cause")) < kinds.index(("event", "priority")) \
        < kinds.index(("comment", "On my way"))
    # a message is not repeated as a "Replied" event; the note stays marked internal
    assert ("event", "comment") not in kinds and ("event", "note") not in kinds
    html = response.content.decode()
    assert "comment-internal" in html and "Changed the priority from P3 · normal to P1 · urgent" in html


def test_the_requester_sees_the_conversation_without_history(world, ticket, client_for):
    services.comment_create(ticket=ticket, author=world.it_agent, body="Secret cause", internal=True)
    response = client_for(world.alice).get(url("ticket-detail", ticket))
    assert "timeline" not in response.context
    assert "Secret cause" not in response.content.decode()


# --- Markdown preview ---------------------------------------------------------------------------


def test_markdown_preview_renders_and_escapes_script(world, client_for):
    response = client_for(world.it_agent).post(reverse("markdown-preview"), {
        "body": "**bold** <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"})
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_markdown_preview_needs_a_login_and_a_post(world, client):
    # A POST without a session goes to the sign-in page; a GET is the wrong method for
    # anyone (405, saying which method is allowed) and does not ask for a login first.
    response = client.post(reverse("markdown-preview"), {"body": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    response = client.get(reverse("markdown-preview"))
    assert response.status_code == 405 and response["Allow"] == "POST"

    client.force_login(world.it_agent)
    assert client.get(reverse("markdown-preview")).status_code == 405


def test_the_reply_box_has_a_preview_button(world, ticket, client_for):
    html = client_for(world.alice).get(url("ticket-detail", ticket)).content.decode()
    assert f'hx-post="{reverse("markdown-preview")}"' in html


# --- canned responses --------------------------------------------------------------------------


@pytest.fixture
def canned(world):
    return CannedResponse.objects.create(
        team=world.it, title="Reboot", body="Hello {requester_name}, about {reference} ({title}): please reboot.")


def test_canned_responses_of_the_team_are_offered(world, ticket, canned, client_for):
    CannedResponse.objects.create(team=world.hr, title="Payslip", body="x")
    response = client_for(world.it_agent).get(url("ticket-detail", ticket))
    assert [c.title for c in response.context["canned_responses"]] == ["Reboot"]
    assert f'hx-post="{url("ticket-canned", ticket)}"' in response.content.decode()


def test_inserting_a_canned_response_renders_its_placeholders(world, ticket, canned, client_for):
    response = client_for(world.it_agent).post(url("ticket-canned", ticket), {"canned": canned.pk, "body": ""})
    html = response.content.decode()
    assert html.strip().startswith('<textarea name="body"')
    assert 'id="id_body"' in html
    expected = f"Hello {world.alice.display_name}, about {ticket.reference} (Laptop does not boot): please reboot."
    assert expected in html


def test_inserting_keeps_the_draft_and_escapes_it(world, ticket, canned, client_for):
    response = client_for(world.it_agent).post(url("ticket-canned", ticket),
                                               {"canned": canned.pk, "body": "Draft <b>x</b>"})
    html = response.content.decode()
    assert "Draft &lt;b&gt;x&lt;/b&gt;\n\nHello" in html


def test_canned_response_of_another_team_is_404(world, ticket, client_for):
    hr_canned = CannedResponse.objects.create(team=world.hr, title="Payslip", body="x")
    response = client_for(world.it_agent).post(url("ticket-canned", ticket), {"canned": hr_canned.pk})
    assert response.status_code == 404


def test_canned_insertion_is_the_teams_only(world, ticket, canned, client_for):
    assert client_for(world.hr_agent).post(url("ticket-canned", ticket), {"canned": canned.pk}).status_code == 404
    assert client_for(world.alice).post(url("ticket-canned", ticket), {"canned": canned.pk}).status_code == 403


# --- links and merge ------------------------------------------------------------------------------


def test_link_by_reference_shows_on_both_tickets(world, ticket, file_ticket, client_for):
    other = file_ticket(title="Same laptop, other issue")
    client = client_for(world.it_agent)
    response = client.post(url("ticket-link", ticket),
                           {"link-reference": other.reference.lower(), "link-version": ticket.version}, follow=True)
    assert f"Linked to {other.reference}." in response.content.decode()
    assert TicketLink.objects.filter(source=ticket, target=other, kind="related").exists()
    back = client.get(url("ticket-detail", other))
    assert [(kind, t.pk) for kind, t in back.context["links"]] == [("related", ticket.pk)]


def test_link_to_an_unknown_or_invisible_ticket_is_a_form_error(world, ticket, file_ticket, client_for):
    hr_ticket = file_ticket(requester=world.bob, item=world.payslip)
    response = client_for(world.it_agent).post(url("ticket-link", ticket), {
        "link-reference": hr_ticket.reference, "link-version": ticket.version})
    assert response.context["link_form"].errors["reference"] == ["No request with this reference that you can see."]
    assert not TicketLink.objects.exists()


def test_merge_asks_for_confirmation_then_merges(world, ticket, file_ticket, client_for):
    target = file_ticket(title="The original")
    client = client_for(world.it_agent)
    data = {"merge-reference": target.reference, "merge-version": ticket.version}
    # the first POST only asks
    confirm = client.post(url("ticket-merge", ticket), data)
    assert confirm.status_code == 200
    assert "Merge this ticket into another?" in confirm.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"
    # the confirmed POST merges and lands on the surviving ticket
    response = client.post(url("ticket-merge", ticket), {**data, "merge-confirm": "True"})
    assert response.url == url("ticket-detail", target)
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    assert TicketLink.objects.get().kind == "duplicate"


def test_merge_from_a_stale_page_is_refused_with_a_message(world, ticket, file_ticket, client_for):
    target = file_ticket()
    stale = ticket.version
    services.comment_create(ticket=ticket, author=world.it_lead, body="Meanwhile")
    response = client_for(world.it_agent).post(url("ticket-merge", ticket), {
        "merge-reference": target.reference, "merge-version": stale, "merge-confirm": "True"}, follow=True)
    assert "was changed by someone else" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert not TicketLink.objects.exists()


# --- collaborators and transfer ------------------------------------------------------------------


def test_collaborator_choices_are_agents_of_other_teams(world, ticket, client_for):
    response = client_for(world.it_agent).get(url("ticket-detail", ticket))
    choices = [v for v, _l in response.context["collaborator_form"].fields["user"].choices]
    assert choices == ["", world.hr_agent.pk]


def test_add_a_collaborator(world, ticket, client_for):
    response = client_for(world.it_agent).post(url("ticket-collaborator-add", ticket), {
        "user": world.hr_agent.pk, "version": ticket.version}, follow=True)
    assert Collaborator.objects.filter(ticket=ticket, user=world.hr_agent).exists()
    assert f"{world.hr_agent.display_name} now collaborates on this ticket." in response.content.decode()
    # the collaborator now sees the ticket (notes only)
    assert client_for(world.hr_agent).get(url("ticket-detail", ticket)).status_code == 200


def test_a_requester_cannot_be_made_a_collaborator(world, ticket, client_for):
    response = client_for(world.it_agent).post(url("ticket-collaborator-add", ticket), {
        "user": world.bob.pk, "version": ticket.version})
    assert "user" in response.context["collaborator_form"].errors
    assert not Collaborator.objects.exists()


def test_transfer_with_a_reason(world, ticket, client_for):
    response = client_for(world.it_lead).post(url("ticket-transfer", ticket), {
        "team": world.hr.pk, "reason": "It is about pay", "version": ticket.version})
    ticket.refresh_from_db()
    assert ticket.team == world.hr
    # the IT lead no longer sees it: back to the IT queue
    assert response.url == reverse("team-queue", args=["it"])
    assert ticket.events.get(kind="team").data["reason"] == "It is about pay"


def test_transfer_without_a_reason_is_refused(world, ticket, client_for):
    response = client_for(world.it_lead).post(url("ticket-transfer", ticket), {
        "team": world.hr.pk, "reason": "", "version": ticket.version})
    assert "reason" in response.context["transfer_form"].errors
    ticket.refresh_from_db()
    assert ticket.team == world.it


def test_transfer_from_a_stale_page_is_a_conflict(world, ticket, client_for):
    stale = ticket.version
    services.ticket_set_priority(ticket=ticket, priority="P1", actor=world.it_lead)
    response = client_for(world.it_agent).post(url("ticket-transfer", ticket), {
        "team": world.hr.pk, "reason": "pay", "version": stale}, follow=True)
    assert "was changed by someone else" in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.team, ticket.priority) == (world.it, "P1")


# --- reach ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data"), [
    ("ticket-link", {"link-reference": "1", "link-version": 1}),
    ("ticket-merge", {"merge-reference": "1", "merge-version": 1, "merge-confirm": "True"}),
    ("ticket-collaborator-add", {"user": 1, "version": 1}),
    ("ticket-transfer", {"team": 1, "reason": "x", "version": 1}),
    ("ticket-canned", {"canned": 1}),
])
def test_hr_agent_cannot_act_on_it_tickets(world, ticket, client_for, name, data):
    response = client_for(world.hr_agent).post(url(name, ticket), data)
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert (ticket.team, ticket.status) == (world.it, "new")
    assert not Collaborator.objects.exists() and not TicketLink.objects.exists()


@pytest.mark.parametrize("name", ["ticket-link", "ticket-merge", "ticket-collaborator-add", "ticket-transfer"])
def test_the_requester_cannot_use_the_agent_tools(world, ticket, client_for, name):
    assert client_for(world.alice).post(url(name, ticket), {"version": ticket.version}).status_code == 403


def test_a_collaborator_cannot_transfer(world, ticket, client_for):
    services.collaborator_add(ticket=ticket, user=world.hr_agent, actor=world.it_agent)
    ticket.refresh_from_db()
    response = client_for(world.hr_agent).post(url("ticket-transfer", ticket), {
        "team": world.hr.pk, "reason": "mine now", "version": ticket.version})
    assert response.status_code == 403


# --- other requests -------------------------------------------------------------------------------


def test_other_open_requests_of_the_requester(world, ticket, file_ticket, client_for):
    other_open = file_ticket(title="Second laptop")
    done = file_ticket(title="Old one")
    services.ticket_transition(ticket=done, to="resolved", actor=world.it_agent)
    hr_one = file_ticket(item=world.payslip, title="Pay question")
    file_ticket(requester=world.bob, title="Bob's")
    # the IT agent sees alice's other open IT request, not the HR one nor the resolved one
    it_view = client_for(world.it_agent).get(url("ticket-detail", ticket)).context["other_requests"]
    assert [t.pk for t in it_view] == [other_open.pk]
    # a service admin sees both teams' open ones
    admin_view = client_for(world.admin).get(url("ticket-detail", ticket)).context["other_requests"]
    assert {t.pk for t in admin_view} == {other_open.pk, hr_one.pk}
