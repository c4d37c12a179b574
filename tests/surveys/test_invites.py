"""When a survey is scheduled: one invite per resolution cycle, cancelled by a reopen
before it went out, never for merged duplicates or the team's own agents, sampling and
cooldown decided exactly."""

import datetime as dt

import pytest

from notifications.models import OutboxMessage
from surveys.invites import sampled
from surveys.models import SurveyInvite, SurveySettings
from tickets import services
from tickets.constants import Status
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_resolving_schedules_one_invite_for_the_cycle_after_the_delay(world, file_ticket, clock, survey_defaults,
                                                                      resolve):
    # Given a one-hour delay
    survey_defaults(delay_minutes=60)
    ticket = file_ticket()

    # When the agent resolves the ticket
    resolve(ticket)

    # Then one scheduled invite for cycle 1, due an hour later, nothing sent yet
    invite = SurveyInvite.objects.get(ticket=ticket)
    assert (invite.cycle, invite.state, invite.requester_id) == (1, "scheduled", world.alice.pk)
    assert invite.send_at == clock.at + dt.timedelta(hours=1)
    assert not OutboxMessage.objects.filter(event="survey_invite").exists()


def test_a_delay_of_zero_sends_at_once(world, file_ticket, clock, survey_defaults, resolve):
    survey_defaults(delay_minutes=0, expiry_days=7)
    ticket = file_ticket()

    resolve(ticket)

    invite = SurveyInvite.objects.get(ticket=ticket)
    assert invite.state == "sent" and invite.sent_at == clock.at
    assert invite.expires_at == clock.at + dt.timedelta(days=7)
    channels = set(OutboxMessage.objects.filter(event="survey_invite", recipient=world.alice)
                   .values_list("channel", flat=True))
    assert channels == {"email", "in_app"}


def test_each_resolution_cycle_gets_its_own_invite_and_only_one(world, file_ticket, clock, survey_defaults, resolve,
                                                                 reopen):
    survey_defaults(delay_minutes=0)
    ticket = file_ticket()
    resolve(ticket)
    clock.advance(hours=1)
    reopen(ticket)
    clock.advance(hours=1)

    # When resolved again (and the same status asked twice: a no-op)
    resolve(ticket)
    resolve(ticket)

    invites = list(SurveyInvite.objects.filter(ticket=ticket).order_by("cycle").values_list("cycle", "state"))
    assert invites == [(1, "sent"), (2, "sent")]
    assert Ticket.objects.get(pk=ticket.pk).resolution_cycle == 2


def test_a_reopen_before_the_invite_went_out_cancels_it(world, file_ticket, clock, survey_defaults, resolve, reopen):
    survey_defaults(delay_minutes=60)
    ticket = file_ticket()
    resolve(ticket)

    clock.advance(minutes=10)
    reopen(ticket)

    invite = SurveyInvite.objects.get(ticket=ticket, cycle=1)
    assert invite.state == "cancelled" and invite.closed_at == clock.at


def test_a_merged_duplicate_gets_no_survey(world, file_ticket, clock, survey_defaults):
    survey_defaults()
    duplicate, target = file_ticket(title="Duplicate"), file_ticket(title="Target")

    services.ticket_merge(source=duplicate, target=target, actor=world.it_agent)

    assert Ticket.objects.get(pk=duplicate.pk).status == Status.CLOSED
    assert not SurveyInvite.objects.filter(ticket=duplicate).exists()


def test_a_requester_who_is_an_agent_of_the_team_gets_no_survey(world, file_ticket, clock, survey_defaults, resolve):
    survey_defaults()
    own = file_ticket(requester=world.it_agent)
    other_team = file_ticket(requester=world.hr_agent)

    resolve(own, actor=world.it_lead)
    resolve(other_team)

    assert not SurveyInvite.objects.filter(ticket=own).exists()
    assert SurveyInvite.objects.filter(ticket=other_team).exists()  # an HR agent asking IT is a requester


def test_surveys_switched_off_send_nothing(world, file_ticket, clock, survey_defaults, resolve):
    survey_defaults(enabled=False)
    ticket = file_ticket()

    resolve(ticket)

    assert not SurveyInvite.objects.exists()


def test_a_teams_own_settings_come_before_the_defaults(world, file_ticket, clock, survey_defaults, resolve):
    survey_defaults(enabled=True)
    SurveySettings.objects.create(team=world.it, enabled=False)
    it_ticket, hr_ticket = file_ticket(), file_ticket(item=world.payslip)

    resolve(it_ticket)
    resolve(hr_ticket, actor=world.hr_agent)

    assert list(SurveyInvite.objects.values_list("ticket_id", flat=True)) == [hr_ticket.pk]


def test_sampling_is_a_fixed_function_of_ticket_and_cycle():
    # The same ticket and cycle always get the same answer; 0 and 100 are none and all.
    picks = [sampled(ticket_id=t, cycle=1, percent=30) for t in range(1, 10_001)]
    assert picks == [sampled(ticket_id=t, cycle=1, percent=30) for t in range(1, 10_001)]
    assert sum(picks) == 3019
    assert [sampled(ticket_id=t, cycle=c, percent=50) for t, c in ((1, 1), (1, 2), (2, 1), (3, 1))] == \
        [True, False, False, True]
    assert not any(sampled(ticket_id=t, cycle=1, percent=0) for t in range(1, 1000))
    assert all(sampled(ticket_id=t, cycle=1, percent=100) for t in range(1, 1000))


def test_exactly_the_sampled_resolutions_are_surveyed(world, file_ticket, clock, survey_defaults, resolve):
    survey_defaults(sample_percent=40)
    tickets = [file_ticket(title=f"Ticket {n}") for n in range(30)]

    for ticket in tickets:
        resolve(ticket)

    expected = {t.pk for t in tickets if sampled(ticket_id=t.pk, cycle=1, percent=40)}
    assert set(SurveyInvite.objects.values_list("ticket_id", flat=True)) == expected
    assert 0 < len(expected) < 30


def test_the_cooldown_holds_back_a_second_survey_to_the_same_requester(world, file_ticket, clock, survey_defaults,
                                                                       resolve):
    survey_defaults(cooldown_days=7)
    first, second, bobs = file_ticket(), file_ticket(), file_ticket(requester=world.bob)
    resolve(first)

    # Six days later: alice is in her cooldown, bob is not
    clock.advance(days=6)
    resolve(second)
    resolve(bobs)
    assert set(SurveyInvite.objects.values_list("ticket_id", flat=True)) == {first.pk, bobs.pk}

    # Eight days after the first survey: alice is asked again
    third = file_ticket()
    clock.advance(days=2)
    resolve(third)
    assert SurveyInvite.objects.filter(ticket=third).exists()


def test_a_cancelled_invite_does_not_start_a_cooldown(world, file_ticket, clock, survey_defaults, resolve, reopen):
    survey_defaults(cooldown_days=7, delay_minutes=60)
    first, second = file_ticket(), file_ticket()
    resolve(first)
    reopen(first)  # cancels the scheduled invite

    resolve(second)

    assert SurveyInvite.objects.get(ticket=second).state == "scheduled"
