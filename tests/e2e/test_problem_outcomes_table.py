"""The problem page's results table ("Resolve with the problem: what happened to each
incident") in a desktop browser: each cell under its own column heading (QA walk-through:
the rows were laid out as the SLA panel's flex lines, the cells out of their columns)."""

import pytest

from problems import services as problems

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# For each body row: is every cell's left edge where its column heading's is?
ALIGNMENT = """() => {
  const table = document.querySelector('.problem-outcomes table');
  const heads = [...table.querySelectorAll('thead th')].map(th => th.getBoundingClientRect());
  return [...table.querySelectorAll('tbody tr')].map(tr => [...tr.children].map((td, i) =>
    heads[i] ? Math.abs(td.getBoundingClientRect().left - heads[i].left) : 999));
}"""


@pytest.mark.parametrize("action", ["resolve", "send"])
def test_each_result_sits_under_its_column_heading(world, file_ticket, open_page, action):
    tickets = [file_ticket(title=f"VPN drops every few minutes ({n})") for n in range(3)]
    problem = problems.problem_create(actor=world.it_lead, team=world.it, title="VPN gateway overloaded",
                                      workaround="Use vpn2.example.com.", from_ticket=tickets[0])
    problems.problem_link_incidents(problem=problem, tickets=tickets[1:], actor=world.it_lead)
    page = open_page(world.it_lead)
    page.goto(f"/problems/{problem.pk}/")
    button = "Resolve with the problem" if action == "resolve" else "Send the workaround"
    page.get_by_role("button", name=button).click()
    page.wait_for_selector(".problem-outcomes table")

    offsets = page.evaluate(ALIGNMENT)

    assert len(offsets) == 3
    assert all(len(row) == 3 and max(row) <= 1 for row in offsets), offsets
