"""Known answers of the knowledge-base search, shared by the PostgreSQL tests and the SQLite
run (test_search_sqlite.py), so that both backends answer the same questions."""

from django.utils import timezone

from kbsearch.indexing import article_search_index
from knowledge.models import Article, ArticleRevision, ArticleStatus, RevisionStatus, Visibility

# key: (language, title, body)
ARTICLES = {
    "printer_jam": ("zh-hans", "打印机卡纸怎么办", "打开前盖，轻轻取出卡住的纸张，再关上前盖。"),
    "flicker_hans": ("zh-hans", "显示器闪烁怎么办", "先更新显卡驱动，再换一根视频线。"),
    "flicker_hant": ("zh-hant", "螢幕閃爍的處理方法", "檢查視訊線是否鬆脫。"),
    "printers": ("en", "Printers on the third floor", "How to add the shared printers to your laptop."),
    "toner": ("en", "Office supplies", "Toner for the printer is kept in room 3."),
    "vpn_home": ("en", "Connecting to the VPN from home", "Install the client and sign in with your account."),
    "vpn_zh": ("zh-hans", "VPN 无法连接的排查步骤", "检查网络，退出后重新登录客户端。"),
    "payslip": ("en", "Reading your payslip", "Gross pay, deductions and net pay explained."),
}

# query: (keys that must be found, keys that must not)
CASES = {
    "打印": ({"printer_jam"}, {"printers", "toner", "flicker_hans"}),
    "卡纸": ({"printer_jam"}, {"flicker_hans"}),
    "闪烁": ({"flicker_hans", "flicker_hant"}, {"printer_jam"}),
    "閃爍": ({"flicker_hans", "flicker_hant"}, {"printer_jam"}),
    "printers": ({"printers", "toner"}, {"printer_jam", "payslip"}),
    "printer": ({"printers", "toner"}, {"payslip"}),
    "connecting": ({"vpn_home"}, {"payslip"}),
    "connection": ({"vpn_home"}, {"payslip"}),
    "VPN 连不上": ({"vpn_zh", "vpn_home"}, {"printer_jam", "payslip"}),
    "payslips": ({"payslip"}, {"vpn_home"}),
}


def publish(*, team, language, title, body, visibility=Visibility.EVERYONE, service_items=(), index=True):
    """A published article with one live revision, indexed for search (test data: the KB's
    services are not what these tests are about)."""
    now = timezone.now()
    article = Article.objects.create(team=team, visibility=visibility, status=ArticleStatus.PUBLISHED,
                                     created_at=now, updated_at=now, published_at=now)
    ArticleRevision.objects.create(article=article, language=language, number=1, title=title, body=body,
                                   status=RevisionStatus.PUBLISHED, created_at=now, published_at=now)
    if service_items:
        article.service_items.set(service_items)
    if index:
        article_search_index(article_id=article.pk)
    return article


def publish_known_articles(team) -> dict[str, int]:
    """The articles of ARTICLES, published for everyone; their ids by key."""
    return {key: publish(team=team, language=language, title=title, body=body).pk
            for key, (language, title, body) in ARTICLES.items()}
