"""Team and department names in the reader's language, on the pages and in messages."""

from django.urls import reverse


def test_team_and_department_names_follow_the_readers_language(world, file_ticket, client_for):
    world.it.translations = {"zh-hans": {"name": "信息技术支持"}, "zh-hant": {"name": "資訊技術支援"}}
    world.it.save()
    world.sales.translations = {"zh-hans": {"name": "销售部"}}
    world.sales.save()
    ticket = file_ticket()
    agent = client_for(world.it_agent)
    agent.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    queue = agent.get(reverse("team-queue", args=["it"])).content.decode()
    assert "<h1>信息技术支持</h1>" in queue and "IT Support" not in queue
    page = agent.get(reverse("ticket-detail", args=[ticket.pk])).content.decode()
    assert "信息技术支持" in page and "销售部" in page

    alice = client_for(world.alice)
    alice.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    assert "資訊技術支援" in alice.get(reverse("catalog")).content.decode()
    english = client_for(world.bob).get(reverse("catalog")).content.decode()
    assert "IT Support" in english and "資訊技術支援" not in english


def test_a_transfer_in_the_history_names_the_team_in_the_readers_language(world, file_ticket, client_for):
    from tickets import services

    world.hr.translations = {"zh-hans": {"name": "人力资源服务"}}
    world.hr.save()
    ticket = file_ticket()
    services.ticket_transfer(ticket=ticket, team=world.hr, actor=world.it_lead, reason="Payroll question")
    admin = client_for(world.admin)
    admin.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = admin.get(reverse("ticket-detail", args=[ticket.pk])).content.decode()
    assert "人力资源服务" in html and "HR Services" not in html


def test_the_history_names_the_applied_standard_in_the_readers_language(world, file_ticket, client_for):
    from tests.factories import ServiceStandardFactory

    ServiceStandardFactory(team=world.it, name="IT default", translations={"zh-hant": {"name": "IT 預設標準"}})
    ticket = file_ticket()
    agent = client_for(world.it_agent)
    agent.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    html = agent.get(reverse("ticket-detail", args=[ticket.pk])).content.decode()
    assert "IT 預設標準" in html and "IT default" not in html
