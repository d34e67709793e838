"""The summariser: method selection, bullet properties, boilerplate, bounds and quality."""

from __future__ import annotations

import json
import socket

import pytest
from fakes.evaluation_data import CNNDM, HAS_CNNDM, NO_CNNDM
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.models import Article
from bot.summarize import METHODS, summarize
from bot.summarize.candidates import MAX_BULLET_WORDS, MAX_SENTENCES

NEWS = Article(
    title="Acme launches a solar-powered phone",
    paragraphs=(
        "SAN FRANCISCO (CNN) -- Acme Corp. on Tuesday launched a solar-powered phone that it "
        "says never needs a charger.",
        "Scroll down for video.",
        "The phone, called the Sol, uses a new thin-film solar panel built into its back cover.",
        "Acme said the Sol will cost $499 and ship in the U.S. and Europe in March.",
        "Sign up for our newsletter.",
        "Analysts said the solar panel could change how people charge their phones.",
        "Earlier solar phones failed because their panels were too small to matter.",
        "Acme's shares rose 4.5% after the announcement.",
        "Do you have a story for us? Email our newsroom.",
        "The company plans a solar tablet next year, its chief executive said.",
    ),
)


def _normalised(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("method", METHODS)
def test_every_method_gives_verbatim_ordered_bullets(method: str) -> None:
    """Each method returns three verbatim sentences of the article, in article order."""
    summary = summarize(NEWS, bullets=3, method=method)
    body = _normalised(NEWS.text)
    assert summary.method == method
    assert len(summary.bullets) == 3
    positions = [body.find(_normalised(bullet)) for bullet in summary.bullets]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)


def test_unknown_method_lists_valid_ones() -> None:
    """An unknown method name raises ValueError naming every valid method."""
    with pytest.raises(ValueError, match="choose one of") as raised:
        summarize(NEWS, method="gpt")
    assert all(method in str(raised.value) for method in METHODS)


def test_methods_cover_sumy_lead_and_default() -> None:
    """All sumy algorithms, lead and default are selectable by name."""
    expected = {"default", "lead", "lexrank", "textrank", "lsa", "luhn", "sumbasic", "kl"}
    assert expected | {"reduction"} == set(METHODS)


FURNITURE = (
    "By Jane Doe, Technology Reporter.",
    "Sign up for our free weekly newsletter to get the best tech stories in your inbox.",
    "Follow Jane Doe on Twitter for more news about phones.",
    "Click here to see our full gallery of the new solar phone in pictures.",
)


@pytest.mark.parametrize("method", METHODS)
def test_boilerplate_never_becomes_a_bullet(method: str) -> None:
    """Bylines and calls to action are dropped even where they lead the text."""
    article = Article(paragraphs=(*FURNITURE, *NEWS.paragraphs))
    bullets = summarize(article, method=method).bullets
    assert len(bullets) == 3
    assert not set(bullets) & set(FURNITURE)
    assert not any("Scroll down" in b or "newsletter" in b or "story for us" in b for b in bullets)


def test_dateline_is_stripped() -> None:
    """A leading "CITY (CNN) --" dateline is removed from the bullet, which stays verbatim."""
    first = summarize(NEWS).bullets[0]
    assert first.startswith("Acme Corp. on Tuesday launched")
    assert first in NEWS.paragraphs[0]


def test_default_drops_near_duplicates() -> None:
    """A sentence repeated almost word for word is used once."""
    repeated = "Acme launched a solar-powered phone called the Sol on Tuesday in San Francisco."
    article = Article(
        paragraphs=(
            repeated,
            repeated.replace("Tuesday", "Tuesday morning"),
            "The phone costs $499 and ships in March to buyers in Europe and America.",
            "Analysts expect strong demand from people who travel a lot for work.",
            "Rivals are working on similar designs but have not shown them yet.",
            "Acme shares rose four percent after the launch event ended.",
        )
    )
    bullets = summarize(article).bullets
    assert len(bullets) == 3
    assert sum("solar-powered phone called the Sol" in b for b in bullets) == 1


def test_headings_and_questions_are_not_bullets() -> None:
    """Lines without a final full stop (headings, labels) and questions are never bullets."""
    heading = "Acme launches the solar-powered Sol phone in San Francisco"
    question = "Will the solar-powered Sol phone change how people charge their phones?"
    article = Article(paragraphs=(heading, question, *NEWS.paragraphs))
    for method in METHODS:
        bullets = summarize(article, method=method).bullets
        assert len(bullets) == 3 and heading not in bullets and question not in bullets


def test_dangling_openings_are_ranked_down() -> None:
    """A sentence opening with "Which ..." loses its place to one that stands alone."""
    article = Article(
        paragraphs=(
            "Acme launched a solar-powered phone called the Sol on Tuesday.",
            "Which is remarkable given that the phone has a solar panel and a battery.",
            "The phone has a solar panel on its back and a battery inside it.",
            "Reviewers said the solar panel charged the battery in bright sun.",
            "The phone costs $499 in shops.",
            "Acme shares rose after the launch.",
        )
    )
    bullets = summarize(article).bullets
    assert len(bullets) == 3
    assert not any(b.startswith("Which") for b in bullets)


def test_long_sentences_are_never_bullets() -> None:
    """No bullet exceeds the word cap; an over-long sentence is skipped, not cut."""
    long_sentence = "The long report " + "covers many details and " * 20 + "ends here."
    article = Article(paragraphs=(long_sentence, *NEWS.paragraphs[2:]))
    for method in METHODS:
        bullets = summarize(article, method=method).bullets
        assert bullets and all(len(b.split()) <= MAX_BULLET_WORDS for b in bullets)
        assert long_sentence not in bullets


@pytest.mark.parametrize(
    ("paragraphs", "most"),
    [
        ((), 0),
        (("  ", "\n\n"), 0),
        (("Just one short line here.",), 1),
        (
            (
                "Acme made a phone today in town.",
                "It runs on solar power all day.",
                "It costs $499 at launch.",
            ),
            2,
        ),
    ],
)
def test_short_texts_get_fewer_bullets(paragraphs: tuple[str, ...], most: int) -> None:
    """Empty text gives none, one line at most one, three sentences at most two."""
    article = Article(paragraphs=tuple(paragraphs))
    for method in METHODS:
        assert len(summarize(article, bullets=3, method=method).bullets) <= most


VOCABULARY = "Acme phone solar the a launched said Mr. U.S. 3.5 price rose fell market users new"
words = st.sampled_from(VOCABULARY.split(" "))
sentences = st.lists(words, min_size=1, max_size=30).map(lambda w: " ".join(w) + ".")
texts = st.lists(sentences, min_size=0, max_size=25).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts | st.text(max_size=300), bullets=st.integers(min_value=0, max_value=5))
def test_default_properties_on_any_text(text: str, bullets: int) -> None:
    """Any text gives at most N bullets, each a distinct verbatim sentence, in article order."""
    article = Article(paragraphs=(text,))
    summary = summarize(article, bullets=bullets)
    assert len(summary.bullets) <= bullets
    assert len(set(summary.bullets)) == len(summary.bullets)
    cursor = 0
    for bullet in summary.bullets:
        found = text.find(bullet, cursor)
        assert found >= cursor
        cursor = found + len(bullet)


def test_huge_input_is_capped() -> None:
    """A huge article is cut to the sentence cap before any method scores it."""
    vocabulary = [f"word{n}" for n in range(97)]
    sentences = (
        "Report " + " ".join(vocabulary[(i * 7 + k * 13) % 97] for k in range(8)) + "."
        for i in range(4_000)
    )
    article = Article(paragraphs=(" ".join(sentences),))
    for method in METHODS:
        summary = summarize(article, method=method)
        assert int(summary.extras["sentences_considered"]) == MAX_SENTENCES
        assert len(summary.bullets) == 3


def test_nothing_is_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every method runs with network access and NLTK downloads forbidden."""
    import nltk  # type: ignore[import-untyped]

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network or download attempted")

    monkeypatch.setattr(nltk, "download", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for method in METHODS:
        assert summarize(Article(paragraphs=NEWS.paragraphs, language="de"), method=method).bullets


def test_non_english_text_is_summarised() -> None:
    """Russian and Japanese text gives verbatim bullets without error."""
    russian = Article(
        paragraphs=(
            "Компания представила новый телефон. Он работает от солнечной энергии. "
            "Цена составит пятьсот долларов. Продажи начнутся в марте. Аналитики ждут спроса.",
        ),
        language="ru",
    )
    japanese = Article(
        paragraphs=(
            "新しい電話が発表されました。太陽光で動きます。価格は五百ドルです。三月に発売されます。",
        ),
        language="ja",
    )
    for article in (russian, japanese):
        for method in METHODS:
            bullets = summarize(article, method=method).bullets
            assert all(b in article.text for b in bullets)
    assert summarize(russian).bullets


@pytest.mark.skipif(not HAS_CNNDM, reason=NO_CNNDM)
def test_default_beats_lead3_on_cnndm() -> None:
    """On the CNN/DM sample the default method beats Lead-3 on ROUGE-1 and ROUGE-2 F1."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    totals = {"default": [0.0, 0.0], "lead": [0.0, 0.0]}
    with CNNDM.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    for row in rows:
        article = Article(paragraphs=(row["article"],), language="en")
        reference = "\n".join(row["highlights"])
        for method, total in totals.items():
            scores = scorer.score(reference, "\n".join(summarize(article, method=method).bullets))
            total[0] += scores["rouge1"].fmeasure
            total[1] += scores["rouge2"].fmeasure
    default_r1, default_r2 = (100 * t / len(rows) for t in totals["default"])
    lead_r1, lead_r2 = (100 * t / len(rows) for t in totals["lead"])
    assert default_r1 > lead_r1 and default_r2 > lead_r2
    assert default_r1 >= 40.8 and default_r2 >= 17.8
