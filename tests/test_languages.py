"""Summaries in the article's language (issue 14): en, de, fr, es, pt, it, nl, ru, ja, zh.
The language comes from the markup checked against the text; splitting, word handling and
the boilerplate filters follow it. Articles: ``fakes.multilingual``."""

from __future__ import annotations

import pytest
from fakes.multilingual import SAMPLES

from bot.pipeline import summarize_html
from bot.summarize.language import ranking_words, stop_words, term_normaliser, word_units
from bot.text import is_boilerplate, split_sentences, tokenize_words
from bot.text.detect import detect_language

LANGUAGES = sorted(SAMPLES)
_ENDS = (".", "!", "。", "！")


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_language_is_detected_when_the_markup_says_nothing(code: str) -> None:
    """A page without lang= gets the language its text is in."""
    assert detect_language(SAMPLES[code].text, None) == code


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_a_wrong_declaration_is_overruled_by_the_text(code: str) -> None:
    """A template's lang="en" on a story in another language: the text wins."""
    assert detect_language(SAMPLES[code].text, "en") == code


def test_a_plausible_declaration_is_kept() -> None:
    """The markup stands when the text does not clearly contradict it ("de-CH" → "de")."""
    assert detect_language(SAMPLES["de"].text, "de-CH") == "de"
    assert detect_language("Kurz.", "de") == "de"  # too short to judge: the markup stands


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_language_gets_whole_sentences_without_furniture(code: str) -> None:
    """Three bullets, each a whole sentence of the article; the ad or "read also" line and
    the sentence with the language's abbreviation are never cut or quoted in pieces."""
    sample = SAMPLES[code]
    summary = summarize_html(sample.html, "https://news.example.com/a")
    assert summary.article.language == code
    assert len(summary.bullets) == 3
    sentences = split_sentences(sample.text, code)
    for bullet in summary.bullets:
        assert bullet in sentences and bullet.endswith(_ENDS), bullet
        assert sample.furniture not in bullet
    assert any(sample.trap in sentence for sentence in sentences), sentences


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        ("de", "Firmen, z. B. Siemens, wachsen. Das heißt d. h. mehr Jobs.", 2),
        ("de", "Es kostet zwei Mrd. Euro im Jahr. Der Rat stimmte zu.", 2),
        ("fr", "M. Dupont a parlé. Mme Martin a répondu.", 2),
        ("es", "El Sr. García habló. ¿Qué dijo? La Sra. López respondió.", 3),
        ("pt", "O Sr. Almeida falou. A Sra. Costa respondeu.", 2),
        ("it", "Il dott. Rossi ha parlato. Il sig. Bianchi ha risposto.", 2),
        ("nl", "De minister, bijv. Jansen, sprak. Dhr. De Vries antwoordde.", 2),
        ("ru", "Критики, т. е. депутаты, против. Мэр согласен.", 2),
        ("zh", "政府周二宣布了新计划。该计划明年开始！你同意吗？", 3),
        ("ja", "政府は新しい計画を発表した。計画は来年始まる。", 2),
    ],
)
def test_sentence_splitting_per_language(code: str, text: str, expected: int) -> None:
    """Each language's abbreviations do not end a sentence; 。！？ do, with no space after."""
    assert len(split_sentences(text, code)) == expected


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_language_has_stop_words(code: str) -> None:
    """Stop words exist for all ten languages (sumy's lists, or stop-words for nl and ru)."""
    assert len(stop_words(code)) >= 40


@pytest.mark.parametrize(
    ("code", "word", "other"),
    [
        ("de", "Bahnlinien", "Bahnlinie"),
        ("fr", "approuvées", "approuvée"),
        ("es", "estaciones", "estación"),
        ("pt", "aprovadas", "aprovada"),
        ("it", "ferroviarie", "ferroviaria"),
        ("nl", "spoorlijnen", "spoorlijn"),
        ("ru", "линии", "линию"),
    ],
)
def test_snowball_stemmers_join_word_forms(code: str, word: str, other: str) -> None:
    """The language's Snowball stemmer maps two forms of one word to one term."""
    normalise = term_normaliser(code)
    assert normalise(word) == normalise(other) is not None


def test_chinese_and_japanese_are_compared_by_character_bigrams() -> None:
    """zh/ja terms are overlapping character pairs; other languages keep their words."""
    words = tokenize_words("新铁路线 GPU")
    assert ranking_words(words, "zh") == ("新铁", "铁路", "路线", "GPU")
    assert ranking_words(["rail", "line"], "en") == ("rail", "line")


def test_a_long_chinese_sentence_can_be_a_bullet() -> None:
    """Length rules count a CJK character as half a word: 60 characters are 30 words."""
    assert word_units(tokenize_words("铁" * 60)) == 30


@pytest.mark.parametrize(
    "line",
    [
        "Anzeige",
        "Publicité",
        "Publicidad",
        "Pubblicità",
        "Leia também: Novo plano",
        "Lesen Sie auch: Der Plan",
        "Lees ook: Het plan",
        "Читайте также: план",
        "関連記事",
        "相关阅读",
        "Foto: dpa",
    ],
)
def test_furniture_in_each_language_is_boilerplate(line: str) -> None:
    """Ad labels, "read also" links and photo credits in the ten languages are furniture."""
    assert is_boilerplate(line)


def test_prose_mentioning_an_ad_is_not_furniture() -> None:
    """A sentence about an advertisement is content."""
    assert not is_boilerplate("Die Anzeige erschien am Dienstag in mehreren Zeitungen.")
