"""The HTML pages of ``report --html`` and ``demo --html``: self-contained, complete."""

import base64
import sys
import tracemalloc
from html.parser import HTMLParser

import numpy as np
import pytest

from sklearn_balanced._cli import _report_counts as counts_module
from sklearn_balanced._cli import main
from sklearn_balanced._cli._compare import build_comparison, comparison_page
from sklearn_balanced._cli._figures import (
    MAX_CURVE_POINTS,
    comparison_figures,
    report_figures,
    thin_curve,
)
from sklearn_balanced._cli._html import report_page, table_html
from sklearn_balanced._cli._report_counts import ReportCounts
from sklearn_balanced._cli._report_summary import summarise_counts
from sklearn_balanced.metrics import (
    ConfusionCounts,
    ScoreCounts,
    balanced_accuracy_curve,
)
from sklearn_balanced.utils._plotting import score_text
from sklearn_balanced.utils._steps import value_at

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LINKING_ATTRIBUTES = {"src", "href", "srcset", "action", "data", "poster", "xlink:href"}


class Page(HTMLParser):
    """Tags, attributes, table cells and text of an HTML document."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.attributes, self.cells, self.text = [], [], [], []
        self.header_cells = []
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
            if tag == "th":
                self.header_cells.append(self.cells[-1])
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


def test_demo_page_says_what_its_table_shows(demo_run):
    _, _, folder = demo_run
    page = Page((folder / "demo.html").read_text(encoding="utf-8"))
    (plain,) = _row(page.cells, "logistic regression", 2)
    (tuned,) = _row(page.cells, "logistic regression + tuned threshold", 2)
    assert float(tuned) < float(plain)  # accuracy, with this seed
    assert f"its accuracy falls from {plain} to {tuned}" in page.all_text
    assert "a little" not in page.all_text


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
    argv = ["report", str(path), "--y-true", "y", "--score", "s"]
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
    # Score counts in bounded bins: further engine passes make them exact.
    monkeypatch.setattr(counts_module, "SCORE_BINS", 4096)
    small = _write_scores(tmp_path / "small.csv", 5_000)
    large = _write_scores(tmp_path / "large.csv", 50_000)
    _html_peak_bytes(small, tmp_path / "warm.html", capsys)  # imports and caches
    small_peak = _html_peak_bytes(small, tmp_path / "small.html", capsys)
    large_peak = _html_peak_bytes(large, tmp_path / "large.html", capsys)
    assert large_peak < 1.5 * small_peak + 200_000


def _scored_counts(labels=(0, 1), n_samples=2000, seed=2):
    """ReportCounts of binary scores whose classes are ``labels`` (negative first)."""
    y, scores = _curve_of(n_samples, seed=seed)
    truth = np.asarray(labels)[y]
    predicted = np.asarray(labels)[(scores >= 0.5).astype(int)]
    positive = labels[1]
    return ReportCounts(
        ConfusionCounts().update(truth, predicted),
        np.unique(truth),
        n_samples,
        ScoreCounts().update(truth, scores, pos_label=positive),
        positive,
    )


def _row(cells, name, width):
    """The ``width - 1`` table cells right of the first cell ``name``."""
    start = cells.index(name) + 1
    return cells[start : start + width - 1]


def test_report_figures_write_the_numbers_of_the_tables(pyplot, drawn_texts):
    counted = _scored_counts()
    report = summarise_counts(counted)
    figures = report_figures(report, counted)
    cells = Page(report_page(report, figures, source="s.csv")).cells
    texts = [text for _, figure in figures for text in drawn_texts(figure)]
    (ba,) = _row(cells, "balanced accuracy", 2)
    assert f"mean = BA = {ba}" in texts
    (interval,) = _row(cells, "95% posterior interval", 2)
    width = report["interval"]["high"] - report["interval"]["low"]
    assert f"95% interval of BA {interval}, width {score_text(width)}" in texts
    threshold, best_ba = _row(cells, "in-sample best (optimistic)", 3)
    assert f"in-sample best: threshold {threshold}, BA {best_ba}" in texts
    default, default_ba = _row(cells, "default", 3)
    assert f"default: threshold {default}, BA {default_ba}" in texts
    for row in report["per_class"]:
        recall = score_text(row["recall"])
        assert recall in cells
        assert any(text.startswith(f"{recall}\n") for text in texts)  # the bar
        assert texts.count(recall) >= 1  # the confusion matrix's diagonal


def test_report_confusion_counts_are_coloured_by_row_share(pyplot):
    # A small class whose cells a colour scale of the counts would show as 0.
    matrix = np.array([[188221, 5575], [383, 5575]])
    counts = ConfusionCounts.from_confusion_matrix(matrix)
    counted = ReportCounts(counts, np.array([0, 1]), int(matrix.sum()))
    report = summarise_counts(counted)
    _, figure = report_figures(report, counted)[1]
    counts_ax, shares_ax = figure.axes
    shares = matrix / matrix.sum(axis=1, keepdims=True)
    for ax in (counts_ax, shares_ax):
        (image,) = ax.images
        np.testing.assert_allclose(image.get_array(), shares, rtol=1e-12)
        assert (image.norm.vmin, image.norm.vmax) == (0, 1)
    assert [text.get_text() for text in counts_ax.texts] == [
        "188221",
        "5575",
        "383",
        "5575",
    ]


def test_report_interval_is_drawn_however_narrow(pyplot):
    # 2 million samples: an interval about 0.002 wide, thinner than a line.
    matrix = np.array([[1_500_000, 100_000], [50_000, 350_000]])
    counted = ReportCounts(
        ConfusionCounts.from_confusion_matrix(matrix), np.array([0, 1]), 2_000_000
    )
    report = summarise_counts(counted)
    low, high = report["interval"]["low"], report["interval"]["high"]
    assert high - low < 0.005
    _, figure = report_figures(report, counted)[0]
    (ax,) = figure.axes
    (bar,) = [c for c in ax.containers if type(c).__name__ == "ErrorbarContainer"]
    _, caps, _ = bar.lines
    assert sorted(cap.get_ydata()[0] for cap in caps) == pytest.approx([low, high])
    assert all(cap.get_markersize() > 0 and cap.get_visible() for cap in caps)
    (label,) = [
        t.get_text() for t in ax.get_legend().get_texts() if "width" in t.get_text()
    ]
    assert label.endswith(f"width {score_text(high - low)}")


def test_report_figures_draw_labels_as_text(pyplot, drawn_texts, mathtext_labels):
    truth = np.array(mathtext_labels * 3)
    predicted = np.roll(truth, 1)
    counted = ReportCounts(
        ConfusionCounts().update(truth, predicted), np.unique(truth), truth.shape[0]
    )
    report = summarise_counts(counted)
    recall, confusion = report_figures(report, counted)
    recall_texts = drawn_texts(recall[1])
    for label in mathtext_labels:
        assert f"{label}\n(n=3)" in recall_texts
        assert drawn_texts(confusion[1]).count(label) == 4  # 2 panels x 2 axes
    counted = _scored_counts(labels=tuple(mathtext_labels[:2]))
    _, _, threshold = report_figures(summarise_counts(counted), counted)
    label = f"Decision threshold (positive label: {mathtext_labels[1]})"
    assert label in drawn_texts(threshold[1])


def test_report_page_of_mathtext_labels(pyplot, tmp_path, capsys, mathtext_labels):
    path = tmp_path / "math.csv"
    pairs = zip(mathtext_labels, mathtext_labels[::-1], strict=True)
    rows = [f"{true},{predicted}" for true, predicted in pairs]
    path.write_text("y,p$x$\n" + "\n".join(rows * 2) + "\n")
    page, text, _ = _report_page(
        capsys, path, tmp_path / "math.html", "--y-pred", "p$x$"
    )
    assert_self_contained(page, text)
    assert len(page.images) == 2
    assert set(mathtext_labels) <= set(page.cells)


def _comparison_table(labels, n_samples=300, seed=4):
    """Columns y, a, b of two models' predictions of ``labels``, as text."""
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels)
    truth = rng.integers(0, labels.size, n_samples)
    a = np.where(rng.random(n_samples) < 0.8, truth, rng.integers(0, labels.size))
    b = np.where(rng.random(n_samples) < 0.6, truth, rng.integers(0, labels.size))
    return {"y": labels[truth], "a": labels[a], "b": labels[b]}


def _write_csv(path, columns, table):
    """Write the columns of ``table`` to ``path`` as CSV, named ``columns``."""
    lines = [",".join(columns)]
    lines += [",".join(row) for row in zip(*table.values(), strict=True)]
    path.write_text("\n".join(lines) + "\n")


def _compare_page(capsys, table, path, columns):
    """The page of ``compare`` for ``table`` written to ``path`` as CSV."""
    _write_csv(path, columns, table)
    page = path.with_suffix(".html")
    y, a, b = columns
    argv = ["compare", str(path), "--y-true", y, "--y-pred-a", a, "--y-pred-b", b]
    status = main([*argv, "--html", str(page)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    text = page.read_text(encoding="utf-8")
    return Page(text), text


def test_compare_page_has_the_paired_differences_figure(pyplot, tmp_path, capsys):
    table = _comparison_table(["no", "yes", "maybe"])
    page, text = _compare_page(capsys, table, tmp_path / "c.csv", ["y", "a", "b"])
    assert_self_contained(page, text)
    assert len(page.images) == 1
    assert page.tags.count("figcaption") == 1
    assert page.header_cells
    assert "" not in page.header_cells


def test_compare_figure_writes_the_numbers_of_the_tables(pyplot, drawn_texts):
    table = {
        name: list(column) for name, column in _comparison_table(["0", "1"]).items()
    }
    comparison = build_comparison(table, y_true="y", y_pred_a="a", y_pred_b="b")
    page = Page(comparison_page(comparison, source="c.csv"))
    ((_, figure),) = comparison_figures(comparison)
    texts = drawn_texts(figure)
    (difference,) = _row(page.cells, "difference a - b", 2)
    (interval,) = _row(page.cells, "95% posterior interval", 2)
    assert difference in texts
    assert f"95% posterior interval {interval}" in texts
    for label in ("0", "1"):
        *_, recall_difference = _row(page.cells, label, 9)
        assert recall_difference in texts
        assert f"recall of {label}" in texts


def test_compare_page_of_mathtext_names(
    pyplot, tmp_path, capsys, drawn_texts, mathtext_labels
):
    columns = ["y", "p$x$", "$\\frac$"]
    table = _comparison_table(mathtext_labels)
    page, text = _compare_page(capsys, table, tmp_path / "m.csv", columns)
    assert_self_contained(page, text)
    assert len(page.images) == 1
    raw = dict(zip(columns, (list(column) for column in table.values()), strict=True))
    comparison = build_comparison(raw, y_true="y", y_pred_a="p$x$", y_pred_b="$\\frac$")
    ((_, figure),) = comparison_figures(comparison)
    texts = drawn_texts(figure)
    for label in mathtext_labels:
        assert f"recall of {label}" in texts
    assert "a - b: column 'p$x$' minus column '$\\\\frac$'" in texts


def test_compare_page_without_matplotlib(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    table = _comparison_table(["no", "yes"])
    path = tmp_path / "c.csv"
    _write_csv(path, ["y", "a", "b"], table)
    argv = ["compare", str(path), "--y-true", "y", "--y-pred-a", "a", "--y-pred-b", "b"]
    assert main([*argv, "--html", str(tmp_path / "c.html")]) == 0
    err = capsys.readouterr().err
    text = (tmp_path / "c.html").read_text(encoding="utf-8")
    page = Page(text)
    assert_self_contained(page, text)
    assert page.images == []
    assert 'Install it with pip install "sklearn-balanced[plot]"' in page.all_text
    assert err.count("\n") == 1
    assert err.startswith("sklearn-balanced: warning: sklearn-balanced compare --html")


#: Group names a page must write as text: markup, an entity, a long name.
HOSTILE_NAMES = ("<script>alert(1)</script>", "a &amp; b", "n" * 200)
#: A column name with markup and an entity.
SITE = "site <b>&amp;"


def _monitoring_csv(path, n_samples=1800, seed=7):
    """Three regions of hostile names over 4 weeks; the first worsens in week 4."""
    rng = np.random.default_rng(seed)
    region = rng.choice(np.asarray(HOSTILE_NAMES), n_samples)
    days = rng.integers(0, 28, n_samples)
    y = (rng.random(n_samples) < 0.3).astype(int)
    p = np.where(rng.random(n_samples) < 0.9, y, 1 - y)
    worse = (region == HOSTILE_NAMES[0]) & (days >= 21) & (y == 1)
    p = np.where(worse & (rng.random(n_samples) < 0.7), 0, p)
    lines = [f'y,p,"{SITE}",ts'] + [
        f'{t},{q},"{r}",2024-01-{4 + d:02d} 10:00:00'
        for t, q, r, d in zip(y, p, region, days, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _group_rows(cells, header, n_rows):
    """The ``n_rows`` rows of the table whose header is ``header``, as cells."""
    start = cells.index(header[0])
    assert cells[start : start + len(header)] == header
    body = cells[start + len(header) : start + len(header) * (n_rows + 1)]
    return [body[i : i + len(header)] for i in range(0, len(body), len(header))]


def _json_report(capsys, path, *options):
    import json

    argv = ["report", str(path), "--y-true", "y", "--y-pred", "p", *options]
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_report_page_of_groups_over_time(pyplot, tmp_path, capsys, drawn_texts):
    path = _monitoring_csv(tmp_path / "logs.csv")
    options = ["--by", SITE, "--time", "ts", "--window", "7D", "--top", "5"]
    page, text, captured = _report_page(
        capsys, path, tmp_path / "page.html", "--y-pred", "p", *options
    )
    assert_self_contained(page, text)
    assert captured.err == ""
    assert "<b>" not in text
    assert "<script>alert" not in text
    assert "&amp;amp;" in text  # the entity in the data is written as text
    assert len(page.images) == 4  # recall, confusion, over time, worst groups
    assert page.tags.count("figcaption") == 4
    groups = _json_report(capsys, path, *options)["groups"]
    header = [SITE, "ts (7D window)", "balanced accuracy", "95% interval", "n"]
    header.append("drop")
    rows = _group_rows(page.cells, header, 5)
    for row, group in zip(rows, groups, strict=False):
        region, start = group["group"]
        assert start.endswith("T00:00:00")  # JSON: ISO date-times
        assert row[:2] == [region, start[:10]]  # the page: dates, as drawn
        assert row[2] == score_text(group["balanced_accuracy"])
        assert row[3] == f"[{score_text(group['low'])}, {score_text(group['high'])}]"
        assert row[4] == str(sum(item["support"] for item in group["support"]))
    assert [row[0] for row in rows] == [group["group"][0] for group in groups[:5]]
    flagged = [group["group"] for group in groups if group["flag"]]
    assert flagged == [[HOSTILE_NAMES[0], "2024-01-25T00:00:00"]]
    assert rows[0][5].startswith("DROP (p=")
    assert set(HOSTILE_NAMES) <= set(page.cells)  # written whole, as text
    assert f"{len(groups) - 5} more groups are not shown (--top 5)" in page.all_text
    assert f"{len(groups)} groups: every 7D window of ts for every {SITE}." in (
        page.all_text
    )


#: A segment named like a time window, and one not.
NAMED = "2024-06-27T00:00:00"


@pytest.mark.parametrize(
    ("options", "cells", "keys"),
    [
        (["--by", "region"], [[NAMED], ["south"]], [[NAMED], ["south"]]),
        (
            ["--by", "region", "--time", "ts", "--window", "5h"],
            [[NAMED, "2024-01-04T06:00"], ["south", "2024-01-08"]],
            [[NAMED, "2024-01-04T06:00:00"], ["south", "2024-01-08T00:00:00"]],
        ),
    ],
)
def test_report_page_writes_windows_as_drawn_and_other_keys_as_they_are(
    pyplot, tmp_path, capsys, options, cells, keys
):
    path = tmp_path / "logs.csv"
    path.write_text(
        "y,p,region,ts\n"
        + f"0,0,{NAMED},2024-01-04 07:30:00\n1,1,{NAMED},2024-01-04 09:00:00\n" * 4
        + "0,1,south,2024-01-08 00:30:00\n1,1,south,2024-01-08 03:00:00\n" * 4
    )
    page, _, _ = _report_page(
        capsys, path, tmp_path / "page.html", "--y-pred", "p", *options
    )
    header = page.header_cells[-(len(cells[0]) + 4) :]
    assert header[0] == "region"
    rows = _group_rows(page.cells, header, 2)
    assert sorted(row[: len(cells[0])] for row in rows) == cells
    groups = _json_report(capsys, path, *options)["groups"]
    assert sorted(group["group"] for group in groups) == keys


def test_report_figures_of_groups_show_the_table(pyplot, tmp_path, capsys):
    from sklearn_balanced._cli._figures import group_figures
    from sklearn_balanced._cli._report_groups import (
        compare_groups,
        summarise_groups,
    )
    from sklearn_balanced.metrics import GroupedConfusionCounts

    rng = np.random.default_rng(8)
    region = rng.choice(np.asarray(HOSTILE_NAMES), 900)
    y = rng.integers(0, 2, 900)
    p = np.where(rng.random(900) < 0.8, y, 1 - y)
    counts = ConfusionCounts().update(y, p)
    counted = ReportCounts(
        counts,
        np.array([0, 1]),
        900,
        grouped=GroupedConfusionCounts().update(y, p, region),
    )
    groups = compare_groups(
        counted, columns=["region"], window=None, level=0.95, min_support=10, top=2
    )
    report = summarise_counts(counted)
    report["groups"] = summarise_groups(groups.result)
    ((caption, figure),) = group_figures(report, groups)
    (ax,) = figure.axes
    (line,) = [line for line in ax.lines if line.get_marker() == "o"]
    scores = [group["balanced_accuracy"] for group in report["groups"][:2]]
    np.testing.assert_array_equal(line.get_xdata(), scores)
    names = [label.get_text() for label in ax.get_yticklabels()]
    assert len(names) == 2
    for name, group in zip(names, report["groups"], strict=False):
        (key,) = group["group"]
        assert name == (key if len(key) <= 30 else key[:29] + "\N{HORIZONTAL ELLIPSIS}")
    assert "1 more groups are not shown" in caption
    assert f"the whole data, {score_text(report['balanced_accuracy'])}" in (
        ax.get_xlabel()
    )
    cells = Page(
        report_page(report, None, source="s.csv", groups=groups, group_figures=None)
    ).cells
    header = ["region", "balanced accuracy", "95% interval", "n", "drop"]
    rows = _group_rows(cells, header, 2)
    assert [row[1] for row in rows] == [score_text(score) for score in scores]


@pytest.mark.parametrize(
    ("options", "n_group_figures", "header"),
    [
        (["--by", SITE], 1, SITE),
        (["--time", "ts", "--window", "1D"], 1, "ts (1D window)"),
    ],
)
def test_report_page_of_groups_by_or_over_time_alone(
    pyplot, tmp_path, capsys, options, n_group_figures, header
):
    path = _monitoring_csv(tmp_path / "logs.csv", n_samples=600)
    page, text, _ = _report_page(
        capsys, path, tmp_path / "page.html", "--y-pred", "p", *options
    )
    assert_self_contained(page, text)
    assert len(page.images) == 2 + n_group_figures
    assert header in page.header_cells
    assert "<b>" not in text


def test_report_page_of_groups_without_matplotlib(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    path = _monitoring_csv(tmp_path / "logs.csv", n_samples=600)
    page, text, captured = _report_page(
        capsys, path, tmp_path / "page.html", "--y-pred", "p", "--by", SITE
    )
    assert_self_contained(page, text)
    assert page.images == []
    assert captured.err.count("\n") == 1
    assert set(HOSTILE_NAMES) <= set(page.cells)


def _many_groups_page(n_groups, top):
    """The page of a report of ``n_groups`` groups of 4 rows, built fast."""
    import dataclasses

    from sklearn_balanced._cli._figures import group_figures
    from sklearn_balanced._cli._report_groups import ReportGroups, summarise_groups
    from sklearn_balanced.metrics import (
        GroupedBalancedAccuracy,
        GroupedConfusionCounts,
    )

    rng = np.random.default_rng(n_groups)
    key = np.repeat(np.arange(n_groups), 4)
    y = np.tile([0, 1], 2 * n_groups)
    p = np.where(rng.random(y.shape[0]) < 0.85, y, 1 - y)
    grouped = GroupedConfusionCounts().update(y, p, [key.astype(str)])
    counted = ReportCounts(
        ConfusionCounts().update(y, p), np.array([0, 1]), y.shape[0], grouped=grouped
    )
    # The intervals and drop probabilities of 1e5 groups take a while; the page
    # only reads them, so made-up ones do.
    result = GroupedBalancedAccuracy.from_counts(grouped, interval=None)
    flag = np.arange(n_groups) % 97 == 0
    result = dataclasses.replace(
        result,
        low=result.balanced_accuracy - 0.1,
        high=np.minimum(result.balanced_accuracy + 0.1, 1.0),
        p_drop=np.where(flag, 0.99, 0.5),
        flag=flag,
        too_small=np.zeros(n_groups, dtype=bool),
        level=0.95,
        min_support=10.0,
    )
    groups = ReportGroups(result, ("key",), None, top)
    report = summarise_counts(counted)
    report["groups"] = summarise_groups(result)
    figures = report_figures(report, counted)
    return report_page(
        report,
        figures,
        source="many.parquet",
        groups=groups,
        group_figures=group_figures(report, groups),
    )


def test_report_page_of_100k_groups_stays_small(pyplot):
    small = _many_groups_page(1_000, top=20)
    text = _many_groups_page(100_000, top=20)
    page = Page(text)
    size = len(text.encode("utf-8"))
    assert size < 2_000_000
    assert size < 1.2 * len(small.encode("utf-8"))
    assert page.tags.count("tr") == Page(small).tags.count("tr")
    header = ["key", "balanced accuracy", "95% interval", "n", "drop"]
    assert len(_group_rows(page.cells, header, 20)) == 20
    assert "99,980 more groups are not shown (--top 20)" in page.all_text
    assert "100,000 groups of key." in page.all_text
