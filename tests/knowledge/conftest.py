"""A small knowledge base on the `world`: IT articles of each visibility, an HR article
meant for its own team, a draft, and a pinned clock."""

import datetime as dt

import pytest
from django.utils import timezone

from knowledge import services
from knowledge.models import Visibility

NOW = dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC)


class PinnedClock:
    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch, settings):
    settings.TIME_ZONE = "UTC"
    pinned = PinnedClock(NOW)
    monkeypatch.setattr(timezone, "now", pinned)
    with timezone.override("UTC"):
        yield pinned


def publish(article, *, writer, lead):
    services.article_submit(article=article, actor=writer)
    return services.article_publish(article=article, actor=lead)


@pytest.fixture
def kb(world, clock):
    """it_everyone (published, everyone), it_agents (published, agents), it_team
    (published, IT only), it_draft (never published), hr_team (published, HR only)."""
    w = world

    class KB:
        pass

    kb = KB()
    kb.it_everyone = services.article_create(
        actor=w.it_agent, team=w.it, language="zh-hans", title="VPN 无法连接的排查步骤",
        body="1. 检查网络\n2. 重新登录", visibility=Visibility.EVERYONE, service_items=[w.laptop])
    publish(kb.it_everyone, writer=w.it_agent, lead=w.it_lead)
    kb.it_agents = services.article_create(actor=w.it_agent, team=w.it, language="en", title="Reset a token",
                                           body="Agents only.", visibility=Visibility.AGENTS)
    publish(kb.it_agents, writer=w.it_agent, lead=w.it_lead)
    kb.it_team = services.article_create(actor=w.it_agent, team=w.it, language="en", title="IT admin passwords",
                                         body="The vault.", visibility=Visibility.TEAM)
    publish(kb.it_team, writer=w.it_agent, lead=w.it_lead)
    kb.it_draft = services.article_create(actor=w.it_agent, team=w.it, language="en", title="Printer draft",
                                          body="Not yet.", visibility=Visibility.EVERYONE)
    kb.hr_team = services.article_create(actor=w.hr_agent, team=w.hr, language="en", title="Payroll runbook",
                                         body="HR only.", visibility=Visibility.TEAM)
    services.article_submit(article=kb.hr_team, actor=w.hr_agent)
    services.article_publish(article=kb.hr_team, actor=w.admin)
    for name in ("it_everyone", "it_agents", "it_team", "it_draft", "hr_team"):
        article = getattr(kb, name)
        article.refresh_from_db()
    return kb
