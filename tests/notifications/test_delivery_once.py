"""Email delivery once: a claimed message belongs to its deliverer until the claim runs
out, a dead deliverer's claim is taken again, every attempt carries the same Message-ID,
and no stored text can break the subject header."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from notifications import services as notify
from notifications.models import OutboxMessage
from servicedesk.claims import claim_due
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now() + dt.timedelta(seconds=1)


@pytest.fixture
def email(world, file_ticket):
    """The requester's email about a reply, alone in the outbox."""
    ticket = file_ticket()
    services.comment_create(ticket=ticket, author=world.it_agent, body="We are on it")
    OutboxMessage.objects.exclude(recipient=world.alice, channel="email", event="ticket_reply").delete()
    return OutboxMessage.objects.get()


def _pending():
    return OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING)


def test_a_claimed_message_is_not_taken_by_a_second_deliverer(email, now):
    # Given a first deliverer has claimed the message (committed) and not yet sent it
    claim = claim_due(_pending(), now=now, lease=dt.timedelta(minutes=5), batch_size=10)
    assert [m.pk for m in claim.rows] == [email.pk]

    # When a second deliverer runs a minute later
    taken = notify.deliver_outbox(now=now + dt.timedelta(minutes=1))

    # Then it takes nothing and sends nothing; the message is still the first one's
    assert taken == 0 and mail.outbox == []
    email.refresh_from_db()
    assert (email.state, email.next_attempt_at) == ("pending", claim.until)


def test_an_expired_claim_is_taken_again_and_sent_once(email, now):
    # Given a deliverer claimed the message for 5 minutes and died before sending it
    claim = claim_due(_pending(), now=now, lease=dt.timedelta(minutes=5), batch_size=10)

    # When another deliverer runs after the 5 minutes, twice
    first = notify.deliver_outbox(now=now + dt.timedelta(minutes=5, seconds=1))
    second = notify.deliver_outbox(now=now + dt.timedelta(minutes=5, seconds=2))

    # Then the message is sent once, and the dead deliverer's claim can record nothing
    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [[email.address]]
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 1)
    assert claim.held(email).update(state="failed") == 0


def test_message_id_is_the_same_when_an_accepted_email_is_sent_again(email, now, smtp_sink):
    # Given an SMTP server that accepts the email but whose reply never reaches the sender
    smtp_sink.drop_after_accept = 1

    # When delivery runs, fails for want of the reply, and runs again after the back-off
    notify.deliver_outbox(now=now)
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("pending", 1)
    notify.deliver_outbox(now=email.next_attempt_at + dt.timedelta(seconds=1))

    # Then the server holds two copies with one Message-ID, that of the outbox row
    email.refresh_from_db()
    assert email.state == "sent"
    assert smtp_sink.copies() == {notify.message_id(email): 2}
    assert notify.message_id(email).startswith(f"<outbox.{email.pk}.")


def test_a_title_with_cr_lf_gives_a_one_line_subject_and_the_email_is_sent(world, file_ticket, now):
    # Given a ticket whose stored title holds line breaks and a would-be header
    ticket = file_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(title="Printer\r\nBcc: someone@example.com\x1b\t\u2028jammed")
    ticket.refresh_from_db()

    # When the team replies and the outbox is delivered
    services.comment_create(ticket=ticket, author=world.it_agent, body="Looking")
    notify.deliver_outbox(now=now)

    # Then the requester's email is sent with the title on the subject's one line
    sent = [m for m in mail.outbox if m.to == [world.alice.email]]
    assert len(sent) == 1
    subject = sent[0].message()["Subject"]
    assert subject == f"[{ticket.reference}] New reply: Printer Bcc: someone@example.com jammed"
    assert sent[0].message()["Bcc"] is None
    assert OutboxMessage.objects.get(recipient=world.alice, channel="email", event="ticket_reply").state == "sent"


def test_a_stored_subject_with_line_breaks_is_sent_on_one_line(email, now):
    # Given an outbox row written before subjects were made one line
    OutboxMessage.objects.filter(pk=email.pk).update(subject="Hello\r\n\r\nX-Injected: yes\n")

    # When it is delivered
    notify.deliver_outbox(now=now)

    # Then it is sent, with a one-line subject and no injected header
    email.refresh_from_db()
    assert email.state == "sent", email.last_error
    message = mail.outbox[0].message()
    assert (message["Subject"], message["X-Injected"]) == ("Hello X-Injected: yes", None)
