"""The filters of the member scorecards: the report filters' period (reports.forms), and the
team whose scorecards are asked for. A member who is no lead may ask for their own team, so
the team is in reach when any of its scorecards is (reports.access.scorecard_members), not
only when its team report is; the other filters (service, priority, …) do not apply."""

from __future__ import annotations

from teams.models import Team, User

from .access import scorecard_members
from .forms import ReportFilterForm

# The parameters a scorecard reads; any other report filter is ignored.
PARAMETERS = ("team", "from", "to")


class MemberReportForm(ReportFilterForm):
    """`team` fixed by the page's address, or a parameter (the API, where it is required)."""

    def __init__(self, data=None, *, user: User, team: Team | None = None, **kwargs):
        if data is not None:
            data = {name: data.get(name) for name in PARAMETERS if data.get(name) not in (None, "")}
        super().__init__(data, user=user, need_scope=False, **kwargs)
        self.fixed_team = team
        self.fields["team"].required = team is None

    def clean_team(self) -> Team | None:
        if self.fixed_team is not None:
            return self.fixed_team
        team = Team.objects.filter(pk=self.cleaned_data["team"]).first()
        if team is None or not scorecard_members(user=self.user, team=team).exists():
            self.out_of_reach = True
        return team

    def chosen_team(self) -> Team:
        return self.cleaned_data["team"]


