"""The pure text pipeline of the knowledge-base search (kbsearch.text)."""

from kbsearch.sql import like_pattern
from kbsearch.text import (
    chinese_script,
    excerpt,
    highlight,
    like_terms,
    plain_text,
    query_terms,
    segment,
    stem,
    tsquery,
)


def test_segment_cuts_a_chinese_word_out_of_a_longer_one():
    assert "打印" in segment("打印机卡纸怎么办")
    assert "打印机" in segment("打印机卡纸怎么办")


def test_segment_folds_traditional_to_simplified_before_cutting():
    assert "闪烁" in segment("螢幕閃爍")


def test_segment_lower_cases_english_and_drops_punctuation():
    assert segment("VPN, Printers!") == ["vpn", "printers"]


def test_query_terms_drop_particles_and_repeats():
    assert query_terms("VPN 连不上的 vpn") == ["vpn", "连不上"]


def test_query_terms_drop_a_lone_chinese_character_when_there_is_more():
    assert query_terms("VPN 连不") == ["vpn"]


def test_stem_english_words():
    assert [stem(w) for w in ["printers", "connecting", "connection", "policies", "access", "vpn"]] == [
        "printer", "connect", "connect", "policy", "access", "vpn"]


def test_like_terms_stem_english_and_keep_chinese():
    assert like_terms("Printers 打印机") == ["printer", "打印", "印机", "打印机"]


def test_tsquery_ors_the_terms_and_prefixes_the_word_being_typed():
    assert tsquery("printer conn") == "'printer' | 'conn':*"
    assert tsquery("printer conn ") == "'printer' | 'conn'"


def test_tsquery_with_every_term_ands_them():
    assert tsquery("printer conn", every=True) == "'printer' & 'conn':*"
    assert tsquery("printer", every=True) == tsquery("printer")


def test_the_like_pattern_takes_the_querys_wildcards_literally():
    assert like_pattern("50%_off\\") == "%50\\%\\_off\\\\%"


def test_tsquery_keeps_no_tsquery_syntax_of_the_query():
    assert tsquery("vpn' | !printer & (c:*") == "'vpn' | 'printer'"
    assert tsquery("!!! ") == ""


def test_highlight_marks_matches_in_either_script_and_escapes_the_rest():
    html = highlight("<b>Printers</b> 閃爍 & 打印机", "printer 闪烁 打印")
    assert html == "&lt;b&gt;<mark>Printers</mark>&lt;/b&gt; <mark>閃爍</mark> &amp; <mark>打印</mark>机"


def test_highlight_cuts_a_long_text_around_the_first_match():
    text = "x" * 300 + " printer " + "y" * 300
    html = highlight(text, "printer", length=60)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>printer</mark>" in html
    assert len(html.replace("<mark>", "").replace("</mark>", "")) <= 62


def test_highlight_without_a_match_is_the_escaped_start():
    assert highlight("a < b", "zzz") == "a &lt; b"


def test_plain_text_drops_the_markdown_markup():
    body = ("# Title\n\n## Problem\n\nThe **screen** _flickers_, see [the guide](https://x.example/g).\n\n"
            "1. Open `settings`\n2. Update\n\n* one\n* two\n\n```python\nprint(1)\n```\n\n> quoted &amp; done\n")

    assert plain_text(body) == ("Title Problem The screen flickers, see the guide. Open settings Update one two "
                                "print(1) quoted & done")


def test_an_excerpt_is_the_plain_text_escaped_and_highlighted():
    assert excerpt("## 问题\n\n屏幕**閃爍** <i>x</i> & 1 < 2", "闪烁") == "问题 屏幕<mark>閃爍</mark> x &amp; 1 &lt; 2"


def test_chinese_script_tells_simplified_from_traditional():
    assert chinese_script("螢幕一直閃爍，外接螢幕正常。") == "zh-hant"
    assert chinese_script("显示器闪烁怎么办") == "zh-hans"
    assert chinese_script("VPN 客户端连不上") == "zh-hans"
    assert chinese_script("Screen flickers") is None
