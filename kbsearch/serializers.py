"""How the API shows a search result (`kbsearch.selectors.SearchResult`): the suggestions
while filing and the knowledge API's article list with `search` write the same fields,
defined here once."""

from functools import lru_cache

from django.urls import get_script_prefix, reverse
from rest_framework import serializers


class SearchResultSerializer(serializers.Serializer):
    """An article found: its text in the reader's language, no body, the matches marked.

    The declared fields are the schema; `to_representation` reads them straight from the
    result (DRF's per-field lookups and a `reverse()` per result were a fifth of a search
    request answering 50 results). tests/kbsearch/test_search.py checks that both name the
    same fields."""

    id = serializers.IntegerField(source="article.pk")
    language = serializers.CharField(source="revision.language")
    title = serializers.CharField(source="revision.title")
    title_html = serializers.CharField(help_text="The title, escaped, matches in <mark>.")
    snippet_html = serializers.CharField(help_text="An excerpt of the body, escaped, matches in <mark>.")
    url = serializers.CharField(help_text="The article's page.")

    def to_representation(self, result) -> dict:
        return {"id": result.article.pk, "language": result.revision.language, "title": result.revision.title,
                "title_html": str(result.title_html), "snippet_html": str(result.snippet_html),
                "url": article_url(result.article.pk)}


class SuggestionSerializer(SearchResultSerializer):
    """An article suggested for a request being filed."""

    for_service_item = serializers.BooleanField(help_text="Tied to the service item asked for.")

    def to_representation(self, result) -> dict:
        return {**super().to_representation(result), "for_service_item": result.for_service_item}


class ArticleSearchResultSerializer(SearchResultSerializer):
    """An item of `GET /api/v1/kb/articles/?search=`: the search result and the article's
    team; the whole article (body, revisions, service items) is its retrieve."""

    team = serializers.IntegerField(source="article.team_id")

    def to_representation(self, result) -> dict:
        return {**super().to_representation(result), "team": result.article.team_id}


def article_url(pk: int) -> str:
    """The path of an article's page (`reverse("kb-article")`), from its pattern reversed
    once per script prefix."""
    before, after = _article_path(get_script_prefix())
    return f"{before}{pk}{after}"


@lru_cache(maxsize=8)
def _article_path(prefix: str) -> tuple[str, str]:
    marker = 987654321  # an id the path holds once, split out of it
    before, _, after = reverse("kb-article", args=[marker]).partition(str(marker))
    return before, after
