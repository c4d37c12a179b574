"""Who sees which feedback, on the pages and in the API: the sender, the lead of the team
it was sent to, the lead of another team, an agent of that team (not its lead), another
employee and a service admin; and anonymity to the team: the lead never sees the sender,
a service admin does. What is out of reach is a 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from feedback import services
from feedback.models import Feedback
from notifications.models import OutboxMessage
from tests.tickets.services.test_attachment_types import png_bytes

PERSONAS = ["sender", "lead", "other_lead", "agent", "other_employee", "admin"]
# The team's other agents see nothing of it: feedback may be about them, and it is the
# lead's to act on (feedback.selectors).
SEES = {"sender": True, "lead": True, "other_lead": False, "agent": False, "other_employee": False, "admin": True}
HANDLES = {"sender": False, "lead": True, "other_lead": False, "agent": False, "other_employee": False,
           "admin": True}


@pytest.fixture
def people(world, hr_lead):
    world.bob.first_name, world.bob.last_name = "Bob", "Marley"
    world.bob.save()
    return {"sender": world.bob, "lead": world.it_lead, "other_lead": hr_lead, "agent": world.it_agent,
            "other_employee": world.alice, "admin": world.admin}


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def feedback(world, send, people):
    return services.feedback_create(sender=world.bob, team=world.it, kind="complaint", text="Slow laptops.",
                                    attachment=SimpleUploadedFile("evidence.png", png_bytes()))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_item_page_and_its_file_are_for_the_sender_the_lead_and_admins(people, feedback, persona):
    client = page_client(people[persona])

    page = client.get(reverse("feedback-detail", args=[feedback.pk]))
    download = client.get(reverse("feedback-attachment", args=[feedback.pk]))

    expected = 200 if SEES[persona] else 404
    assert (page.status_code, download.status_code) == (expected, expected)
    if SEES[persona]:
        assert b"".join(download.streaming_content) == png_bytes()
        assert download["X-Content-Type-Options"] == "nosniff"
        # the answer form only for those who handle it
        assert (b'action="%s"' % reverse("feedback-answer", args=[feedback.pk]).encode() in page.content) \
            == HANDLES[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_teams_list_is_for_its_lead_and_admins(people, feedback, persona):
    response = page_client(people[persona]).get(reverse("team-feedback", args=["it"]))

    assert response.status_code == (200 if HANDLES[persona] else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_answering_on_the_page_is_for_the_lead_and_admins(people, feedback, persona):
    response = page_client(people[persona]).post(reverse("feedback-answer", args=[feedback.pk]),
                                                 {"answer": "We ordered new ones.", "status": "", "note": ""})

    stored = Feedback.objects.get(pk=feedback.pk)
    if HANDLES[persona]:
        assert response.status_code == 302
        assert stored.answer == "We ordered new ones."
    else:
        assert response.status_code == 404
        assert stored.answer == ""


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_lists_and_shows_what_the_pages_do(people, feedback, persona):
    client = api_client(people[persona])

    listed = [item["id"] for item in client.get("/api/v1/feedback/").json()["results"]]
    one = client.get(f"/api/v1/feedback/{feedback.pk}/")
    answer = client.post(f"/api/v1/feedback/{feedback.pk}/answer/", {"answer": "Thanks."}, format="json")

    assert listed == ([feedback.pk] if SEES[persona] else [])
    assert one.status_code == (200 if SEES[persona] else 404)
    # the sender sees it but may not answer it (403); out of reach is a 404
    assert answer.status_code == (200 if HANDLES[persona] else 403 if SEES[persona] else 404)


def test_signed_out_visitors_are_sent_to_sign_in_and_the_api_answers_401(feedback):
    for name, args in (("feedback-mine", []), ("feedback-new", []), ("feedback-detail", [feedback.pk]),
                       ("team-feedback", ["it"]), ("feedback-attachment", [feedback.pk])):
        assert Client().get(reverse(name, args=args)).status_code == 302
    assert APIClient().get("/api/v1/feedback/").status_code == 401


# --- anonymous to the team ---------------------------------------------------------------


@pytest.fixture
def anonymous(world, people):
    return services.feedback_create(sender=world.bob, team=world.it, kind="complaint",
                                    text="The lead never answers.", anonymous=True)


SENDER_TRACES = [b"Bob Marley", b'"username":"bob"', b'"username": "bob"', b"bob@example.com"]


def _traces(content: bytes) -> list[bytes]:
    return [trace for trace in SENDER_TRACES if trace in content]


def test_the_lead_never_sees_the_sender_of_anonymous_feedback(people, anonymous):
    pages, api = page_client(people["lead"]), api_client(people["lead"])

    responses = [
        pages.get(reverse("feedback-detail", args=[anonymous.pk])),
        pages.get(reverse("team-feedback", args=["it"])),
        api.get("/api/v1/feedback/"),
        api.get(f"/api/v1/feedback/{anonymous.pk}/"),
        api.get(f"/api/v1/feedback/?team={anonymous.team_id}&kind=complaint"),
    ]

    assert [r.status_code for r in responses] == [200] * 5
    assert [_traces(r.content) for r in responses] == [[]] * 5
    assert api.get(f"/api/v1/feedback/{anonymous.pk}/").json()["sender"] is None
    # nor after answering it
    api.post(f"/api/v1/feedback/{anonymous.pk}/answer/", {"status": "acknowledged", "note": "Seen."}, format="json")
    assert _traces(pages.get(reverse("feedback-detail", args=[anonymous.pk])).content) == []


def test_the_leads_notification_of_anonymous_feedback_does_not_name_the_sender(people, anonymous):
    messages = OutboxMessage.objects.filter(recipient=people["lead"])

    assert messages.count() == 2  # in the app and by email
    for message in messages:
        assert "Bob" not in f"{message.subject} {message.body}" and "bob" not in message.body
        assert message.url == reverse("feedback-detail", args=[anonymous.pk])


def test_a_service_admin_sees_who_sent_anonymous_feedback(people, anonymous):
    page = page_client(people["admin"]).get(reverse("feedback-detail", args=[anonymous.pk]))
    listed = page_client(people["admin"]).get(reverse("team-feedback", args=["it"]))
    api = api_client(people["admin"]).get(f"/api/v1/feedback/{anonymous.pk}/").json()

    assert b"Bob Marley" in page.content and b"Bob Marley" in listed.content
    assert api["sender"]["username"] == "bob" and api["anonymous"] is True


def test_the_sender_sees_their_own_anonymous_feedback_as_theirs(people, anonymous):
    page = page_client(people["sender"]).get(reverse("feedback-detail", args=[anonymous.pk]))

    assert b"Bob Marley" in page.content and b"anonymous to the team" in page.content


def test_signed_feedback_shows_its_sender_to_the_lead(people, feedback):
    page = page_client(people["lead"]).get(reverse("feedback-detail", args=[feedback.pk]))
    message = OutboxMessage.objects.filter(recipient=people["lead"], channel="in_app").get()

    assert b"Bob Marley" in page.content
    assert "Bob Marley" in message.subject


def test_the_new_feedback_form_says_plainly_who_sees_an_anonymous_senders_name(people):
    page = page_client(people["other_employee"]).get(reverse("feedback-new"))

    assert b"The team and its lead will not see your name. Service admins can still see who sent it" in page.content
