from django import template

from tickets.presentation import format_business_minutes
from tickets.rendering import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    return render_markdown(text)


@register.filter
def business_minutes(minutes) -> str:
    """A target or delay in business minutes: {{ standard.resolution_minutes|business_minutes }}."""
    return format_business_minutes(minutes)


@register.filter
def tr(obj, field: str) -> str:
    """Catalog text in the active language: {{ item|tr:"name" }}."""
    return obj.tr(field)


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for sorting and paging links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()
