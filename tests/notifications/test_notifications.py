"""Who hears about what: preferences respected, internal notes never sent to requesters,
delivery exactly once with retries, and the leads' digest."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from notifications import digest
from notifications import services as notify
from notifications.models import Notification, OutboxMessage, Preference
from tickets import services


def _deliver():
    return notify.deliver_outbox(now=timezone.now() + dt.timedelta(seconds=1))


def test_public_reply_reaches_the_requester_by_email_and_in_the_app(world, file_ticket):
    ticket = file_ticket()

    services.comment_create(ticket=ticket, author=world.it_agent, body="We are on it")
    _deliver()

    assert Notification.objects.filter(user=world.alice, ticket=ticket, event="ticket_reply").count() == 1
    assert [m.to for m in mail.outbox if "New reply" in m.subject] == [[world.alice.email]]
    html = mail.outbox[-1].alternatives[0][0]
    assert ticket.reference in html


def test_internal_note_never_reaches_the_requester(world, file_ticket):
    ticket = file_ticket()

    services.comment_create(ticket=ticket, author=world.it_agent, body="Secret: warranty expired", internal=True)
    _deliver()

    assert not OutboxMessage.objects.filter(recipient=world.alice).exclude(event="ticket_created").exists()
    assert not any("warranty" in m.body for m in mail.outbox)


def test_preference_in_app_only_sends_no_email(world, file_ticket):
    Preference.objects.create(user=world.alice, event="ticket_reply", delivery="in_app")
    ticket = file_ticket()

    services.comment_create(ticket=ticket, author=world.it_agent, body="Hello")
    _deliver()

    assert Notification.objects.filter(user=world.alice, event="ticket_reply").exists()
    assert not any(world.alice.email in m.to for m in mail.outbox)


def test_preference_none_sends_nothing(world, file_ticket):
    Preference.objects.create(user=world.alice, event="ticket_reply", delivery="none")
    ticket = file_ticket()

    services.comment_create(ticket=ticket, author=world.it_agent, body="Hello")

    assert not OutboxMessage.objects.filter(recipient=world.alice, event="ticket_reply").exists()


def test_assignee_hears_of_assignment_and_requester_reply(world, file_ticket):
    ticket = file_ticket()
    services.ticket_assign(ticket=ticket, assignee=world.it_agent, actor=world.it_lead)
    services.comment_create(ticket=ticket, author=world.alice, body="Any news?")

    events = set(OutboxMessage.objects.filter(recipient=world.it_agent).values_list("event", flat=True))
    assert events == {"ticket_assigned", "requester_reply"}


def test_lead_hears_of_new_unassigned_tickets(world, file_ticket):
    file_ticket()

    assert OutboxMessage.objects.filter(recipient=world.it_lead, event="ticket_created").exists()


def test_delivery_sends_each_message_once(world, file_ticket):
    ticket = file_ticket()
    services.comment_create(ticket=ticket, author=world.it_agent, body="Hello")

    first, second = _deliver(), _deliver()

    assert first > 0 and second == 0
    assert len([m for m in mail.outbox if world.alice.email in m.to]) == 1


def test_failed_email_is_retried_with_back_off(world, file_ticket, smtp_sink):
    ticket = file_ticket()
    services.comment_create(ticket=ticket, author=world.it_agent, body="Hello")
    OutboxMessage.objects.exclude(recipient=world.alice, channel="email", event="ticket_reply").delete()
    email = OutboxMessage.objects.get(recipient=world.alice, channel="email", event="ticket_reply")
    smtp_sink.refuse = 1

    _deliver()
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("pending", 1) and "Try again later" in email.last_error
    assert email.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)
    assert smtp_sink.count() == 0

    notify.deliver_outbox(now=email.next_attempt_at + dt.timedelta(seconds=1))
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 2)
    assert smtp_sink.copies() == {notify.message_id(email): 1}


def test_lead_digest_only_for_leads_who_asked_and_once_a_day(world, file_ticket):
    file_ticket()
    assert digest.lead_digests_enqueue() == 0

    Preference.objects.create(user=world.it_lead, event="lead_digest", delivery="in_app")
    digest.lead_digests_enqueue()
    digest.lead_digests_enqueue()

    message = OutboxMessage.objects.get(event="lead_digest")
    assert message.recipient == world.it_lead and "new and unassigned: 1" in message.body


def test_translated_text_in_the_recipients_language(world, file_ticket):
    world.alice.language = "zh-hans"
    world.alice.save()
    ticket = file_ticket()

    services.comment_create(ticket=ticket, author=world.it_agent, body="Hello")

    subject = OutboxMessage.objects.filter(recipient=world.alice, event="ticket_reply").first().subject
    assert ticket.reference in subject


@pytest.mark.parametrize("ids", [None, "one"])
def test_mark_read(world, file_ticket, ids):
    ticket = file_ticket()
    services.comment_create(ticket=ticket, author=world.it_agent, body="Hello")
    services.ticket_transition(ticket=ticket, to="pending", actor=world.it_agent)
    _deliver()
    first = Notification.objects.filter(user=world.alice).first()

    notify.notifications_mark_read(user=world.alice, ids=[first.pk] if ids else None)

    unread = Notification.objects.filter(user=world.alice, read_at__isnull=True).count()
    assert unread == (Notification.objects.filter(user=world.alice).count() - 1 if ids else 0)
