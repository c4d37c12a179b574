"""Report tables and ticket lists written as CSV and XLSX, in the viewer's language and time
zone: what the export links of the report pages download (reports.views.exports) and what a
large export's Celery task writes to its file (reports.export_jobs).

An export is a `Sheet`: a header block (what it is: the report, the team or department, the
period, the report time zone, up to when the figures are complete, when it was exported),
what each column counts, then the column labels and the rows. Rows are iterated once and
written as they come (XLSX in openpyxl's write-only mode), so that memory stays flat
whatever their number. How a value is written follows its column's kind (reports.tables):
ratios as percentages, durations as hours and minutes (h:mm), counts as integers, instants
in the viewer's zone. The texts are translated when the sheet is built and written: the
caller activates the viewer's language (a request has it; a task overrides it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from servicedesk.exceptions import ApplicationError
from teams.models import Department, Team
from tickets.constants import Priority, Status
from tickets.models import ServiceCategory, ServiceItem, Ticket, format_reference

from . import definitions as d
from .access import sees_member_figures
from .drilldown import drilldown, drilldown_tickets, list_title
from .forms import ReportFilterForm
from .rollup import report_zone, rollup_as_of
from .tables import COUNT, DATE, NUMBER, RATIO, SECONDS, TABLES, TEXT, Column

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Tables with one row per person: only for the team's lead or an admin (reports.access).
MEMBER_TABLES = frozenset({"by_assignee", "members"})
# The key of the ticket-list export (/reports/export/tickets.<fmt>?figure=…).
TICKETS = "tickets"
# Rows read from the database per round trip, and how often a task reports its progress.
CHUNK_ROWS = 2000
PROGRESS_EVERY = 2000


class OutOfReach(Exception):
    """The export asked for is unknown or not the viewer's to see (the view answers 404)."""


@dataclass
class Sheet:
    """One export: its header block, its columns (with what each counts) and its rows."""

    key: str
    title: str
    columns: list[Column]
    rows: Iterable[Sequence[Any]]
    total: int
    header: list[tuple[str, str]] = field(default_factory=list)
    # Per row, the kind of its NUMBER cells (reports.tables.Table.row_kinds).
    row_kinds: Sequence[str] = ()
    period: d.Period | None = None

    def filename(self, fmt: str) -> str:
        if self.period is None:
            return f"{self.key}.{fmt}"
        return f"{self.key}_{self.period.first.isoformat()}_{self.period.last.isoformat()}.{fmt}"


# ---------------------------------------------------------------------------------------------
# Ticket lists: any queryset of tickets, one row per ticket, no query per row


TICKET_COLUMNS = [
    Column("reference", gettext_lazy("Reference"), TEXT),
    Column("title", gettext_lazy("Title"), TEXT),
    Column("team", gettext_lazy("Service team"), TEXT),
    Column("service_item", gettext_lazy("Service"), TEXT),
    Column("category", gettext_lazy("Service category"), TEXT),
    Column("priority", gettext_lazy("Priority"), TEXT),
    Column("status", gettext_lazy("Status"), TEXT),
    Column("department", gettext_lazy("Requester's department"), TEXT),
    Column("assignee", gettext_lazy("Assignee"), TEXT),
    Column("created", gettext_lazy("Created"), DATE, gettext_lazy("When the ticket was filed.")),
    Column("resolved", gettext_lazy("Resolved"), DATE,
           gettext_lazy("When the ticket was last resolved (empty while it is not).")),
]
_TICKET_FIELDS = ("pk", "title", "team_id", "service_item_id", "service_item__category_id", "priority", "status",
                  "requester_department_id", "assignee__username", "assignee__first_name", "assignee__last_name",
                  "created_at", "resolved_at")


def ticket_rows(queryset: QuerySet[Ticket], *, chunk_size: int = CHUNK_ROWS) -> Iterator[list[Any]]:
    """The rows of a ticket list in the active language: the names of teams, services,
    categories and departments (catalog-sized tables) read once, the rest in the same
    query as the tickets, streamed `chunk_size` rows at a time."""
    teams = {t.pk: t.tr("name") for t in Team.objects.all()}
    items = {i.pk: i.tr("name") for i in ServiceItem.objects.all()}
    categories = {c.pk: c.tr("name") for c in ServiceCategory.objects.all()}
    departments = {dep.pk: dep.tr("name") for dep in Department.objects.all()}
    priorities = {p.value: str(p.label) for p in Priority}
    statuses = {s.value: str(s.label) for s in Status}
    for (pk, title, team_id, item_id, category_id, priority, status, department_id, username, first, last,
         created_at, resolved_at) in queryset.values_list(*_TICKET_FIELDS).iterator(chunk_size=chunk_size):
        assignee = (f"{first} {last}".strip() or username) if username else ""
        yield [format_reference(pk), title, teams.get(team_id, ""), items.get(item_id, ""),
               categories.get(category_id, ""), priorities.get(priority, priority), statuses.get(status, status),
               departments.get(department_id, ""), assignee, created_at, resolved_at]




# ---------------------------------------------------------------------------------------------
# What an export is: parsed from the report page's query string, with the viewer's rights


def _local(instant: dt.datetime | None, zone: ZoneInfo) -> str:
    if instant is None:
        return _("not yet")
    return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _header(*, form: ReportFilterForm, title: str, period: d.Period, zone: ZoneInfo, now: dt.datetime) -> list:
    data = form.cleaned_data
    lines = [(_("Report"), title)]
    if data.get("team"):
        lines.append((_("Service team"), data["team"].tr("name")))
    if data.get("department"):
        lines.append((_("Department"), data["department"].tr("name")))
    if not data.get("team") and not data.get("department"):
        lines.append((_("Service teams"), _("every service team") if form.user.is_admin_role
                      else ", ".join(t.tr("name") for t in form.teams)))
    if data.get("service_item"):
        lines.append((_("Service"), data["service_item"].tr("name")))
    if data.get("category"):
        lines.append((_("Service category"), data["category"].tr("name")))
    if data.get("priority"):
        lines.append((_("Priority"), str(Priority(data["priority"]).label)))
    if data.get("assignee"):
        lines.append((_("Assignee"), data["assignee"].display_name))
    lines += [
        (_("Period"), _("%(first)s to %(last)s, both days included") % {
            "first": date_format(period.first, "Y-m-d"), "last": date_format(period.last, "Y-m-d")}),
        (_("Report time zone"), _("%(zone)s (report days start at midnight there)") % {"zone": report_zone()}),
        (_("Times in"), str(zone)),
        (_("Figures complete to"), _local(rollup_as_of(), zone)),
        (_("Exported at"), _local(now, zone)),
    ]
    return lines


def export_sheet(*, user, key: str, query: QueryDict, now: dt.datetime | None = None,
                 zone: ZoneInfo | None = None) -> Sheet:
    """The export `key` (a table of reports.tables.TABLES, or "tickets" with ?figure=) of the
    report the query string describes, as the user may see it. Raises OutOfReach for an
    unknown export or one out of the user's reach, ApplicationError for filters that do not
    parse. Texts in the active language; times in `zone` (the active zone by default)."""
    now = now or timezone.now()
    zone = zone or timezone.get_current_timezone()
    if key != TICKETS and key not in TABLES:
        raise OutOfReach(key)
    form = ReportFilterForm(query, user=user)
    valid = form.is_valid()
    if form.out_of_reach:
        raise OutOfReach(key)
    if not valid:
        raise ApplicationError(" ".join(str(e) for errors in form.errors.values() for e in errors))
    scope, period = form.scope(), form.period()
    if key in MEMBER_TABLES and not sees_member_figures(user=user, team_ids=scope.team_ids):
        raise OutOfReach(key)
    if key == TICKETS:
        # The tickets behind one figure: the report list's rows (reports.drilldown), each ticket once.
        figure, kind, age = query.get("figure", "created"), query.get("kind") or None, query.get("age") or None
        try:
            found = drilldown(figure=figure, scope=scope, period=period, now=now, kind=kind, age=age)
        except ValueError as refused:
            raise OutOfReach(figure) from refused
        queryset = drilldown_tickets(found)
        title = list_title(figure, kind=kind, age=age)
        return Sheet(key=f"{TICKETS}_{figure}", title=title, columns=TICKET_COLUMNS, rows=ticket_rows(queryset),
                     total=queryset.count(), header=_header(form=form, title=title, period=period, zone=zone,
                                                            now=now), period=period)
    table = TABLES[key](scope, period, now)
    title = str(table.title)
    return Sheet(key=key, title=title, columns=table.columns, rows=table.rows, total=len(table.rows),
                 header=_header(form=form, title=title, period=period, zone=zone, now=now),
                 row_kinds=table.row_kinds, period=period)


# ---------------------------------------------------------------------------------------------
# Writing


def hours_minutes(seconds: float) -> str:
    """A duration as h:mm (rounded to the minute), e.g. 90 minutes → "1:30"."""
    minutes = int(round(seconds / 60.0))
    return f"{minutes // 60}:{minutes % 60:02d}"


def display_value(value: Any, kind: str) -> str:
    """A figure as text (the summary mail): a percentage, h:mm, an integer, or "—" for none."""
    if value is None:
        return "—"
    if kind == RATIO:
        return f"{value * 100:.1f}%"
    if kind == SECONDS:
        return hours_minutes(value)
    if kind == COUNT:
        return str(int(value))
    return str(value)


# A cell that starts with one of these would run as a formula in a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _csv_cell(value: Any, kind: str, zone: ZoneInfo) -> Any:
    if value is None:
        return ""
    if kind == RATIO:
        return f"{value * 100:.1f}%"
    if kind == SECONDS:
        return hours_minutes(value)
    if kind == COUNT:
        return int(value)
    if kind == DATE:
        if isinstance(value, dt.datetime):
            return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        return value.isoformat()
    if kind == NUMBER and isinstance(value, int | float):
        return value
    text = _text(value)
    # A text beginning like a formula is written as text (a leading apostrophe).
    return f"'{text}" if text.startswith(_FORMULA_START) else text


_XLSX_FORMATS = {RATIO: "0.0%", SECONDS: "[h]:mm", COUNT: "0"}
_XLSX_DATETIME, _XLSX_DATE = "yyyy-mm-dd hh:mm", "yyyy-mm-dd"


def _xlsx_cell(ws, value: Any, kind: str, zone: ZoneInfo, font: Font | None = None) -> WriteOnlyCell:
    """One styled cell (the header block, and tables whose rows mix kinds)."""
    return _XlsxColumn(ws, kind, zone, font)(value, always_cell=True)


class _XlsxColumn:
    """Writes the values of one column: plain values where no format is needed, else one
    styled cell of its own, reused row after row (a write-only sheet writes each row as it
    is appended), so that 100,000 rows do not make a million cell objects."""

    def __init__(self, ws, kind: str, zone: ZoneInfo, font: Font | None = None):
        self.kind, self.zone = kind, zone
        self.cells = {}
        for name, number_format in (("value", _XLSX_FORMATS.get(kind)), ("datetime", _XLSX_DATETIME),
                                    ("date", _XLSX_DATE), ("text", None)):
            cell = WriteOnlyCell(ws)
            if number_format:
                cell.number_format = number_format
            if font is not None:
                cell.font = font
            self.cells[name] = cell
        self.styled = font is not None

    def _cell(self, name: str, value: Any) -> WriteOnlyCell:
        cell = self.cells[name]
        cell.value = value
        if name == "text":
            cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell

    def __call__(self, value: Any, *, always_cell: bool = False) -> Any:
        kind = self.kind
        if value is None:
            return self._cell("value", None) if always_cell else None
        if kind == SECONDS:
            return self._cell("value", value / 86400.0)  # a spreadsheet duration is a fraction of a day
        if kind == DATE:
            if isinstance(value, dt.datetime):
                return self._cell("datetime", value.astimezone(self.zone).replace(tzinfo=None))
            return self._cell("date", value)
        if kind in (RATIO, COUNT, NUMBER) and isinstance(value, int | float):
            value = int(value) if kind == COUNT else value
            return self._cell("value", value) if always_cell or self.styled or kind != NUMBER else value
        text = _text(value)
        if always_cell or self.styled or text.startswith("="):
            return self._cell("text", text)
        return text


def _kinds(sheet: Sheet, index: int) -> list[str]:
    row_kind = sheet.row_kinds[index] if index < len(sheet.row_kinds) else None
    return [row_kind if row_kind and column.kind == NUMBER else column.kind for column in sheet.columns]


def _column_help(sheet: Sheet) -> list[tuple[str, str]]:
    return [(str(column.label), str(column.help)) for column in sheet.columns if column.help]


def write_csv(sheet: Sheet, out: BinaryIO, *, zone: ZoneInfo, progress: Callable[[int], None] | None = None) -> int:
    """Write the sheet as CSV, UTF-8 with a byte-order mark (so that Excel reads Chinese
    right); returns the number of rows written."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    for label, value in sheet.header:
        writer.writerow([label, _csv_cell(value, TEXT, zone)])
    writer.writerow([])
    writer.writerow([_("What each column counts")])
    for label, help_text in _column_help(sheet):
        writer.writerow([label, help_text])
    writer.writerow([])
    writer.writerow([str(column.label) for column in sheet.columns])
    done = 0
    for done, row in enumerate(sheet.rows, start=1):
        kinds = _kinds(sheet, done - 1)
        writer.writerow([_csv_cell(value, kind, zone) for value, kind in zip(row, kinds, strict=True)])
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    text.flush()
    text.detach()
    return done


def write_xlsx(sheet: Sheet, out: BinaryIO, *, zone: ZoneInfo, progress: Callable[[int], None] | None = None) -> int:
    """Write the sheet as an XLSX workbook in write-only mode (rows streamed to a temporary
    file, not kept in memory); returns the number of rows written."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(title=_text(sheet.title)[:31] or sheet.key)
    bold = Font(bold=True)
    ws.append([_xlsx_cell(ws, _text(sheet.title), TEXT, zone, bold)])
    for label, value in sheet.header:
        ws.append([_xlsx_cell(ws, label, TEXT, zone, bold), _xlsx_cell(ws, value, TEXT, zone)])
    ws.append([])
    ws.append([_xlsx_cell(ws, _("What each column counts"), TEXT, zone, bold)])
    for label, help_text in _column_help(sheet):
        ws.append([_xlsx_cell(ws, label, TEXT, zone), _xlsx_cell(ws, help_text, TEXT, zone)])
    ws.append([])
    ws.append([_xlsx_cell(ws, str(column.label), TEXT, zone, bold) for column in sheet.columns])
    columns: dict[tuple[int, str], _XlsxColumn] = {}

    def writer(index: int, kind: str) -> _XlsxColumn:
        if (index, kind) not in columns:
            columns[(index, kind)] = _XlsxColumn(ws, kind, zone)
        return columns[(index, kind)]

    done = 0
    plain = [writer(i, column.kind) for i, column in enumerate(sheet.columns)]
    for done, row in enumerate(sheet.rows, start=1):
        if sheet.row_kinds:
            writers = [writer(i, kind) for i, kind in enumerate(_kinds(sheet, done - 1))]
        else:
            writers = plain
        ws.append([write(value) for write, value in zip(writers, row, strict=True)])
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    workbook.save(out)
    return done


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


def write_export(sheet: Sheet, fmt: str, out: BinaryIO, *, zone: ZoneInfo,
                 progress: Callable[[int], None] | None = None) -> int:
    return WRITERS[fmt](sheet, out, zone=zone, progress=progress)
