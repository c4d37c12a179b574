"""The knowledge base's figures in the reports (reports.knowledge), per team and per author,
with hand-computed answers, and their place in the summary, its table and the scorecards.

The report zone is Asia/Shanghai (+08:00): the week 2026-09-21 … 2026-09-27 runs from
2026-09-20 16:00 UTC to 2026-09-27 16:00 UTC. IT's articles: A1 by it.agent, first published
before the week and published again in it; A2 by it.agent and A3 by it.lead, first published
in the week; A4 by it.agent, a draft written in the week. HR's H1 is published in the week
and must count for HR only.

By hand, in the week, IT: written 3 (A2 A3 A4), published 2 (A2 A3), views from tickets 2
(A1 A2 from t1; A1's view from t0 is before the week), views all time 6 (the undated counters:
A1 3, A2 3 with the view after the week),
helpful 2 of 3 answers, deflections 2 (A2 by alice, A3 by bob; A2 by bob is after the week),
solved 1 (t1 by A2), used in a reply 1 (A1 on t1).
it.agent: written 2, published 1, views 2, all time 6, helpful 2 / 3, deflections 1, solved 1, used 1.
it.lead: written 1, published 1, nothing else.
"""

import datetime as dt
import uuid

import pytest

from kbsearch.services import deflection_record
from knowledge import services as kb
from knowledge.models import ArticleRevision, RevisionStatus
from reports import definitions as d
from reports.knowledge import knowledge_by_author, knowledge_summary
from reports.scorecards import team_scorecards
from reports.selectors import ReportScope, report_summary
from reports.tables import summary_table
from tests.sla.outcome_drivers import fresh

WEEK = d.Period(dt.date(2026, 9, 21), dt.date(2026, 9, 27))
BEFORE = dt.datetime(2026, 9, 10, 9, 0, tzinfo=dt.UTC)
IN_WEEK = dt.datetime(2026, 9, 22, 9, 0, tzinfo=dt.UTC)
FIRST_INSTANT = dt.datetime(2026, 9, 20, 16, 0, tzinfo=dt.UTC)  # Monday 00:00 in Shanghai
AFTER = dt.datetime(2026, 9, 27, 16, 0, tzinfo=dt.UTC)  # the next Monday 00:00 in Shanghai


def _publish(article, *, writer, publisher):
    kb.article_submit(article=article, actor=writer)
    return kb.article_publish(article=article, actor=publisher)


def _live(article) -> ArticleRevision:
    return ArticleRevision.objects.get(article=article, status=RevisionStatus.PUBLISHED)


@pytest.fixture
def kb_week(world, file_ticket, clock, settings):
    settings.REPORT_TIME_ZONE = "Asia/Shanghai"
    w = world
    clock.set(BEFORE)
    a1 = kb.article_create(actor=w.it_agent, team=w.it, language="en", title="VPN", body="Reconnect.")
    _publish(a1, writer=w.it_agent, publisher=w.it_lead)
    t0 = file_ticket(title="Old VPN question")
    kb.article_viewed(article=a1, ticket=t0, actor=w.it_agent)

    clock.set(FIRST_INSTANT)  # the week's first instant counts in the week
    kb.article_edit(article=fresh_article(a1), actor=w.it_agent, body="Reconnect, then sign in again.")
    _publish(fresh_article(a1), writer=w.it_agent, publisher=w.it_lead)
    a2 = kb.article_create(actor=w.it_agent, team=w.it, language="en", title="Printer", body="Restart it.")
    _publish(a2, writer=w.it_agent, publisher=w.it_lead)

    clock.set(IN_WEEK)
    a3 = kb.article_create(actor=w.it_lead, team=w.it, language="en", title="Badge", body="Ask reception.")
    _publish(a3, writer=w.it_lead, publisher=w.it_lead)
    kb.article_create(actor=w.it_agent, team=w.it, language="en", title="Draft", body="Not yet.")
    h1 = kb.article_create(actor=w.hr_agent, team=w.hr, language="en", title="Payslip", body="See the portal.")
    _publish(h1, writer=w.hr_agent, publisher=w.admin)

    t1 = file_ticket(title="VPN and printer")
    kb.article_viewed(article=a1, ticket=t1, actor=w.it_agent)
    kb.article_viewed(article=a2, ticket=t1, actor=w.alice)
    kb.article_viewed(article=a2)  # from the knowledge base: the counter only
    kb.article_viewed(article=a1)
    kb.article_ticket_link(ticket=t1, article=a2, how="solved", actor=w.alice)
    kb.articles_used_in_reply(ticket=fresh(t1), text=f"See /kb/articles/{a1.pk}/ please", actor=w.it_agent)
    kb.article_feedback(revision=_live(a1), user=w.alice, helpful=True)
    kb.article_feedback(revision=_live(a1), user=w.bob, helpful=False)
    kb.article_feedback(revision=_live(a2), user=w.alice, helpful=False)
    kb.article_feedback(revision=_live(a2), user=w.alice, helpful=True)  # changed her mind: counts once
    kb.article_feedback(revision=_live(h1), user=w.bob, helpful=True)
    deflection_record(user=w.alice, article=a2, filing_session=uuid.uuid4())
    deflection_record(user=w.bob, article=a3, filing_session=uuid.uuid4())
    deflection_record(user=w.bob, article=h1, filing_session=uuid.uuid4())

    clock.set(AFTER)  # the next week's first instant: not in the week
    deflection_record(user=w.bob, article=a2, filing_session=uuid.uuid4())
    kb.article_viewed(article=a2, ticket=t0, actor=w.it_agent)
    return {"a1": a1, "a2": a2, "a3": a3, "h1": h1}


def fresh_article(article):
    article.refresh_from_db()
    return article


def _week_instants():
    return d.day_range(WEEK.first, WEEK.last, d.ZoneInfo("Asia/Shanghai"))


def test_the_team_figures_have_the_hand_computed_answers(world, kb_week):
    start, end = _week_instants()

    it = knowledge_summary(team_ids=(world.it.pk,), start=start, end=end)

    assert it == {"written": 3, "published": 2, "views": 2, "views_all_time": 6,
                  "helpful": {"helpful": 2, "answers": 3, "share": 2 / 3},
                  "deflections": 2, "solved": 1, "used_in_reply": 1}


def test_the_author_figures_are_parts_of_the_team_figures(world, kb_week):
    start, end = _week_instants()

    by_author = knowledge_by_author(team_ids=(world.it.pk,), start=start, end=end)

    agent, lead = by_author[world.it_agent.pk], by_author[world.it_lead.pk]
    assert (agent["written"], agent["published"], agent["views"], agent["deflections"], agent["solved"],
            agent["used_in_reply"]) == (2, 1, 2, 1, 1, 1)
    assert agent["helpful"] == {"helpful": 2, "answers": 3, "share": 2 / 3}
    assert (lead["written"], lead["published"], lead["views"], lead["deflections"]) == (1, 1, 0, 1)
    assert lead["helpful"]["share"] is None
    assert world.hr_agent.pk not in by_author


def test_every_team_counts_hr_too_and_hr_alone_only_its_own(world, kb_week):
    start, end = _week_instants()

    everyone = knowledge_summary(team_ids=None, start=start, end=end)
    hr = knowledge_summary(team_ids=(world.hr.pk,), start=start, end=end)

    assert (hr["written"], hr["published"], hr["deflections"], hr["helpful"]["answers"]) == (1, 1, 1, 1)
    assert (everyone["published"], everyone["deflections"], everyone["helpful"]["answers"]) == (3, 3, 4)


def test_the_summary_carries_them_for_team_scopes_only(world, kb_week):
    summary = report_summary(scope=ReportScope(team_ids=(world.it.pk,)), period=WEEK)
    narrower = report_summary(scope=ReportScope(team_ids=(world.it.pk,), priority="P3"), period=WEEK)

    assert summary["knowledge"]["published"] == 2 and summary["knowledge"]["deflections"] == 2
    assert narrower["knowledge"] is None
    rows = {str(row[0]): row for row in summary_table(summary).rows}
    assert rows["Articles published"][1] == 2
    assert rows["Articles found helpful"][1:3] == [2 / 3, 3]
    assert rows["Deflections"][1] == 2 and rows["Tickets solved by an article"][1] == 1
    assert "Articles published" not in {str(row[0]) for row in summary_table(narrower).rows}


def test_the_scorecard_shows_the_member_articles_beside_the_team_articles(world, kb_week, clock):
    cards = team_scorecards(team=world.it, members=[world.it_agent, world.hr_agent], period=WEEK, now=clock())

    (_agent, card), (_hr, hr_card) = cards.members
    assert card["knowledge"]["written"] == 2 and cards.team["knowledge"]["written"] == 3
    assert card["knowledge"]["used_in_reply"] == 1 and cards.team["knowledge"]["deflections"] == 2
    assert hr_card["knowledge"]["written"] == 0  # HR's article is not one of IT's
    assert "helpful" in card["few_cases"]


def test_the_week_before_counts_the_first_publication_of_a1_only(world, kb_week):
    start, end = d.day_range(dt.date(2026, 9, 7), dt.date(2026, 9, 13), d.ZoneInfo("Asia/Shanghai"))

    it = knowledge_summary(team_ids=(world.it.pk,), start=start, end=end)

    assert (it["written"], it["published"], it["views"], it["deflections"]) == (1, 1, 1, 0)
