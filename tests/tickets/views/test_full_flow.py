"""The whole path through the pages: a requester files from the catalog, the team sees
it in its queue and replies, the requester reads the reply."""

from django.urls import reverse

from tickets.models import Ticket


def test_request_filed_from_catalog_is_answered_by_the_team(world, client_for):
    alice = client_for(world.alice)
    agent = client_for(world.it_agent)

    # given alice finds the laptop service in the catalog
    catalog = alice.get(reverse("catalog")).content.decode()
    new_url = reverse("ticket-new", args=[world.laptop.pk])
    assert new_url in catalog

    # when she files a request
    assert alice.get(new_url).status_code == 200
    filed = alice.post(new_url, {
        "title": "Laptop does not boot", "description": "Black screen since Monday.",
        "field_asset_tag": "LT-0042", "field_urgency": "one person", "field_count": "", "field_since": "",
    }, follow=True)
    ticket = Ticket.objects.get()
    assert filed.redirect_chain[-1][0] == reverse("ticket-detail", args=[ticket.pk])
    assert "Black screen since Monday." in filed.content.decode()

    # then the IT agent sees it in the IT queue
    queue = agent.get(reverse("team-queue", args=["it"])).content.decode()
    assert ticket.reference in queue and "Laptop does not boot" in queue

    # and replies from the ticket page
    page = agent.get(reverse("ticket-detail", args=[ticket.pk]))
    version = page.context["reply_form"]["version"].value()
    replied = agent.post(reverse("ticket-reply", args=[ticket.pk]),
                         {"body": "Please bring it to the **IT desk**.", "kind": "reply", "version": version})
    assert replied.status_code == 302

    # and alice reads the reply on her request
    mine = alice.get(reverse("my-requests")).content.decode()
    assert ticket.reference in mine
    html = alice.get(reverse("ticket-detail", args=[ticket.pk])).content.decode()
    assert "Please bring it to the <strong>IT desk</strong>." in html
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.first_response_at is not None
