"""Run inside `manage.py shell` on the embedded SQLite default (test_search_sqlite.py): the
known answers of cases.py and a visibility check, printed as one JSON line."""

import json

from kbsearch.selectors import article_suggestions, search_hits
from knowledge.models import Visibility
from teams.models import Membership, Team, User
from tests.kbsearch.cases import CASES, publish, publish_known_articles

team = Team.objects.create(name="IT Support", slug="it")
employee = User.objects.create(username="alice")
agent = User.objects.create(username="it.agent")
Membership.objects.create(user=agent, team=team, role=Membership.Role.AGENT)
known = publish_known_articles(team)
by_id = {pk: key for key, pk in known.items()}
team_only = publish(team=team, language="zh-hans", title="打印机驱动安装", body="", visibility=Visibility.TEAM)

answers = {q: sorted(by_id.get(hit.article_id, "?") for hit in search_hits(user=employee, q=q)) for q in CASES}
visibility = {
    "employee": any(hit.article_id == team_only.pk for hit in search_hits(user=employee, q="打印机驱动")),
    "agent": any(hit.article_id == team_only.pk for hit in search_hits(user=agent, q="打印机驱动")),
    "employee_suggestions": any(s.article.pk == team_only.pk for s in article_suggestions(
        user=employee, q="打印机驱动", language="en")),
}
ranking = [by_id[hit.article_id] for hit in search_hits(user=employee, q="printer")][:2]
print(json.dumps({"answers": answers, "visibility": visibility, "ranking": ranking}, ensure_ascii=False))
