"""The HTML pages of ``report --html`` and ``demo --html``: self-contained, complete."""

import base64
import sys
from html.parser import HTMLParser

import numpy as np
import pytest

from sklearn_balanced._cli import main
from sklearn_balanced._cli._html import table_html

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LINKING_ATTRIBUTES = {"src", "href", "srcset", "action", "data", "poster", "xlink:href"}


class Page(HTMLParser):
    """Tags, attributes, table cells and text of an HTML document."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.attributes, self.cells, self.text = [], [], [], []
        self._cell = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def images(self):
        """The PNG bytes of every ``<img>``, which must all be data URLs."""
        sources = [value for tag, name, value in self.attributes if tag == "img"]
        sources = [value for value in sources if value.startswith("data:")]
        prefix = "data:image/png;base64,"
        assert all(source.startswith(prefix) for source in sources)
        return [base64.b64decode(source[len(prefix) :]) for source in sources]

    @property
    def all_text(self):
        return " ".join(" ".join(self.text).split())


def assert_self_contained(page, text):
    """No script, no external style sheet or frame, no reference out of the page."""
    assert text.startswith("<!DOCTYPE html>")
    assert {"script", "link", "iframe", "object", "embed"}.isdisjoint(page.tags)
    for tag, name, value in page.attributes:
        if name in LINKING_ATTRIBUTES:
            assert value.startswith(("data:", "#")), (tag, name, value[:60])
        assert not name.startswith("on"), (tag, name)
    assert "url(" not in text
    assert "@import" not in text
    assert "http://" not in text
    assert "https://" not in text
    assert sum(tag == "img" for tag in page.tags) == len(page.images)
    for png in page.images:
        assert png.startswith(PNG_MAGIC)


@pytest.fixture(scope="module")
def scores_csv(tmp_path_factory):
    rng = np.random.default_rng(3)
    y = np.repeat([0, 1], [170, 30])
    proba = np.clip(0.2 + 0.3 * y + rng.normal(0, 0.18, y.size), 0, 1).round(4)
    path = tmp_path_factory.mktemp("html") / "scores.csv"
    lines = ["y,proba,pred"] + [
        f"{t},{p},{int(p >= 0.5)}" for t, p in zip(y, proba, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _report_page(capsys, path, page, *args):
    status = main(["report", str(path), "--y-true", "y", *args, "--html", str(page)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    text = page.read_text(encoding="utf-8")
    return Page(text), text, captured


def test_report_page_with_scores(pyplot, scores_csv, tmp_path, capsys):
    page, text, captured = _report_page(
        capsys, scores_csv, tmp_path / "report.html", "--score", "proba"
    )
    assert_self_contained(page, text)
    assert len(page.images) == 3
    assert captured.err == ""
    cells = page.cells
    balanced = next(
        line for line in captured.out.splitlines() if line.startswith("balanced acc")
    )
    assert balanced.split()[-1] in cells
    assert "in-sample best (optimistic)" in cells
    assert {"class", "support", "predicted correctly", "recall"} <= set(cells)
    words = page.all_text
    assert "How to read this" in words
    assert "optimistic" in words
    assert "Balanced accuracy report" in words
    assert page.tags.count("figure") == 3
    assert page.tags.count("figcaption") == 3


def test_report_page_with_predictions_has_no_threshold_figure(
    pyplot, scores_csv, tmp_path, capsys
):
    page, text, _ = _report_page(
        capsys, scores_csv, tmp_path / "report.html", "--y-pred", "pred"
    )
    assert_self_contained(page, text)
    assert len(page.images) == 2
    assert "in-sample best (optimistic)" not in page.cells


def test_report_page_explains_an_interval_that_leaves_out_the_score(
    pyplot, tmp_path, capsys
):
    path = tmp_path / "tiny.csv"
    path.write_text("y,p\nb,b\na,a\na,a\n")
    page, text, _ = _report_page(capsys, path, tmp_path / "tiny.html", "--y-pred", "p")
    assert_self_contained(page, text)
    assert "The interval leaves out the observed 1.0000." in page.all_text
    assert {"a", "b"} <= set(page.cells)


def test_report_page_escapes_labels(pyplot, tmp_path, capsys):
    path = tmp_path / "labels.csv"
    path.write_text('y,p\n<b>x</b>,<b>x</b>\n"a&b","a&b"\n"a&b",<b>x</b>\n')
    page, text, _ = _report_page(capsys, path, tmp_path / "l.html", "--y-pred", "p")
    assert_self_contained(page, text)
    assert "<b>" not in text
    assert "b" not in page.tags
    assert {"<b>x</b>", "a&b"} <= set(page.cells)


def test_report_page_without_matplotlib(monkeypatch, scores_csv, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    page, text, captured = _report_page(
        capsys, scores_csv, tmp_path / "report.html", "--score", "proba"
    )
    assert_self_contained(page, text)
    assert page.images == []
    assert 'Install it with pip install "sklearn-balanced[plot]"' in page.all_text
    assert "in-sample best (optimistic)" in page.cells
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("sklearn-balanced: warning: ")
    assert "matplotlib is not installed" in captured.err


def test_demo_page(demo_run):
    status, _, folder = demo_run
    assert status == 0
    text = (folder / "demo.html").read_text(encoding="utf-8")
    page = Page(text)
    assert_self_contained(page, text)
    assert len(page.images) == 5
    for name in (
        "always majority",
        "logistic regression",
        "balanced + tuned threshold",
    ):
        assert name in page.cells
    assert "How to read this" in page.all_text


def test_table_html_right_aligns_numbers_and_escapes():
    html = table_html(["a", "n"], [["<x>", "1"]], numeric={1})
    assert "&lt;x&gt;" in html
    assert '<td class="number">1</td>' in html
    assert Page(html).cells == ["a", "n", "<x>", "1"]
