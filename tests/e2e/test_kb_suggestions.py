"""alice starts filing "VPN 连不上", sees the published article 《VPN 无法连接的排查步骤》
suggested under the title as she types, presses "This solved it": nothing is filed and one
deflection is recorded for the IT team."""

from pathlib import Path

import pytest

from kbsearch.models import Deflection
from tests.kbsearch.cases import publish
from tickets.models import Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/kb-shots")  # for a person to look at; nothing reads them back


def test_alice_sees_the_vpn_article_while_filing_and_it_solves_her_problem(world, login_as):
    article = publish(team=world.it, language="zh-hans", title="VPN 无法连接的排查步骤",
                      body="检查网络，退出后重新登录 VPN 客户端。")
    publish(team=world.it, language="en", title="Printer drivers", body="Install the printer driver.")
    alice = login_as(world.alice)

    alice.goto(f"/catalog/{world.laptop.pk}/new/")
    alice.locator("#id_title").press_sequentially("VPN 连不上", delay=40)
    suggestion = alice.locator("#kb-suggestions .kb-suggestion")
    suggestion.first.wait_for()

    assert suggestion.count() == 1
    assert suggestion.first.locator(".kb-suggestion-title").inner_text() == "VPN 无法连接的排查步骤"
    assert suggestion.first.locator("mark").first.inner_text() == "VPN"
    SHOTS.mkdir(exist_ok=True)
    alice.screenshot(path=SHOTS / "alice-suggestion.png", full_page=True)
    with alice.expect_navigation():
        suggestion.first.get_by_role("button", name="This solved it").click()

    assert not Ticket.objects.exists()
    deflection = Deflection.objects.get()
    assert (deflection.user_id, deflection.article_id, deflection.team_id, deflection.service_item_id) == (
        world.alice.pk, article.pk, world.it.pk, world.laptop.pk)
