"""`{% survey_panel ticket %}` on the ticket page: the requester's prompt (or their answer),
and for the service team the survey's history with the follow-up of a low score."""

from django import template
from django.utils import timezone

from teams.selectors import led_team_ids
from tickets.selectors import can_work_ticket

from .. import selectors
from ..forms import AnswerForm
from ..models import SurveyInvite

register = template.Library()


@register.inclusion_tag("surveys/partials/ticket_panel.html", takes_context=True)
def survey_panel(context, ticket):
    request = context["request"]
    user = request.user
    invites = list(SurveyInvite.objects.filter(ticket=ticket).select_related("response", "response__reason")
                   .order_by("cycle"))
    base = {"request": request, "ticket": ticket, "csrf_token": context.get("csrf_token"), "show": False}
    if not invites:
        return base
    settings = selectors.survey_settings_for(team_id=ticket.team_id)
    now = timezone.now()
    if user.pk == ticket.requester_id and not can_work_ticket(user=user, ticket=ticket):
        invite = invites[-1]
        response = getattr(invite, "response", None)
        is_open = invite.state == SurveyInvite.State.SENT and invite.expires_at and invite.expires_at > now
        if not is_open and response is None:
            return base
        form = (AnswerForm(reasons=selectors.survey_reasons_for(settings=settings), auto_id="survey_%s")
                if is_open else None)
        return {**base, "show": True, "role": "requester", "invite": invite, "response": response, "form": form,
                "settings": settings}
    if not can_work_ticket(user=user, ticket=ticket):
        return base
    follow_ups = {f.response_id: f for f in selectors.ticket_follow_ups(ticket=ticket)}
    can_close = user.is_admin_role or ticket.team_id in led_team_ids(user=user)
    rows = []
    for invite in invites:
        response = getattr(invite, "response", None)
        rows.append({"invite": invite, "response": response,
                     "follow_up": follow_ups.get(response.pk) if response else None})
    return {**base, "show": True, "role": "staff", "rows": rows, "can_close": can_close,
            "hide_score": selectors.respondent_hidden(user=user, team_id=ticket.team_id, settings=settings),
            "next_url": request.path}
