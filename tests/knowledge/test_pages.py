"""The knowledge base pages: writing from a ticket, the editor and the lifecycle buttons,
the reply box's article picker, history and an escaped diff."""

from django.test import Client
from django.urls import reverse

from knowledge import services
from knowledge.models import Article, ArticleRevision, ArticleStatus, ArticleTicketLink, RevisionStatus
from tickets import services as ticket_services
from tickets.constants import Status


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _resolved_ticket(world, file_ticket, requester=None, title="Printer jams on tray 2",
                     description="Paper jams every time I print.", summary="Replaced the pickup roller of tray 2."):
    ticket = file_ticket(requester=requester, title=title, description=description)
    ticket_services.ticket_transition_with_reply(
        ticket=ticket, to=Status.RESOLVED, actor=world.it_agent, comment="Fixed.", resolution_summary=summary)
    ticket.refresh_from_db()
    return ticket


def test_writing_from_a_ticket_prefills_title_problem_and_resolution(world, file_ticket, clock):
    ticket = _resolved_ticket(world, file_ticket)

    page = _client(world.it_agent).get(reverse("kb-article-new") + f"?ticket={ticket.pk}")

    form = page.context["form"]
    assert form.initial["title"] == "Printer jams on tray 2"
    assert form.initial["body"] == ("## Problem\n\nPaper jams every time I print.\n\n"
                                    "## Resolution\n\nReplaced the pickup roller of tray 2.\n")
    assert form.initial["team"] == world.it.pk and form.initial["service_items"] == [world.laptop.pk]


def test_an_article_from_a_chinese_ticket_is_in_the_script_of_its_text_headings_too(world, file_ticket, clock):
    world.bob.language = "en"  # the requester's profile says English, the ticket is in 繁體
    world.bob.save(update_fields=["language"])
    ticket = _resolved_ticket(world, file_ticket, requester=world.bob, title="螢幕一直閃爍",
                              description="筆電螢幕從昨天開始一直閃爍，外接螢幕正常。", summary="更新顯示卡驅動程式後螢幕不再閃爍。")

    page = _client(world.it_agent).get(reverse("kb-article-new") + f"?ticket={ticket.pk}")

    form = page.context["form"]
    assert form.initial["language"] == "zh-hant"
    assert form.initial["body"] == ("## 問題\n\n筆電螢幕從昨天開始一直閃爍，外接螢幕正常。\n\n"
                                    "## 解決\n\n更新顯示卡驅動程式後螢幕不再閃爍。\n")
    assert 'value="zh-hant" selected' in page.content.decode()


def test_an_article_from_a_ticket_without_chinese_is_in_the_requester_s_language(world, file_ticket, clock):
    world.bob.language = "zh-hans"
    world.bob.save(update_fields=["language"])
    ticket = _resolved_ticket(world, file_ticket, requester=world.bob)

    form = _client(world.it_agent).get(reverse("kb-article-new") + f"?ticket={ticket.pk}").context["form"]

    assert form.initial["language"] == "zh-hans"
    assert form.initial["body"].startswith("## 问题\n\nPaper jams every time I print.\n\n## 解决\n\n")


def test_an_article_from_a_ticket_falls_back_to_the_agent_s_language(world, file_ticket, clock):
    ticket = _resolved_ticket(world, file_ticket, requester=world.bob)
    type(world.bob).objects.filter(pk=world.bob.pk).update(language="")  # no profile language
    world.it_agent.language = "zh-hant"  # the page is in the agent's language
    world.it_agent.save(update_fields=["language"])

    page = _client(world.it_agent).get(reverse("kb-article-new") + f"?ticket={ticket.pk}")

    assert page.context["form"].initial["language"] == "zh-hant"
    assert page.context["form"].initial["body"].startswith("## 問題\n\n")


def test_an_article_written_from_a_ticket_links_back_to_it(world, file_ticket, clock):
    ticket = _resolved_ticket(world, file_ticket)

    response = _client(world.it_agent).post(reverse("kb-article-new"), {
        "language": "en", "title": "Printer jams on tray 2", "body": "Replace the roller.", "team": world.it.pk,
        "visibility": "everyone", "source_ticket": ticket.pk})

    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("kb-article", args=[article.pk])
    assert article.source_ticket == ticket
    assert ArticleTicketLink.objects.filter(ticket=ticket, article=article, how="written_from").count() == 1
    page = _client(world.it_agent).get(reverse("kb-article", args=[article.pk])).content.decode()
    assert reverse("ticket-detail", args=[ticket.pk]) in page


def test_a_requester_cannot_open_the_editor_or_prefill_from_a_ticket(world, file_ticket, clock):
    ticket = _resolved_ticket(world, file_ticket)
    assert _client(world.alice).get(reverse("kb-article-new") + f"?ticket={ticket.pk}").status_code == 404
    # an agent of another team gets an empty form, nothing of the ticket
    page = _client(world.hr_agent).get(reverse("kb-article-new") + f"?ticket={ticket.pk}")
    assert "Paper jams" not in page.content.decode()


def test_the_editor_form_error_keeps_everything_unwritten(world, clock):
    response = _client(world.it_agent).post(reverse("kb-article-new"), {
        "language": "en", "title": "", "body": "x", "team": world.it.pk, "visibility": "everyone"})
    assert response.status_code == 200
    assert "Give the article a title." in response.content.decode()
    assert not Article.objects.exists()


def test_editing_on_the_page_makes_a_draft_while_the_published_text_stays(kb, world, clock):
    client = _client(world.it_agent)
    url = reverse("kb-article-edit", args=[kb.it_everyone.pk])
    form = client.get(url + "?lang=zh-hans").context["form"]
    data = {**{k: v for k, v in form.initial.items() if v is not None}, "body": "新的步骤"}
    data["service_items"] = [world.laptop.pk]
    assert client.post(url, data).status_code == 302
    reader = _client(world.alice).get(reverse("kb-article", args=[kb.it_everyone.pk])).content.decode()
    assert "重新登录" in reader and "新的步骤" not in reader
    assert ArticleRevision.objects.filter(article=kb.it_everyone, status=RevisionStatus.DRAFT,
                                          body="新的步骤").exists()


def test_submit_and_publish_buttons_move_the_article(kb, world, clock):
    services.article_edit(article=kb.it_draft, actor=world.it_agent, body="Tray 2.")
    assert _client(world.it_agent).post(
        reverse("kb-article-lifecycle", args=[kb.it_draft.pk, "submit"])).status_code == 302
    # an agent may not publish: 403, nothing moves
    assert _client(world.it_agent).post(
        reverse("kb-article-lifecycle", args=[kb.it_draft.pk, "publish"])).status_code == 403
    kb.it_draft.refresh_from_db()
    assert kb.it_draft.status == ArticleStatus.IN_REVIEW
    queue = _client(world.it_lead).get(reverse("kb-review-queue")).content.decode()
    assert "Printer draft" in queue
    assert "Printer draft" not in _client(world.hr_agent).get(reverse("kb-review-queue")).content.decode()
    _client(world.it_lead).post(reverse("kb-article-lifecycle", args=[kb.it_draft.pk, "publish"]))
    kb.it_draft.refresh_from_db()
    assert kb.it_draft.status == ArticleStatus.PUBLISHED


def test_the_diff_between_revisions_is_escaped(kb, world, clock):
    services.article_edit(article=kb.it_draft, actor=world.it_agent,
                          body='Not yet.\n<script>alert("x")</script>\n<img src=x onerror=alert(1)>')
    page = _client(world.it_agent).get(reverse("kb-article-diff", args=[kb.it_draft.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert" not in html and "<img src=x" not in html
    assert '+&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' in html
    assert 'class="diff-add">+&lt;img src=x onerror=alert(1)&gt;' in html


def test_history_and_diff_are_for_the_team_s_writers(kb, world, clock):
    for user, code in ((world.alice, 403), (world.hr_agent, 403), (world.it_agent, 200), (world.admin, 200)):
        assert _client(user).get(reverse("kb-article-history", args=[kb.it_everyone.pk])).status_code == code
    assert _client(world.hr_agent).get(reverse("kb-article-history", args=[kb.it_team.pk])).status_code == 404


def test_the_reader_gets_their_language_and_can_switch(kb, world, clock):
    services.article_edit(article=kb.it_everyone, actor=world.it_agent, language="en",
                          title="Troubleshooting VPN connections", body="1. Check the network")
    services.article_submit(article=kb.it_everyone, actor=world.it_agent)
    services.article_publish(article=kb.it_everyone, actor=world.it_lead)
    client = _client(world.alice)
    url = reverse("kb-article", args=[kb.it_everyone.pk])
    assert "Troubleshooting VPN connections" in client.get(url).content.decode()
    assert "VPN 无法连接的排查步骤" in client.get(url + "?lang=zh-hans").content.decode()
    # 繁體 readers fall back to 简体 before English
    client.cookies["django_language"] = "zh-hant"
    assert "VPN 无法连接的排查步骤" in client.get(url).content.decode()


def test_the_reply_picker_finds_visible_articles_and_a_reply_records_the_use(kb, world, file_ticket, clock):
    ticket = file_ticket()
    client = _client(world.it_agent)
    picker = client.get(reverse("kb-reply-picker"), {"ticket": ticket.pk, "kb_q": "VPN"}).content.decode()
    link = f"[VPN 无法连接的排查步骤]({reverse('kb-article', args=[kb.it_everyone.pk])})"
    assert f'data-insert-link="{link}"' in picker
    # nothing of another team's private article
    hr_picker = client.get(reverse("kb-reply-picker"), {"ticket": ticket.pk, "kb_q": "Payroll"}).content.decode()
    assert "Payroll" not in hr_picker.replace("“Payroll”", "")
    assert _client(world.alice).get(reverse("kb-reply-picker"), {"ticket": ticket.pk, "kb_q": "VPN"}).status_code \
        == 404

    client.post(reverse("ticket-reply", args=[ticket.pk]), {
        "body": f"Please try {link}", "kind": "reply", "version": ticket.version})

    assert list(ArticleTicketLink.objects.filter(ticket=ticket).values_list("article_id", "how")) == [
        (kb.it_everyone.pk, "used_in_reply")]


def test_opening_an_article_from_a_ticket_records_the_view_once(kb, world, file_ticket, clock):
    ticket = file_ticket()
    client = _client(world.alice)
    url = reverse("kb-article", args=[kb.it_everyone.pk]) + f"?ticket={ticket.pk}"
    client.get(url)
    client.get(url)
    assert ArticleTicketLink.objects.filter(ticket=ticket, how="viewed").count() == 1
    kb.it_everyone.refresh_from_db()
    assert kb.it_everyone.view_count == 2
    # bob cannot see alice's ticket: his view is counted, no link is written to it
    _client(world.bob).get(url)
    assert ArticleTicketLink.objects.filter(ticket=ticket, how="viewed").count() == 1


def test_the_requester_marks_that_an_article_solved_their_request(kb, world, file_ticket, clock):
    ticket = file_ticket()
    alice = _client(world.alice)
    page = alice.get(reverse("kb-article", args=[kb.it_everyone.pk]) + f"?ticket={ticket.pk}").content.decode()
    assert reverse("kb-article-solved", args=[kb.it_everyone.pk]) in page

    response = alice.post(reverse("kb-article-solved", args=[kb.it_everyone.pk]), {"ticket": ticket.pk})

    assert response.status_code == 302 and response["Location"] == reverse("ticket-detail", args=[ticket.pk])
    assert ArticleTicketLink.objects.filter(ticket=ticket, article=kb.it_everyone, how="solved").count() == 1
    # bob may not see alice's ticket: 404, nothing written
    assert _client(world.bob).post(reverse("kb-article-solved", args=[kb.it_everyone.pk]),
                                   {"ticket": ticket.pk}).status_code == 404
    assert ArticleTicketLink.objects.filter(how="solved").count() == 1
