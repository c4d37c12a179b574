"""How the API shows a search result (`kbsearch.selectors.SearchResult`): the suggestions
while filing and the knowledge API's article list with `search` write the same fields,
defined here once."""

from django.urls import reverse
from rest_framework import serializers


class SearchResultSerializer(serializers.Serializer):
    """An article found: its text in the reader's language, no body, the matches marked."""

    id = serializers.IntegerField(source="article.pk")
    language = serializers.CharField(source="revision.language")
    title = serializers.CharField(source="revision.title")
    title_html = serializers.CharField(help_text="The title, escaped, matches in <mark>.")
    snippet_html = serializers.CharField(help_text="An excerpt of the body, escaped, matches in <mark>.")
    url = serializers.SerializerMethodField(help_text="The article's page.")

    def get_url(self, result) -> str:
        return reverse("kb-article", args=[result.article.pk])


class SuggestionSerializer(SearchResultSerializer):
    """An article suggested for a request being filed."""

    for_service_item = serializers.BooleanField(help_text="Tied to the service item asked for.")


class ArticleSearchResultSerializer(SearchResultSerializer):
    """An item of `GET /api/v1/kb/articles/?search=`: the search result and the article's
    team; the whole article (body, revisions, service items) is its retrieve."""

    team = serializers.IntegerField(source="article.team_id")
