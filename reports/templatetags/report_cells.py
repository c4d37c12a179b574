"""How a report table's value looks on a page, by its column's kind (reports.tables): a
share as a whole percentage, a duration in hours and minutes (as the targets read), nothing
counted as a dash."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from reports import tables
from reports.presentation import format_value

register = template.Library()


@register.filter
def cell(value, kind: str) -> str:
    """One value of a report table as text (reports.presentation.format_value)."""
    if value == "" or (value is None and kind == tables.TEXT):
        return ""
    return format_value(value, kind)


@register.simple_tag
def table_rows(table: dict) -> str:
    """The body rows of a table as reports.presentation.present_table shapes it, as HTML: the
    first cell a row heading, the others numeric or not, a count with its drill-down link.
    One tag, not the partial's loops: a department report has some 1,000 cells, and the
    template engine's nodes for each were a quarter of the page's time."""
    rows = []
    for row in table["rows"]:
        head, *cells = row
        html = [f'<tr><th scope="row">{conditional_escape(head["text"])}</th>']
        for cell in cells:
            text = conditional_escape(cell["text"])
            if cell["href"]:
                text = f'<a href="{conditional_escape(cell["href"])}">{text}</a>'
            html.append(f'<td class="num">{text}</td>' if cell["numeric"] else f"<td>{text}</td>")
        html.append("</tr>")
        rows.append("".join(html))
    return mark_safe("\n".join(rows))  # every value above is escaped
