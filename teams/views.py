"""The profile page: a user's own time zone, language, notification preferences, API
token and availability in their teams."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language
from rest_framework.authtoken.models import Token

from notifications import services as notifications
from notifications.models import Preference
from servicedesk.exceptions import ApplicationError

from . import services
from .forms import NotificationPreferencesForm, ProfileForm, notification_events_for
from .models import Membership, User

TOKEN_SESSION_KEY = "profile:new-token"


# --- pages ------------------------------------------------------------------------------------


def _current_deliveries(user: User) -> dict[str, str]:
    return dict(Preference.objects.filter(user=user).values_list("event", "delivery"))


def _render_profile(request: HttpRequest, **forms) -> HttpResponse:
    user = request.user
    token = Token.objects.filter(user=user).first()
    new_key = request.session.pop(TOKEN_SESSION_KEY, None)
    return render(request, "teams/profile.html", {
        "profile_form": forms.get("profile_form")
        or ProfileForm(initial={"timezone": user.timezone, "language": user.language}),
        "notifications_form": forms.get("notifications_form")
        or NotificationPreferencesForm(events=notification_events_for(user), current=_current_deliveries(user)),
        "token": token,
        # The whole key is shown once, right after it was made; afterwards only its start.
        "new_token_key": new_key if token is not None and new_key == token.key else None,
        "memberships": list(Membership.objects.filter(user=user).select_related("team").order_by("team__name")),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The profile page; its POST saves the time zone and the language."""
    if request.method != "POST":
        return _render_profile(request)
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return _render_profile(request, profile_form=form)
    user = services.user_settings_update(user=request.user, **form.cleaned_data)
    translation.activate(user.language)
    messages.success(request, _("Your settings were saved."))
    response = redirect("profile")
    # The pages follow the chosen language from now on (the header's switch sets the same cookie).
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, max_age=settings.LANGUAGE_COOKIE_AGE,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=settings.LANGUAGE_COOKIE_SECURE,
                        httponly=settings.LANGUAGE_COOKIE_HTTPONLY)
    return response


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's `set_language` (the cookie and the redirect back), and for a signed-in user
    the profile's language as well."""
    response = set_language(request)
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response


@require_POST
@login_required
def profile_notifications(request: HttpRequest) -> HttpResponse:
    """How the user hears about each kind of event."""
    form = NotificationPreferencesForm(request.POST, events=notification_events_for(request.user),
                                       current=_current_deliveries(request.user))
    if not form.is_valid():
        return _render_profile(request, notifications_form=form)
    try:
        with transaction.atomic():
            for event, delivery in form.deliveries().items():
                notifications.preference_set(user=request.user, event=event, delivery=delivery)
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _render_profile(request, notifications_form=form)
    messages.success(request, _("Your notification preferences were saved."))
    return redirect("profile")


@require_POST
@login_required
def profile_token(request: HttpRequest) -> HttpResponse:
    """Create, regenerate or revoke the user's API token."""
    action = request.POST.get("action")
    if action in ("create", "regenerate"):
        token = services.user_token_regenerate(user=request.user)
        request.session[TOKEN_SESSION_KEY] = token.key
        messages.success(request, _("Your new API token is shown below. Copy it now: it will not be shown again."))
    elif action == "revoke":
        if services.user_token_revoke(user=request.user):
            messages.success(request, _("Your API token was revoked; requests with it are refused from now on."))
        else:
            messages.info(request, _("You have no API token."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect("profile")


@require_POST
@login_required
def profile_availability(request: HttpRequest) -> HttpResponse:
    """The user's own availability for automatic assignment in one of their teams."""
    membership = Membership.objects.filter(user=request.user, team_id=_int(request.POST.get("team"))) \
        .select_related("team").first()
    if membership is None:
        messages.error(request, _("You are not a member of this team."))
        return redirect("profile")
    available = request.POST.get("available") == "1"
    try:
        services.membership_set_available(user=request.user, team=membership.team, available=available)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if available:
            messages.success(request, _("You are available for new tickets in %(team)s.")
                             % {"team": membership.team.tr("name")})
        else:
            messages.success(request, _("You get no new tickets in %(team)s until you are available again.")
                             % {"team": membership.team.tr("name")})
    return redirect("profile")


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 19 else None
