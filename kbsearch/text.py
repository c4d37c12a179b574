"""The text pipeline of the knowledge-base search: pure functions, no database.

Chinese has no spaces, so a Chinese word inside a longer text (打印 in 打印机卡纸怎么办) is
found only once the text is cut into words: jieba's search mode gives the long words and
the short words inside them (打印机 → 打印, 印机, 打印机); its dictionary only, without the
HMM guesser of unknown words (a third faster, and the query is cut the same way). Before cutting, text is folded
by `servicedesk.search.fold` (simplified script, case-folded), so 閃爍 and 闪烁 become one
word. English words are stemmed by PostgreSQL's `english` configuration on the indexed
side; `stem` is the small stemmer used where PostgreSQL is not (the SQLite fallback) and
for highlighting.

- `segment(text)`: the words of a text, folded, in order (what is indexed).
- `index_text(text)`: those words joined by spaces (what `to_tsvector` reads).
- `query_terms(q)`: the words of a query worth searching for (no punctuation, no
  Chinese particles such as 的, no repeats).
- `tsquery(q, every=False)`: a PostgreSQL `to_tsquery` text: any of the terms (or every
  one), the last one as a prefix while it is still being typed.
- `highlight(text, q)`: an escaped snippet of `text` around the first match, every match
  in `<mark>`.
- `plain_text(markdown)`: what a reader reads of an article body, its Markdown markup gone.
- `chinese_script(text)`: "zh-hans" or "zh-hant" for a Chinese text (by its script),
  None for a text without Chinese.
- `excerpt(body, q)`: the excerpt of an article body shown with a search result or a
  suggestion (the portal, the suggestions while filing, the API's `snippet_html`): its
  plain text, highlighted.
"""

import logging
import re
from functools import lru_cache
from html.parser import HTMLParser

import markdown
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from servicedesk.search import fold

_WORD = re.compile(r"\w+")
# Particles and pronouns that jieba returns as words of their own and that say nothing
# about an article (searched alone they would match almost everything).
CHINESE_STOP_WORDS = frozenset("的了是在我你他她它们和与或及把被就也都还又很吗呢吧啊哦呀之而")
ENGLISH_STOP_WORDS = frozenset(
    "a an and are as at be but by can do for from how i if in into is it my no not of on or our so that the "
    "their then there these they this to was we what when where which who why will with you your".split()
)
MAX_QUERY_TERMS = 12


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def _has_han(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def segment(text: str) -> list[str]:
    """The words of `text`, folded (simplified script, lower case), in reading order."""
    folded = fold(text or "")
    if not folded:
        return []
    if not _has_han(folded):
        return _WORD.findall(folded)
    words = []
    for piece in _jieba().cut_for_search(folded, HMM=False):
        words.extend(_WORD.findall(piece))
    return words


def index_text(text: str) -> str:
    """The words of `text` joined by spaces: what PostgreSQL's `to_tsvector` reads."""
    return " ".join(segment(text))


def stem(word: str) -> str:
    """A crude English stem (printers → printer, connecting → connect, policies → policy),
    enough for a substring match against the folded text; other words stay as they are."""
    if not word.isascii() or not word.isalpha() or len(word) <= 4:
        return word
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ion", ""), ("ed", ""), ("s", "")):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + replacement
    return word


def query_terms(q: str) -> list[str]:
    """The folded words of a query worth looking for, first seen first, no repeats."""
    return list(_query_terms(q))


# One search asks for its query's words a dozen times (the tsqueries, and highlighting
# every title and excerpt shown), and cutting them (jieba, OpenCC) is the costly part.
@lru_cache(maxsize=512)
def _query_terms(q: str) -> tuple[str, ...]:
    terms = []
    for word in segment(q):
        if word in CHINESE_STOP_WORDS or word in ENGLISH_STOP_WORDS:
            continue
        if word.isascii() and len(word) == 1 and not word.isdigit():
            continue
        terms.append(word)
    # A lone Chinese character (连 of a half-typed 连不) matches almost everything: it
    # counts only when the query has nothing longer.
    longer = [term for term in terms if len(term) > 1 or term.isascii()]
    return tuple(dict.fromkeys(longer or terms))[:MAX_QUERY_TERMS]


def still_typing(q: str) -> bool:
    """Whether the last word of `q` may be incomplete (no space or punctuation after it)."""
    return bool(q) and q[-1].isalnum()


def tsquery(q: str, *, every: bool = False) -> str:
    """A `to_tsquery` text matching any term of `q` (every term with `every=True`); the last
    term also as a prefix when it is still being typed (an ASCII word: Chinese words are
    whole as soon as they are cut). Terms are made of word characters only, quoted, so
    nothing in `q` is tsquery syntax."""
    terms = query_terms(q)
    if not terms:
        return ""
    parts = [f"'{term}'" for term in terms]
    if still_typing(q) and terms[-1].isascii() and len(terms[-1]) >= 2:
        parts[-1] = f"'{terms[-1]}':*"
    return (" & " if every else " | ").join(parts)


def like_terms(q: str) -> list[str]:
    """The substrings the SQLite fallback looks for in the folded text: the query terms,
    English ones stemmed."""
    return list(dict.fromkeys(stem(term) for term in query_terms(q)))


def _fold_aligned(text: str) -> str:
    """`fold(text)` with one character per character of `text`, so that a position in
    one is the same position in the other."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    return "".join((fold(ch) or ch)[:1] if len(fold(ch)) == 1 else ch.lower() for ch in text)


def match_spans(text: str, q: str) -> list[tuple[int, int]]:
    """Where the terms of `q` occur in `text` (start, end), not overlapping, in order.
    A Chinese term matches as it is (in either script); an English one matches the words
    that start with its stem (printer → Printers)."""
    folded = _fold_aligned(text or "")
    spans = []
    for pattern in _term_patterns(q):
        spans.extend(match.span() for match in pattern.finditer(folded))
    spans.sort(key=lambda span: (span[0], -span[1]))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            continue
        merged.append((start, end))
    return merged


@lru_cache(maxsize=512)
def _term_patterns(q: str) -> tuple[re.Pattern, ...]:
    """The patterns of `match_spans`, made once per query (a page of results highlights a
    hundred titles and excerpts with the same ones)."""
    return tuple(re.compile(r"\b" + re.escape(term) + r"\w*") if term.isascii() else re.compile(re.escape(term))
                 for term in like_terms(q))


def highlight(text: str, q: str, *, length: int = 160) -> SafeString:
    """An escaped excerpt of `text` (`length` characters at most, around the first match,
    "…" where cut), each match of `q` wrapped in `<mark>`."""
    text = " ".join((text or "").split())
    spans = match_spans(text, q)
    start = 0
    if spans and spans[0][0] > length // 3:
        start = spans[0][0] - length // 3
    end = min(len(text), start + length)
    pieces = ["…"] if start > 0 else []
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_start >= end:
            continue
        span_end = min(span_end, end)
        pieces.append(escape(text[position:span_start]))
        pieces.append("<mark>" + escape(text[span_start:span_end]) + "</mark>")
        position = span_end
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append("…")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of user text is escaped above


_BLOCK_TAGS = frozenset("p br hr li ul ol pre blockquote h1 h2 h3 h4 h5 h6 table thead tbody tr th td div".split())
_SKIPPED_TAGS = frozenset(("script", "style"))


class _TextOf(HTMLParser):
    """The text of an HTML fragment, a space between blocks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def plain_text(text: str) -> str:
    """The plain text of a Markdown body on one line: headings, list markers, emphasis and
    code fences gone, a link as its text. Not escaped (`highlight` escapes it)."""
    html = markdown.markdown(text or "", extensions=["fenced_code", "tables", "sane_lists"])
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def excerpt(body: str, q: str, *, length: int = 160, plain: str | None = None) -> SafeString:
    """The excerpt of an article body shown with a result: its plain text (`plain` when
    already made, as the search document keeps it) around the first match of `q`,
    escaped, the matches in `<mark>`. Every excerpt is made here."""
    return highlight(plain_text(body) if plain is None else plain, q, length=length)


def chinese_script(text: str) -> str | None:
    """The language code of a Chinese text by its script: "zh-hant" when a noticeable share
    of its Chinese characters are traditional-only (螢幕一直閃爍), "zh-hans" otherwise; None
    when the text has no Chinese at all."""
    han = "".join(ch for ch in (text or "") if _has_han(ch))
    if not han:
        return None
    traditional = sum(1 for ch, simplified in zip(han, fold(han), strict=False) if ch != simplified)
    return "zh-hant" if traditional and traditional * 20 >= len(han) else "zh-hans"
