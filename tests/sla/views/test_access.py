import pytest
from django.urls import reverse

PAGES = [
    ("get", "sla:standards", None),
    ("get", "sla:standard-new", None),
    ("get", "sla:standard-edit", "standard"),
    ("get", "sla:standard-history", "standard"),
    ("post", "sla:standard-retire", "standard"),
    ("get", "sla:calendars", None),
    ("get", "sla:calendar-new", None),
    ("get", "sla:calendar-edit", "calendar"),
    ("post", "sla:calendar-import", "calendar"),
    ("get", "sla:chains", None),
    ("get", "sla:chain-new", None),
    ("get", "sla:chain-edit", "chain"),
    ("get", "sla:simulator", None),
    ("get", "sla:audit", None),
]


def _url(name, obj_name, objects):
    return reverse(name, args=[getattr(objects, obj_name).pk] if obj_name else [])


@pytest.mark.parametrize("who", ["it_agent", "it_lead", "alice"])
@pytest.mark.parametrize(("method", "name", "obj"), PAGES, ids=[p[1] for p in PAGES])
def test_anyone_but_a_service_admin_gets_404(client, world, sla_objects, who, method, name, obj):
    # Given an agent, a team lead or a requester is signed in
    client.force_login(getattr(world, who))

    # When they open a service-standard page
    response = getattr(client, method)(_url(name, obj, sla_objects))

    # Then the page does not exist for them, and nothing was retired
    assert response.status_code == 404
    sla_objects.standard.refresh_from_db()
    assert sla_objects.standard.is_current


@pytest.mark.parametrize(("method", "name", "obj"), [p for p in PAGES if p[0] == "get"],
                         ids=[p[1] for p in PAGES if p[0] == "get"])
def test_a_service_admin_sees_every_page(admin_client, sla_objects, method, name, obj):
    # When the admin opens a page
    response = admin_client.get(_url(name, obj, sla_objects))

    # Then it renders
    assert response.status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client, sla_objects):
    # When nobody is signed in
    response = client.get(reverse("sla:standards"))

    # Then they are sent to the sign-in page
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
