"""factory_boy factories for the whole suite."""

import factory
from factory.django import DjangoModelFactory

from sla.models import BusinessCalendar, ServiceStandard, WorkingHours
from teams.models import Department, Membership, Team, User
from tickets.models import ServiceCategory, ServiceItem, ServiceItemField


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Department {n}")
    code = factory.Sequence(lambda n: f"dept-{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Sequence(lambda n: f"First{n}")
    department = factory.SubFactory(DepartmentFactory)
    password = factory.django.Password("servicedesk")


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    email = factory.LazyAttribute(lambda t: f"{t.slug}@example.com")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Membership.Role.AGENT


class ServiceCategoryFactory(DjangoModelFactory):
    class Meta:
        model = ServiceCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Category {n}")


class ServiceItemFactory(DjangoModelFactory):
    class Meta:
        model = ServiceItem

    category = factory.SubFactory(ServiceCategoryFactory)
    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    description = "A service"


class ServiceItemFieldFactory(DjangoModelFactory):
    class Meta:
        model = ServiceItemField

    item = factory.SubFactory(ServiceItemFactory)
    key = factory.Sequence(lambda n: f"field{n}")
    label = factory.Sequence(lambda n: f"Field {n}")


class CalendarFactory(DjangoModelFactory):
    """A 24x7 UTC calendar unless hours are added."""

    class Meta:
        model = BusinessCalendar
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Calendar {n}")
    timezone = "UTC"

    @factory.post_generation
    def always_open(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            import datetime as dt

            WorkingHours.objects.bulk_create(
                WorkingHours(calendar=obj, weekday=d, start=dt.time(0, 0), end=dt.time(0, 0)) for d in range(7)
            )


class ServiceStandardFactory(DjangoModelFactory):
    class Meta:
        model = ServiceStandard

    name = factory.Sequence(lambda n: f"Standard {n}")
    team = factory.SubFactory(TeamFactory)
    calendar = factory.SubFactory(CalendarFactory)
    first_response_minutes = 60
    resolution_minutes = 480


SURVEY_REASONS = [
    ("slow", "It took too long", "处理太慢", "處理太慢"),
    ("not-solved", "The problem is not really solved", "问题没有真正解决", "問題沒有真正解決"),
]


def survey_defaults_row(**values):
    """The survey settings for all teams, as a test wants them (at once, every resolution, no
    cooldown unless said), with their reasons: the migration's row and reasons may have been
    flushed by a transactional test."""
    from surveys.models import SurveyReason, SurveySettings

    values = {"enabled": True, "delay_minutes": 0, "sample_percent": 100, "cooldown_days": 0, "expiry_days": 7,
              "low_score": 2, "anonymous": False, **values}
    row, _created = SurveySettings.objects.update_or_create(team=None, defaults=values)
    for order, (key, en, hans, hant) in enumerate(SURVEY_REASONS):
        SurveyReason.objects.get_or_create(settings=row, key=key, defaults={
            "name": en, "order": order, "translations": {"zh-hans": {"name": hans}, "zh-hant": {"name": hant}}})
    return row
