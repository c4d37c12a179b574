"""Forms of the ticket pages. They shape and type what the browser sends; the business
rules (required service fields, allowed choices, file types and sizes, who may do what)
live in `tickets.services`, whose ApplicationError is put back on these forms' fields."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy, ngettext
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import ApplicationError
from servicedesk.forms import MultiLineField
from teams.models import Team

from .constants import RESOLUTION_SUMMARY_MAX, FieldKind, Priority, Status
from .models import ServiceItem, ServiceItemField, parse_reference
from .selectors import tickets_visible_to
from .services.triage import BULK_ACTIONS

# --- uploads ------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; validation of type and size is the service's."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(item, initial) for item in data if item]
        return [single_clean(data, initial)] if data else []


# --- mapping service errors onto forms -------------------------------------------------


class ServiceErrorsMixin:
    """Puts an ApplicationError on the form: each `field_errors` key on its field (through
    `service_field_map`, e.g. "fields.asset_tag" → "field_asset_tag"), the rest on top."""

    service_field_map: dict[str, str] = {}

    def add_service_error(self, error: ApplicationError) -> None:
        for key, message in error.field_errors.items():
            name = self.service_field_map.get(key, key)
            if name in self.fields:
                self.add_error(name, message)
        # The summary on top, so that nothing the service said goes unseen.
        self.add_error(None, error.message)


# --- filing a request -------------------------------------------------------------------


def extra_field_name(key: str) -> str:
    return f"field_{key}"


def _extra_form_field(definition: ServiceItemField) -> forms.Field:
    """A real input for one of the item's extra questions. `required` is shown to the
    browser; whether a value is acceptable is decided by the service."""
    attrs = {"required": True} if definition.required else {}
    common = {"label": definition.tr("label"), "help_text": definition.tr("help_text"), "required": False}
    if definition.kind == FieldKind.LONG_TEXT:
        return MultiLineField(widget=forms.Textarea(attrs={"rows": 4, **attrs}), strip=False, **common)
    if definition.kind == FieldKind.CHOICE:
        options = [("", _("— choose —")), *definition.choice_options()]
        return forms.CharField(widget=forms.Select(choices=options, attrs=attrs), **common)
    if definition.kind == FieldKind.NUMBER:
        return forms.CharField(widget=forms.NumberInput(attrs={"step": "any", **attrs}), **common)
    if definition.kind == FieldKind.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date", **attrs}), **common)
    return forms.CharField(widget=forms.TextInput(attrs={"maxlength": 200, **attrs}), **common)


class TicketCreateForm(ServiceErrorsMixin, forms.Form):
    """File a request for one service item, with the item's own questions."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"required": True, "autofocus": True}))
    description = MultiLineField(
        label=_("Description"), required=False, strip=False,
        help_text=_("Markdown is supported: **bold**, lists, `code`, links."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("Default for this service"))] + Priority.choices,
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, item: ServiceItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.extra_keys: list[str] = []
        self.service_field_map = {}
        attachments = self.fields.pop("attachments")
        for definition in item.fields.all():
            name = extra_field_name(definition.key)
            self.fields[name] = _extra_form_field(definition)
            self.extra_keys.append(definition.key)
            self.service_field_map[f"fields.{definition.key}"] = name
        # Attachments come last on the page, after the item's questions.
        self.fields["attachments"] = attachments

    @property
    def extra_fields(self):
        return [self[extra_field_name(key)] for key in self.extra_keys]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "priority": data["priority"] or None,
            "fields": {key: data[extra_field_name(key)] for key in self.extra_keys},
            "attachments": data["attachments"],
        }


# --- working a ticket -------------------------------------------------------------------


class VersionedForm(ServiceErrorsMixin, forms.Form):
    """Every change to a ticket carries the version the user saw, so that a change made
    on a stale page is refused instead of silently overwriting someone else's."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1,
        error_messages={
            "required": _("This page is out of date. Reload it and try again."),
            "invalid": _("This page is out of date. Reload it and try again."),
        },
    )


class ReplyForm(VersionedForm):
    KIND_REPLY = "reply"
    KIND_NOTE = "note"

    body = MultiLineField(
        label=_("Message"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown is supported."),
    )
    kind = forms.ChoiceField(
        label=_("Send as"), required=False, initial=KIND_REPLY, widget=forms.RadioSelect,
        choices=[(KIND_REPLY, _("Reply")), (KIND_NOTE, _("Internal note"))],
    )
    attachments = MultipleFileField(label=_("Attachments"))
    service_field_map = {"internal": "kind"}

    def __init__(self, *args, allow_internal: bool = False, note_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_internal:
            del self.fields["kind"]
        elif note_only:
            self.fields["kind"].choices = [(self.KIND_NOTE, _("Internal note"))]
            self.fields["kind"].initial = self.KIND_NOTE

    @property
    def is_internal(self) -> bool:
        return self.cleaned_data.get("kind") == self.KIND_NOTE


class TransitionForm(VersionedForm):
    to = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    comment = MultiLineField(label=_("Reply"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    resolution_summary = MultiLineField(
        label=_("Resolution summary"), required=False, max_length=RESOLUTION_SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("When resolving, optional: what was done, in a few lines. The requester sees it."),
    )

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if targets is not None:
            self.fields["to"].choices = [("", _("— choose —"))] + [
                (s.value, s.label) for s in Status if s.value in targets
            ]


class AssignForm(VersionedForm):
    assignee = forms.TypedChoiceField(label=_("Assignee"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {m.pk: m for m in members}
        self.fields["assignee"].choices = [("", _("Unassigned"))] + [
            (m.pk, m.display_name) for m in members
        ]

    @property
    def assignee_user(self):
        pk = self.cleaned_data.get("assignee")
        return self.members.get(pk) if pk else None


class PriorityForm(VersionedForm):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class AttachForm(VersionedForm):
    attachments = MultipleFileField(label=_("Attachments"))

    def clean_attachments(self):
        if not self.cleaned_data["attachments"]:
            raise forms.ValidationError(_("Choose at least one file."))
        return self.cleaned_data["attachments"]


# --- lists --------------------------------------------------------------------------------


STATUS_FILTER_CHOICES = [("all", _("All")), ("open", _("Open work"))] + list(Status.choices)


class CatalogSearchForm(forms.Form):
    q = forms.CharField(label=_("Search services"), required=False, max_length=100,
                        widget=forms.SearchInput(attrs={"placeholder": _("Search services…")}))


class MyRequestsFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_FILTER_CHOICES)
    q = forms.CharField(label=_("Search my requests"), required=False, max_length=200,
                        widget=forms.SearchInput(attrs={"placeholder": _("Reference, title or description")}))


class TicketSearchForm(forms.Form):
    """The header's search box: a reference opens that ticket, other text searches."""

    q = forms.CharField(label=_("Search tickets"), required=False, max_length=200,
                        widget=forms.SearchInput(attrs={"placeholder": _("SD-000123 or words")}))


# --- the queue's filters --------------------------------------------------------------

QUEUE_VIEWS = [
    ("open", gettext_lazy("All open")),
    ("unassigned", gettext_lazy("Unassigned")),
    ("mine", gettext_lazy("Mine")),
    ("at_risk", gettext_lazy("At risk")),
    ("breached", gettext_lazy("Breached")),
    ("pending", gettext_lazy("Waiting on requester")),
]


DEFAULT_VIEW = "open"


DEFAULT_SORT = "due"


SORT_CHOICES = [
    ("due", gettext_lazy("Next due")),
    ("priority", gettext_lazy("Priority")),
    ("age", gettext_lazy("Oldest first")),
    ("-age", gettext_lazy("Newest first")),
    ("updated", gettext_lazy("Last update")),
]



# The query parameters a saved view keeps (never the cursor: a saved view opens on page 1).
FILTER_KEYS = ("view", "search", "status", "priority", "service_item", "assignee", "sla_state", "department",
               "created_from", "created_to", "sort")


class QueueControlsForm(forms.Form):
    """The queue page's view tab and sort; its filters come from `tickets.filters`."""

    view = forms.ChoiceField(required=False, choices=QUEUE_VIEWS, widget=forms.HiddenInput)
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False, choices=SORT_CHOICES)


# A bulk change of more tickets than this is confirmed first, on a page naming the count.
BULK_CONFIRM_ABOVE = 5


class BulkForm(forms.Form):
    """One change to the tickets ticked on the page (`tickets`: those of them the user may
    change in this queue; others are ignored). The pressed button names the action."""
    action = forms.ChoiceField(choices=[(a, a) for a in BULK_ACTIONS])
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    assignee = forms.ChoiceField(label=gettext_lazy("Assign to"), required=False)
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), required=False,
                                 choices=[("", "—")] + list(Priority.choices))
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", "—")] + list(Status.choices))
    team = forms.TypedChoiceField(label=gettext_lazy("Transfer to"), required=False, coerce=int, empty_value=None)
    reason = forms.CharField(label=gettext_lazy("Reason for the transfer"), required=False, max_length=500)

    def __init__(self, *args, members=(), teams=(), tickets=(), **kwargs):
        kwargs.setdefault("auto_id", "bulk_%s")  # the filter form on the same page has the same names
        super().__init__(*args, **kwargs)
        self.tickets = list(tickets)
        self.fields["assignee"].choices = [("", "—"), ("none", _("Nobody (unassign)"))] + [
            (str(m.pk), m.display_name) for m in members
        ]
        self.fields["team"].choices = [("", "—")] + [(t.pk, t.name) for t in teams]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if not self.tickets:
            raise forms.ValidationError(_("Select at least one ticket."))
        if action == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose whom to assign the tickets to."))
        elif action == "priority" and not data.get("priority"):
            self.add_error("priority", _("Choose a priority."))
        elif action == "status" and not data.get("status"):
            self.add_error("status", _("Choose a status."))
        elif action == "transfer":
            if not data.get("team"):
                self.add_error("team", _("Choose the service team."))
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("Say why the tickets are transferred."))
        return data

    @property
    def needs_confirmation(self) -> bool:
        return len(self.tickets) > BULK_CONFIRM_ABOVE and not self.cleaned_data.get("confirmed")

    def describe(self) -> str:
        """The change in words, for the confirmation: "Assign 12 tickets to Li Wei"."""
        data, count = self.cleaned_data, len(self.tickets)
        action = data["action"]
        if action == "assign":
            if data["assignee"] == "none":
                return ngettext("Unassign %(count)d ticket", "Unassign %(count)d tickets", count) % {"count": count}
            text = ngettext("Assign %(count)d ticket to %(name)s", "Assign %(count)d tickets to %(name)s", count)
            return text % {"count": count, "name": dict(self.fields["assignee"].choices)[data["assignee"]]}
        if action == "priority":
            text = ngettext("Set the priority of %(count)d ticket to %(value)s",
                            "Set the priority of %(count)d tickets to %(value)s", count)
            return text % {"count": count, "value": Priority(data["priority"]).label}
        if action == "status":
            text = ngettext("Set the status of %(count)d ticket to %(value)s",
                            "Set the status of %(count)d tickets to %(value)s", count)
            return text % {"count": count, "value": Status(data["status"]).label}
        text = ngettext("Transfer %(count)d ticket to %(team)s", "Transfer %(count)d tickets to %(team)s", count)
        return text % {"count": count, "team": dict(self.fields["team"].choices)[data["team"]]}

    def value(self):
        data = self.cleaned_data
        action = data["action"]
        if action == "assign":
            return None if data["assignee"] == "none" else int(data["assignee"])
        return {"priority": data.get("priority"), "status": data.get("status"), "transfer": data.get("team")}[action]


class SavedViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    shared = forms.BooleanField(label=gettext_lazy("Share with the team"), required=False)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


class AssignmentModeForm(forms.Form):
    mode = forms.ChoiceField(label=gettext_lazy("Automatic assignment"), choices=Team.Assignment.choices,
                             widget=forms.RadioSelect)


class CannedResponseForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    body = MultiLineField(
        label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Markdown is supported. These placeholders are filled in when an agent inserts "
                               "the text: {requester_name} (the requester's name), {reference} (e.g. SD-000123) "
                               "and {title} (the ticket's title)."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), required=False,
        choices=[("", gettext_lazy("Every language")), *settings.LANGUAGES],
        help_text=gettext_lazy("The language it is written in: on a ticket, responses in the requester's "
                               "language are offered first."),
    )


class ReferenceForm(VersionedForm):
    """Another ticket, given by its reference (SD-000123, 123)."""
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=20,
                                widget=forms.TextInput(attrs={"placeholder": "SD-000123"}))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    service_field_map = {"target": "reference", "source": "reference"}

    def __init__(self, *args, user=None, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.ticket = ticket

    def clean_reference(self):
        pk = parse_reference(self.cleaned_data["reference"])
        other = tickets_visible_to(user=self.user).filter(pk=pk).first() if pk is not None else None
        if other is None:
            raise forms.ValidationError(_("No request with this reference that you can see."))
        if other.pk == self.ticket.pk:
            raise forms.ValidationError(_("Give the reference of another ticket."))
        self.other = other
        return other.reference


class CollaboratorForm(VersionedForm):
    user = forms.TypedChoiceField(label=gettext_lazy("Agent of another team"), coerce=int)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {u.pk: u for u in candidates}
        self.fields["user"].choices = [("", _("— choose —"))] + [(u.pk, u.display_name) for u in candidates]


class TransferForm(VersionedForm):
    team = forms.TypedChoiceField(label=gettext_lazy("Service team"), coerce=int)
    reason = MultiLineField(label=gettext_lazy("Reason"), max_length=500,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = {t.pk: t for t in teams}
        self.fields["team"].choices = [("", _("— choose —"))] + [(t.pk, t.name) for t in teams]


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, strip=False, max_length=50_000)
