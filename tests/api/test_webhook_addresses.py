"""Webhooks go to public addresses only (SSRF): internal URLs are refused when an endpoint
is saved and again at delivery, after resolving the host, without any connection; a
redirect is not followed; the delivery log keeps a short excerpt at most. The DNS answers
are stubbed (`dns` of tests/api/conftest.py); the receivers are real, on 127.0.0.1."""

import shutil
import subprocess

import pytest

from tests.factories import UserFactory
from tests.webhook_receiver import Receiver
from webhooks import services
from webhooks.models import WebhookDelivery, WebhookEndpoint

PUBLIC_IP = "93.184.215.14"  # a globally routable address; no test connects to it

REFUSED = [
    "https://127.0.0.1/hook",
    "https://127.0.0.1:6391/hook",
    "https://localhost:6391/hook",
    "https://LOCALHOST/hook",
    "https://localhost./hook",  # this machine whether or not the resolver knows the name
    "https://api.localhost/hook",
    "https://0177.0.0.1/hook",  # octal
    "https://2130706433/hook",  # one number
    "https://0x7f.1/hook",  # hex, two parts
    "https://127.1/hook",
    "https://0/hook",
    "https://0.0.0.0/hook",
    "https://10.0.0.5/hook",
    "https://172.16.3.4/hook",
    "https://192.168.1.10/hook",
    "https://169.254.169.254/latest/meta-data/",  # cloud metadata
    "https://100.64.0.1/hook",  # shared address space (carrier-grade NAT)
    "https://224.0.0.1/hook",  # multicast
    "https://240.0.0.1/hook",  # reserved
    "https://255.255.255.255/hook",
    "https://192.0.2.10/hook",  # documentation
    "https://[::1]/hook",
    "https://[::]/hook",
    "https://[::ffff:127.0.0.1]/hook",  # IPv4-mapped
    "https://[::ffff:8.8.8.8]/hook",  # IPv4-mapped, even of a public address
    "https://[::127.0.0.1]/hook",  # IPv4-compatible
    "https://[fe80::1]/hook",  # link-local
    "https://[fe80::1%25eth0]/hook",  # link-local with a zone
    "https://[fc00::1]/hook",  # unique local
    "https://[ff02::1]/hook",  # multicast
    "https://[2002:7f00:1::]/hook",  # 6to4 of 127.0.0.1
    "https://[64:ff9b::a9fe:a9fe]/hook",  # NAT64 of 169.254.169.254
    "https://[2001:db8::1]/hook",  # documentation
]
INTERNAL = "public addresses only"


def _register(client, url, **extra):
    return client.post("/api/v1/webhooks/", {"url": url, "events": ["ticket.created"], **extra}, format="json")


@pytest.fixture
def admin_api(client_for):
    return client_for("admin")


@pytest.mark.parametrize("url", REFUSED)
def test_an_internal_address_is_refused_at_registration(world, admin_api, url):
    response = _register(admin_api, url)

    assert response.status_code == 400, response.content
    assert INTERNAL in response.json()["errors"]["url"][0]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("answer", [["127.0.0.1"], ["10.0.0.5"], ["169.254.169.254"], ["::1"],
                                    [PUBLIC_IP, "10.0.0.5"]])
def test_a_name_that_resolves_inside_is_refused_at_registration(world, admin_api, dns, answer):
    dns.answers["hooks.example.com"] = answer

    response = _register(admin_api, "https://hooks.example.com/hook")

    assert response.status_code == 400 and INTERNAL in response.json()["errors"]["url"][0]
    assert "hooks.example.com" in dns.asked
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("url", ["https://%00/hook", "https://a..b/hook", "https://exa%2fmple.com/hook",
                                 "https://" + "a" * 64 + ".example.com/", "https://[::1/hook", "https:///hook"])
def test_a_host_that_is_no_host_name_is_refused(world, admin_api, url):
    response = _register(admin_api, url)

    assert response.status_code == 400 and response.json()["errors"]["url"] == ["Enter a valid URL."]
    assert not WebhookEndpoint.objects.exists()


def test_the_refusal_speaks_the_clients_language(world, admin_api):
    response = admin_api.post("/api/v1/webhooks/", {"url": "https://10.0.0.5/", "events": ["ticket.created"]},
                              format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert response.json()["errors"]["url"][0].startswith("Webhook 只发送到公网地址：10.0.0.5 ")


def test_a_change_to_an_internal_address_is_refused(world, admin_api, dns):
    dns.answers["hooks.example.com"] = [PUBLIC_IP]
    created = _register(admin_api, "https://hooks.example.com/hook").json()

    response = admin_api.patch(f"/api/v1/webhooks/{created['id']}/", {"url": "https://0x7f.1/hook"}, format="json")

    assert response.status_code == 400 and INTERNAL in response.json()["errors"]["url"][0]
    assert WebhookEndpoint.objects.get().url == "https://hooks.example.com/hook"


@pytest.mark.parametrize(("allowed", "url"), [
    (["10.1.2.3"], "https://10.1.2.3/hook"),
    (["10.1.2.0/24"], "https://10.1.2.77:8443/hook"),
    (["hooks.corp.local"], "https://hooks.corp.local/hook"),
    (["HOOKS.corp.local."], "https://hooks.corp.local/hook"),
])
def test_the_operator_may_allow_named_internal_hosts(world, admin_api, dns, settings, allowed, url):
    dns.answers["hooks.corp.local"] = ["10.1.2.4"]
    settings.WEBHOOK_ALLOWED_INTERNAL_HOSTS = allowed

    response = _register(admin_api, url)

    assert response.status_code == 201, response.content
    assert WebhookEndpoint.objects.get().url == url


@pytest.mark.parametrize("url", ["https://10.1.2.4/hook", "https://hooks.other.local/hook", "https://127.0.0.1/"])
def test_an_allowance_covers_only_what_it_names(world, admin_api, dns, settings, url):
    dns.answers["hooks.other.local"] = ["10.1.2.3", "10.1.2.5"]
    settings.WEBHOOK_ALLOWED_INTERNAL_HOSTS = ["10.1.2.3", "hooks.corp.local"]

    response = _register(admin_api, url)

    assert response.status_code == 400 and INTERNAL in response.json()["errors"]["url"][0]


def test_the_admin_site_cannot_register_endpoints(world, client):
    """The API is the only way in: the admin's add and change pages are closed."""
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    endpoint = services.webhook_endpoint_create(actor=world.admin, url="https://hooks.example.com/a",
                                                events=["ticket.created"])

    add = client.post("/admin/webhooks/webhookendpoint/add/", {"url": "https://127.0.0.1/", "events": "[]"})
    change = client.post(f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/",
                         {"url": "https://127.0.0.1/", "events": '["ticket.created"]', "secret": "x"})

    assert add.status_code == 403 and change.status_code == 403
    assert list(WebhookEndpoint.objects.values_list("url", flat=True)) == ["https://hooks.example.com/a"]


# --- delivery -----------------------------------------------------------------------------


def test_a_name_rebound_inside_after_registration_is_refused_without_connecting(world, ticket, admin_api, dns):
    with Receiver([200]) as receiver:
        dns.answers["hooks.example.com"] = [PUBLIC_IP]  # public when registered …
        created = _register(admin_api, f"https://hooks.example.com:{receiver.port}/hook")
        assert created.status_code == 201, created.content
        services.webhook_event(event="ticket.created", ticket=ticket, data={})
        dns.answers["hooks.example.com"] = ["127.0.0.1"]  # … the receiver's address when delivered

        services.webhook_deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert receiver.connections == 0 and receiver.requests == []
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("failed", 1, None)
    assert INTERNAL in delivery.last_error
    log = admin_api.get(f"/api/v1/webhooks/{created.json()['id']}/deliveries/").json()["results"]
    assert log[0]["state"] == "failed" and INTERNAL in log[0]["attempt_log"][0]["error"]


def test_the_post_goes_to_the_address_checked_with_the_urls_host_name(world, ticket, admin_api, dns, settings):
    """Resolved once per attempt and connected to that address: the real resolver knows no
    hooks.example.com, so only the checked answer can have reached the receiver."""
    settings.WEBHOOK_ALLOW_HTTP_LOCALHOST = True
    settings.WEBHOOK_ALLOWED_INTERNAL_HOSTS = ["hooks.example.com"]
    dns.answers["hooks.example.com"] = ["127.0.0.1"]
    with Receiver([200]) as receiver:
        url = f"http://hooks.example.com:{receiver.port}/hooks/servicedesk?team=it"
        assert _register(admin_api, url).status_code == 201
        services.webhook_event(event="ticket.created", ticket=ticket, data={})
        dns.asked.clear()

        services.webhook_deliver_due()

    assert WebhookDelivery.objects.get().state == "sent"
    assert dns.asked == ["hooks.example.com"]
    assert receiver.requests[0]["headers"]["Host"] == f"hooks.example.com:{receiver.port}"


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for hooks.example.com (made by the openssl command)."""
    if not shutil.which("openssl"):
        pytest.skip("no openssl command to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", str(key),  # noqa: S607
         "-out", str(cert), "-subj", "/CN=hooks.example.com", "-addext", "subjectAltName=DNS:hooks.example.com"],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.mark.parametrize(("name", "sent"), [("hooks.example.com", True), ("other.example.com", False)])
def test_https_goes_to_the_checked_address_and_verifies_the_urls_host_name(
        world, ticket, admin_api, dns, settings, monkeypatch, certificate, name, sent):
    """TLS to 127.0.0.1 asks for (SNI) and verifies the URL's name: the certificate of
    hooks.example.com is good for hooks.example.com only."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust the test certificate
    settings.WEBHOOK_ALLOWED_INTERNAL_HOSTS = [name]
    dns.answers[name] = ["127.0.0.1"]
    with Receiver([200], tls=certificate) as receiver:
        assert _register(admin_api, f"https://{name}:{receiver.port}/hook").status_code == 201
        services.webhook_event(event="ticket.created", ticket=ticket, data={})

        services.webhook_deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert receiver.server_names == [name]
    if sent:
        assert delivery.state == "sent" and receiver.requests[0]["headers"]["Host"] == f"{name}:{receiver.port}"
    else:
        assert delivery.state == "pending" and receiver.requests == []
        assert "CERTIFICATE_VERIFY_FAILED" in delivery.last_error


def test_a_redirect_to_an_internal_address_is_not_followed(world, ticket, admin_api, settings):
    settings.WEBHOOK_ALLOW_HTTP_LOCALHOST = True
    settings.WEBHOOK_ALLOWED_INTERNAL_HOSTS = ["127.0.0.1"]
    with Receiver([200]) as inside:
        redirect = {"Location": f"http://127.0.0.1:{inside.port}/admin/"}
        with Receiver([302], reply_headers=redirect, reply_body=b"moved") as allowed:
            assert _register(admin_api, allowed.url).status_code == 201
            services.webhook_event(event="ticket.created", ticket=ticket, data={})

            services.webhook_deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert len(allowed.requests) == 1
    assert inside.connections == 0 and inside.requests == []
    assert (delivery.state, delivery.response_status) == ("pending", 302)
    assert delivery.last_error == "HTTP 302: redirects are not followed."


def test_the_log_keeps_the_status_and_at_most_200_characters_of_a_refusal(world, ticket, admin_api, settings):
    settings.WEBHOOK_ALLOW_HTTP_LOCALHOST = True
    settings.WEBHOOK_ALLOWED_INTERNAL_HOSTS = ["127.0.0.1"]
    page = b"<html>\n<title>Internal error</title>\n" + b"x" * 5000 + b"</html>"
    with Receiver([500], reply_body=page) as receiver:
        created = _register(admin_api, receiver.url).json()
        services.webhook_event(event="ticket.created", ticket=ticket, data={})

        services.webhook_deliver_due()

    attempt = admin_api.get(f"/api/v1/webhooks/{created['id']}/deliveries/").json()["results"][0]["attempt_log"][0]
    assert attempt["response_status"] == 500
    assert attempt["error"].startswith("HTTP 500: <html> <title>Internal error</title> xxx")
    assert len(attempt["error"]) == len("HTTP 500: ") + 200
