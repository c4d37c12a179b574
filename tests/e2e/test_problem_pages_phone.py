"""The problem library's pages at a phone's size (390×844), in English and 简体中文: nothing
to pan to sideways, and what each page is for (the first problem, the send button, the
incidents, the form's submit) within the screen's width. Screenshots in /tmp/phone-shots/."""

from pathlib import Path

import pytest

from problems import services as problems
from tests.e2e.conftest import PHONE
from tests.e2e.test_phone_layout import OVERFLOW, within_width

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/phone-shots")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_problem_pages_fit_a_phone_screen(world, file_ticket, open_page, language):
    tickets = [file_ticket(title=f"Outlook cannot send mail ({n}), the message stays in the outbox") for n in range(3)]
    problem = problems.problem_create(
        actor=world.it_lead, team=world.it, title="Outgoing mail rejected by the mail relay after the server move",
        symptoms="Outlook shows *sending failed*.", workaround="Send from webmail until the relay is fixed.",
        from_ticket=tickets[0])
    problems.problem_link_incidents(problem=problem, tickets=tickets[1:], actor=world.it_lead)
    pages = [
        ("problem-list", "/problems/", "main td.title-cell a"),
        ("problem-detail", f"/problems/{problem.pk}/", "main .ticket-side button.btn-primary"),
        ("problem-incidents", f"/problems/{problem.pk}/", "#incidents-title"),
        ("problem-form", f"/problems/{problem.pk}/edit/", "main form button[type=submit].btn-primary"),
        ("ticket-problem", f"/tickets/{tickets[0].pk}/", "#problem-title"),
    ]
    SHOTS.mkdir(exist_ok=True)
    page = open_page(world.it_lead, language=language, viewport=PHONE)
    found = []
    for name, path, primary in pages:
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        page.wait_for_load_state("networkidle")
        measured = page.evaluate(OVERFLOW)
        if measured["scrollWidth"] > PHONE["width"]:
            found.append(f"{language} {name}: the page is {measured['scrollWidth']} px wide")
        found += [f"{language} {name}: {text} sticks out" for text in measured["beyond"]]
        if why := within_width(page, primary):
            found.append(f"{language} {name}: {why}")
        page.screenshot(path=SHOTS / f"{language}-{name}.png", full_page=True)

    assert not found, "\n".join(found)
