"""Extraction on page shapes that broke it on public pages (issue 17), written as small pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import NoArticle
from bot.extract import extract, extract_blocks
from bot.extraction.blocks import Block
from bot.extraction.cleanup import strip_headline, trim_boilerplate
from bot.extraction.page import LinkIndex, PageSignals, parse_html
from bot.extraction.second_opinion import doubt, extends, vote
from bot.pipeline import summarize_html

SHAPES = Path(__file__).parent / "fixtures" / "extract" / "shapes"


def shape(name: str) -> str:
    """One of the hand-written pages in ``tests/fixtures/extract/shapes``."""
    return (SHAPES / name).read_text(encoding="utf-8")


FILLER = (
    "The council said the new timetable would add four trains an hour at peak times, and that "
    "the extra services would be paid for from the regional transport budget this year."
)


def page(body: str, title: str = "Regional rail timetable changes") -> str:
    """A minimal news page around ``body``."""
    return (
        f"<html><head><title>{title}</title></head><body><header><nav><a href='/'>Home</a>"
        f"<a href='/news'>News</a></nav></header><main><article><h1>{title}</h1>{body}"
        "</article></main><footer><p>© 2026 The Courier</p></footer></body></html>"
    )


def paragraphs(n: int) -> str:
    """``n`` distinct article paragraphs."""
    return "".join(f"<p>Paragraph {i}: {FILLER}</p>" for i in range(n))


def test_soft_hyphens_are_removed_from_the_text() -> None:
    """A soft hyphen (U+00AD, ``&shy;``) is a hyphenation hint: the word reads without it."""
    html = page(
        "<p>Die Bundes&shy;regierung hat am Dienstag ein neues Gesetz zur Energie\u00adwende "
        "beschlossen, das im kommenden Jahr in Kraft treten soll und viele Haushalte betrifft.</p>"
        + paragraphs(3)
    )
    text = extract(html).text
    assert "Bundesregierung" in text and "Energiewende" in text
    assert "\u00ad" not in text


def test_furigana_readings_do_not_run_into_the_text() -> None:
    """Ruby readings (``<rt>``, ``<rp>``) are dropped; the base text and what follows stay."""
    sentence = (
        "<p>新しい<ruby>法律<rp>(</rp><rt>ほうりつ</rt><rp>)</rp></ruby>では、"
        "<ruby>虐待<rt>ぎゃくたい</rt></ruby>をした親に専門家が子どもの育て方を教えます。</p>"
    )
    more = "政府はこの制度を来年から全国で始める予定です。" * 6
    html = page(f"{sentence * 2}<p>{more}</p>")
    text = extract(html).text
    assert "新しい法律では、虐待をした親に専門家が子どもの育て方を教えます。" in text
    assert "ほうりつ" not in text and "ぎゃくたい" not in text


def test_mathjax_formula_source_is_kept_once() -> None:
    """A MathJax formula keeps its TeX in the sentence; MathJax's rendered copy is dropped."""
    html = page(
        "<p>Given a set of <span class='MathJax_Preview'>N</span><span class='MathJax' "
        "id='MathJax-Element-1-Frame'><span class='math'><span class='mi'>N</span></span></span>"
        "<script type='math/tex'>N</script> high-dimensional objects, the method first "
        "computes probabilities that are proportional to the similarity of the objects.</p>"
        + paragraphs(3)
    )
    text = extract(html).text
    assert "Given a set of N high-dimensional objects" in text


BRIEF = (
    "<p>The regional rail operator will add four trains an hour on the coast line from May.</p>"
    "<p>The change was approved by the council on Tuesday after a short debate.</p>"
)


def test_short_news_brief_gets_a_bullet_not_a_refusal() -> None:
    """A real article of under forty words gets one or two key points."""
    summary = summarize_html(page(BRIEF), "https://news.example/brief")
    assert 1 <= len(summary.bullets) <= 2
    assert summary.bullets[0].startswith("The regional rail operator will add")


def test_short_error_page_and_link_list_keep_their_replies() -> None:
    """An error page and a short list of links are still refused with their own reasons."""
    error = page("<p>Sorry, the page you are looking for does not exist any more.</p>", "404")
    with pytest.raises(NoArticle, match="does not exist"):
        summarize_html(error, "https://news.example/missing")
    links = page(
        "<ul>"
        + "".join(f"<li><a href='/s{i}'>Council story number {i}</a></li>" for i in range(6))
        + "</ul>"
    )
    with pytest.raises(NoArticle):
        summarize_html(links, "https://news.example/list")


def test_login_and_registration_overlays_are_not_the_article() -> None:
    """Log-in, registration and age-check overlays (their notices read like paragraphs) are
    dropped before extraction; the short story next to them is what is kept."""
    text = extract(shape("login_overlays.html")).text
    assert "ferry crews' union called off Friday's strike" in text
    for notice in ("password", "registration", "children's area", "e-mail"):
        assert notice not in text


def test_an_overlay_holding_the_page_is_kept() -> None:
    """A wrapper named like a dialog that holds the headline and the story is not an overlay."""
    html = page(paragraphs(4)).replace(
        "<main>", "<div class='dialog-off-canvas-main-canvas'><main>"
    )
    html = html.replace("</main>", "</main></div>")
    assert "Paragraph 3: The council said" in extract(html).text


def test_text_is_composed_to_one_form() -> None:
    """A letter written as base + combining mark reads (and matches) as its composed form."""
    decomposed = "\u09a1\u09bc"  # Bengali RRA as DDA + NUKTA; NFC keeps this form
    precomposed = "\u09dc"  # the same letter as one code point (a composition exclusion)
    sentence = f"আজ শনিবার সকাল সা{precomposed}ে সাতটার দিকে দুর্ঘটনা ঘটে। " * 4
    text = extract(page(f"<p>{sentence}</p>" + paragraphs(2))).text
    assert f"সা{decomposed}ে" in text and precomposed not in text


def test_kicker_above_the_headline_goes_with_it() -> None:
    """A short label line above the repeated headline is dropped along with the headline."""
    blocks = [
        Block("Term starts"),
        Block("Students still searching for rooms", "heading"),
        Block("Lectures at the university start this week, but not everyone has a room."),
    ]
    kept = strip_headline(blocks, ("Students still searching for rooms",))
    assert [b.text for b in kept] == [blocks[2].text]


def _words(n: int, word: str) -> list[Block]:
    """Blocks of distinct sentences, ``n`` blocks of ten words built on ``word``."""
    return [Block(f"{word} number {i} said the committee met again on day {i}.") for i in range(n)]


def test_a_fragment_gives_way_to_a_much_longer_second_opinion() -> None:
    """When readability's text is many times longer than ours and shares nothing with it, ours
    was a fragment (a notice, a sidebar teaser) and readability's reading is the article."""
    fragment = _words(4, "festival")
    article = _words(40, "council")
    assert vote(fragment, article) == article
    assert vote(fragment, _words(12, "council")) == fragment  # 3×: not evidence enough


def test_a_short_result_is_extended_only_by_more_of_the_same_story() -> None:
    """Under fifty words is a 'short' doubt; the full path's text replaces ours only when it
    holds ours and clearly more."""
    ours = _words(4, "council")
    page_signals = PageSignals(links=LinkIndex([]), long_paragraph_chars=0)
    assert doubt(ours, page_signals) == "short"
    assert extends(ours + _words(6, "budget"), ours)
    assert not extends(_words(10, "budget"), ours)
    assert not extends(ours + _words(1, "budget"), ours)


def test_a_link_roundup_keeps_its_annotated_links() -> None:
    """A post that is a list of links, each with words of its own ("via …"), is the content
    of its page; a site map of bare links still has none (``test_extract``)."""
    text = extract(shape("link_roundup.html")).text
    assert "Press subsidies: study doubts the state's support via Media Weekly" in text
    assert "Weather service warns of iguanas falling from trees" in text


def test_an_appended_unrelated_gallery_is_cut() -> None:
    """A slideshow of many captioned photos about something else, after the story, is cut
    with its heading."""
    blocks, _ = extract_blocks(shape("appended_gallery.html"))
    text = " ".join(b.text for b in blocks)
    assert text.startswith("The regional council approved a new timetable")
    assert "review of the timetable is planned for next year" in text
    assert "Slide" not in text and "Photos:" not in text and "Visitors show off" not in text


def test_step_photos_of_a_recipe_stay() -> None:
    """Captioned step photos that repeat the article's words are part of it, not a gallery."""
    text = extract(shape("recipe_step_photos.html")).text
    assert "Fry the garlic in the same oil until the garlic smells fragrant." in text
    assert text.rstrip().endswith("Serve the noodles hot, with chillies and lime on the side.")


def test_the_lead_outside_the_body_is_put_first() -> None:
    """The standfirst the page declares as its description, set above the body container that
    fast mode keeps, opens the text (once), ahead of the body."""
    paragraphs_ = extract(shape("lead_in_header.html")).paragraphs
    assert paragraphs_[0].startswith("Ferries to the three islands will sail every hour")
    assert paragraphs_[1].startswith("The decision ends a long dispute")
    assert sum("three islands will sail" in p for p in paragraphs_) == 1


@pytest.mark.parametrize(
    ("name", "gone"),
    [
        ("read_also_es.html", ("Lea más", "El puerto de la ciudad", "aeropuerto")),
        ("read_also_de.html", ("Schon gelesen", "Hafen wird", "Regionalflughafen")),
    ],
)
def test_read_also_lines_in_other_languages_are_dropped(name: str, gone: tuple[str, ...]) -> None:
    """'Read also' labels and the linked headlines after them go in Spanish and German too."""
    text = extract(shape(name)).text
    assert len(text.split("\n\n")) == 4
    for phrase in gone:
        assert phrase not in text


@pytest.mark.parametrize(
    "prompt",
    [
        "To view the full story, please subscribe to The Courier. Plans start at $5 a month.",
        "Already a subscriber? Please log in to read the rest of this story.",
        "Pour lire la suite et accéder à trois articles par mois, créez votre compte.",
        "Sie sind aktuell nicht eingeloggt.",
    ],
)
def test_paywall_prompts_are_furniture_anywhere(prompt: str) -> None:
    """A paywall prompt between paragraphs is page furniture, in English, French and German."""
    body = [
        Block(f"Paragraph {i}: the council met again and approved the budget.") for i in range(3)
    ]
    blocks = [body[0], Block(prompt), body[1], body[2]]
    assert trim_boilerplate(blocks, LinkIndex([])) == body


@pytest.mark.parametrize(
    "closing",
    [
        "For the latest stories and breaking news download the Courier app for iOS and Android.",
        "Síguenos en Telegram, Instagram, Facebook y Twitter para recibir las noticias.",
        "Folgen Sie uns auf Facebook und Instagram.",
        "Suivez-nous sur les réseaux sociaux.",
    ],
)
def test_follow_and_app_prompts_close_the_text(closing: str) -> None:
    """'Follow us' and 'download our app' lines after the last paragraph go, in several
    languages."""
    body = [
        Block(f"Paragraph {i}: the council met again and approved the budget.") for i in range(3)
    ]
    assert trim_boilerplate([*body, Block(closing)], LinkIndex([])) == body


def test_a_quotation_of_several_paragraphs_is_several_blocks() -> None:
    """A quoted statement over several paragraphs (and a code sample) gives one "quote" block
    per paragraph, so the text does not look like one flattened blob and needs no second
    opinion; the story and the whole quotation are kept."""
    html = shape("quoted_advisory.html")
    blocks, _ = extract_blocks(html)
    quotes = [b.text for b in blocks if b.kind == "quote"]
    assert len(quotes) == 6
    assert quotes[0].startswith("The client may send the server a listing of any depth")
    assert quotes[-1].endswith("when I first reported the problem.")
    assert blocks[0].text.startswith("A flaw in a widely used file sync tool")
    assert blocks[-1].text == "The vendor did not answer a request for comment on Friday."
    assert doubt(blocks, PageSignals.read(parse_html(html))) is None


def test_a_post_of_short_lines_is_not_a_flattened_layout() -> None:
    """A changelog typed as one paragraph of short <br> lines is not a 'structure' doubt, and
    the post's title in its layout table row is not glued to its first line."""
    html = shape("changelog_lines.html")
    blocks, _ = extract_blocks(html)
    text = " ".join(b.text for b in blocks)
    assert text.startswith("+ Added lighthouses, which light up nearby water at night")
    assert "- Removed the floating barrels bug" in text
    assert "The Lighthouse Update" not in text
    assert doubt(blocks, PageSignals.read(parse_html(html))) is None


def test_one_paragraph_of_words_is_still_a_structure_doubt() -> None:
    """A block holding most of the text stays a 'structure' doubt when it has no line breaks,
    when its lines are long, or when one line holds most of it (a story beside a link column)."""
    signals = PageSignals(links=LinkIndex([]), long_paragraph_chars=0)
    small = [Block(f"Paragraph {i}: the council met again and approved it.") for i in range(2)]
    blob = Block(" ".join(["the council met again and approved the new timetable"] * 20))
    assert doubt([blob, *small], signals) == "structure"
    long_lines = Block(blob.text, "paragraph", lines=5)  # 40 words a line: prose, not lines
    assert doubt([long_lines, *small], signals) == "structure"
    one_long_line = Block(blob.text, "paragraph", lines=20, longest_line=120)
    assert doubt([one_long_line, *small], signals) == "structure"
    short_lines = Block(blob.text, "paragraph", lines=20, longest_line=10)
    assert doubt([short_lines, *small], signals) is None


def test_a_labelled_teaser_rail_after_the_story_is_cut() -> None:
    """A labelled rail of linked headlines with short standfirsts after the story goes; the
    story, down to its last line, stays."""
    paragraphs_ = extract(shape("teaser_tail.html")).paragraphs
    assert len(paragraphs_) == 7
    assert paragraphs_[0].startswith("THE port operator has agreed to restore")
    assert paragraphs_[-1] == "INES VARGA IS THE HERALD'S INDUSTRY REPORTER"


def test_linked_headings_without_a_label_are_kept() -> None:
    """Linked headings with short paragraphs that follow the story without a label heading (a
    buyer's guide's items) are not a teaser rail."""
    story = [
        Block(f"Paragraph {i}: the council met again and approved the budget.") for i in range(3)
    ]
    items: list[Block] = []
    for name in ("Harbour Kettle", "Quay Toaster", "Pier Blender"):
        items += [Block(name, "heading"), Block(f"The {name} is cheap, quiet and easy to clean.")]
    links = LinkIndex(["Harbour Kettle", "Quay Toaster", "Pier Blender"])
    assert trim_boilerplate([*story, *items], links) == [*story, *items]
    labelled = [*story, Block("Other picks", "heading"), *items]
    assert trim_boilerplate(labelled, links) == story
