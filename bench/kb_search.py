"""Knowledge-base search benchmark: N articles (default 100,000, half Chinese, each with a
superseded and a published revision), on PostgreSQL, as the API and the pages search them.

Measures, for a mix of Chinese and English queries (whole words, two-word questions, a
word still being typed) as an employee and as an agent:
- the search (`kbsearch.selectors.search_results`: ranked, visibility applied, titles and
  snippets highlighted) and the suggestions while filing (`article_suggestions`, five,
  the service item's first), p50/p95 in-process;
- the same through gunicorn with concurrent clients: `GET /api/v1/kb/articles/?search=`
  when the knowledge API is there, and `GET /api/v1/kb/suggest/`;
- indexing throughput: 10,000 articles imported and indexed (`articles_search_index`:
  jieba, folding, tsvector) in articles per second.

Usage:  .venv/bin/python bench/kb_search.py [--articles N] [--queries N] [--concurrency C]
Uses BENCH_DATABASE_URL (default: the bench database of bench/_django.py). Ends with one
JSON line of the figures.
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import time
from itertools import accumulate

import _django
import _http
import _load
import _server

IMPORT_MEASURED = 10_000
CHUNK = 5_000
# The words people search for, in both languages; the generated text holds them among
# many others, as real articles do.
ZH_TERMS = ["打印机", "卡纸", "显示器", "闪烁", "VPN", "无法连接", "邮箱", "密码", "重置", "网络", "蓝屏", "软件",
            "安装", "笔记本", "电池", "键盘", "会议室", "投影仪", "共享盘", "权限", "报销", "工资条", "假期", "入职",
            "培训", "账号", "锁定", "驱动", "无线", "服务器", "备份", "恢复", "打不开", "很慢", "报错", "更新"]
EN_TERMS = ["printer", "paper jam", "monitor", "flickers", "vpn", "cannot connect", "mailbox", "password", "reset",
            "network", "blue screen", "software", "install", "laptop", "battery", "keyboard", "meeting room",
            "projector", "shared drive", "permission", "expense claim", "payslip", "leave", "onboarding",
            "training", "account", "locked", "driver", "wireless", "server", "backup", "restore", "slow", "error"]
QUERIES = ["打印", "打印机卡纸", "闪烁", "閃爍", "VPN 连不上", "邮箱 密码", "无法连接", "蓝屏", "笔记本 电池", "共享盘 权限",
           "printer", "printers", "connecting vpn", "password reset", "monitor flickers", "blue screen",
           "laptop battery", "prin", "conn", "shared drive permission", "expense", "payslip"]
SYLLABLES = ["ba", "ke", "lo", "mi", "ra", "su", "te", "vo", "na", "di", "po", "ge", "fa", "zu", "ri", "chi"]


def _zh_vocabulary(rng: random.Random, size: int = 20_000) -> tuple[list[str], list[float]]:
    """The most frequent words of jieba's own dictionary, with their frequencies."""
    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    words = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            word, freq, *_rest = line.split()
            if len(word) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in word):
                words.append((int(freq), word))
    words.sort(reverse=True)
    top = words[:size]
    return [w for _f, w in top], [f for f, _w in top]


def _en_vocabulary(rng: random.Random, size: int = 8_000) -> tuple[list[str], list[float]]:
    """Made-up English-looking words with Zipf frequencies."""
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered, [1 / (rank + 1) for rank in range(len(ordered))]


class TextMaker:
    def __init__(self, seed: int = 19):
        self.rng = random.Random(seed)
        self.zh, zh_weights = _zh_vocabulary(self.rng)
        self.en, en_weights = _en_vocabulary(self.rng)
        self.zh_weights, self.en_weights = list(accumulate(zh_weights)), list(accumulate(en_weights))

    def _words(self, vocabulary, cumulative, count):
        return self.rng.choices(vocabulary, cum_weights=cumulative, k=count)

    def article(self, chinese: bool) -> tuple[str, str]:
        rng = self.rng
        if chinese:
            title = "".join(self._words(self.zh, self.zh_weights, rng.randint(2, 4)) + rng.sample(ZH_TERMS, 2))
            sentences = []
            for _ in range(rng.randint(4, 8)):
                words = self._words(self.zh, self.zh_weights, rng.randint(6, 12))
                if rng.random() < 0.3:
                    words.insert(rng.randrange(len(words)), rng.choice(ZH_TERMS))
                sentences.append("".join(words) + "。")
            return title[:120], "".join(sentences)
        title = " ".join(self._words(self.en, self.en_weights, rng.randint(2, 4)) + rng.sample(EN_TERMS, 2))
        sentences = []
        for _ in range(rng.randint(4, 8)):
            words = self._words(self.en, self.en_weights, rng.randint(8, 14))
            if rng.random() < 0.3:
                words.insert(rng.randrange(len(words)), rng.choice(EN_TERMS))
            sentences.append(" ".join(words).capitalize() + ".")
        return title.capitalize()[:120], " ".join(sentences)


def _rows(maker: TextMaker, count: int, start: int, first_id: int, teams, items, author_id: int) -> tuple:
    """`count` published articles (every other one Chinese) from id `first_id` on, each with a
    superseded first revision and a published second one: the rows to COPY."""
    now = dt.datetime.now(dt.UTC)
    visibilities = ["everyone"] * 7 + ["agents"] * 2 + ["team"]
    articles, revisions, links = [], [], []
    for offset in range(count):
        article_id, number = first_id + offset, start + offset
        chinese = number % 2 == 0
        team = teams[number % len(teams)]
        title, body = maker.article(chinese)
        language = "zh-hans" if chinese else "en"
        articles.append((article_id, team.pk, "[]", visibilities[number % len(visibilities)], "published",
                         author_id, now, now, now, 0))
        revisions.append((article_id, language, 1, title, body[: len(body) // 2], "superseded", author_id, now, ""))
        revisions.append((article_id, language, 2, title, body, "published", author_id, now, ""))
        if number % 10 == 0:
            links.append((article_id, items[number % len(items)].pk))
    return articles, revisions, links


def _copy_rows(articles, revisions, links) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        _load._copy(cursor, "knowledge_article", ["id", "team_id", "tags", "visibility", "status", "owner_id",
                                                  "created_at", "updated_at", "published_at", "view_count"], articles)
        _load._copy(cursor, "knowledge_articlerevision", ["article_id", "language", "number", "title", "body",
                                                          "status", "author_id", "created_at", "review_note"],
                    revisions)
        _load._copy(cursor, "knowledge_article_service_items", ["article_id", "serviceitem_id"], links)
        cursor.execute("SELECT setval(pg_get_serial_sequence('knowledge_article', 'id'), %s)", [articles[-1][0]])
    return [row[0] for row in articles]


def load(total: int) -> tuple[dict, float | None]:
    """The bench world and `total` indexed articles (reused when already there), and the
    rate at which the last 10,000 were imported (COPY) and indexed, in articles per second
    (None when reused). The text is generated before the clock starts."""
    from django.db import connection

    from kbsearch.indexing import articles_search_index
    from kbsearch.models import ArticleSearchDocument
    from knowledge.models import Article

    w = _load.world()
    teams = [w["team"], *w["others"]]
    if Article.objects.count() == total and ArticleSearchDocument.objects.count() == total:
        return w, None
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE knowledge_article, kbsearch_articlesearchdocument, kbsearch_deflection CASCADE")
        cursor.execute("SELECT setval(pg_get_serial_sequence('knowledge_article', 'id'), 1, false)")
    maker = TextMaker()
    started = time.monotonic()
    done = 0
    while done < total - IMPORT_MEASURED:
        count = min(CHUNK, total - IMPORT_MEASURED - done)
        ids = _copy_rows(*_rows(maker, count, done, done + 1, teams, w["items"], w["lead"].pk))
        articles_search_index(article_ids=ids)
        done += count
        print(f"  {done:,} articles loaded and indexed ({time.monotonic() - started:.0f} s)", flush=True)
    batches = []
    for start in range(done, total, CHUNK):
        count = min(CHUNK, total - start)
        batches.append(_rows(maker, count, start, start + 1, teams, w["items"], w["lead"].pk))
    t0 = time.monotonic()
    for batch in batches:
        articles_search_index(article_ids=_copy_rows(*batch))
    rate = IMPORT_MEASURED / (time.monotonic() - t0)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE kbsearch_articlesearchdocument")
        cursor.execute("ANALYZE knowledge_article")
        cursor.execute("ANALYZE knowledge_article_service_items")
    return w, rate


def percentile(values: list[float], p: float) -> float:
    return _http.percentile(values, p)


def timed(call, rounds: int) -> dict:
    samples = []
    for i in range(rounds):
        t0 = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": round(statistics.median(samples), 1), "p95_ms": round(percentile(samples, 95), 1),
            "max_ms": round(max(samples), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400, help="in-process searches (and as many suggestions)")
    parser.add_argument("--requests", type=int, default=1000, help="HTTP requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args()
    if args.articles < IMPORT_MEASURED:
        parser.error(f"--articles must be at least {IMPORT_MEASURED:,} (the measured import)")
    _django.setup()
    from django.conf import settings
    from django.urls import NoReverseMatch, resolve
    from django.urls.exceptions import Resolver404
    from rest_framework.authtoken.models import Token

    from kbsearch.selectors import article_suggestions, search_results

    settings.ALLOWED_HOSTS = ["*"]
    t0 = time.monotonic()
    w, index_rate = load(args.articles)
    load_s = time.monotonic() - t0
    employee, agent = w["requesters"][0], w["agents"][0]
    item_id = w["items"][0].pk
    users = [employee, agent]

    def search(i):
        results = search_results(user=users[i % 2], q=QUERIES[i % len(QUERIES)], language="en", limit=20)
        [r.title_html for r in results]

    def suggest(i):
        article_suggestions(user=users[i % 2], q=QUERIES[i % len(QUERIES)], language="en", service_item_id=item_id)

    for i in range(len(QUERIES) * 2):  # warm the caches (jieba's dictionary, PostgreSQL's pages)
        search(i)
        suggest(i)
    searched = timed(search, args.queries)
    suggested = timed(suggest, args.queries)

    token = Token.objects.get_or_create(user=employee)[0].key
    headers = {"Authorization": f"Token {token}"}
    from urllib.parse import quote

    try:
        resolve("/api/v1/kb/articles/")
        list_route = "/api/v1/kb/articles/?search="
    except (Resolver404, NoReverseMatch):
        list_route = None

    def http_search(worker, i):
        return "GET", f"{list_route}{quote(QUERIES[(worker + i) % len(QUERIES)])}", None, headers

    def http_suggest(worker, i):
        q = quote(QUERIES[(worker + i) % len(QUERIES)])
        return "GET", f"/api/v1/kb/suggest/?q={q}&service_item={item_id}", None, headers

    with _server.gunicorn(workers=args.workers) as port:
        _http.run(port, http_suggest, total=args.concurrency * 5, concurrency=args.concurrency)
        http_suggested = _http.run(port, http_suggest, total=args.requests, concurrency=args.concurrency)
        http_searched = (_http.run(port, http_search, total=args.requests, concurrency=args.concurrency)
                         if list_route else None)
    figures = {
        "articles": args.articles,
        "load_s": round(load_s, 1),
        "search_p50_ms": searched["p50_ms"],
        "search_p95_ms": searched["p95_ms"],
        "suggest_p50_ms": suggested["p50_ms"],
        "suggest_p95_ms": suggested["p95_ms"],
        "http_search_endpoint": "/api/v1/kb/articles/?search=" if list_route else "/api/v1/kb/suggest/",
        "http_search_p95_ms": (http_searched or http_suggested)["p95_ms"],
        "http_search_statuses": (http_searched or http_suggested)["statuses"],
        "http_suggest_p50_ms": http_suggested["p50_ms"],
        "http_suggest_p95_ms": http_suggested["p95_ms"],
        "http_suggest_per_s": http_suggested["per_s"],
        "http_suggest_statuses": http_suggested["statuses"],
        "concurrency": args.concurrency,
        "index_articles_per_s": round(index_rate, 1) if index_rate else None,
    }
    for key, value in figures.items():
        print(f"{key:>22}: {value}")
    print(json.dumps(figures, ensure_ascii=False))
    statuses = set(http_suggested["statuses"]) | set((http_searched or {}).get("statuses", {}))
    if statuses != {"200"}:
        raise SystemExit("some requests failed: the figures above are not valid")


if __name__ == "__main__":
    main()
