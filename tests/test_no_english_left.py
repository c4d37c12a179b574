"""Issue 16, "Languages": every page and every notification, read in 简体中文 or 繁體中文,
holds no English sentence of our own catalog (locale/zh_Hans/LC_MESSAGES/django.po).

The English sentences are the catalog's msgids worth looking for (`english_sentences`):
two words or more once placeholders and markup are taken out, not a proper noun, and
translated into something else. A page is read as a browser shows it (text without tags,
scripts or styles) plus the attributes people read (placeholder, title, aria-label, alt,
data-label); an email as sent (subject, text, HTML) and an in-app notification by its
title and body. The world (`rich_world`) is built to put every piece of text on a page:
SLA clocks in every state, a resolution summary, canned responses, saved views, a history
with an event of every `EventKind` (escalations, a transfer by an escalation level),
standards, calendars and chains with a change log. Each test lists every leak it finds,
page by page, before it fails.
"""

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from feedback import services as feedback_services
from knowledge import services as kb
from notifications import digest
from notifications import services as notify
from notifications.models import Notification, OutboxMessage, Preference
from problems import services as problems
from reports.models import RollupState
from reports.rollup import STATE_NAME as ROLLUP_STATE
from reports.rollup import rollup_pending
from reports.subscriptions import subscription_create, subscriptions_send_due
from sla import scanner
from sla.bookkeeping import ticket_summaries_refresh
from sla.models import SLAClock
from sla.standards.calendars import calendar_save
from sla.standards.chains import chain_save
from sla.standards.service_standards import standard_retire, standard_save
from sla.states import ClockState, TicketState, clock_state
from surveys.selectors import current_invite, invite_token
from surveys.services import survey_answer, survey_follow_up_done
from tests.conftest import set_sla
from tests.factories import ServiceCategoryFactory, ServiceItemFactory, survey_defaults_row
from tests.sla.views.conftest import sla_objects  # noqa: F401 - a fixture of the service-standard pages
from tickets import services
from tickets.constants import EventKind, Priority, Status
from tickets.models import Comment, Ticket, TicketEvent
from tickets.presentation import describe_event

LANGUAGES = ["zh-hans", "zh-hant"]
CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# Msgids that are names, the same in every language (the language switcher's own names).
PROPER_NOUNS = {"English", "Markdown"}
# A placeholder of gettext (%(name)s, %s, %d, %%) or of a canned response ({title}).
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[0-9.]*[sdfX]|%[sd%]|\{[a-z_]+\}")
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[A-Za-z]{2,}")

# Tuesday 22 September 2026, 10:00 in Shanghai: a working day of the world's calendar.
NOW = dt.datetime(2026, 9, 22, 2, 0, tzinfo=dt.UTC)


def _fragments(msgid: str) -> list[str]:
    """The pieces of a msgid that are English text: split at placeholders and tags, each
    piece with its white space collapsed; only pieces of two words or more."""
    pieces = re.split(f"{_PLACEHOLDER.pattern}|{_TAG.pattern}", msgid)
    pieces = [" ".join(p.split()).strip(" .,:;·—–-()[]“”\"'") for p in pieces]
    return [p for p in pieces if len(_WORD.findall(p)) >= 2]


def _choice_words() -> dict[str, str]:
    """The English labels of the statuses, priorities, history events and SLA states, one
    word or more (they must come out translated), and the status codes (which must never
    be shown for their labels)."""
    words = {}
    with translation.override("en"):
        for choices in (Status, Priority, EventKind, ClockState, TicketState):
            for _value, label in choices.choices:
                words[str(label)] = str(label)
        for value in Status.values:
            words.setdefault(value, f"the code of {Status(value).label}")
    return words


@functools.cache
def english_sentences() -> dict[str, str]:
    """{English text to look for: its msgid} for every msgid of our catalog worth looking
    for, and the labels of `_choice_words`. Other msgids whose longest piece is under two
    words (a lone word, "%(n)d min") are left out: a single English word in a page is more
    often a name than a leak."""
    found = _choice_words()
    for entry in polib.pofile(str(CATALOG)):
        if entry.obsolete:
            continue
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            translated = entry.msgstr or next(iter(entry.msgstr_plural.values()), "")
            if msgid in PROPER_NOUNS or translated == msgid:
                continue
            for piece in _fragments(msgid):
                found.setdefault(piece, msgid)
    return found


def _short_pattern(msgid: str) -> re.Pattern | None:
    """A msgid of placeholders around single words ("[%(reference)s] Overdue: %(title)s",
    "%(duration)s left") as a pattern of one line: its words as written, something in
    place of each placeholder. None when it has no word to look for, or one of two words
    or more (`_fragments` has it)."""
    parts = re.split(f"({_PLACEHOLDER.pattern})", " ".join(msgid.split()))
    literals = parts[0::2]
    if not _PLACEHOLDER.search(msgid) or not any(_WORD.search(p) for p in literals) or _fragments(msgid):
        return None
    # Words stand alone; a placeholder at either end is some text beside them on the line
    # (not matched, so that the search starts at a word), one inside is some text between.
    pattern = r"(?<![A-Za-z])" if parts[0][:1].isalpha() else ""
    for i, part in enumerate(parts):
        if i % 2 == 0:
            pattern += re.escape(part)
        elif i == 1 and parts[0] == "":
            pattern += r"(?<=[^\n])"
        elif i == len(parts) - 2 and parts[-1] == "":
            pattern += r"(?=[^\n])"
        else:
            pattern += r"[^\n]{1,200}?"
    return re.compile(pattern + (r"(?![A-Za-z])" if parts[-1][-1:].isalpha() else ""))


@functools.cache
def short_sentences() -> list[tuple[re.Pattern, str]]:
    """(pattern, msgid) of the catalog's msgids made of placeholders and single words."""
    found = []
    for entry in polib.pofile(str(CATALOG)):
        translated = entry.msgstr or next(iter(entry.msgstr_plural.values()), "")
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            if not entry.obsolete and translated != msgid and (pattern := _short_pattern(msgid)):
                found.append((pattern, msgid))
    return found


@functools.cache
def _sentence_pattern() -> re.Pattern:
    alternatives = sorted(english_sentences(), key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z])(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?![A-Za-z])")


# The attributes people read (or hear from a screen reader).
READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "data-label"}


class _Reader(HTMLParser):
    """A page as people read it: its text outside <script>, <style> and <template>, and the
    values of the attributes they read; every piece with its white space collapsed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.pieces.append(value)
        # An input's value is read when it is a button's text.
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.pieces.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.pieces.append(data)


def readable_text(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return "\n".join(" ".join(piece.split()) for piece in reader.pieces)


# The world's own data that holds a word of a label: the first name of the chain of
# `sla_objects`, which the change log keeps after the world renames it; the English name of
# a default survey reason, which the survey settings page edits beside its Chinese names.
DATA_TEXT = ["Standard escalation", "The problem is not really solved"]


def english_left(text: str) -> dict[str, str]:
    """The catalog's English sentences found in `text`: {msgid: the text found}."""
    sentences = english_sentences()
    found = {}
    for data in DATA_TEXT:
        text = text.replace(data, " ")
    for match in _sentence_pattern().finditer(" ".join(text.split())):
        found[sentences[match.group(0)]] = match.group(0)
    lines = "\n".join(" ".join(line.split()) for line in text.splitlines())
    for pattern, msgid in short_sentences():
        if match := pattern.search(lines):
            found[msgid] = match.group(0)
    return found


# --- the catalog itself -----------------------------------------------------------------


def test_the_catalogs_are_complete_with_nothing_fuzzy():
    for language in ("zh_Hans", "zh_Hant"):
        catalog = polib.pofile(str(CATALOG.parents[2] / language / "LC_MESSAGES" / "django.po"))
        missing = [e.msgid for e in catalog if not e.obsolete and (not e.translated() or e.fuzzy)]
        assert missing == [], f"{language}: untranslated or fuzzy: {missing}"


def test_the_sentences_looked_for_are_the_catalogs_sentences():
    sentences = english_sentences()
    assert len(sentences) > 500
    # a sentence with placeholders is looked for by its pieces; names and lone words are not
    assert sentences["Changed the status from"] == "Changed the status from %(old)s to %(new)s"
    assert "English" not in sentences and "Status" not in sentences and "URL" not in sentences
    # the labels of statuses and SLA states are looked for however short, and the status codes
    assert sentences["waiting on requester"] == "waiting on requester" and sentences["overdue"] == "overdue"
    assert sentences["pending"] == "the code of waiting on requester"
    assert english_left("Filed the request") == {"Filed the request": "Filed the request"}
    assert english_left("Changed the status from 已解决 to 处理中") == {
        "Changed the status from %(old)s to %(new)s": "Changed the status from"}
    assert set(english_left(readable_text('<p title="Open the request">x</p>'))) == {"Open the request"}
    assert english_left(readable_text("<p>Refiled the requests</p>")) == {}  # whole words only
    # single words around placeholders are looked for as the sentence they make
    assert set(english_left("[SD-000001] Overdue: Laptop")) == {"[%(reference)s] Overdue: %(title)s"}
    assert set(english_left("3 h 10 min left")) == {
        "%(duration)s left", "%(hours)d h %(minutes)d min", "%(minutes)d min"}
    assert english_left("Overdue\nleft") == english_left("[SD-000001] 已超时：Laptop") == {}


# --- the world ---------------------------------------------------------------------------


class PinnedNow:
    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture
def pinned(monkeypatch, settings):
    settings.TIME_ZONE = "UTC"
    now = PinnedNow(NOW)
    monkeypatch.setattr(timezone, "now", now)
    return now


def _upload(name="screen.txt", content=b"The screen stays black.\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


def _clocks(ticket, **changes):
    """Put both clocks of a ticket in the state `changes` describe, the summary following."""
    SLAClock.objects.filter(ticket=ticket).update(**changes)
    ticket_summaries_refresh(ticket_ids=[ticket.pk])


@pytest.fixture
def rich_world(pinned, world, sla_objects, file_ticket, settings, tmp_path, request):  # noqa: F811
    """The world with something of every kind, every user reading the language the test is
    parametrized with (简体中文 unless), on a pinned clock."""
    language = request.param if hasattr(request, "param") else "zh-hans"
    settings.MEDIA_ROOT = tmp_path / "media"
    w = world
    w.language = language
    w.standard, w.calendar, w.chain = sla_objects.standard, sla_objects.calendar, sla_objects.chain
    for user in (w.it_lead, w.it_agent, w.hr_agent, w.alice, w.bob, w.admin):
        user.language = language
        user.timezone = "Asia/Shanghai"
        user.save()
    # Satisfaction surveys at once after every resolution (as the demo sends them).
    survey_defaults_row()
    # The data holds no word of the catalog's labels ("escalation"): the chain is renamed,
    # with names per language.
    chain_save(actor=w.admin, chain=w.chain, name="Standard ladder", names={"zh-hans": "标准链", "zh-hant": "標準鏈"},
               levels=[{"order": 1, "trigger": "percent", "percent": 75, "notify_assignee": True},
                       {"order": 2, "trigger": "after_breach", "delay_minutes": 0, "notify_lead": True,
                        "notify_users": [w.it_lead]}])
    # A chain that does everything a level can do, for the P1 standard: the change log
    # then words every kind of level, and the scanner takes every kind of action.
    w.urgent_chain = chain_save(actor=w.admin, name="Urgent ladder", description="For P1 tickets", levels=[
        {"order": 1, "trigger": "percent", "percent": 50, "applies_to": "first_response", "notify_assignee": True},
        {"order": 2, "trigger": "after_breach", "delay_minutes": 30, "applies_to": "resolution",
         "notify_lead": True, "notify_admins": True, "raise_priority": True, "reassign": "lead"},
        {"order": 3, "trigger": "after_breach", "delay_minutes": 600, "notify_users": [w.it_lead],
         "reassign": "team", "reassign_team": w.hr},
        {"order": 4, "trigger": "after_breach", "delay_minutes": 900, "applies_to": "next_response",
         "notify_lead": True},
    ])
    w.p1_standard = standard_save(actor=w.admin, name="IT urgent", team=w.it, priority=Priority.P1,
                                  calendar=w.calendar, first_response_minutes=30, next_response_minutes=60,
                                  resolution_minutes=240, warning_percent=75, escalation_chain=w.urgent_chain)
    # edits, for the change log and the standard's history
    calendar_save(actor=w.admin, calendar=w.calendar, name="Shanghai office", timezone="Asia/Shanghai",
                  working_hours=[{"weekday": d, "start": dt.time(9), "end": dt.time(18)} for d in range(5)],
                  holidays=[{"date": dt.date(2026, 10, 1), "end_date": dt.date(2026, 10, 8), "name": "National Day"}],
                  extra_working_days=[{"date": dt.date(2026, 10, 11), "name": "National Day make-up"}],
                  extra_day_weekday=4, names={"zh-hans": "上海办公室", "zh-hant": "上海辦公室"})
    w.standard = standard_save(actor=w.admin, standard=w.standard, resolution_minutes=540, warning_percent=70,
                               pause_on_pending=False)
    retired = standard_save(actor=w.admin, name="HR default", team=w.hr, calendar=w.calendar,
                            first_response_minutes=120, resolution_minutes=960)
    standard_retire(actor=w.admin, standard=retired)
    category = ServiceCategoryFactory(name="Hardware")
    w.laptop.category = category
    w.laptop.save()
    ServiceItemFactory(name="Monitor", team=w.it, category=category)

    # canned responses (one per language and one for all) and saved views
    w.canned = services.canned_response_save(team=w.it, title="Greeting", body="Hello {requester_name}, about {title}.")
    services.canned_response_save(team=w.it, title="问候", body="您好 {requester_name}", language="zh-hans")
    services.canned_response_save(team=w.it, title="問候", body="您好 {requester_name}", language="zh-hant")
    w.saved_query = "priority=P1&view=breached"
    services.saved_view_save(owner=w.it_lead, team=w.it, name="P1 only", query=w.saved_query, shared=True)
    services.saved_view_save(owner=w.it_agent, team=w.it, name="Mine first", query="view=at_risk")

    hour = dt.timedelta(hours=1)
    now = pinned.at
    with translation.override(language):  # the people act in their own language
        # The main ticket: an event of every kind, escalated by the scanner.
        main = file_ticket(title="Laptop does not boot", fields={
            "asset_tag": "LT-1", "urgency": "whole team", "count": 2, "since": "2026-09-20"},
            attachments=[_upload()])
        services.ticket_assign(ticket=main, assignee=w.it_agent, actor=w.it_lead)
        services.comment_create(ticket=main, author=w.it_agent, body="We are **on it**.")
        services.comment_create(ticket=main, author=w.it_agent, body="Warranty expired.", internal=True)
        services.ticket_transition(ticket=main, to=Status.PENDING, actor=w.it_agent)
        services.comment_create(ticket=main, author=w.alice, body="Here is the photo.", attachments=[_upload("p.txt")])
        services.attachment_add(ticket=main, uploads=[_upload("log.txt")], actor=w.it_agent)
        services.ticket_set_priority(ticket=Ticket.objects.get(pk=main.pk), priority=Priority.P2, actor=w.it_lead)
        services.ticket_update(ticket=Ticket.objects.get(pk=main.pk), actor=w.it_agent, expected_version=None,
                               title="Laptop does not boot at all")
        services.collaborator_add(ticket=main, user=w.hr_agent, actor=w.it_agent)
        w.related = file_ticket(title="Docking station flickers", requester=w.bob)
        services.ticket_link(source=main, target=w.related, actor=w.it_agent)
        duplicate = file_ticket(title="Laptop dead", description="Same laptop.")
        services.ticket_merge(source=duplicate, target=main, actor=w.it_agent)
        services.ticket_transfer(ticket=main, team=w.hr, actor=w.it_agent, reason="Maybe a payroll laptop")
        services.ticket_transfer(ticket=main, team=w.it, actor=w.hr_agent, reason="Not ours")
        services.ticket_assign(ticket=main, assignee=w.it_agent, actor=w.it_lead)
        # no service writes this kind yet: as the history would hold it
        TicketEvent.objects.create(ticket=main, actor=w.it_lead, kind=EventKind.SERVICE_ITEM,
                                   data={"old": w.laptop.pk, "new": w.laptop.pk})
    w.main = Ticket.objects.get(pk=main.pk)

    # P1 tickets for the scanner: warnings, breaches and every level fire while the workers
    # run in English (Celery has no reader); what they write must still read in Chinese.
    with translation.override(language):
        w.urgent = file_ticket(title="VPN down in Shenzhen", priority=Priority.P1)
        services.ticket_assign(ticket=w.urgent, assignee=w.it_agent, actor=w.it_lead)
        w.escalated = file_ticket(title="Mail server unreachable", priority=Priority.P1)
        # answered, then alice replied: a next response is owed (and escalated)
        w.owed = file_ticket(title="Monitor cable missing", priority=Priority.P1)
        services.comment_create(ticket=w.owed, author=w.it_agent, body="Which port?")
        services.comment_create(ticket=w.owed, author=w.alice, body="HDMI.")
    with translation.override("en"):
        for hours in (0.3, 0.45, 1, 5, 30, 60):
            scanner.sla_scan(now=now + hours * hour)

    # One ticket per clock state, as the badges and the requester's promises word them.
    with translation.override(language):
        w.on_track = file_ticket(title="New keyboard")
        w.at_risk = file_ticket(title="Printer jam")
        w.breached = file_ticket(title="Projector broken")
        w.paused = file_ticket(title="Password reset")
        w.met = file_ticket(title="Mouse replaced")
        w.met_late = file_ticket(title="Screen replaced")
        w.stopped = file_ticket(title="Cancelled order")
        w.resolved = file_ticket(title="Wi-Fi drops")
    set_sla(w.on_track, warn=now + hour, due=now + 3 * hour, assignee=w.it_agent, status=Status.OPEN)
    set_sla(w.at_risk, warn=now - hour, due=now + hour, assignee=w.it_agent, status=Status.OPEN)
    set_sla(w.breached, warn=now - 3 * hour, due=now - hour, breached=True, assignee=w.it_agent, status=Status.OPEN)
    set_sla(w.paused, status=Status.PENDING, assignee=w.it_agent)
    _clocks(w.met, state="met", due_at=now + hour, stopped_at=now - hour, run_started_at=None, next_check_at=None)
    _clocks(w.met_late, state="breached", due_at=now - 2 * hour, breached_at=now - 2 * hour,
            stopped_at=now - hour, run_started_at=None, next_check_at=None)
    _clocks(w.stopped, state="stopped", stopped_at=now - hour, run_started_at=None, next_check_at=None)
    with translation.override(language):
        services.ticket_transition(ticket=w.stopped, to=Status.CANCELLED, actor=w.alice)
        services.ticket_transition_with_reply(ticket=w.resolved, to=Status.RESOLVED, actor=w.it_agent,
                                              comment="Fixed.", resolution_summary="Replaced the access point.")
    for ticket in (w.met, w.met_late):
        Ticket.objects.filter(pk=ticket.pk).update(assignee=w.it_agent)
    # Satisfaction surveys: a low score (its follow-up open), one sent and unanswered, one
    # whose follow-up the lead closed.
    with translation.override(language):
        low = survey_answer(invite=current_invite(ticket=w.resolved), score=1, comment="It took a week.",
                            reason="slow")
        w.resolved_follow_up = low.follow_up.pk
        w.surveyed = file_ticket(title="Headset crackles")
        services.ticket_transition(ticket=w.surveyed, to=Status.RESOLVED, actor=w.it_agent)
        w.survey_token = invite_token(current_invite(ticket=w.surveyed))
        w.followed = file_ticket(title="Badge reader", requester=w.bob)
        services.ticket_transition(ticket=w.followed, to=Status.RESOLVED, actor=w.it_agent)
        answered = survey_answer(invite=current_invite(ticket=w.followed), score=2, comment="Meh.", reason="slow")
        survey_follow_up_done(follow_up=answered.follow_up, actor=w.it_lead, note="Called him.")
    # Lots of open tickets, for the bulk change's confirmation page.
    with translation.override(language):
        w.bulk = [file_ticket(title=f"Toner {n}") for n in range(7)]

    # Feedback on the IT team: signed (answered, moved on) and anonymous (new).
    with translation.override(language):
        w.feedback = feedback_services.feedback_create(sender=w.alice, team=w.it, kind="complaint",
                                                       text="Replies take days.", attachment=_upload("times.txt"))
        feedback_services.feedback_answer(feedback=w.feedback, actor=w.it_lead, answer="We added a second agent.",
                                          status="acknowledged", note="Looking into it.")
        w.anonymous_feedback = feedback_services.feedback_create(sender=w.bob, team=w.it, kind="suggestion",
                                                                 text="Open on Saturdays.", anonymous=True)
    # The problem library: a known error with three incidents (one unlinked), its workaround
    # sent, flagged on both thresholds; a second problem resolved with its incidents, one of
    # which cannot move.
    settings.PROBLEM_FLAG_INCIDENTS = [2]
    settings.PROBLEM_FLAG_DAYS = [14]
    with translation.override(language):
        w.problem = problems.problem_create(actor=w.it_lead, team=w.it, title="Mail server rejects mail",
                                            symptoms="Outlook: *sending failed*", workaround="Use webmail.",
                                            from_ticket=w.main)
        problems.problem_link_incidents(problem=w.problem, tickets=w.bulk[:2], actor=w.it_agent)
        problems.problem_unlink_incident(problem=w.problem, ticket=w.bulk[1], actor=w.it_agent)
        problems.problem_update(problem=w.problem, actor=w.it_lead, status="known_error", root_cause="Expired cert",
                                priority=Priority.P2)
        problems.problem_send_workaround(problem=w.problem, actor=w.it_lead)
        problems.problem_publish_article(problem=w.problem, actor=w.it_lead)
        problems.problems_flag_sweep(now=now + 20 * 24 * hour)
        w.fixed_problem = problems.problem_create(actor=w.it_lead, team=w.it, title="Printer spooler stuck")
        problems.problem_link_incidents(problem=w.fixed_problem, tickets=w.bulk[2:4], actor=w.it_agent)
        services.ticket_transition(ticket=w.bulk[3], to=Status.CANCELLED, actor=w.alice)
        problems.problem_resolve_incidents(problem=w.fixed_problem, actor=w.it_lead, summary="Spooler restarted.")
    # The knowledge base: a published article with a revision in review, a draft sent back
    # with changes requested, a report that it is out of date and its review reminder.
    with translation.override(language):
        w.article = kb.article_create(
            actor=w.it_agent, team=w.it, language="zh-hans", title="VPN 无法连接的排查步骤", body="1. 检查网络",
            service_items=[w.laptop], tags=["vpn"], category=category, review_by=(now - 10 * 24 * hour).date())
        kb.article_submit(article=w.article, actor=w.it_agent)
        kb.article_publish(article=w.article, actor=w.it_lead)
        kb.article_edit(article=w.article, actor=w.it_agent, body="1. 检查网络\n2. 更新客户端")
        kb.article_submit(article=w.article, actor=w.it_agent)
        w.kb_draft = kb.article_create(actor=w.it_agent, team=w.it, language="zh-hant", title="印表機卡紙",
                                       body="打開紙匣")
        kb.article_submit(article=w.kb_draft, actor=w.it_agent)
        kb.article_request_changes(article=w.kb_draft, actor=w.it_lead, note="加上截圖")
        kb.article_report_outdated(revision=w.article.revisions.get(status="published"), user=w.alice,
                                   comment="客户端已更新")
    with translation.override("en"):
        kb.article_review_reminders_send(now=now)

    # The reports: bob heads Finance (its department report), the days rolled up.
    w.finance.head = w.bob
    w.finance.save()
    rollup_pending(now=now)

    # Notifications of every kind in the list (delivered in the app).
    Preference.objects.create(user=w.it_lead, event=notify.LEAD_DIGEST, delivery=Preference.Delivery.BOTH)
    digest.lead_digests_enqueue(now=now)
    # A report summary mail (reports.subscriptions): last week's, the rollups complete to now.
    RollupState.objects.update_or_create(name=ROLLUP_STATE, defaults={"as_of": now})
    subscription_create(user=w.it_lead, team=w.it, frequency="weekly")
    subscriptions_send_due(now=now)
    notify.deliver_outbox(now=now + 100 * hour, batch_size=10_000)
    rollup_pending(now=now + 100 * hour)  # the reports' figures
    return w


def test_the_world_has_text_of_every_kind(rich_world, pinned):
    w = rich_world
    kinds = set(TicketEvent.objects.values_list("kind", flat=True))
    assert kinds == set(EventKind.values), set(EventKind.values) - kinds
    steps = {step.split(":")[0] for step in TicketEvent.objects.filter(kind=EventKind.ESCALATION)
             .values_list("data__step", flat=True)}
    assert steps == {"warning", "breach", "level"}
    assert TicketEvent.objects.filter(kind=EventKind.TEAM, actor=None).exists()  # a transfer by a level
    states = {clock_state(c, pinned.at) for c in SLAClock.objects.all()}
    assert states == set(ClockState), set(ClockState) - states
    events = set(Notification.objects.values_list("event", flat=True))
    assert events == set(notify.EVENT_LABELS), set(notify.EVENT_LABELS) - events
    assert Ticket.objects.get(pk=w.resolved.pk).resolution_summary


# --- the pages ---------------------------------------------------------------------------


def _signed_in(user, language: str) -> Client:
    """A browser of `user` (None: nobody signed in) that chose `language` in the header."""
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302
    return client


@dataclass
class Page:
    """A page to read: who asks, how, and what comes back. `data` may be a function of
    the world, called when the request is sent (ticket versions change on the way)."""

    persona: str | None
    url: str
    method: str = "get"
    data: Any = None
    status: int = 200
    follow: bool = False  # an action: read the page it leads to, with its message

    def send(self, client: Client, w):
        data = self.data(w) if callable(self.data) else (self.data or {})
        return getattr(client, self.method)(self.url, data, follow=self.follow)


def _version(ticket) -> int:
    return Ticket.objects.get(pk=ticket.pk).version


def _pages(w) -> list[Page]:
    """Every page to read, as the persona who reads it; the actions (which change the world)
    come last."""
    it, hr = w.it.slug, w.hr.slug
    main, urgent, escalated = w.main.pk, w.urgent.pk, w.escalated.pk
    queue = reverse("team-queue", args=[it])
    bulk = reverse("team-queue-bulk", args=[it])
    simulator = reverse("sla:simulator")
    pages = [
        Page("alice", reverse("catalog")),
        Page("alice", reverse("catalog") + "?q=laptop"),
        Page("alice", reverse("catalog") + "?q=nothing-like-this"),
        Page("alice", reverse("ticket-new", args=[w.laptop.pk])),
        Page("alice", reverse("ticket-new", args=[w.laptop.pk]), "post", {"title": "", "count": "many"}),
        Page("alice", reverse("my-requests")),
        Page("alice", reverse("feedback-mine")),
        Page("alice", reverse("feedback-new")),
        Page("alice", reverse("feedback-new"), "post", {"team": "", "kind": "", "text": ""}),
        Page("alice", reverse("feedback-detail", args=[w.feedback.pk])),
        Page("it_lead", reverse("feedback-mine")),
        Page("it_lead", reverse("team-feedback", args=[it])),
        Page("it_lead", reverse("team-feedback", args=[it]) + "?kind=praise&status=declined"),
        Page("it_lead", reverse("feedback-detail", args=[w.feedback.pk])),
        Page("it_lead", reverse("feedback-detail", args=[w.anonymous_feedback.pk])),
        Page("admin", reverse("feedback-detail", args=[w.anonymous_feedback.pk])),
        Page("it_lead", reverse("feedback-answer", args=[w.anonymous_feedback.pk]), "post",
             {"answer": "", "status": "acknowledged", "note": ""}, status=400),
        Page("alice", reverse("my-requests") + "?status=resolved"),
        Page("alice", reverse("ticket-search") + "?q=laptop"),
        Page("alice", reverse("ticket-search") + "?q=nothing-like-this"),
        Page("it_agent", reverse("ticket-search") + "?q=printer"),
        Page("alice", reverse("notifications")),
        Page("it_agent", reverse("notifications")),
        Page("it_lead", reverse("notifications")),
        Page("alice", reverse("profile")),
        Page("it_lead", reverse("profile")),
        Page("it_agent", reverse("dashboard")),
        Page("it_lead", reverse("team-settings", args=[it])),
        Page("it_lead", reverse("canned-response-new", args=[it])),
        Page("it_lead", reverse("canned-response-new", args=[it]), "post", {"title": "", "body": ""}),
        Page("it_lead", reverse("canned-response-edit", args=[it, w.canned.pk])),
        Page("it_lead", bulk, "post", {"ticket": [t.pk for t in w.bulk], "action": "priority", "priority": "P2",
                                       "query": "view=open"}),
        Page("it_lead", bulk, "post", {"ticket": [t.pk for t in w.bulk], "action": "transfer", "team": w.hr.pk,
                                       "reason": "HR's"}),
        Page("it_lead", bulk, "post", {"ticket": [t.pk for t in w.bulk], "action": "assign", "assignee": "none"}),
        Page("it_lead", bulk, "post", {"ticket": [t.pk for t in w.bulk], "action": "assign",
                                       "assignee": w.it_agent.pk}),
        Page("it_lead", bulk, "post", {"ticket": [t.pk for t in w.bulk], "action": "status", "status": "open"}),
        Page("it_agent", reverse("ticket-merge", args=[w.on_track.pk]), "post",
             lambda w: {"merge-reference": w.at_risk.reference, "merge-version": _version(w.on_track)}),
        Page("admin", reverse("sla:standards")),
        Page("admin", reverse("sla:standard-new")),
        Page("admin", reverse("sla:standard-edit", args=[w.standard.pk])),
        Page("admin", reverse("sla:standard-new"), "post", {"name": "", "first_response_minutes": "soon"}),
        Page("admin", reverse("sla:standard-history", args=[w.standard.pk])),
        Page("admin", reverse("sla:calendars")),
        Page("admin", reverse("sla:calendar-new")),
        Page("admin", reverse("sla:calendar-edit", args=[w.calendar.pk])),
        Page("admin", reverse("sla:calendar-new"), "post", {"name": "", "timezone": "Mars/Base",
                                                            "holidays": "someday"}),
        Page("admin", reverse("sla:chains")),
        Page("admin", reverse("sla:chain-new")),
        Page("admin", reverse("sla:chain-edit", args=[w.urgent_chain.pk])),
        Page("admin", simulator),
        Page("admin", simulator + f"?standard={w.p1_standard.pk}&start=2026-09-25T17:00"),
        Page("admin", simulator + f"?calendar={w.calendar.pk}&minutes=30&start=2026-09-30T17:45"),
        Page("admin", simulator + "?start=2026-09-25T17:45"),
        Page("admin", reverse("sla:audit")),
        Page("admin", queue),
        Page(None, reverse("login")),
        Page(None, reverse("login"), "post", {"username": "alice", "password": "wrong"}),
        Page("alice", "/no-such-page/", status=404),
        # satisfaction surveys
        Page(None, reverse("survey-token", args=[w.survey_token])),
        Page(None, reverse("survey-token", args=["1.forged"]), status=404),
        Page("alice", reverse("ticket-detail", args=[w.surveyed.pk])),
        Page("it_lead", reverse("ticket-detail", args=[w.resolved.pk])),
        Page("it_lead", reverse("ticket-detail", args=[w.followed.pk])),
        Page("it_lead", reverse("survey-satisfaction", args=[it])),
        Page("admin", reverse("survey-settings")),
        Page("admin", reverse("survey-team-settings", args=[it])),
        Page("admin", reverse("survey-settings"), "post", {"delay_minutes": "soon", "reasons": "no key here"}),
        Page("alice", reverse("ticket-detail", args=[w.related.pk]), status=404),
        Page("alice", reverse("ticket-reply", args=[main]), "post", {f"f{n}": "x" for n in range(1200)},
             status=400),
    ]
    for view in ("open", "unassigned", "mine", "at_risk", "breached", "pending"):
        pages += [Page("it_lead", f"{queue}?view={view}"), Page("it_agent", f"{queue}?view={view}")]
    pages += [
        Page("it_lead", f"{queue}?view=open&status=resolved&status=closed&sort=due_at&priority=P1&assignee=none"),
        Page("it_lead", f"{queue}?{w.saved_query}"),
        Page("it_lead", reverse("team-queue-counts", args=[it])),
        Page("hr_agent", reverse("team-queue", args=[hr])),
        Page("it_lead", reverse("problem-list")),
        Page("admin", reverse("problem-list") + "?status="),
        Page("it_lead", reverse("problem-detail", args=[w.problem.pk])),
        Page("it_lead", reverse("problem-detail", args=[w.fixed_problem.pk])),
        Page("it_lead", reverse("problem-new") + f"?ticket={w.on_track.pk}"),
        Page("it_lead", reverse("problem-edit", args=[w.problem.pk])),
        Page("alice", reverse("problem-list"), status=404),
    ]
    for ticket in (w.main, w.related, w.on_track, w.at_risk, w.breached, w.paused, w.met, w.met_late,
                   w.stopped, w.resolved):
        pages.append(Page("it_agent", reverse("ticket-detail", args=[ticket.pk])))
        if ticket.requester_id == w.alice.pk:
            pages.append(Page("alice", reverse("ticket-detail", args=[ticket.pk])))
    pages += [
        Page("hr_agent", reverse("ticket-detail", args=[main])),  # a collaborator from another team
        Page("it_lead", reverse("ticket-detail", args=[main])),
        # the P1 tickets, moved to HR by their last escalation level
        Page("hr_agent", reverse("ticket-detail", args=[urgent])),
        Page("hr_agent", reverse("ticket-detail", args=[escalated])),
        Page("alice", reverse("ticket-detail", args=[urgent])),
        # a next response owed, on the team's page and in alice's promise (its team: where
        # the escalation levels left it)
        Page("hr_agent" if Ticket.objects.get(pk=w.owed.pk).team_id == w.hr.pk else "it_agent",
             reverse("ticket-detail", args=[w.owed.pk])),
        Page("alice", reverse("ticket-detail", args=[w.owed.pk])),
    ]
    # Actions, each read on the page it leads to with its message.
    pages += [
        Page("alice", reverse("ticket-new", args=[w.laptop.pk]), "post",
             {"title": "Keyboard missing keys", "description": "Two keys.", "field_asset_tag": "LT-9"}, follow=True),
        Page("it_agent", reverse("ticket-reply", args=[w.on_track.pk]), "post",
             lambda w: {"body": "Looking.", "version": _version(w.on_track)}, follow=True),
        Page("it_agent", reverse("ticket-reply", args=[w.at_risk.pk]), "post",
             {"body": "Stale.", "version": 1}, follow=True),  # changed by someone else meanwhile
        Page("it_agent", reverse("ticket-transition", args=[w.on_track.pk]), "post",
             lambda w: {"to": "resolved", "version": _version(w.on_track), "resolution_summary": "Swapped it."},
             follow=True),
        Page("it_agent", reverse("ticket-transition", args=[w.at_risk.pk]), "post",
             lambda w: {"to": "cancelled", "version": _version(w.at_risk)}),  # refused on the form
        Page("it_agent", reverse("ticket-assign", args=[w.at_risk.pk]), "post",
             lambda w: {"assignee": w.it_lead.pk, "version": _version(w.at_risk)}, follow=True),
        Page("it_agent", reverse("ticket-priority", args=[w.at_risk.pk]), "post",
             lambda w: {"priority": "P3", "version": _version(w.at_risk)}, follow=True),
        Page("it_agent", reverse("ticket-link", args=[w.at_risk.pk]), "post",
             lambda w: {"link-reference": w.breached.reference, "link-version": _version(w.at_risk)}, follow=True),
        Page("it_agent", reverse("ticket-collaborator-add", args=[w.at_risk.pk]), "post",
             lambda w: {"user": w.hr_agent.pk, "version": _version(w.at_risk)}, follow=True),
        Page("it_agent", reverse("ticket-merge", args=[w.paused.pk]), "post",
             lambda w: {"merge-reference": w.breached.reference, "merge-version": _version(w.paused),
                        "merge-confirm": "True"}, follow=True),
        Page("it_agent", reverse("ticket-transfer", args=[w.breached.pk]), "post",
             lambda w: {"team": w.hr.pk, "reason": "Theirs", "version": _version(w.breached)}, follow=True),
        Page("alice", reverse("ticket-transition", args=[w.resolved.pk]), "post",
             lambda w: {"to": "open", "version": _version(w.resolved), "comment": "Still broken."}, follow=True),
        Page("bob", reverse("feedback-new"), "post",
             lambda w: {"team": w.hr.pk, "kind": "praise", "text": "Quick payslips.", "anonymous": "on"}, follow=True),
        Page("it_lead", reverse("feedback-answer", args=[w.feedback.pk]), "post",
             {"answer": "", "status": "acted_on", "note": "Two agents now."}, follow=True),
        Page("it_lead", bulk, "post", lambda w: {
            # the resolved one is refused, with the reason
            "ticket": [t.pk for t in w.bulk] + [w.on_track.pk], "action": "status", "status": "cancelled",
            "confirmed": "True", "query": "view=open"}, follow=True),
        Page("it_lead", reverse("saved-view-create", args=[it]), "post",
             {"name": "Urgent", "shared": "on", "query": "priority=P1"}, follow=True),
        Page("it_lead", reverse("saved-view-create", args=[it]), "post", {"name": "", "query": ""}, follow=True),
        Page("it_lead", reverse("team-settings", args=[it]), "post", {"mode": "round_robin"}, follow=True),
        Page("it_lead", reverse("canned-response-new", args=[it]), "post",
             {"title": "Bye", "body": "Bye {requester_name}."}, follow=True),
        Page("it_lead", reverse("profile-notifications"), "post",
             {f"event_{event}": "in_app" for event in notify.EVENT_LABELS}, follow=True),
        Page("it_lead", reverse("profile-availability"), "post", {"team": w.it.pk, "available": "0"}, follow=True),
        Page("admin", reverse("sla:standard-retire", args=[w.p1_standard.pk]), "post", follow=True),
        Page(None, reverse("survey-score", args=[w.survey_token, 1]), follow=True),
        Page(None, reverse("survey-token", args=[w.survey_token]), "post", {"comment": "", "reason": ""}),
        Page("alice", reverse("survey-ticket-answer", args=[w.surveyed.pk]), "post", {"score": "5"}, follow=True),
        Page("it_lead", reverse("survey-follow-up-done", args=[w.resolved_follow_up]), "post",
             {"note": "Called her."}, follow=True),
        Page("admin", reverse("survey-team-settings", args=[it]), "post",
             {"enabled": "on", "delay_minutes": "0", "sample_percent": "100", "cooldown_days": "0",
              "expiry_days": "7", "low_score": "2", "reasons": ""}, follow=True),
        Page("admin", reverse("sla:calendar-import", args=[w.calendar.pk]), "post",
             {"import-country": "XX", "import-year": "2026"}, follow=True),
        Page("it_lead", reverse("problem-new"), "post", {"team": w.it.pk, "title": "", "priority": "P9"}),
        Page("it_lead", reverse("problem-edit", args=[w.problem.pk]), "post",
             {"title": "Mail", "priority": "P2", "status": "known_error", "version": 1}, follow=True),
        Page("it_lead", reverse("problem-send-workaround", args=[w.problem.pk]), "post", {}),
        Page("it_lead", reverse("problem-link-ticket", args=[w.problem.pk]), "post", {"link-reference": "SD-9",
                                                                                        "link-version": "1"}),
        Page("it_lead", reverse("queue-link-problem", args=[it]), "post",
             {"problem": w.problem.pk, "ticket": [w.bulk[1].pk, w.bulk[2].pk]}, follow=True),
        Page("it_lead", reverse("problem-resolve", args=[w.problem.pk]), "post", {"summary": "New cert."}),
        # Member scorecards (the rollups folded first, so that figures and notes show).
        Page("it_lead", reverse("report-members", args=[it]) + "?from=2026-01-01&to=2026-12-31"),
        Page("it_agent", reverse("report-member", args=[it, w.it_agent.username]) + "?from=2026-01-01&to=2026-12-31"),
        Page("it_lead", reverse("report-member", args=[it, w.it_agent.username]) + "?from=2026-02-01&to=2026-01-01",
             status=400),
    ]
    # The reports: the index, the team report (this quarter: the world's tickets are this
    # week's), a bad period, the department report, and lists behind the figures.
    report_list = reverse("report-list")
    days = "from=2026-09-01&to=2026-09-30"
    pages += [
        Page("it_lead", reverse("report-index")),
        Page("it_agent", reverse("report-index")),
        Page("it_lead", reverse("report-team", args=[it]) + "?period=this_quarter"),
        Page("it_lead", reverse("report-team", args=[it]) + "?period=custom&from=2026-09-20&to=2026-09-01"),
        Page("admin", reverse("report-team", args=[it]) + f"?period=this_quarter&priority=P1&category={w.laptop.category_id}"),
        Page("bob", reverse("report-department", args=["finance"]) + "?period=this_quarter"),
        Page("it_lead", f"{report_list}?figure=created&team={w.it.pk}&{days}"),
        Page("it_lead", f"{report_list}?figure=breached&kind=first_response&team={w.it.pk}&{days}"),
        Page("it_lead", f"{report_list}?figure=backlog&age=0-1&team={w.it.pk}"),
        Page("it_lead", f"{report_list}?figure=responses&team={w.it.pk}&{days}"),
    ]
    # The knowledge base: readers, writers and the lead, then its actions.
    article, draft = w.article.pk, w.kb_draft.pk
    pages += [
        Page("alice", reverse("kb-home")),
        # The suggestions under a new request's title (an htmx fragment of the page).
        Page("alice", reverse("kb-suggestions") + f"?title=VPN&service_item={w.laptop.pk}"),
        Page("it_agent", reverse("kb-home")),
        Page("it_lead", reverse("kb-home") + f"?category={w.laptop.category_id}"),
        Page("alice", reverse("kb-search") + "?q=VPN"),
        Page("alice", reverse("kb-search") + "?q=nothing-like-this"),
        Page("alice", reverse("kb-article", args=[article])),
        Page("alice", reverse("kb-article", args=[draft]), status=404),
        Page("it_agent", reverse("kb-article", args=[article])),
        Page("it_agent", reverse("kb-article", args=[draft])),
        Page("it_lead", reverse("kb-article", args=[article])),
        Page("it_lead", reverse("kb-review-queue")),
        Page("it_agent", reverse("kb-article-new")),
        Page("it_agent", reverse("kb-article-new") + f"?ticket={w.resolved.pk}"),
        Page("it_agent", reverse("kb-article-new"), "post", {"title": "", "language": "xx"}),
        Page("it_agent", reverse("kb-article-edit", args=[article])),
        Page("it_agent", reverse("kb-article-history", args=[article])),
        Page("it_agent", reverse("kb-article-diff", args=[article])),
        Page("alice", reverse("kb-article", args=[article]) + f"?ticket={main}"),
        Page("alice", reverse("kb-article-solved", args=[article]), "post", {"ticket": main}, follow=True),
        Page("it_agent", reverse("kb-reply-picker") + f"?ticket={main}&kb_q=VPN"),
        Page("it_agent", reverse("kb-reply-picker") + f"?ticket={main}&kb_q=nothing-like-this"),
        Page("bob", reverse("kb-article-feedback", args=[article]), "post",
             lambda w: {"revision": w.article.revisions.get(status="published").pk, "helpful": "yes"}, follow=True),
        Page("bob", reverse("kb-article-feedback", args=[article]), "post",
             lambda w: {"revision": w.article.revisions.get(status="published").pk, "helpful": "outdated"},
             follow=True),
        Page("bob", reverse("kb-article-feedback", args=[article]), "post", {"helpful": "maybe"}, follow=True),
        Page("it_agent", reverse("kb-article-lifecycle", args=[draft, "submit"]), "post", follow=True),
        Page("it_agent", reverse("kb-article-lifecycle", args=[draft, "submit"]), "post", follow=True),  # refused
        Page("it_lead", reverse("kb-article-lifecycle", args=[draft, "request-changes"]), "post",
             {"note": "再加一步"}, follow=True),
        Page("it_lead", reverse("kb-article-lifecycle", args=[article, "publish"]), "post", follow=True),
        Page("it_lead", reverse("kb-article-lifecycle", args=[article, "archive"]), "post", follow=True),
        Page("it_agent", reverse("kb-article-new"), "post", lambda w: {
            "title": "打印机卡纸", "body": "打开纸盒", "language": "zh-hans", "team": w.it.pk,
            "visibility": "everyone", "source_ticket": w.resolved.pk}, follow=True),
        Page("it_agent", reverse("kb-article-edit", args=[draft]), "post", lambda w: {
            "title": "印表機卡紙", "body": "打開紙匣，取出紙張", "language": "zh-hant", "team": w.it.pk,
            "visibility": "team"}, follow=True),
    ]
    return pages


def _dump(page: str, text: str) -> str:
    """With DUMP_PAGES=<file>, append each page's text to that file: to look for English
    the catalog does not hold (text built without gettext)."""
    if path := os.environ.get("DUMP_PAGES"):
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"\n===== {page}\n{text}\n")
    return text


@pytest.mark.parametrize("rich_world", LANGUAGES, indirect=True)
def test_no_page_has_an_english_sentence_left(rich_world):
    w = rich_world
    clients: dict = {}
    leaks: dict[str, dict[str, str]] = {}
    for page in _pages(w):
        if page.persona not in clients:
            clients[page.persona] = _signed_in(getattr(w, page.persona) if page.persona else None, w.language)
        response = page.send(clients[page.persona], w)
        where = f"{page.persona or 'anonymous'} {page.method.upper()} {page.url}"
        html = response.content.decode()
        if response.status_code != page.status:
            leaks[where] = {"status": f"{response.status_code}, expected {page.status}"}
        elif "<html" in html and f'<html lang="{w.language}"' not in html:
            leaks[where] = {"language": f"not {w.language}"}
        elif found := english_left(text := _dump(where, readable_text(html))):
            leaks[where] = found
        elif "None" in text.splitlines():  # Python's word for "no value", in no language of ours
            leaks[where] = {"None": "None"}
    assert leaks == {}, "\n".join(f"{page}: {found}" for page, found in leaks.items())


def test_a_transfer_by_an_escalation_level_reads_in_the_readers_language(world, file_ticket):
    # Given transfers by level 3: one recorded with its level, one as the scanner wrote
    # them before (the English reason only)
    ticket = file_ticket()
    recorded = [TicketEvent.objects.create(ticket=ticket, kind=EventKind.TEAM, data=data) for data in (
        {"new_name": "HR Services", "reason": "Escalation level 3", "escalation_level": 3},
        {"new_name": "HR Services", "reason": "Escalation level 3"},
    )]
    # When the history is read in Chinese, both say so in Chinese; an agent's reason stays as typed
    with translation.override("zh-hans"):
        assert [describe_event(e) for e in recorded] == ["转至 HR Services：第 3 级升级"] * 2
        typed = TicketEvent(ticket=ticket, kind=EventKind.TEAM, data={"new_name": "HR", "reason": "Payroll"})
        assert describe_event(typed) == "转至 HR：Payroll"


# --- the notifications -------------------------------------------------------------------


@pytest.mark.parametrize("rich_world", LANGUAGES, indirect=True)
def test_no_notification_has_an_english_sentence_left(rich_world, pinned, file_ticket):
    w = rich_world
    # Given the world's notifications (people acting in their own language, the scanner
    # in English), and each kind once more from colleagues who work in English
    hour = dt.timedelta(hours=1)
    with translation.override("en"):
        ticket = file_ticket(title="Printer offline", priority=Priority.P1)
        services.ticket_assign(ticket=ticket, assignee=w.it_agent, actor=w.it_lead)
        services.comment_create(ticket=ticket, author=w.it_agent, body="On it.")
        services.comment_create(ticket=ticket, author=w.alice, body="Thanks.")
        duplicate = file_ticket(title="Printer offline again")
        services.ticket_merge(source=duplicate, target=ticket, actor=w.it_agent)
        # its resolution (4 business hours) at risk, overdue, escalated
        for hours in (3.5, 4.2, 5, 100):
            scanner.sla_scan(now=pinned.at + hours * hour)
        services.ticket_transition(ticket=Ticket.objects.get(pk=ticket.pk), to=Status.RESOLVED, actor=w.hr_agent)
        # a low score to IT (the escalated ticket went to HR, which has no lead)
        toner = file_ticket(title="Toner empty")
        services.ticket_transition(ticket=toner, to=Status.RESOLVED, actor=w.it_agent)
        survey_answer(invite=current_invite(ticket=toner), score=1, require_reason=False)
        kb.article_report_outdated(revision=w.article.revisions.get(status="published"), user=w.bob)
        kb.article_review_reminders_send(now=pinned.at + 8 * 24 * hour)
        digest.lead_digests_enqueue(now=pinned.at + 24 * hour)
        complaint = feedback_services.feedback_create(sender=w.bob, team=w.it, kind="complaint", text="Slow.")
        feedback_services.feedback_answer(feedback=complaint, actor=w.it_lead, answer="Sorry.", status="acknowledged",
                                          note="Seen.")
        notify.deliver_outbox(now=pinned.at + 200 * hour, batch_size=10_000)
    # every kind is there, all delivered: what the outbox holds, the emails rendered at
    # delivery and the notifications in the app
    english_speakers = OutboxMessage.objects.filter(created_at__gte=ticket.created_at).filter(
        Q(ticket__in=[ticket, duplicate, toner]) | Q(ticket=None, event__in=[notify.KB_OUTDATED, notify.KB_REVIEW_DUE]))
    # (a flagged problem is about no ticket: the world's flags are checked below)
    feedback_events = {notify.FEEDBACK_RECEIVED, notify.FEEDBACK_ANSWERED, notify.FEEDBACK_STATUS}
    assert set(english_speakers.values_list("event", flat=True)) == set(notify.EVENT_LABELS) - {
        notify.LEAD_DIGEST, notify.PROBLEM_FLAGGED, notify.REPORT_SUMMARY} - feedback_events
    assert set(OutboxMessage.objects.values_list("event", flat=True)) == set(notify.EVENT_LABELS)
    assert not OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT).exists()
    leaks: dict[str, dict[str, str]] = {}
    for message in OutboxMessage.objects.all():
        found = english_left(f"{message.subject}\n{message.body}")
        if found:
            leaks[f"outbox {message.event} to {message.recipient}"] = found
    assert mail.outbox
    for email in mail.outbox:
        html = email.alternatives[0][0]
        found = english_left(f"{email.subject}\n{email.body}\n{readable_text(html)}")
        if found:
            leaks[f"email {email.subject}"] = found
    for notification in Notification.objects.all():
        found = english_left(f"{notification.title}\n{notification.body}")
        if found:
            leaks[f"in the app {notification.event}"] = found
    # and what the system writes to a requester on a colleague's behalf (a merge)
    for comment in Comment.objects.filter(is_internal=False):
        if found := english_left(comment.body):
            leaks[f"public reply on {comment.ticket.reference}"] = found
    assert leaks == {}, "\n".join(f"{where}: {found}" for where, found in leaks.items())
