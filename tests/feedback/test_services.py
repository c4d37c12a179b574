"""Sending feedback and the team's answer and status moves: who may, which moves are legal,
every change in the history, nothing half written on a refusal."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from feedback import services
from feedback.models import Feedback, FeedbackAttachment, FeedbackEvent
from notifications.models import OutboxMessage
from servicedesk.exceptions import ApplicationError
from tests.threads import run_together
from tests.tickets.services.test_attachment_types import EXE, png_bytes

Status = Feedback.Status


def test_feedback_is_stored_with_its_sender_and_starts_new(world, send):
    feedback = send(world.bob, world.hr, kind="complaint", text="  Onboarding\r\ntook three weeks.\x00 ")

    stored = Feedback.objects.get(pk=feedback.pk)
    assert (stored.team, stored.sender, stored.kind, stored.status) == (world.hr, world.bob, "complaint", "new")
    assert stored.text == "Onboarding\ntook three weeks."


def test_every_field_at_fault_is_named_at_once_and_nothing_is_stored(world):
    with pytest.raises(ApplicationError) as refused:
        services.feedback_create(sender=world.bob, team=None, kind="rant", text="   ",
                                 attachment=SimpleUploadedFile("cv.png", EXE))

    assert set(refused.value.field_errors) == {"team", "kind", "text", "attachment"}
    assert not Feedback.objects.exists() and not FeedbackAttachment.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_an_attachment_whose_content_is_of_another_type_is_refused(world):
    with pytest.raises(ApplicationError) as refused:
        services.feedback_create(sender=world.bob, team=world.it, kind="praise", text="Great!",
                                 attachment=SimpleUploadedFile("photo.png", EXE))

    assert refused.value.field_errors == {"attachment": "The file's content does not match its type."}
    assert not Feedback.objects.exists()


def test_a_real_file_is_kept_under_a_name_of_its_own(world):
    feedback = services.feedback_create(sender=world.bob, team=world.it, kind="praise", text="Thanks!",
                                        attachment=SimpleUploadedFile("bob smith.png", png_bytes()))

    attachment = FeedbackAttachment.objects.get(feedback=feedback)
    assert attachment.original_name == "bob smith.png" and attachment.content_type == "image/png"
    assert "bob" not in attachment.file.name
    assert attachment.file.read() == png_bytes()


def test_an_inactive_team_takes_no_feedback(world):
    world.hr.is_active = False
    world.hr.save()

    with pytest.raises(ApplicationError) as refused:
        services.feedback_create(sender=world.bob, team=world.hr, kind="praise", text="Thanks!")
    assert "team" in refused.value.field_errors


LEGAL = [
    (Status.NEW, Status.ACKNOWLEDGED),
    (Status.ACKNOWLEDGED, Status.ACTED_ON),
    (Status.ACKNOWLEDGED, Status.DECLINED),
]
ILLEGAL = [
    (Status.NEW, Status.ACTED_ON),
    (Status.NEW, Status.DECLINED),
    (Status.ACTED_ON, Status.ACKNOWLEDGED),
    (Status.ACTED_ON, Status.DECLINED),
    (Status.DECLINED, Status.ACKNOWLEDGED),
    (Status.DECLINED, Status.NEW),
    (Status.ACKNOWLEDGED, Status.NEW),
]


@pytest.mark.parametrize(("old", "new"), LEGAL)
def test_a_legal_status_move_is_made_and_recorded_with_who_when_and_the_note(world, send, clock, old, new):
    feedback = send()
    Feedback.objects.filter(pk=feedback.pk).update(status=old)

    changed = services.feedback_answer(feedback=feedback, actor=world.it_lead, status=new, note="Because.")

    assert changed.status == new and Feedback.objects.get(pk=feedback.pk).status == new
    event = FeedbackEvent.objects.get(feedback=feedback)
    assert (event.kind, event.old_value, event.new_value, event.note) == ("status", old, new, "Because.")
    assert (event.actor, event.created_at) == (world.it_lead, clock.at)


@pytest.mark.parametrize(("old", "new"), ILLEGAL)
def test_an_illegal_status_move_is_refused_on_the_status_field_and_changes_nothing(world, send, old, new):
    feedback = send()
    Feedback.objects.filter(pk=feedback.pk).update(status=old)
    outbox = OutboxMessage.objects.count()

    with pytest.raises(ApplicationError) as refused:
        services.feedback_answer(feedback=feedback, actor=world.it_lead, status=new, note="Because.",
                                 answer="We changed the process.")

    assert "status" in refused.value.field_errors
    stored = Feedback.objects.get(pk=feedback.pk)
    assert (stored.status, stored.answer) == (old, "")  # the answer in the same request is not kept either
    assert not FeedbackEvent.objects.exists() and OutboxMessage.objects.count() == outbox


def test_a_status_move_needs_a_note(world, send):
    feedback = send()

    with pytest.raises(ApplicationError) as refused:
        services.feedback_answer(feedback=feedback, actor=world.it_lead, status=Status.ACKNOWLEDGED, note="  ")

    assert "note" in refused.value.field_errors
    assert Feedback.objects.get(pk=feedback.pk).status == Status.NEW


def test_an_unknown_status_is_refused(world, send):
    with pytest.raises(ApplicationError) as refused:
        services.feedback_answer(feedback=send(), actor=world.it_lead, status="closed", note="x")
    assert "status" in refused.value.field_errors


def test_moving_to_the_status_it_has_changes_nothing(world, send):
    feedback = send()

    services.feedback_answer(feedback=feedback, actor=world.it_lead, status=Status.NEW)

    assert not FeedbackEvent.objects.exists()


def test_an_answer_and_a_status_move_are_two_entries_of_the_history(world, send):
    feedback = send()

    services.feedback_answer(feedback=feedback, actor=world.it_lead, answer="Thank you, we will look at it.",
                             status=Status.ACKNOWLEDGED, note="Seen.")
    services.feedback_answer(feedback=feedback, actor=world.admin, answer="We shortened onboarding.")

    stored = Feedback.objects.get(pk=feedback.pk)
    assert (stored.answer, stored.answered_by, stored.status) == ("We shortened onboarding.", world.admin,
                                                                  Status.ACKNOWLEDGED)
    history = [(e.kind, e.actor.username, e.old_value, e.new_value)
               for e in FeedbackEvent.objects.order_by("id")]
    assert history == [
        ("answer", "it.lead", "", "Thank you, we will look at it."),
        ("status", "it.lead", "new", "acknowledged"),
        ("answer", "admin", "Thank you, we will look at it.", "We shortened onboarding."),
    ]


def test_nothing_to_do_is_refused(world, send):
    with pytest.raises(ApplicationError) as refused:
        services.feedback_answer(feedback=send(), actor=world.it_lead)
    assert "answer" in refused.value.field_errors


@pytest.mark.parametrize("who", ["bob", "it_agent", "hr_agent", "alice"])
def test_only_the_teams_lead_or_a_service_admin_answers(world, send, who):
    feedback = send(world.bob, world.it)

    with pytest.raises(ApplicationError) as refused:
        services.feedback_answer(feedback=feedback, actor=getattr(world, who), answer="Fine.")

    assert refused.value.code == "permission_denied"
    assert Feedback.objects.get(pk=feedback.pk).answer == ""


def test_the_lead_of_another_team_does_not_answer(world, send, hr_lead):
    with pytest.raises(ApplicationError):
        services.feedback_answer(feedback=send(world.bob, world.it), actor=hr_lead, answer="Fine.")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_final_moves_leave_one_recorded_and_refuse_the_other(world, send):
    feedback = send()
    services.feedback_answer(feedback=feedback, actor=world.it_lead, status=Status.ACKNOWLEDGED, note="Seen.")
    moves = iter([(world.it_lead, Status.ACTED_ON), (world.admin, Status.DECLINED)])
    lock = threading.Lock()

    def move():
        with lock:
            actor, status = next(moves)
        try:
            services.feedback_answer(feedback=feedback, actor=actor, status=status, note="Decided.")
        except ApplicationError as refused:
            return ("refused", set(refused.field_errors))
        return ("moved", status)

    results = run_together(move, 2)

    assert sorted(r[0] for r in results) == ["moved", "refused"]
    assert ("refused", {"status"}) in results
    winner = next(r[1] for r in results if r[0] == "moved")
    assert Feedback.objects.get(pk=feedback.pk).status == winner
    finals = FeedbackEvent.objects.filter(feedback=feedback, new_value__in=[Status.ACTED_ON, Status.DECLINED])
    assert [(e.old_value, e.new_value) for e in finals] == [(Status.ACKNOWLEDGED, winner)]
