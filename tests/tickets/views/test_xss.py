"""User text renders inert: escaped where it is plain text, sanitised where it is Markdown."""

import pytest
from django.urls import reverse

from tickets import services

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = "[click me](javascript:alert(1))"
PAYLOAD = f"Before {SCRIPT} middle {IMG} and {LINK} after"


def assert_inert(html: str) -> None:
    assert SCRIPT not in html
    assert "<img" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


@pytest.mark.parametrize("who", ["alice", "it_agent"])
def test_description_renders_inert(world, file_ticket, client_for, who):
    # given a ticket whose description carries script, an event handler and a javascript: link
    ticket = file_ticket(description=PAYLOAD)
    # when the requester or the agent opens it
    html = client_for(getattr(world, who)).get(reverse("ticket-detail", args=[ticket.pk])).content.decode()
    # then the dangerous markup is gone and the text is still there
    assert_inert(html)
    assert "Before" in html and "middle" in html and "after" in html
    assert "click me" in html


@pytest.mark.parametrize("who", ["alice", "it_agent"])
def test_comment_renders_inert(world, ticket, client_for, who):
    services.comment_create(ticket=ticket, author=world.it_agent, body=PAYLOAD)
    html = client_for(getattr(world, who)).get(reverse("ticket-detail", args=[ticket.pk])).content.decode()
    assert_inert(html)
    assert "Before" in html and "click me" in html


def test_title_and_field_values_are_escaped_on_the_ticket_page(world, file_ticket, client_for):
    ticket = file_ticket(title=f"Broken {SCRIPT}", fields={"asset_tag": IMG})
    html = client_for(world.it_agent).get(reverse("ticket-detail", args=[ticket.pk])).content.decode()
    # escaped, so the words are there as text but no tag is live
    assert SCRIPT not in html
    assert "<img" not in html
    assert "Broken &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_title_is_escaped_in_the_queue_and_my_requests(world, file_ticket, client_for):
    file_ticket(title=f"Broken {SCRIPT}")
    queue = client_for(world.it_agent).get(reverse("team-queue", args=["it"])).content.decode()
    mine = client_for(world.alice).get(reverse("my-requests")).content.decode()
    for html in (queue, mine):
        assert SCRIPT not in html
        assert "Broken &lt;script&gt;" in html


def test_search_text_is_escaped_in_the_catalog(world, client_for):
    html = client_for(world.alice).get(reverse("catalog"), {"q": SCRIPT}).content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_rejected_form_input_is_escaped_when_shown_again(world, client_for):
    response = client_for(world.alice).post(
        reverse("ticket-new", args=[world.laptop.pk]), {"title": "", "description": SCRIPT}
    )
    html = response.content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;" in html
