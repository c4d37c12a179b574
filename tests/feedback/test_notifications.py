"""The team lead hears of new feedback and the sender of the answer and each status move,
through the notification outbox, respecting preferences, in each recipient's language."""

from django.core import mail

from feedback import services
from notifications import services as notify
from notifications.models import Notification, OutboxMessage, Preference


def _deliver(clock):
    notify.deliver_outbox(now=clock.at, batch_size=1000)


def test_the_lead_is_told_of_new_feedback_in_simplified_chinese(world, send, clock):
    world.it_lead.language = "zh-hans"
    world.it_lead.save()
    world.it.translations = {"zh-hans": {"name": "IT 支持"}}
    world.it.save()

    feedback = send(world.bob, world.it, kind="complaint")
    _deliver(clock)

    note = Notification.objects.get(user=world.it_lead, event=notify.FEEDBACK_RECEIVED)
    assert note.title.startswith("IT 支持：") and "投诉" in note.title, note.title
    assert note.url == f"/feedback/{feedback.pk}/"
    [email] = [m for m in mail.outbox if world.it_lead.email in m.to]
    assert "投诉" in email.subject and "打开" in email.body, (email.subject, email.body)


def test_the_sender_is_told_of_the_answer_and_the_status_in_simplified_chinese(world, send, clock):
    world.bob.language = "zh-hans"
    world.bob.save()
    feedback = send(world.bob, world.it, kind="suggestion")

    services.feedback_answer(feedback=feedback, actor=world.it_lead, answer="Thanks, done.",
                             status="acknowledged", note="Seen.")
    _deliver(clock)

    titles = dict(Notification.objects.filter(user=world.bob).values_list("event", "title"))
    assert set(titles) == {notify.FEEDBACK_ANSWERED, notify.FEEDBACK_STATUS}
    assert "答复" in titles[notify.FEEDBACK_ANSWERED] and "建议" in titles[notify.FEEDBACK_ANSWERED]
    assert "已确认" in titles[notify.FEEDBACK_STATUS], titles
    assert all(not any(c.isascii() and c.isalpha() for c in title.replace("IT Support", "")) for title in titles.values())


def test_the_sender_who_turned_answers_off_gets_none_but_still_hears_of_status_moves(world, send, clock):
    Preference.objects.create(user=world.bob, event=notify.FEEDBACK_ANSWERED, delivery=Preference.Delivery.NONE)
    Preference.objects.create(user=world.bob, event=notify.FEEDBACK_STATUS, delivery=Preference.Delivery.IN_APP)
    feedback = send(world.bob, world.it)

    services.feedback_answer(feedback=feedback, actor=world.it_lead, answer="Noted.", status="acknowledged",
                             note="Seen.")

    sent = set(OutboxMessage.objects.filter(recipient=world.bob).values_list("event", "channel"))
    assert sent == {(notify.FEEDBACK_STATUS, "in_app")}


def test_a_lead_who_sends_feedback_to_their_own_team_is_not_told_of_it(world, send):
    send(world.it_lead, world.it, kind="suggestion")

    assert not OutboxMessage.objects.filter(event=notify.FEEDBACK_RECEIVED).exists()


def test_the_leads_of_the_team_only_are_told(world, send, hr_lead):
    send(world.bob, world.hr)

    told = set(OutboxMessage.objects.filter(event=notify.FEEDBACK_RECEIVED).values_list("recipient__username",
                                                                                          flat=True))
    assert told == {"hr.lead"}


def test_feedback_to_a_team_without_a_lead_goes_to_the_service_admins(world, send):
    # HR has no lead in this world: nobody would hear of it otherwise
    send(world.bob, world.hr, kind="complaint")

    told = set(OutboxMessage.objects.filter(event=notify.FEEDBACK_RECEIVED).values_list("recipient__username",
                                                                                          flat=True))
    assert told == {"admin"}
