"""Seeding the demo company (`demo.data`): what `manage.py seed_demo` runs.

Seeding fills in what is missing and never overwrites: `make run` calls it at every
start, so whatever was edited in the app since (a renamed service, a changed standard)
survives. Rows are found by their natural key (a username, a team slug, a service name,
a calendar name…); the rows a parent owns (working hours, holidays, escalation levels,
service fields) are written only together with a new parent. A demo ticket is known by
its requester and title and is filed only when it is not there yet.

Tickets go through the ticket services like any real request, so that their history,
SLA clocks and notifications exist; calendars, the escalation chain and the service
standards go through `sla.standards` like the service admin's edits, audit log
included. The demo data is public (the password above all), which is why this only
runs in demo mode.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from feedback import services as feedback_services
from feedback.models import Feedback
from knowledge import services as knowledge
from knowledge.models import Article, ArticleRevision
from problems import services as problems
from problems.models import Problem, ProblemIncident, ProblemStatus
from refdata import versions
from reports.rollup import rollup_pending
from servicedesk.names import OTHER_LANGUAGES, name_translations
from sla.models import BusinessCalendar, EscalationChain, EscalationLevel, ServiceStandard
from sla.standards.calendars import calendar_save
from sla.standards.chains import chain_save
from sla.standards.service_standards import standard_save
from surveys.models import SurveySettings
from surveys.selectors import survey_settings_for
from surveys.services import survey_settings_save
from teams.models import Department, Membership, Team, User
from tickets import services as tickets
from tickets.constants import Priority, Status
from tickets.models import CannedResponse, ServiceCategory, ServiceItem, ServiceItemField, Ticket

from .data import (
    ARTICLES,
    CALENDAR_24X7,
    CALENDAR_CHINA,
    CANNED_ASK_DETAILS,
    CANNED_DONE,
    CANNED_TEAM_TEXT,
    CATEGORIES,
    CHAIN_NAME,
    CHINA_HOURS,
    DEPARTMENT_HEADS,
    DEPARTMENT_NAMES,
    DEPARTMENTS,
    FEEDBACK,
    IT_P1_MINUTES,
    ITEMS,
    MAKE_UP_DAYS_2026,
    NATIONAL_DAY_2026,
    PASSWORD,
    PEOPLE,
    PROBLEMS,
    STANDARDS_NAMES,
    TEAM_NAMES,
    TEAM_STANDARD_MINUTES,
    TEAMS,
    TICKETS,
    FieldSpec,
)
from .history import seed_history


class DemoModeRequired(Exception):
    """Seeding was asked for outside demo mode, where no account may have a known password."""


@dataclass
class SeedReport:
    """How many rows of each kind this run created (nothing, the second time)."""

    created: Counter = field(default_factory=Counter)

    def add(self, model: type[models.Model], created: bool = True, count: int = 1) -> None:
        if created:
            self.created[model.__name__] += count

    @property
    def total(self) -> int:
        return sum(self.created.values())


def seed(*, stdout=None) -> SeedReport:
    """Create whatever demo data is missing, in one transaction."""
    if not settings.DEMO_MODE:
        raise DemoModeRequired("seed_demo only runs with DEMO_MODE on: outside demo mode no account may have "
                               "a known password.")
    report = SeedReport()
    with transaction.atomic():
        departments = _seed_departments(report)
        users = _seed_people(report, departments)
        teams = _seed_teams(report, users)
        _seed_memberships(report, users, teams)
        _seed_canned_responses(report, teams)
        items = _seed_catalog(report, teams)
        _seed_standards(report, teams, users["admin"])
        _seed_survey_settings(report, users["admin"])
        _seed_tickets(report, users, items)
        _seed_feedback(report, users, teams)
        _seed_problems(report, users, teams)
        _seed_articles(report, users, teams, items)
        _seed_department_heads(report, users, departments)
        report.add(Ticket, count=seed_history(users=users, teams=teams))
    # The reports read the daily rollups: fold what was just written (the first run folds
    # every day; later runs only what changed since).
    rollup_pending()
    return report


def _seed_department_heads(report: SeedReport, users: dict[str, User], departments: dict[str, Department]) -> None:
    """Each department's head, unless one was set in the app since."""
    for code, username in DEPARTMENT_HEADS.items():
        if departments[code].head_id is None:
            Department.objects.filter(pk=departments[code].pk).update(head=users[username])
            departments[code].head = users[username]


def _seed_departments(report: SeedReport) -> dict[str, Department]:
    departments = {}
    for code, name in DEPARTMENTS:
        departments[code], created = Department.objects.get_or_create(
            code=code, defaults={"name": name, "translations": _names(DEPARTMENT_NAMES[code])})
        report.add(Department, created)
    return departments


def _seed_people(report: SeedReport, departments: dict[str, Department]) -> dict[str, User]:
    users = {}
    hashed = None  # hashing is slow on purpose: once for everybody, and only when needed
    for person in PEOPLE:
        user = User.objects.filter(username=person.username).first()
        if user is None:
            hashed = hashed or make_password(PASSWORD)
            user = User.objects.create(
                username=person.username,
                password=hashed,
                first_name=person.first_name,
                last_name=person.last_name,
                email=f"{person.username}@example.com",
                department=departments.get(person.department) if person.department else None,
                language=person.language,
                timezone=person.timezone,
                is_service_admin=person.is_admin,
                # The service admin is also a Django superuser so that Django admin works.
                is_staff=person.is_admin,
                is_superuser=person.is_admin,
            )
            report.add(User)
        users[person.username] = user
    return users


def _seed_teams(report: SeedReport, users: dict[str, User]) -> dict[str, Team]:
    teams = {}
    for spec in TEAMS:
        teams[spec.slug], created = Team.objects.get_or_create(
            slug=spec.slug,
            defaults={"name": spec.name, "translations": _names(TEAM_NAMES[spec.slug]), "email": spec.email,
                      "description": spec.description,
                      "lead": users[spec.lead]},
        )
        report.add(Team, created)
    return teams


def _seed_memberships(report: SeedReport, users: dict[str, User], teams: dict[str, Team]) -> None:
    for person in PEOPLE:
        for slug, role in person.teams:
            _membership, created = Membership.objects.get_or_create(
                user=users[person.username], team=teams[slug], defaults={"role": role}
            )
            report.add(Membership, created)


def _other_names(names: tuple[str, str]) -> dict[str, str]:
    """(简体中文, 繁體中文) → the `names` argument of the standards' services."""
    return dict(zip(OTHER_LANGUAGES, names, strict=True))


def _names(names: tuple[str, str]) -> dict:
    """(简体中文, 繁體中文) → a `translations` value (servicedesk.names)."""
    return name_translations(_other_names(names))


def _seed_canned_responses(report: SeedReport, teams: dict[str, Team]) -> None:
    for slug, texts in CANNED_TEAM_TEXT.items():
        for language, (detail, done) in texts.items():
            for (title, body), values in ((CANNED_ASK_DETAILS[language], {"{detail}": detail}),
                                          (CANNED_DONE[language], {"{done}": done})):
                for placeholder, value in values.items():
                    body = body.replace(placeholder, value)
                _canned, created = CannedResponse.objects.get_or_create(
                    team=teams[slug], title=title, defaults={"body": body, "language": language},
                )
                report.add(CannedResponse, created)


def _seed_catalog(report: SeedReport, teams: dict[str, Team]) -> dict[str, ServiceItem]:
    categories = {}
    for spec in CATEGORIES:
        categories[spec.name], created = ServiceCategory.objects.get_or_create(
            name=spec.name,
            defaults={"order": spec.order,
                      "translations": {"zh-hans": {"name": spec.zh_hans}, "zh-hant": {"name": spec.zh_hant}}},
        )
        report.add(ServiceCategory, created)
    items = {}
    for order, spec in enumerate(ITEMS, start=1):
        item, created = ServiceItem.objects.get_or_create(
            name=spec.name,
            defaults={
                "category": categories[spec.category],
                "team": teams[spec.team],
                "description": spec.description,
                "default_priority": spec.priority,
                "order": order * 10,
                "translations": {
                    "zh-hans": {"name": spec.zh_hans[0], "description": spec.zh_hans[1]},
                    "zh-hant": {"name": spec.zh_hant[0], "description": spec.zh_hant[1]},
                },
            },
        )
        report.add(ServiceItem, created)
        if created:
            fields = [_item_field(item, position, f) for position, f in enumerate(spec.fields, start=1)]
            ServiceItemField.objects.bulk_create(fields)
            versions.bump(versions.item_key(item.pk))  # bulk_create sends no signal
            report.add(ServiceItemField, count=len(fields))
        items[spec.name] = item
    return items


def _item_field(item: ServiceItem, position: int, spec: FieldSpec) -> ServiceItemField:
    translations = {}
    for index, lang in ((1, "zh-hans"), (2, "zh-hant")):
        text = {"label": spec.label[index]}
        if spec.help_text[index]:
            text["help_text"] = spec.help_text[index]
        if spec.choices:
            text["choices"] = [choice[index] for choice in spec.choices]
        translations[lang] = text
    return ServiceItemField(
        item=item, key=spec.key, label=spec.label[0], help_text=spec.help_text[0], kind=spec.kind,
        choices=[choice[0] for choice in spec.choices], required=spec.required, order=position * 10, translations=translations,
    )


def _seed_standards(report: SeedReport, teams: dict[str, Team], admin: User) -> None:
    """Calendars, the escalation chain and the standards, through the same services as
    the service admin's pages (validation and the audit log included)."""
    always = BusinessCalendar.objects.filter(name=CALENDAR_24X7).first()
    if always is None:
        always = calendar_save(
            actor=admin, name=CALENDAR_24X7, names=_other_names(STANDARDS_NAMES[CALENDAR_24X7]), timezone="UTC",
            working_hours=[{"weekday": day, "start": dt.time(0, 0), "end": dt.time(0, 0)} for day in range(7)],
            holidays=[], extra_working_days=[],
        )
        report.add(BusinessCalendar)

    china = BusinessCalendar.objects.filter(name=CALENDAR_CHINA).first()
    if china is None:
        china = calendar_save(
            actor=admin, name=CALENDAR_CHINA, names=_other_names(STANDARDS_NAMES[CALENDAR_CHINA]),
            timezone="Asia/Shanghai", extra_day_weekday=0,
            working_hours=[{"weekday": day, "start": start, "end": end}
                           for day in range(5) for start, end in CHINA_HOURS],
            holidays=[{"date": NATIONAL_DAY_2026[0], "end_date": NATIONAL_DAY_2026[1], "name": "National Day"}],
            extra_working_days=[{"date": day, "name": "National Day make-up working day"}
                                for day in MAKE_UP_DAYS_2026],
        )
        report.add(BusinessCalendar)

    chain = EscalationChain.objects.filter(name=CHAIN_NAME).first()
    if chain is None:
        chain = chain_save(
            actor=admin, name=CHAIN_NAME, names=_other_names(STANDARDS_NAMES[CHAIN_NAME]),
            description="At the breach the assignee and the team lead hear about it; an hour later the service "
                        "admins do, and the priority goes up one step.",
            levels=[
                {"order": 1, "trigger": EscalationLevel.Trigger.AFTER_BREACH, "delay_minutes": 0,
                 "notify_assignee": True, "notify_lead": True},
                {"order": 2, "trigger": EscalationLevel.Trigger.AFTER_BREACH, "delay_minutes": 60,
                 "notify_admins": True, "raise_priority": True},
            ],
        )
        report.add(EscalationChain)

    wanted = [(team, f"{team.name} standard", _names(tuple(f"{n}标准" if i == 0 else f"{n}標準"
                                                        for i, n in enumerate(TEAM_NAMES[slug]))),
               "", china, TEAM_STANDARD_MINUTES) for slug, team in teams.items()]
    wanted.append((teams["it"], "IT Support P1", _names(("IT 支持 P1", "IT 支援 P1")), Priority.P1, always,
                   IT_P1_MINUTES))
    for team, name, translations, priority, calendar, (first_response, next_response, resolution) in wanted:
        # Standards are versioned and may be renamed or retired in the app: any version
        # of this name, or a current standard of the same scope, means "already there".
        same_scope = ServiceStandard.objects.filter(
            is_current=True, team=team, category=None, service_item=None, priority=priority
        )
        if ServiceStandard.objects.filter(team=team, name=name).exists() or same_scope.exists():
            continue
        standard_save(
            actor=admin, name=name, translations=translations, team=team, priority=priority, calendar=calendar,
            first_response_minutes=first_response, next_response_minutes=next_response,
            resolution_minutes=resolution, escalation_chain=chain,
        )
        report.add(ServiceStandard)


def _seed_survey_settings(report: SeedReport, admin: User) -> None:
    """The demo surveys at once after every resolution (a real installation's defaults wait
    and sample: surveys.models), so that the tour shows a survey as soon as a ticket is
    resolved."""
    current = survey_settings_for(team_id=None)
    values = {"enabled": True, "delay_minutes": 0, "sample_percent": 100, "cooldown_days": 0,
              "expiry_days": current.expiry_days, "low_score": current.low_score, "anonymous": current.anonymous}
    if current.pk is None or any(getattr(current, field) != value for field, value in values.items()):
        survey_settings_save(actor=admin, team=None, values=values, reasons=None)
        report.add(SurveySettings, current.pk is None)


def _seed_tickets(report: SeedReport, users: dict[str, User], items: dict[str, ServiceItem]) -> None:
    for spec in TICKETS:
        requester = users[spec.requester]
        if Ticket.objects.filter(requester=requester, title=spec.title).exists():
            continue
        ticket = tickets.ticket_create(
            requester=requester, service_item=items[spec.item], title=spec.title, description=spec.description,
            priority=spec.priority, fields=spec.fields,
            filed_at=timezone.now() - dt.timedelta(minutes=spec.filed_minutes_ago) if spec.filed_minutes_ago else None,
        )
        for action, actor, value in spec.steps:
            ticket = _play(ticket, action, users[actor], value, users)
        report.add(Ticket)


def _seed_feedback(report: SeedReport, users: dict[str, User], teams: dict[str, Team]) -> None:
    for spec in FEEDBACK:
        sender, team = users[spec.sender], teams[spec.team]
        if Feedback.objects.filter(sender=sender, team=team, text=spec.text).exists():
            continue
        feedback = feedback_services.feedback_create(sender=sender, team=team, kind=spec.kind, text=spec.text,
                                                     anonymous=spec.anonymous)
        for actor, answer, status, note in spec.steps:
            feedback = feedback_services.feedback_answer(feedback=feedback, actor=users[actor], answer=answer or None,
                                                         status=status or None, note=note)
        report.add(Feedback)


def _play(ticket: Ticket, action: str, actor: User, value: str, users: dict[str, User]) -> Ticket:
    if action == "assign":
        return tickets.ticket_assign(ticket=ticket, assignee=users[value], actor=actor)
    if action == "status":
        return tickets.ticket_transition(ticket=ticket, to=value, actor=actor)
    if action == "resolve":
        return tickets.ticket_transition(ticket=ticket, to=Status.RESOLVED, actor=actor, resolution_summary=value)
    if action == "priority":
        return tickets.ticket_set_priority(ticket=ticket, priority=value, actor=actor)
    if action in ("reply", "note"):
        tickets.comment_create(ticket=ticket, author=actor, body=value, internal=action == "note")
        return Ticket.objects.get(pk=ticket.pk)
    raise ValueError(f"unknown demo step {action!r}")


def _seed_problems(report: SeedReport, users: dict[str, User], teams: dict[str, Team]) -> None:
    """The problem library's demo: each problem raised once, its incidents linked (a demo
    ticket filed again is linked again) and its workaround sent to those not yet told."""
    for spec in PROBLEMS:
        actor = users[spec.raised_by]
        problem = Problem.objects.filter(team=teams[spec.team], title=spec.title).first()
        if problem is None:
            problem = problems.problem_create(
                actor=actor, team=teams[spec.team], title=spec.title, symptoms=spec.symptoms,
                root_cause=spec.root_cause, workaround=spec.workaround, priority=spec.priority)
            problems.problem_update(problem=problem, actor=actor, status=ProblemStatus.KNOWN_ERROR)
            report.add(Problem)
        incidents = [Ticket.objects.filter(requester=users[who], title=title).order_by("pk").first()
                     for who, title in spec.incidents]
        missing = [t for t in incidents if t is not None and not ProblemIncident.objects.filter(ticket=t).exists()]
        if missing:
            problems.problem_link_incidents(problem=problem, tickets=missing, actor=actor)
            report.add(ProblemIncident, count=len(missing))
            problems.problem_send_workaround(problem=problem, actor=actor)


def _seed_articles(report: SeedReport, users: dict[str, User], teams: dict[str, Team],
                   items: dict[str, ServiceItem]) -> None:
    """Knowledge articles, written, reviewed and published through the knowledge services;
    an article is known by the title of its first language."""
    categories = {category.name: category for category in ServiceCategory.objects.all()}
    for spec in ARTICLES:
        (language, (title, body)), *others = spec.texts.items()
        if ArticleRevision.objects.filter(title=title, article__team=teams[spec.team]).exists():
            continue
        writer = users[spec.writer]
        article = knowledge.article_create(
            actor=writer, team=teams[spec.team], language=language, title=title, body=body,
            visibility=spec.visibility, category=categories.get(spec.category),
            service_items=[items[name] for name in spec.items if name in items], tags=spec.tags)
        for other_language, (other_title, other_body) in others:
            knowledge.article_edit(article=article, actor=writer, language=other_language, title=other_title,
                                   body=other_body)
        if spec.status in ("in_review", "published"):
            knowledge.article_submit(article=article, actor=writer)
        if spec.status == "published":
            knowledge.article_publish(article=article, actor=users[spec.publisher])
        report.add(Article)
