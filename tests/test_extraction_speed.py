"""The shortcuts that keep extraction fast give exactly what the long way gives (issue 17).

Each shortcut rests on a fact about a library or on an equivalence; these tests state them, so
an upgrade or an edit that breaks one fails here rather than silently changing the output.
Speed itself is measured by ``bench/bench_extraction.py``, never asserted here.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from pathlib import Path

import pytest
import trafilatura
from fakes.evaluation_data import HAS_EXTRACTION, NO_EXTRACTION, extraction_pages
from fakes.hostile_pages import SHAPES
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.etree import tostring
from lxml.html import HtmlElement, fromstring
from readability import Document
from readability.readability import REGEXES
from readability.readability import clean as readability_clean
from trafilatura.baseline import _spaced_text, html2txt
from trafilatura.baseline import basic_cleaning as trafilatura_basic_cleaning
from trafilatura.core import ESCALATION_PAGE_SHARE

from bot.extraction import fast_readability, staged
from bot.extraction import page as page_module
from bot.extraction.blocks import WORD, Block, from_html, normalize_space
from bot.extraction.fast_readability import FastDocument
from bot.extraction.limits import MAX_TEXT_NODE, bound_tree, within_caps
from bot.extraction.page import LinkIndex, PageSignals, load_html, parse_html
from bot.extraction.second_opinion import _CLEANER, readability_blocks
from bot.extraction.staged import FastRun
from bot.text.invisible import _TABLE, strip_invisible

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
PAGES = sorted(p.name for p in FIXTURES.glob("*.html"))


def _html(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _same_tree(a: HtmlElement | None, b: HtmlElement | None) -> bool:
    if a is None or b is None:
        return a is b
    return bool(tostring(a) == tostring(b))


@pytest.mark.parametrize("name", PAGES)
def test_our_loader_builds_the_tree_trafilatura_builds(name: str) -> None:
    """load_html parses a page into the same tree as trafilatura.load_html."""
    html = _html(name)
    assert _same_tree(load_html(html), trafilatura.load_html(html))


@pytest.mark.parametrize(
    "html",
    [
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>Declared.</p></body></html>',
        "<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN' 'x.dtd'/>\n<html><p>Doc.</p></html>",
        "<html/>\n<body><p>Self-closing root.</p></body>",
        "<p>A bare fragment.</p>",
        "plain words, no markup at all",
        "<html><body><p>Control\x0b characters\x1f and \ufffe.</p></body></html>",
        "",
    ],
)
def test_our_loader_agrees_on_odd_input(html: str) -> None:
    """Encoding declarations, broken doctypes, fragments and control characters load alike."""
    assert _same_tree(load_html(html), trafilatura.load_html(html))


def test_our_loader_makes_plain_elements_in_c() -> None:
    """Every element is a plain HtmlElement: no Python class lookup per element, even forms."""
    tree = load_html("<html><body><form><input name='q'><select></select></form></body></html>")
    assert tree is not None
    assert {type(element) for element in tree.iter()} == {HtmlElement}


def test_trafilatura_leaves_the_tree_it_is_given_unchanged() -> None:
    """bare_extraction works on its own copy, so later stages can read the same parsed tree."""
    tree = parse_html(_html("news_article.html"))
    assert tree is not None
    before = tostring(tree)
    for fast in (True, False):
        document = trafilatura.bare_extraction(tree, fast=fast, include_comments=False)
        assert document is not None and document.body is not None
        assert tostring(tree) == before


def test_text_output_format_gives_the_same_body() -> None:
    """The "txt" format only skips flattening the body to text: the body tree is the same."""
    tree = parse_html(_html("news_article.html"))
    python = trafilatura.bare_extraction(tree, fast=True, include_comments=False)
    text = trafilatura.bare_extraction(tree, fast=True, include_comments=False, output_format="txt")
    assert python is not None and text is not None
    assert tostring(python.body) == tostring(text.body)


@pytest.mark.parametrize("name", ["news_article.html", "french_article.html"])
def test_readability_reads_the_shared_tree_like_a_fresh_parse(name: str) -> None:
    """readability's blocks from the parsed tree equal those from the HTML; the tree is kept."""
    html = _html(name)
    tree = parse_html(html)
    assert tree is not None
    before = tostring(tree)
    assert readability_blocks(tree) == readability_blocks(html)
    assert tostring(tree) == before


def _readability_summary(document: Document) -> str:
    return str(document.summary(html_partial=True))


@pytest.mark.parametrize("name", PAGES)
def test_our_readability_gives_the_same_text(name: str) -> None:
    """FastDocument (no javascript link rewriting) summarises a page to the same blocks."""
    tree = parse_html(_html(name))
    assert tree is not None
    ours = _readability_summary(FastDocument(tree, _CLEANER))
    theirs = _readability_summary(Document(copy.deepcopy(tree)))
    assert from_html(fromstring(ours)) == from_html(fromstring(theirs))


@pytest.mark.parametrize("name", PAGES)
def test_our_readability_steps_build_readabilitys_tree(name: str) -> None:
    """With the same cleaner, FastDocument's summary is readability's, markup and all."""
    tree = parse_html(_html(name))
    assert tree is not None
    before = tostring(tree)
    ours = _readability_summary(FastDocument(tree, _CLEANER))
    assert ours == _readability_summary(_SlowSteps(tree, _CLEANER))
    assert tostring(tree) == before  # each reading works on its own copy


@pytest.mark.skipif(not HAS_EXTRACTION, reason=NO_EXTRACTION)
def test_our_readability_steps_agree_on_the_benchmark_pages() -> None:
    """On every ScrapingHub page FastDocument's summary equals the one of readability's steps."""
    for page in extraction_pages():
        tree = parse_html(page.html)
        assert tree is not None
        ours = _readability_summary(FastDocument(tree, _CLEANER))
        assert ours == _readability_summary(_SlowSteps(tree, _CLEANER)), page.page_id


class _SlowSteps(FastDocument):
    """FastDocument's copy and cleaner, with readability's own (slow) steps."""

    get_link_density = Document.get_link_density
    score_paragraphs = Document.score_paragraphs
    remove_unlikely_candidates = Document.remove_unlikely_candidates
    transform_misused_divs_into_paragraphs = Document.transform_misused_divs_into_paragraphs


_READABILITY_TEXT = st.text(alphabet=" \t\n\r\xa0\u2003\x0b\x1cab,", max_size=700) | st.builds(
    lambda a, b, c: a + "x" + b + "y" + c,
    st.text(alphabet=" \t\xa0", min_size=240, max_size=300),
    st.text(alphabet=" \n\t", max_size=300),
    st.text(alphabet=" \t\r", min_size=250, max_size=260),
)


@settings(max_examples=500)
@given(_READABILITY_TEXT)
def test_whitespace_cleaning_matches_readabilitys(text: str) -> None:
    """Our clean() collapses whitespace exactly as readability's three regex passes do."""
    assert fast_readability.clean(text) == readability_clean(text)


@pytest.mark.parametrize(
    "names",
    [
        ["main-content", "site-header nav", "x sidebar", "Comment-List ", " ", "FOOTER top"],
        ["\u017fidebar", "ſhoutbox", "\u212aombx", "Menü", "article body", "popup"],
        [],
        [" ", "disqus_thread"],
    ],
)
def test_unlikely_names_are_found_in_one_pass_as_one_by_one(names: list[str]) -> None:
    """_unlikely finds the names readability's pattern finds (Unicode case folding too)."""
    pattern = REGEXES["unlikelyCandidatesRe"]
    expected = [i for i, name in enumerate(names) if pattern.search(name)]
    assert fast_readability._unlikely(names) == expected


def test_divs_with_a_block_descendant_are_found_in_one_pass() -> None:
    """A div holding a block-like tag at any depth (a prefix match, as readability's) is found;
    one with inline markup only is not."""
    root = fromstring(
        "<div id='outer'><div id='inline'><span><b>text</b></span></div>"
        "<div id='deep'><span><em><img src='x.png'></em></span></div>"
        "<div id='param'><object><param name='a'></object></div></div>"
    )
    marked = fast_readability._with_block_descendant(root)
    ids = {element.get("id") for element in marked if element.tag == "div"}
    assert ids == {"outer", "deep", "param"}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_a_hostile_shape_takes_the_full_pass(name: str) -> None:
    """The cheap check never calls a tree that the full pass would cut within the caps."""
    tree = trafilatura.load_html(SHAPES[name]())
    assert tree is not None
    if within_caps(tree):
        assert not bound_tree(copy.deepcopy(tree))


def test_the_check_sees_each_cap() -> None:
    """One text node one character over its cap fails the check; at the cap it passes."""
    at_cap = load_html(f"<html><body><p>{'a' * MAX_TEXT_NODE}</p></body></html>")
    over = load_html(f"<html><body><p>{'a' * (MAX_TEXT_NODE + 1)}</p></body></html>")
    assert at_cap is not None and over is not None
    assert within_caps(at_cap)
    assert not within_caps(over)
    assert bound_tree(over)


@pytest.mark.parametrize("name", PAGES)
def test_ordinary_pages_are_within_the_caps(name: str) -> None:
    """A real page passes the check, and the full pass would indeed cut nothing."""
    tree = trafilatura.load_html(_html(name))
    assert tree is not None
    assert within_caps(tree)
    assert not bound_tree(tree)


@pytest.mark.skipif(not HAS_EXTRACTION, reason=NO_EXTRACTION)
def test_benchmark_pages_load_and_pass_the_check_alike() -> None:
    """On the 121 benchmark pages: the same tree as trafilatura's, and the check is right."""
    for page in extraction_pages():
        ours, theirs = load_html(page.html), trafilatura.load_html(page.html)
        assert _same_tree(ours, theirs), page.page_id
        assert theirs is not None
        assert within_caps(theirs) == (not bound_tree(theirs)), page.page_id


def test_every_invisible_character_is_unprintable() -> None:
    """strip_invisible returns printable text as it is: nothing it removes is printable."""
    assert not [hex(c) for c in _TABLE if chr(c).isprintable()]
    text = "Bundes\u00adregierung"
    assert strip_invisible(text) == "Bundesregierung"


_REGEX_SPACES = re.compile(r"\s+")


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_normalize_space_collapses_exactly_what_regex_whitespace_matches(text: str) -> None:
    """str.split() and the regex \\s+ agree on every character, so the cheaper one is used."""
    expected = _REGEX_SPACES.sub(" ", strip_invisible(text)).strip()
    assert normalize_space(text) == unicodedata.normalize("NFC", expected)
    assert " ".join(text.split()) == _REGEX_SPACES.sub(" ", text).strip()


def test_block_words_are_counted_once_and_right() -> None:
    """Block.words is the number of \\w+ tokens, and not part of a block's equality."""
    block = Block("Rail plan: approved, 3 to 1 (again).")
    assert block.words == len(WORD.findall(block.text)) == 7
    assert block == Block("Rail plan: approved, 3 to 1 (again).")


def _greedy_coverage(anchor_texts: list[str], text: str) -> float:
    """The link coverage as first written: a scan of every word."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for anchor in anchor_texts:
        words = tuple(WORD.findall(anchor.lower()))
        if words and len(words) <= 40:
            by_first.setdefault(words[0], []).append(words)
    for first in by_first:
        by_first[first] = sorted(set(by_first[first]), key=len, reverse=True)
    words = WORD.findall(text.lower())
    if not words:
        return 0.0
    covered = i = 0
    while i < len(words):
        for anchor in by_first.get(words[i], ()):
            if tuple(words[i : i + len(anchor)]) == anchor:
                covered += len(anchor)
                i += len(anchor)
                break
        else:
            i += 1
    return covered / len(words)


_WORDS = st.sampled_from(["read", "more", "the", "news", "a", "b", "read more", "sport"])


@settings(max_examples=300)
@given(
    st.lists(st.lists(_WORDS, min_size=1, max_size=4).map(" ".join), max_size=8),
    st.lists(_WORDS, max_size=30).map(" ".join),
)
def test_link_coverage_scans_only_where_an_anchor_can_start(anchors: list[str], text: str) -> None:
    """Skipping words that start no anchor gives the same coverage as scanning every word."""
    assert LinkIndex(anchors).coverage(text) == pytest.approx(_greedy_coverage(anchors, text))


def test_page_signals_read_anchor_text_like_text_content() -> None:
    """Anchors and paragraphs are read with lxml's text serialiser: same text as text_content."""
    tree = parse_html(
        "<html><body><p>"
        + "Long enough paragraph text with a <a href='/x'>link <b>inside</b></a> here. " * 3
        + "</p><a href='/y'>Menu</a><a href='/y'>Menu</a></body></html>"
    )
    assert tree is not None
    page = PageSignals.read(tree)
    paragraph = normalize_space(tree.find(".//p").text_content())  # type: ignore[union-attr]
    assert page.long_paragraph_chars == len(paragraph)
    assert page.links.coverage("Menu") == 1.0
    assert page.links.coverage("link inside") == 1.0


_PARAGRAPH_TEXT = st.lists(
    st.sampled_from(
        ["a", "é", "e\u0301", " ", "\n", "\u200d", "\u0958", "\u0915\u093c", "\ufb2a", "\u212b"]
    ),
    max_size=130,
).map("".join)


@settings(max_examples=400)
@given(_PARAGRAPH_TEXT)
def test_a_paragraph_seen_as_surely_short_is_short(text: str) -> None:
    """_surely_short never calls a paragraph short that normalises to a long one (NFC can
    lengthen text that is not composed already, such as U+0958)."""
    if page_module._surely_short(text):
        assert len(normalize_space(text)) < page_module.LONG_PARAGRAPH_CHARS


def test_an_expanding_paragraph_is_not_called_short() -> None:
    """A 60-character run of U+0958 (120 after NFC) is not taken as short."""
    text = "\u0958" * 60
    assert len(normalize_space(text)) >= page_module.LONG_PARAGRAPH_CHARS
    assert not page_module._surely_short(text)


def test_the_benchmark_alternates_which_extractor_goes_first() -> None:
    """Ours and trafilatura's default take turns at running first on a page; all run."""
    from bench.bench_extraction import EXTRACTORS, _order

    even, odd = _order(0), _order(1)
    assert sorted(even) == sorted(odd) == sorted(EXTRACTORS)
    assert even.index("keypoints") < even.index("trafilatura")
    assert odd.index("trafilatura") < odd.index("keypoints")


# trafilatura in two stages (bot.extraction.staged): the same bodies as bare_extraction.
_ALL_PAGES = [f"{name}" for name in PAGES] + [
    f"shapes/{p.name}" for p in sorted((FIXTURES / "shapes").glob("*.html"))
]
_NEWS_URL = "https://news.example.com/2026/11/30/story"


def _bare_body(tree: HtmlElement, fast: bool) -> bytes | None:
    document = trafilatura.bare_extraction(
        tree, url=_NEWS_URL, fast=fast, include_comments=False, output_format="txt"
    )
    body = getattr(document, "body", None)
    return None if body is None else bytes(tostring(body))


def _staged_bodies(tree: HtmlElement) -> tuple[bytes | None, bytes | None]:
    run = FastRun(tree, _NEWS_URL)
    fast = None if run.body is None else bytes(tostring(run.body))
    full = run.full()
    return fast, None if full is None else bytes(tostring(full))


def _assert_staged_like_bare(tree: HtmlElement, label: str) -> None:
    before = tostring(tree)
    fast, full = _staged_bodies(tree)
    assert fast == _bare_body(tree, fast=True), label
    assert full == _bare_body(tree, fast=False), label
    assert tostring(tree) == before, label  # the shared tree is left as it was


@pytest.mark.parametrize("name", _ALL_PAGES)
def test_the_staged_run_gives_bare_extractions_bodies(name: str) -> None:
    """FastRun's body is bare_extraction's in fast mode, and its full() the full path's."""
    tree = parse_html(_html(name))
    assert tree is not None
    _assert_staged_like_bare(tree, name)


def _short_story_in_links(paragraphs: int) -> str:
    """A story of a few paragraphs inside a page of menus and link lists (the shape where
    trafilatura's recall retry and its page-coverage test come into play)."""
    menu = "".join(
        f'<li><a href="/s{i}">Section number {i} of the site</a></li>' for i in range(80)
    )
    story = "".join(
        f"<p>Paragraph {i} of the story says the council met on Monday and agreed a plan.</p>"
        for i in range(paragraphs)
    )
    return (
        f'<html><body><nav><ul>{menu}</ul></nav><div class="main">{story}</div>'
        f'<div class="sidebar"><ul>{menu}</ul></div>'
        '<div class="cookie-banner">We use cookies to improve the site for you.</div>'
        "<footer>About us. Contact. Terms of use.</footer></body></html>"
    )


@pytest.mark.parametrize("paragraphs", [0, 1, 3, 8, 30])
def test_the_staged_run_agrees_where_trafilatura_escalates(paragraphs: int) -> None:
    """On short stories among link lists (recall retry, baseline) both bodies are unchanged."""
    tree = parse_html(_short_story_in_links(paragraphs))
    assert tree is not None
    _assert_staged_like_bare(tree, str(paragraphs))


@pytest.mark.skipif(not HAS_EXTRACTION, reason=NO_EXTRACTION)
def test_the_staged_run_agrees_on_the_benchmark_pages() -> None:
    """On every ScrapingHub page FastRun gives bare_extraction's fast and full bodies."""
    for page in extraction_pages():
        tree = parse_html(page.html)
        assert tree is not None
        _assert_staged_like_bare(tree, page.page_id)


_CONSENT_CLASSES = [
    "cookie-banner",
    "Cookie_Consent wrap",
    "site-notice--cookie",
    "COOKIEBOT",
    "coo\u212aie-notice",  # KELVIN SIGN: re's IGNORECASE takes it for a "k"
    "con\u017fent-manager",  # LONG S, an "s" to IGNORECASE
    "cookies",  # not a consent box (no suffix)
    "onetrust-pc",
    "footer-links",
    "",
]


def _consent_page() -> str:
    boxes = "".join(
        f'<div class="{name}"><p>Box {i} text.</p></div>tail {i} <span id="{name}">Span {i}.</span>'
        for i, name in enumerate(_CONSENT_CLASSES)
    )
    return (
        "<html><body><aside>Aside.</aside><article><p>Story text.</p>"
        f"<section>{boxes}</section></article><footer>Foot.</footer></body></html>"
    )


def test_the_known_basic_cleaning_is_the_one_trafilatura_runs() -> None:
    """The faster basic_cleaning is in use: trafilatura's XPath is the one it was built on."""
    assert staged._KNOWN_CLEANING


@pytest.mark.parametrize("name", [*_ALL_PAGES, "consent"])
def test_basic_cleaning_removes_what_trafilaturas_removes(name: str) -> None:
    """Our basic_cleaning leaves the same tree as trafilatura's (cookie boxes in any case)."""
    html = _consent_page() if name == "consent" else _html(name)
    tree = parse_html(html)
    assert tree is not None
    ours, theirs = copy.deepcopy(tree), copy.deepcopy(tree)
    staged.basic_cleaning(ours)
    trafilatura_basic_cleaning(theirs)
    assert tostring(ours) == tostring(theirs)
    if name == "consent":
        assert tostring(ours) != tostring(tree)  # the page does have boxes to remove


@pytest.mark.parametrize("name", [*_ALL_PAGES, "consent", "controls"])
def test_page_text_bounds_hold_html2txts_length(name: str) -> None:
    """The bounds on html2txt's length hold it, and the cleaned body it measures is the same."""
    if name == "consent":
        html = _consent_page()
    elif name == "controls":  # soft hyphens and a control character in block text
        html = (
            "<html><body><p>Ex\u00adtrac\u00adtion</p><div>a\x07b</div>c"
            "<p> \u00ad </p></body></html>"
        )
    else:
        html = _html(name)
    tree = parse_html(html)
    assert tree is not None
    expected = html2txt(tree)
    low, high, cleaned = staged._page_text_bounds(tree)
    assert low <= len(expected) <= high
    assert _spaced_text(cleaned) == expected
    assert _spaced_text(staged.cleaned_page(tree)) == expected


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=4_000), st.sampled_from(PAGES))
def test_the_coverage_test_is_trafilaturas(length: int, name: str) -> None:
    """FastRun's "covers little of the page" answer is trafilatura's html2txt comparison."""
    tree = parse_html(_html(name))
    assert tree is not None
    run = FastRun(tree, _NEWS_URL)
    expected = length < ESCALATION_PAGE_SHARE * len(html2txt(run._tree))
    assert run._covers_little(length) == expected
