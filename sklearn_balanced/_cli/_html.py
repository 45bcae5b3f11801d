"""The self-contained HTML pages of ``report --html`` and ``demo --html``.

A page is one file: its style is inline, its figures are embedded as base64 PNG,
and it has no script and no reference to anything outside itself, so it opens
offline and can be passed on as it is.
"""

import base64
import io
from html import escape

import numpy as np

import sklearn_balanced
from sklearn_balanced._cli._figures import PLOT_HINT, group_figures, report_figures
from sklearn_balanced._cli._report_groups import drop_text, table_keys
from sklearn_balanced._cli._report_summary import IN_SAMPLE_NOTE, interval_note
from sklearn_balanced.utils._group_text import key_text
from sklearn_balanced.utils._plotting import count_text, score_text

PNG_DPI = 144
CSS_DPI = 96
STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1d1d1f; background: #fff; margin: 0; line-height: 1.5; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.5rem 3rem; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #ddd; }
.subtitle { color: #555; margin: 0 0 1rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .95rem; }
th, td { padding: .3rem .8rem; border-bottom: 1px solid #e3e3e3; text-align: left; }
th { background: #f4f4f6; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
td.name { overflow-wrap: anywhere; }
figure { margin: 1rem 0 1.5rem; }
figure img { max-width: 100%; height: auto; }
figcaption { color: #444; font-size: .92rem; max-width: 48rem; }
.note { background: #fff6e0; border-left: 4px solid #e0a800; padding: .5rem .9rem;
  margin: .75rem 0; max-width: 48rem; }
ul.reading li { margin: .3rem 0; max-width: 48rem; }
footer { color: #777; font-size: .85rem; margin-top: 2.5rem; }
"""


def figure_html(caption, figure):
    """A matplotlib figure as an ``<figure>`` with an embedded PNG.

    Parameters
    ----------
    caption : str
        Text under the figure, also its ``alt`` text.

    figure : matplotlib Figure
        The figure; it is drawn at 144 dpi and shown at 96, so that it stays
        sharp on high-resolution screens.

    Returns
    -------
    html : str
        The element.
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=PNG_DPI, bbox_inches="tight")
    png = buffer.getvalue()
    width = int.from_bytes(png[16:20], "big") * CSS_DPI // PNG_DPI
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" width="{width}" '
        f'alt="{escape(caption)}"><figcaption>{escape(caption)}</figcaption>'
        "</figure>"
    )


def table_html(header, rows, *, numeric=(), names=()):
    """A table of text cells; the columns in ``numeric`` are right-aligned.

    Parameters
    ----------
    header : list of str
        Column names.

    rows : list of list of str
        The cells, as text.

    numeric : collection of int, default=()
        Indices of the columns holding numbers.

    names : collection of int, default=()
        Indices of the columns holding names of any length, which may break
        anywhere rather than widen the table past the page.

    Returns
    -------
    html : str
        The ``<table>`` element.

    Examples
    --------
    >>> from sklearn_balanced._cli._html import table_html
    >>> print(table_html(["class", "recall"], [["a<b", "0.5"]], numeric={1}))
    <table><thead><tr><th>class</th><th class="number">recall</th></tr></thead>
    <tbody><tr><td>a&lt;b</td><td class="number">0.5</td></tr></tbody></table>
    """

    def cells(tag, values):
        return "".join(
            f'<{tag} class="number">{escape(value)}</{tag}>'
            if i in numeric
            else f'<{tag} class="name">{escape(value)}</{tag}>'
            if i in names and tag == "td"
            else f"<{tag}>{escape(value)}</{tag}>"
            for i, value in enumerate(values)
        )

    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    return (
        f"<table><thead><tr>{cells('th', header)}</tr></thead>\n"
        f"<tbody>{body}</tbody></table>"
    )


def note_html(text):
    """A highlighted paragraph."""
    return f'<p class="note">{escape(text)}</p>'


def reading_html(points):
    """The "how to read this" list."""
    items = "".join(f"<li>{escape(point)}</li>" for point in points)
    return f'<ul class="reading">{items}</ul>'


def figures_html(figures, command):
    """The figures, or a note on what to install when there are none."""
    if figures is None:
        return note_html(
            "Figures are left out: matplotlib is not installed. Install it with "
            f"{PLOT_HINT} and run {command} again."
        )
    return "\n".join(figure_html(caption, figure) for caption, figure in figures)


def page_html(title, subtitle, sections):
    """A complete HTML document.

    Parameters
    ----------
    title : str
        The page's title and heading.

    subtitle : str
        One line under the heading.

    sections : list of (str, str)
        Heading and HTML body of each section.

    Returns
    -------
    html : str
        The document.
    """
    body = "\n".join(
        f"<section><h2>{escape(heading)}</h2>\n{content}</section>"
        for heading, content in sections
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body><main>\n<h1>{escape(title)}</h1>\n"
        f'<p class="subtitle">{escape(subtitle)}</p>\n{body}\n'
        f"<footer>Made by sklearn-balanced {escape(sklearn_balanced.__version__)}."
        "</footer>\n</main></body>\n</html>\n"
    )


def write_page(path, page):
    """Write an HTML page as UTF-8 text to ``path``."""
    path.write_text(page, encoding="utf-8")


def write_report_page(path, report, counted, *, source, groups=None):
    """Draw the figures of a report from its counts and write its page to ``path``.

    Parameters
    ----------
    path : pathlib.Path
        The HTML file to write.

    report : dict
        As returned by :func:`~sklearn_balanced._cli._report_summary.summarise_counts`.

    counted : ReportCounts
        The counts the report was computed from, as
        :func:`~sklearn_balanced._cli._report_files.count_files` makes them.

    source : str
        The files the report was computed from.

    groups : ReportGroups, default=None
        The groups of ``--by`` and ``--time``, as
        :func:`~sklearn_balanced._cli._report_groups.compare_groups` makes them,
        whose section the page gets; the report has their ``groups`` list.
    """
    figures = report_figures(report, counted)
    drawn_groups = None
    if groups is not None and figures is not None:
        drawn_groups = group_figures(report, groups)
    page = report_page(
        report, figures, source=source, groups=groups, group_figures=drawn_groups
    )
    write_page(path, page)


def report_page(report, figures, *, source, groups=None, group_figures=None):
    """The HTML page of ``sklearn-balanced report --html``.

    Parameters
    ----------
    report : dict
        As returned by :func:`~sklearn_balanced._cli._report_summary.summarise_counts`
        (with its ``groups`` list when ``groups`` is given).

    figures : list of (str, matplotlib Figure) or None
        Captions and figures; None when matplotlib is not installed.

    source : str
        The files the report was computed from.

    groups : ReportGroups, default=None
        The groups of ``--by`` and ``--time``; None leaves out their section.

    group_figures : list of (str, matplotlib Figure), default=None
        Captions and figures of the groups; None when matplotlib is not
        installed.

    Returns
    -------
    html : str
        The document.
    """
    subtitle = f"{source}, {report['n_samples']} samples"
    threshold = report["threshold"]
    if threshold is not None:
        subtitle += (
            f"; predictions: positive class {threshold['pos_label']} iff score "
            f">= {threshold['default']:g}"
        )
    numbers = _summary_table(report)
    note = interval_note(report)
    if note is not None:
        numbers += note_html(note)
    numbers += _per_class_table(report)
    if threshold is not None:
        numbers += _threshold_table(threshold) + note_html(IN_SAMPLE_NOTE)
    sections = [
        ("The numbers", numbers),
        ("Figures", figures_html(figures, "sklearn-balanced report --html")),
    ]
    reading = _REPORT_READING
    if groups is not None:
        sections.append(
            (
                "Groups",
                _groups_html(report["groups"], groups, group_figures),
            )
        )
        reading += _groups_reading(groups.result)
    sections.append(("How to read this", reading_html(reading)))
    return page_html("Balanced accuracy report", subtitle, sections)


def _groups_html(rows, groups, figures):
    """The section of the groups: what they are, their figures, the worst ones.

    ``rows`` is the report's ``groups`` list, worst first; only the first
    ``groups.top`` are written, so that the page stays small whatever the
    number of groups.
    """
    result = groups.result
    *segments, last = groups.columns
    what = f"{len(rows):,} groups"
    names = list(segments) if groups.window is not None else list(groups.columns)
    if groups.window is not None:
        header = [*segments, f"{last} ({groups.window} window)"]
        what += f": every {groups.window} window of {last}"
        what += f" for every {', '.join(segments)}" if segments else ""
        reference = "the previous window of its segment"
    else:
        header = list(groups.columns)
        what += f" of {', '.join(groups.columns)}"
        reference = "the whole data"
    summary = (
        f"{what}. Each is compared with {reference}: {int(result.flag.sum()):,} "
        f"flagged as a drop (P(drop) > {result.level:g}), "
        f"{int(result.too_small.sum()):,} too small to be flagged (fewer than "
        f"{count_text(result.min_support)} samples of a class compared)."
    )
    shown = rows[: groups.top]
    confidence = f"{result.confidence:.0%} interval"
    table = table_html(
        [*header, "balanced accuracy", confidence, "n", "drop"],
        [_group_cells(row, windowed=groups.window is not None) for row in shown],
        numeric=set(range(len(names), len(header) + 4)),  # windows, numbers, drop
        names=set(range(len(names))),
    )
    parts = [
        f"<p>{escape(summary)}</p>",
        figures_html(figures, "sklearn-balanced report --html"),
        table,
    ]
    if len(rows) > len(shown):
        parts.append(
            note_html(
                f"{len(rows) - len(shown):,} more groups are not shown (--top "
                f"{groups.top}); --format json lists every group."
            )
        )
    return "\n".join(parts)


def _group_cells(row, *, windowed):
    """The cells of a group of the report's ``groups`` list, as text.

    The keys are written whole, the time window (the last key, ``windowed``)
    as the figures write it.
    """

    def defined(value):
        return value is not None and np.isfinite(value)

    interval = (
        f"[{score_text(row['low'])}, {score_text(row['high'])}]"
        if defined(row["low"])
        else "n/a"
    )
    score = row["balanced_accuracy"]
    return [
        *map(key_text, table_keys(row["group"], windowed=windowed)),
        score_text(score) if defined(score) else "n/a",
        interval,
        count_text(sum(item["support"] for item in row["support"])),
        drop_text(row),
    ]


def _groups_reading(result):
    """The "how to read this" points of the groups."""
    return (
        "A group's balanced accuracy is that of its rows alone, and its interval "
        "is wide when a class has few samples in the group.",
        "P(drop) is the posterior probability that a group's balanced accuracy is "
        "below that of what it is compared with. A group is flagged when it "
        f"exceeds {result.level:g}: with no change, at most about "
        f"{1 - result.level:.0%} of the groups are flagged by chance, so among "
        "many groups a flag is a lead to check rather than a proof.",
        f"A group with fewer than {count_text(result.min_support)} samples of a "
        "class compared is too small: its P(drop) is shown, and it is never "
        "flagged.",
    )


def _summary_table(report):
    interval = report["interval"]
    n_classes = len(report["per_class"])
    rows = [
        ["balanced accuracy", score_text(report["balanced_accuracy"])],
        [
            f"{interval['confidence']:.0%} {interval['method']} interval",
            f"[{score_text(interval['low'])}, {score_text(interval['high'])}]",
        ],
        [
            f"P(balanced accuracy <= chance = 1/{n_classes})",
            score_text(interval["p_below_chance"]),
        ],
        [
            "adjusted balanced accuracy",
            score_text(report["adjusted_balanced_accuracy"]),
        ],
        ["accuracy", score_text(report["accuracy"])],
    ]
    return table_html(["score", "value"], rows, numeric={1})


def _per_class_table(report):
    rows = [
        [
            str(row["label"]),
            count_text(row["support"]),
            count_text(row["recall"] * row["support"]),
            score_text(row["recall"]),
        ]
        for row in report["per_class"]
    ]
    return table_html(
        ["class", "support", "predicted correctly", "recall"], rows, numeric={1, 2, 3}
    )


def _threshold_table(threshold):
    rows = [
        [
            "default",
            f"{threshold['default']:g}",
            score_text(threshold["balanced_accuracy_at_default"]),
        ],
        [
            "in-sample best (optimistic)",
            f"{threshold['best']:.6g}",
            score_text(threshold["balanced_accuracy_at_best"]),
        ],
    ]
    return table_html(["threshold", "value", "balanced accuracy"], rows, numeric={1, 2})


_REPORT_READING = (
    "The recall of a class is the share of its samples predicted as that class. "
    "Balanced accuracy is the mean of the recalls, so every class counts the "
    "same whatever its size; a model that ignores its input scores 1/K for K "
    "classes (0.5 for two).",
    "Accuracy weights each recall by the class's share of the samples: a model "
    "that always predicts the largest class has a high accuracy and a balanced "
    "accuracy at chance.",
    "The interval is the central 95% of the posterior distribution of the "
    "balanced accuracy (Brodersen et al., 2010): the values these counts leave "
    "plausible. It is wide when a class is small, and it can leave out the "
    "observed value, which is expected when a small class has a recall of 0 or "
    "1. P(balanced accuracy <= chance) is the posterior probability that the "
    "predictions are no better than guessing.",
    "Adjusted balanced accuracy rescales chance to 0 and perfection to 1.",
    "In the confusion matrix, rows are true classes and columns predicted "
    "classes; divided by their totals, the rows hold the recalls on the "
    "diagonal and the errors elsewhere.",
    "With scores, the in-sample best threshold is the best on these very data. "
    "Its balanced accuracy is optimistic: choose a threshold by "
    "cross-validation on training data (BalancedThresholdClassifier) and "
    "score it on data it has not seen.",
)


def demo_page(rows, figures, *, intro):
    """The HTML page of ``sklearn-balanced demo --html``.

    Parameters
    ----------
    rows : list of dict
        As returned by :func:`~sklearn_balanced._cli._demo.evaluate`.

    figures : list of (str, matplotlib Figure) or None
        Captions and figures; None when matplotlib is not installed.

    intro : str
        What the data and the test set are.

    Returns
    -------
    html : str
        The document.
    """
    n_classes = len(rows[0]["recall"])
    header = ["model", "accuracy", "balanced accuracy", "95% interval"]
    header += [f"recall {k}" for k in range(n_classes)]
    cells = [
        [
            row["name"],
            score_text(row["accuracy"]),
            score_text(row["balanced_accuracy"]),
            f"[{score_text(row['low'])}, {score_text(row['high'])}]",
            *(score_text(r) for r in row["recall"]),
        ]
        for row in rows
    ]
    table = table_html(header, cells, numeric=set(range(1, len(header))))
    sections = [
        ("Five models on the test set", f"<p>{escape(intro)}</p>\n{table}"),
        ("Figures", figures_html(figures, "sklearn-balanced demo --html")),
        ("How to read this", reading_html(demo_reading(rows))),
    ]
    return page_html(
        "sklearn-balanced demo", "Balanced accuracy on imbalanced data", sections
    )


def _change(before, after):
    """How a score moved, in words and numbers: ``falls from 0.9531 to 0.7865``."""
    if score_text(before) == score_text(after):
        return f"stays at {score_text(before)}"
    verb = "falls" if after < before else "rises"
    return f"{verb} from {score_text(before)} to {score_text(after)}"


def demo_reading(rows):
    """The "how to read this" points of the demo page, from its numbers.

    Parameters
    ----------
    rows : list of dict
        As returned by :func:`~sklearn_balanced._cli._demo.evaluate`, for models of
        :func:`~sklearn_balanced._cli._demo.demo_models`; a point about models that
        are not in ``rows`` is left out.

    Returns
    -------
    points : list of str
        The points; the figures they quote are those of ``rows``.
    """
    row = {row["name"]: row for row in rows}
    points = []
    if "always majority" in row:
        points.append(
            "Always predicting the majority class gives an accuracy of "
            f"{score_text(row['always majority']['accuracy'])} and a balanced "
            "accuracy of exactly 0.5: it finds none of the minority class."
        )
    compared = ("logistic regression", "logistic regression + tuned threshold")
    compared += ("balanced logistic regression",)
    if set(compared) <= row.keys():
        points.append(_tuning_point(*(row[name] for name in compared)))
    return [
        *points,
        "The intervals are wide because the test set holds few minority samples. "
        "Overlapping intervals do not show that two models are alike: their "
        "scores on the same rows move together, so compare two models with "
        "sklearn-balanced compare, which pairs them row by row.",
        "The test-set curve's best threshold is chosen on the test set and so is "
        "optimistic; the cross-validated curve is what the tuned model learns from "
        "its training data.",
    ]


def _tuning_point(plain, tuned, weighted):
    """What tuning the threshold and weighting the classes change, in numbers."""
    return (
        "A plain logistic regression thresholded at 0.5 also favours the majority "
        "class: the recall of the minority class is "
        f"{score_text(plain['recall'][1])}. Tuning the threshold by "
        "cross-validation changes the recall of the minority class from "
        f"{score_text(plain['recall'][1])} to "
        f"{score_text(tuned['recall'][1])}; its balanced accuracy "
        f"{_change(plain['balanced_accuracy'], tuned['balanced_accuracy'])} and its "
        f"accuracy {_change(plain['accuracy'], tuned['accuracy'])}. Weighting the "
        "classes in training instead gives a recall of the minority class of "
        f"{score_text(weighted['recall'][1])}, a balanced accuracy of "
        f"{score_text(weighted['balanced_accuracy'])} and an accuracy of "
        f"{score_text(weighted['accuracy'])}. Accuracy weights the recall of "
        "each class by its share of the samples, so it mostly measures the "
        "majority class; balanced accuracy weights the classes equally."
    )
