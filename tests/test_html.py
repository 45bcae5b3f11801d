"""The HTML pages of ``report --html`` and ``demo --html``: self-contained, complete."""

import base64
import sys
import tracemalloc
from functools import partial
from html.parser import HTMLParser

import numpy as np
import pytest

from sklearn_balanced._cli import _report as report_module
from sklearn_balanced._cli import main
from sklearn_balanced._cli._figures import MAX_CURVE_POINTS, report_figures, thin_curve
from sklearn_balanced._cli._html import table_html
from sklearn_balanced._cli._report import ReportCounts, summarise_counts
from sklearn_balanced.metrics import (
    ConfusionCounts,
    ScoreCounts,
    balanced_accuracy_curve,
)
from sklearn_balanced.utils._steps import value_at

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
    weights = rng.integers(1, 4, y.size)
    path = tmp_path_factory.mktemp("html") / "scores.csv"
    lines = ["y,proba,pred,w"] + [
        f"{t},{p},{int(p >= 0.5)},{w}"
        for t, p, w in zip(y, proba, weights, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _report_page(capsys, path, page, *args):
    """The page of ``report`` for ``path``, a file or a list of them."""
    files = [str(file) for file in (path if isinstance(path, list) else [path])]
    status = main(["report", *files, "--y-true", "y", *args, "--html", str(page)])
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


def _split_csv(path, folder, sizes):
    """The data rows of a CSV file as consecutive CSV files of ``sizes`` rows."""
    header, *rows = path.read_text().splitlines()
    parts, start = [], 0
    for i, size in enumerate(sizes):
        part = folder / f"part-{i}.csv"
        part.write_text("\n".join([header, *rows[start : start + size]]) + "\n")
        parts.append(part)
        start += size
    assert start == len(rows)
    return parts


def test_report_page_of_several_files_is_that_of_their_rows(
    pyplot, scores_csv, tmp_path, capsys
):
    parts = _split_csv(scores_csv, tmp_path, [70, 100, 30])
    options = ["--score", "proba", "--sample-weight", "w"]
    whole, _, _ = _report_page(capsys, scores_csv, tmp_path / "whole.html", *options)
    page, text, captured = _report_page(capsys, parts, tmp_path / "p.html", *options)
    assert_self_contained(page, text)
    assert len(page.images) == 3
    assert captured.err == ""
    assert page.cells == whole.cells
    subtitle = ", ".join(map(str, parts)) + ", 200 samples"
    assert subtitle in page.all_text


def test_report_page_of_a_parquet_directory_and_a_csv(
    pyplot, scores_csv, tmp_path, capsys
):
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    table = pandas.read_csv(scores_csv)
    folder = tmp_path / "parquet"
    folder.mkdir()
    for i, rows in enumerate(np.array_split(np.arange(150), 3)):
        table.iloc[rows].to_parquet(folder / f"part-{i}.parquet")
    rest = tmp_path / "rest.csv"
    table.iloc[150:].to_csv(rest, index=False)
    whole, _, _ = _report_page(
        capsys, scores_csv, tmp_path / "whole.html", "--y-pred", "pred"
    )
    page, text, _ = _report_page(
        capsys, [folder, rest], tmp_path / "page.html", "--y-pred", "pred"
    )
    assert_self_contained(page, text)
    assert len(page.images) == 2
    assert page.cells == whole.cells


def test_report_page_counted_on_a_dask_cluster(pyplot, scores_csv, tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    parts = _split_csv(scores_csv, tmp_path, [120, 80])
    whole, _, _ = _report_page(
        capsys, scores_csv, tmp_path / "whole.html", "--score", "proba"
    )
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster:
        page, text, _ = _report_page(
            capsys,
            parts,
            tmp_path / "page.html",
            "--score",
            "proba",
            "--scheduler",
            cluster.scheduler_address,
        )
    assert_self_contained(page, text)
    assert len(page.images) == 3
    assert page.cells == whole.cells


def test_report_page_of_several_files_without_matplotlib(
    monkeypatch, scores_csv, tmp_path, capsys
):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    parts = _split_csv(scores_csv, tmp_path, [100, 100])
    page, text, captured = _report_page(
        capsys, parts, tmp_path / "page.html", "--score", "proba"
    )
    assert_self_contained(page, text)
    assert page.images == []
    assert 'Install it with pip install "sklearn-balanced[plot]"' in page.all_text
    assert {"in-sample best (optimistic)", "predicted correctly"} <= set(page.cells)
    assert "matplotlib is not installed" in captured.err


def _curve_of(n_samples, seed=0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n_samples) < 0.2).astype(int)
    return y, rng.normal(size=n_samples) + y


def test_thin_curve_keeps_the_maximum_and_the_marked_values():
    y, scores = _curve_of(30_000)
    curve = balanced_accuracy_curve(y, scores)
    marked = [curve.best_threshold(), 0.5, scores.min(), scores.max(), 1e9]
    thin = thin_curve(curve, marked, max_points=200)
    assert len(thin.thresholds) <= 200 + len(marked)
    assert thin.thresholds[0] == np.inf
    assert thin.thresholds[-1] == curve.thresholds[-1]
    assert (np.diff(thin.thresholds) < 0).all()
    assert thin.balanced_accuracy.max() == curve.balanced_accuracy.max()
    for threshold in marked:
        assert value_at(thin.thresholds, thin.balanced_accuracy, threshold) == (
            value_at(curve.thresholds, curve.balanced_accuracy, threshold)
        )
    kept = np.isin(curve.thresholds, thin.thresholds)
    for name in ("balanced_accuracy", "tpr", "tnr"):
        np.testing.assert_array_equal(getattr(thin, name), getattr(curve, name)[kept])
    assert thin_curve(curve, marked, max_points=len(curve.thresholds)) is curve


def test_threshold_figure_of_many_scores_is_thinned_and_marks_the_best(pyplot):
    y, scores = _curve_of(20_000, seed=1)
    predicted = (scores >= 0.5).astype(int)
    counted = ReportCounts(
        ConfusionCounts().update(y, predicted),
        np.array([0, 1]),
        y.shape[0],
        ScoreCounts().update(y, scores),
        1,
    )
    report = summarise_counts(counted)
    _, figure = report_figures(report, counted)[2]
    (ax,) = figure.axes
    curve, accuracy = ax.lines[0], ax.lines[1]
    assert curve.get_drawstyle() == "steps-pre"
    assert len(curve.get_xdata()) <= MAX_CURVE_POINTS + 3
    best, default = ax.lines[-2], ax.lines[-1]
    threshold = report["threshold"]
    assert best.get_xdata()[0] == threshold["best"]
    assert best.get_ydata()[0] == threshold["balanced_accuracy_at_best"]
    assert curve.get_ydata().max() == threshold["balanced_accuracy_at_best"]
    assert default.get_ydata()[0] == threshold["balanced_accuracy_at_default"]
    at_default = np.flatnonzero(curve.get_xdata() >= 0.5)[0]
    assert accuracy.get_ydata()[at_default] == pytest.approx(report["accuracy"])


def _html_peak_bytes(path, page, capsys):
    argv = ["report", str(path), "--y-true", "y", "--score", "s", "--quiet"]
    tracemalloc.start()
    try:
        status = main([*argv, "--html", str(page)])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert status == 0, capsys.readouterr().err
    return peak


def _write_scores(path, n_samples):
    y, scores = _curve_of(n_samples, seed=n_samples)
    lines = [f"{t},{s:.9f}" for t, s in zip(y, scores, strict=True)]
    path.write_text("y,s\n" + "\n".join(lines) + "\n")
    return path


def test_report_page_memory_does_not_grow_with_rows(
    pyplot, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(report_module, "SCORE_BINS", 256)
    # Chunks smaller than the small file, so that both are read in several.
    chunks = partial(report_module.iter_chunks, rows=2048)
    monkeypatch.setattr(report_module, "iter_chunks", chunks)
    small = _write_scores(tmp_path / "small.csv", 10_000)
    large = _write_scores(tmp_path / "large.csv", 100_000)
    _html_peak_bytes(small, tmp_path / "warm.html", capsys)  # imports and caches
    small_peak = _html_peak_bytes(small, tmp_path / "small.html", capsys)
    large_peak = _html_peak_bytes(large, tmp_path / "large.html", capsys)
    assert large_peak < 1.5 * small_peak + 200_000
