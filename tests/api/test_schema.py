"""The OpenAPI schema generates cleanly and the Swagger UI needs nothing from a CDN."""

import re

import pytest
from django.core.management import call_command


def test_the_schema_generates_without_warnings_or_errors():
    # --fail-on-warn turns any drf-spectacular warning (an unresolvable serializer, a
    # missing type hint, a naming clash) into a failure; --validate checks OpenAPI 3.
    call_command("spectacular", "--validate", "--fail-on-warn", "--custom-settings",
                 "servicedesk.api.schema.SCHEMA_SETTINGS", "--file", "/dev/null")


@pytest.mark.django_db
def test_the_schema_is_served_and_documents_every_v1_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ("/api/v1/tickets/", "/api/v1/tickets/{id}/transition/", "/api/v1/sla/simulate/",
                 "/api/v1/webhooks/{id}/deliveries/", "/api/v1/auth/token/"):
        assert path in paths
    for path, operations in paths.items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            assert operation.get("responses"), (method, path)
            if method in ("post", "patch") and not path.endswith(("/mark-read/",)):
                assert "requestBody" in operation, (method, path)


@pytest.mark.django_db
def test_ticket_create_transition_and_simulate_carry_examples(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    def examples(path, method):
        body = schema["paths"][path][method]["requestBody"]["content"]["application/json"]
        return body.get("examples", {})

    assert examples("/api/v1/tickets/", "post")
    assert examples("/api/v1/tickets/{id}/transition/", "post")
    assert examples("/api/v1/sla/simulate/", "post")


@pytest.mark.django_db
def test_swagger_ui_loads_only_local_assets(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    external = [url for url in re.findall(r"""(?:src|href)=["']([^"']+)""", html) if re.match(r"(https?:)?//", url)]
    assert external == []
    # The page carries a random 64-character CSRF token, which now and then spells "cdn":
    # look for the CDNs' names as words, not as any three letters.
    assert not re.search(r"\bcdn\b|jsdelivr|unpkg|cdnjs", html, re.IGNORECASE)
    # Its start-up script is a second request (no inline script under the Content-Security-Policy).
    script = client.get("/api/docs/?script=").content.decode()
    assert not re.search(r"\bcdn\b|jsdelivr|unpkg|cdnjs", script, re.IGNORECASE)
    assert '"validatorUrl": null' in script  # no badge fetched from validator.swagger.io
    for asset in re.findall(r"""(?:src|href)=["']([^"']+\.(?:js|css))""", html):
        assert asset.startswith("/static/"), asset
