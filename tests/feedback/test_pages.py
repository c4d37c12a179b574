"""The feedback pages as people use them: sending (with a file, anonymously), the refusals
on the form with nothing stored, the lead's list with its counts and filters, the answer
form, and what the sender then reads under My feedback."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from feedback import services
from feedback.models import Feedback, FeedbackAttachment, FeedbackEvent
from notifications.models import OutboxMessage
from tests.tickets.services.test_attachment_types import EXE, png_bytes


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_employee_sends_feedback_with_a_file_and_reads_it_on_its_page(world):
    bob = signed_in(world.bob)

    response = bob.post(reverse("feedback-new"), {
        "team": world.hr.pk, "kind": "complaint", "text": "Onboarding took **three** weeks.",
        "attachment": SimpleUploadedFile("timeline.png", png_bytes()), "anonymous": "on"}, follow=True)

    feedback = Feedback.objects.get()
    assert (feedback.team, feedback.sender, feedback.kind, feedback.anonymous) == (world.hr, world.bob, "complaint",
                                                                                  True)
    assert response.redirect_chain[-1][0] == reverse("feedback-detail", args=[feedback.pk])
    assert b"<strong>three</strong>" in response.content and b"timeline.png" in response.content
    assert b"Your feedback was sent to HR Services." in response.content


def test_the_senders_text_cannot_run_script(world):
    feedback = services.feedback_create(sender=world.bob, team=world.it, kind="complaint",
                                        text='<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=y>')

    page = signed_in(world.it_lead).get(reverse("feedback-detail", args=[feedback.pk])).content

    assert b"<script>alert" not in page and b"javascript:" not in page and b"onerror" not in page


def test_a_file_of_the_wrong_type_is_refused_on_the_form_and_nothing_is_stored(world):
    response = signed_in(world.bob).post(reverse("feedback-new"), {
        "team": world.hr.pk, "kind": "complaint", "text": "See the file.",
        "attachment": SimpleUploadedFile("photo.png", EXE)})

    assert response.status_code == 200
    assert response.context["form"].errors["attachment"] == ["The file's content does not match its type."]
    assert b"For your safety the file you chose was not kept" in response.content
    assert not Feedback.objects.exists() and not FeedbackAttachment.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_every_missing_field_is_named_on_the_form(world):
    response = signed_in(world.bob).post(reverse("feedback-new"), {"team": "", "kind": "", "text": "  "})

    assert set(response.context["form"].errors) >= {"team", "kind", "text"}
    assert not Feedback.objects.exists()


def test_the_leads_list_counts_by_status_and_filters_by_kind_and_status(world):
    for kind in ("complaint", "complaint", "praise", "suggestion"):
        services.feedback_create(sender=world.bob, team=world.it, kind=kind, text=f"A {kind}.")
    services.feedback_create(sender=world.bob, team=world.hr, kind="complaint", text="HR's.")
    first = Feedback.objects.filter(team=world.it, kind="complaint").first()
    services.feedback_answer(feedback=first, actor=world.it_lead, status="acknowledged", note="Seen.")
    lead = signed_in(world.it_lead)

    everything = lead.get(reverse("team-feedback", args=["it"]))
    complaints = lead.get(reverse("team-feedback", args=["it"]) + "?kind=complaint&status=new")
    nonsense = lead.get(reverse("team-feedback", args=["it"]) + "?kind=rant")

    assert [(v, n) for v, _label, n in everything.context["status_counts"]] == [
        ("new", 3), ("acknowledged", 1), ("acted_on", 0), ("declined", 0)]
    assert everything.context["total"] == 4
    assert len(everything.context["page"].object_list) == 4
    assert [item.text for item in complaints.context["page"].object_list] == ["A complaint."]
    assert nonsense.status_code == 200 and len(nonsense.context["page"].object_list) == 4  # a bad filter is dropped


def test_the_lead_answers_and_moves_it_on_and_the_sender_reads_it_under_my_feedback(world):
    feedback = services.feedback_create(sender=world.bob, team=world.it, kind="suggestion", text="Chat support?")
    lead = signed_in(world.it_lead)

    lead.post(reverse("feedback-answer", args=[feedback.pk]),
              {"answer": "We will try it in March.", "status": "acknowledged", "note": "Planned."})
    mine = signed_in(world.bob).get(reverse("feedback-mine"))
    page = signed_in(world.bob).get(reverse("feedback-detail", args=[feedback.pk]))

    assert b"answered" in mine.content and b"Acknowledged" in mine.content
    assert b"We will try it in March." in page.content and b"Planned." in page.content
    assert "changed the status: new → acknowledged" in page.content.decode()


def test_a_status_move_without_a_note_is_refused_on_the_form_and_changes_nothing(world):
    feedback = services.feedback_create(sender=world.bob, team=world.it, kind="suggestion", text="Chat support?")

    response = signed_in(world.it_lead).post(reverse("feedback-answer", args=[feedback.pk]),
                                             {"answer": "Yes.", "status": "acknowledged", "note": ""})

    assert response.status_code == 400
    assert response.context["form"].errors["note"] == ["A status change needs a note."]
    assert Feedback.objects.get(pk=feedback.pk).answer == "" and not FeedbackEvent.objects.exists()


def test_final_feedback_offers_no_status_any_more(world):
    feedback = services.feedback_create(sender=world.bob, team=world.it, kind="suggestion", text="Chat support?")
    services.feedback_answer(feedback=feedback, actor=world.it_lead, status="acknowledged", note="Seen.")
    services.feedback_answer(feedback=feedback, actor=world.it_lead, status="declined", note="No budget.")

    page = signed_in(world.it_lead).get(reverse("feedback-detail", args=[feedback.pk]))

    assert page.context["form"].fields["status"].choices == [("", "Keep the status")]
    assert b"This feedback has reached its final status." in page.content


def test_the_header_links_to_feedback_for_everyone(world):
    page = signed_in(world.alice).get(reverse("my-requests"))

    assert f'href="{reverse("feedback-mine")}"'.encode() in page.content


def test_my_feedback_lists_only_mine_and_tells_a_lead_of_their_teams_new_feedback(world):
    services.feedback_create(sender=world.bob, team=world.it, kind="praise", text="Thanks.")
    services.feedback_create(sender=world.alice, team=world.it, kind="praise", text="Thanks too.")

    bobs = signed_in(world.bob).get(reverse("feedback-mine"))
    leads = signed_in(world.it_lead).get(reverse("feedback-mine"))

    assert [f.sender for f in bobs.context["page"].object_list] == [world.bob]
    assert bobs.context["handled"] == []
    assert leads.context["handled"] == [(world.it, 2, 2)]


def test_the_leads_list_costs_the_same_number_of_queries_for_a_full_page(world, django_assert_max_num_queries):
    for n in range(25):
        services.feedback_create(sender=world.bob, team=world.it, kind="praise", text=f"Thanks {n}",
                                 anonymous=n % 2 == 0)
    lead = signed_in(world.it_lead)

    with django_assert_max_num_queries(9):
        response = lead.get(reverse("team-feedback", args=["it"]))
    assert len(response.context["page"].object_list) == 20
