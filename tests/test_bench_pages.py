"""`bench_extraction --pages KIND:DIR`: public page sets we do not ship, in their upstream layouts.

The fixture folders (``tests/fixtures/bench/``) are tiny invented sets in the shape of Mozilla
Readability's ``test/test-pages`` and of dragnet_data's ``HTML``/``Corrected`` folders.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench import bench_extraction
from bench.bench_extraction import (
    PagesError,
    load_dragnet_pages,
    load_readability_pages,
    main,
)

FIXTURES = Path(__file__).parent / "fixtures" / "bench"
READABILITY = FIXTURES / "readability"
DRAGNET = FIXTURES / "dragnet"


def test_readability_layout_yields_source_and_expected_text_by_name() -> None:
    """Each <name>/ with source.html and expected.html is a page: the source HTML, and the
    expected HTML's text one paragraph per block; a folder without expected.html is skipped."""
    pages = load_readability_pages(READABILITY)
    assert [page_id for page_id, *_ in pages] == ["harbour-ferry", "library-hours"]
    _, url, html, truth = pages[1]
    assert url is None
    assert '<div id="sidebar">' in html
    assert truth.split("\n\n") == [
        "From next month the reading room on Willow Lane opens until eight in the evening on "
        "weekdays.",
        "Volunteers asked for the change after a survey showed most visitors come after work.",
        "Café corner",
        "The small café corner will stay open as long as the room, serving tea and soup.",
    ]


def test_readability_layout_accepts_the_repository_root(tmp_path: Path) -> None:
    """A clone's root (pages under test/test-pages/) loads like the test-pages folder itself."""
    shutil.copytree(READABILITY, tmp_path / "test" / "test-pages")
    assert load_readability_pages(tmp_path) == load_readability_pages(READABILITY)


def test_dragnet_layout_drops_comments_and_decodes_legacy_encodings() -> None:
    """HTML/<id>.html pairs with Corrected/<id>.html.corrected.txt: the text before the
    COMMENTS marker is expected, windows-1252 files decode, a page without one is skipped."""
    pages = {page_id: (html, truth) for page_id, _, html, truth in load_dragnet_pages(DRAGNET)}
    assert sorted(pages) == ["R7", "T1"]
    html, truth = pages["T1"]
    assert truth.endswith("the weight limit goes back to eighteen tonnes.")
    assert "COMMENTS" not in truth and "commute" not in truth
    assert "My commute has been a nightmare" in html
    html, truth = pages["R7"]
    assert truth.startswith("Fête du village\nLa fête du village aura lieu samedi")
    assert "place de l’église" in html and "bénévoles" in truth


def test_limit_keeps_the_first_pages_in_order() -> None:
    """--limit N keeps the first N pages of a --pages set, in name order."""
    assert [p[0] for p in load_readability_pages(READABILITY, 1)] == ["harbour-ferry"]
    assert [p[0] for p in load_dragnet_pages(DRAGNET, 1)] == ["R7"]


@pytest.mark.parametrize(
    ("loader", "folder", "expected"),
    [
        (load_readability_pages, FIXTURES / "absent", "readability pages: no folder at"),
        (load_readability_pages, DRAGNET, "readability pages: no <name>/source.html"),
        (load_dragnet_pages, READABILITY, "dragnet pages: no HTML/ and Corrected/ folders"),
        (load_dragnet_pages, FIXTURES / "absent", "dragnet pages: no HTML/ and Corrected/"),
    ],
)
def test_a_folder_in_another_layout_is_a_one_line_error(
    loader: bench_extraction.PageLoader, folder: Path, expected: str
) -> None:
    """A missing folder, or one in the other layout, raises one line naming the folder."""
    with pytest.raises(PagesError) as error:
        loader(folder, None)
    message = str(error.value)
    assert message.startswith(expected)
    assert str(folder) in message and "\n" not in message


def test_main_reports_a_bad_pages_folder_before_running_anything(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A bad --pages folder exits with status 2 and one stderr line, and writes no results."""
    output = tmp_path / "out.json"
    argv = ["--only-pages", "--pages", f"dragnet:{READABILITY}", "--output", str(output)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("bench_extraction: dragnet pages: no HTML/")
    assert len(err.splitlines()) == 1
    assert not output.exists()


@pytest.mark.parametrize("spec", ["cleaneval:/somewhere", "readability", "dragnet:"])
def test_an_unknown_layout_or_missing_folder_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], spec: str
) -> None:
    """--pages takes KIND:DIR with a known KIND; anything else is argparse's usage error."""
    with pytest.raises(SystemExit) as exit_:
        main(["--only-pages", "--pages", spec])
    assert exit_.value.code == 2
    assert "--pages" in capsys.readouterr().err


def test_pages_sets_are_scored_timed_and_written_like_the_shipped_sets(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """--only-pages runs each --pages set through the same loop: shingle scores for every
    extractor, catastrophic count, timing vs trafilatura, a table row each, and the JSON."""
    monkeypatch.setattr(bench_extraction, "_pipeline", lambda: None)  # the summariser is slow
    output = tmp_path / "pages.json"
    argv = ["--only-pages", "--output", str(output)]
    argv += ["--pages", f"readability:{READABILITY}", "--pages", f"dragnet:{DRAGNET}"]
    assert main(argv) == 0
    result = json.loads(output.read_text(encoding="utf-8"))
    assert list(result) == ["readability", "dragnet"]
    one = result["readability"]
    assert one["pages"] == 2 and one["metric"] == "shingles"
    assert set(one["scores"]) == set(bench_extraction.EXTRACTORS)
    assert {"f1", "precision", "recall", "accuracy", "catastrophic"} <= set(
        one["scores"]["keypoints"]
    )
    assert one["timing"]["trafilatura"]["ratio"] == pytest.approx(1.0)
    assert set(one["timing"]["keypoints"]) >= {"median_ms", "p99_ms", "ratio", "cpu_ratio"}
    assert set(one["per_page_f1"]) == {"harbour-ferry", "library-hours"}
    # The article is the only real text on the ferry page: a truth wrongly read would score 0.
    assert one["per_page_f1"]["harbour-ferry"]["keypoints"] > 0.5
    assert set(result["dragnet"]["per_page_f1"]) == {"R7", "T1"}
    table = capsys.readouterr().out
    assert "readability: 2 pages" in table and "dragnet: 2 pages" in table
    assert table.count("| keypoints |") == 2
    assert "must-not violations" not in table


def test_a_layout_given_twice_gets_a_second_name() -> None:
    """Two folders of one layout are two sets; the second is named by its folder too."""
    sets = bench_extraction.load_extra_sets([("dragnet", DRAGNET), ("dragnet", DRAGNET)], limit=1)
    assert [name for name, _ in sets] == ["dragnet", f"dragnet:{DRAGNET}"]


def test_a_set_run_alone_is_timed_after_one_time_start_up_costs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before --only-pages times a set, justext's stoplists are loaded and every extractor has
    run once on the first page, so no extractor is billed for the other's start-up."""
    from trafilatura import external

    calls: list[str] = []
    monkeypatch.setattr(external, "JT_STOPLIST", None)
    monkeypatch.setattr(bench_extraction, "_pipeline", lambda: None)

    def recorder(name: str) -> bench_extraction.Extractor:
        def extract(html: str, url: str | None) -> str:
            calls.append(name)
            return ""

        return extract

    monkeypatch.setattr(bench_extraction, "EXTRACTORS", {name: recorder(name) for name in "ab"})
    bench_extraction.warm_up(load_dragnet_pages(DRAGNET))
    assert external.JT_STOPLIST
    assert calls == ["a", "b"]
