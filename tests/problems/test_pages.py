"""The problem pages: who may open them (requesters never: 404), and what they show."""

import pytest
from django.urls import reverse

from problems import services
from problems.models import Problem, ProblemIncident
from tickets.models import Ticket


@pytest.fixture
def hr_problem(world, clock):
    return services.problem_create(actor=world.hr_agent, team=world.hr, title="Payslips late")


PAGES = ["problem-list", "problem-new", "problem-detail", "problem-edit"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["alice", "bob"])
def test_requesters_never_see_problems(world, outage, page_for, page, who):
    args = [outage.problem.pk] if page in ("problem-detail", "problem-edit") else []

    assert page_for(who).get(reverse(page, args=args)).status_code == 404


@pytest.mark.parametrize("who", ["it_agent", "it_lead", "admin"])
def test_the_team_and_service_admins_open_the_problem(world, outage, page_for, who):
    response = page_for(who).get(reverse("problem-detail", args=[outage.problem.pk]))

    assert response.status_code == 200
    assert {i.ticket_id for i in response.context["incidents"]} == {t.pk for t in outage.tickets}


def test_another_teams_agent_gets_a_404_and_changes_nothing(world, outage, page_for):
    client = page_for("hr_agent")
    pk = outage.problem.pk

    assert client.get(reverse("problem-detail", args=[pk])).status_code == 404
    assert client.post(reverse("problem-send-workaround", args=[pk])).status_code == 404
    assert client.post(reverse("problem-resolve", args=[pk]), {"summary": "x"}).status_code == 404
    assert not Ticket.objects.filter(status="resolved").exists()


def test_the_list_shows_only_the_users_teams(world, outage, hr_problem, page_for):
    it_rows = page_for("it_agent").get(reverse("problem-list")).context["problems"]
    admin_rows = page_for("admin").get(reverse("problem-list")).context["problems"]

    assert [p.pk for p in it_rows] == [outage.problem.pk]
    assert {p.pk for p in admin_rows} == {outage.problem.pk, hr_problem.pk}


def test_the_list_filters_by_team_and_status(world, outage, hr_problem, page_for):
    client = page_for("admin")

    by_team = client.get(reverse("problem-list"), {"team": world.hr.pk}).context["problems"]
    resolved = client.get(reverse("problem-list"), {"status": "resolved"}).context["problems"]

    assert [p.pk for p in by_team] == [hr_problem.pk]
    assert list(resolved) == []


def test_a_problem_is_raised_from_a_ticket_prefilled_and_linked(world, file_ticket, page_for, clock):
    ticket = file_ticket(title="Wi-Fi drops in room 4")
    client = page_for("it_agent")

    form = client.get(reverse("problem-new"), {"ticket": ticket.pk}).context["form"]
    assert form.initial["title"] == "Wi-Fi drops in room 4" and form.initial["team"] == world.it.pk
    response = client.post(reverse("problem-new"), {
        "team": world.it.pk, "title": "Access point 4 reboots", "symptoms": ticket.description,
        "priority": "P2", "ticket": ticket.pk})

    problem = Problem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("problem-detail", args=[problem.pk])
    assert ProblemIncident.objects.get(ticket=ticket).problem == problem


def test_the_ticket_page_links_and_unlinks_a_problem(world, file_ticket, page_for, clock):
    ticket = file_ticket()
    problem = services.problem_create(actor=world.it_lead, team=world.it, title="Docking stations")
    client = page_for("it_agent")

    page = client.get(reverse("ticket-detail", args=[ticket.pk]))
    assert (problem.pk, f"{problem.reference} Docking stations") in page.context["problem_form"].fields["problem"].choices
    client.post(reverse("ticket-link-problem", args=[ticket.pk]), {"problem": problem.pk, "version": ticket.version})
    page = client.get(reverse("ticket-detail", args=[ticket.pk]))
    assert page.context["problem"] == problem
    assert f"Linked to problem {problem.reference}" in page.content.decode()

    client.post(reverse("ticket-unlink-problem", args=[ticket.pk]),
                {"version": Ticket.objects.get(pk=ticket.pk).version})
    assert not ProblemIncident.objects.exists()


def test_the_requester_never_sees_the_problem_on_the_ticket_page(world, outage, page_for):
    page = page_for("alice").get(reverse("ticket-detail", args=[outage.tickets[0].pk]))

    assert outage.problem.reference not in page.content.decode()


def test_the_queue_bulk_bar_links_the_ticked_tickets(world, file_ticket, page_for, clock):
    tickets = [file_ticket(title=f"Outlook {n}") for n in range(3)]
    problem = services.problem_create(actor=world.it_lead, team=world.it, title="Outlook crashes")
    client = page_for("it_lead")
    assert problem in client.get(reverse("team-queue", args=["it"])).context["team_problems"]

    response = client.post(reverse("queue-link-problem", args=["it"]),
                           {"problem": problem.pk, "ticket": [t.pk for t in tickets[:2]]}, follow=True)

    assert response.status_code == 200
    assert set(problem.incidents.values_list("ticket_id", flat=True)) == {tickets[0].pk, tickets[1].pk}
    assert "2 linked to" in response.content.decode()




def test_the_list_costs_the_same_queries_for_one_problem_or_many(world, page_for, clock,
                                                                  django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.problem_create(actor=world.it_lead, team=world.it, title="One")
    client = page_for("it_lead")
    client.get(reverse("problem-list"))  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("problem-list"))
    for n in range(6):
        services.problem_create(actor=world.it_lead, team=world.it, title=f"More {n}")

    with django_assert_max_num_queries(len(one)):
        response = client.get(reverse("problem-list"))

    assert len(response.context["problems"]) == 7


def test_the_list_pages_by_fifty_flagged_first_on_the_first_page(world, page_for, clock, settings):
    settings.PROBLEM_FLAG_INCIDENTS = [1]
    problems = [services.problem_create(actor=world.it_lead, team=world.it, title=f"P {n}") for n in range(51)]
    flagged = problems[0]  # the oldest: last but for its flag
    services.problem_link_incident(problem=flagged, ticket=_a_ticket(world), actor=world.it_lead)
    services.problems_flag_sweep()
    client = page_for("it_lead")

    first = client.get(reverse("problem-list"))
    second = client.get(reverse("problem-list"), {"page": 2})

    assert len(first.context["problems"]) == 50 and first.context["problems"][0] == flagged
    assert len(second.context["problems"]) == 1


def _a_ticket(world):
    from tickets import services as ticket_services

    return ticket_services.ticket_create(requester=world.alice, service_item=world.laptop, title="Mail",
                                         fields={"asset_tag": "LT-1"})
