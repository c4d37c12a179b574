"""The notification emails rendered from the outbox: plain text unescaped, HTML escaped."""

from django.template.loader import render_to_string

from notifications.models import OutboxMessage


def message():
    return OutboxMessage(subject="[SD-000001] New reply: Tom & Jerry's <laptop>",
                         body="The service team replied.", url="/tickets/1/")


def test_text_email_is_not_html_escaped():
    text = render_to_string("notifications/email.txt", {"message": message(), "site_url": "https://sd.example"})
    assert "Tom & Jerry's <laptop>" in text
    assert "https://sd.example/tickets/1/" in text


def test_html_email_escapes_the_subject_and_links_the_ticket():
    html = render_to_string("notifications/email.html", {"message": message(), "site_url": "https://sd.example"})
    assert "Tom &amp; Jerry&#x27;s &lt;laptop&gt;" in html
    assert 'href="https://sd.example/tickets/1/"' in html
