"""The ``compare`` sub-command: is model a better than model b on these data?"""

from functools import partial
from pathlib import Path

import numpy as np

from sklearn_balanced._cli._errors import InputError
from sklearn_balanced._cli._json import (
    JSON_SCHEMA_VERSION,
    count_value,
    print_document,
    warn_past_float64,
)
from sklearn_balanced._cli._labels import (
    TRUE_LABELS_HINT,
    check_classes,
    check_every_class_weighs,
    check_predicted_among_true,
)
from sklearn_balanced.utils._plotting import count_text, difference_text

#: What to do about a label column that holds no labels, by option.
_LABEL_HINTS = {
    "--y-true": TRUE_LABELS_HINT,
    "--y-pred-a": "compare needs predicted labels, not scores",
    "--y-pred-b": "compare needs predicted labels, not scores",
}
_OUTCOME_KEYS = ("both_right", "only_a_right", "only_b_right", "both_wrong")


def build_comparison(
    columns,
    *,
    y_true,
    y_pred_a,
    y_pred_b,
    sample_weight=None,
    method="posterior",
    confidence=0.95,
    random_state=0,
):
    """Compare two models' predictions stored in a table, as a JSON-ready dict.

    Parameters
    ----------
    columns : dict of str to array-like
        The checked columns of the table, by name: labels typed (integers or
        text), sample weights as numbers.

    y_true, y_pred_a, y_pred_b : str
        Columns of the true labels and of the two models' predictions.

    sample_weight : str, default=None
        Column of sample weights.

    method : {"posterior", "bootstrap", "bootstrap-percentile"}, default="posterior"
        Interval method of :func:`~sklearn_balanced.metrics.compare_balanced_accuracy`.

    confidence : float, default=0.95
        Probability content of the interval.

    random_state : int, default=0
        Seed of the bootstrap and of the Monte Carlo permutation test.

    Returns
    -------
    comparison : dict
        The keys are documented on the "Command line" page of the documentation
        (``--format json`` prints this dict).

    Examples
    --------
    >>> from sklearn_balanced._cli._compare import build_comparison
    >>> table = {"y": [0, 0, 0, 1, 1], "a": [0, 0, 1, 1, 1], "b": [0, 0, 0, 0, 1]}
    >>> comparison = build_comparison(table, y_true="y", y_pred_a="a", y_pred_b="b")
    >>> round(comparison["difference"], 4), comparison["p_value"]
    (0.0833, 1.0)
    """
    from sklearn_balanced.metrics import compare_balanced_accuracy

    names = {"--y-true": y_true, "--y-pred-a": y_pred_a, "--y-pred-b": y_pred_b}
    truth, pred_a, pred_b = (np.asarray(columns[name]) for name in names.values())
    weights = None if sample_weight is None else np.asarray(columns[sample_weight])
    if sample_weight is not None and not weights.any():
        raise InputError("--sample-weight: every sample weight is zero")
    classes = check_classes(np.unique(truth), y_true)
    for option, predicted in (("--y-pred-a", pred_a), ("--y-pred-b", pred_b)):
        check_predicted_among_true(
            classes, predicted, option, names[option], _LABEL_HINTS[option]
        )
    try:
        result = compare_balanced_accuracy(
            truth,
            pred_a,
            pred_b,
            method=method,
            confidence=confidence,
            sample_weight=weights,
            random_state=random_state,
        )
    except ValueError as exc:
        raise InputError(str(exc)) from None
    check_every_class_weighs(classes, np.isin(classes, result.classes))
    return _as_dict(result, n_samples=truth.shape[0], models=(y_pred_a, y_pred_b))


def _as_dict(result, *, n_samples, models):
    """The JSON-ready dict of a ``BalancedAccuracyComparison``."""
    with np.errstate(over="ignore"):
        support = result.counts.sum(axis=1)
    warn_past_float64(support, result.classes)
    per_class = []
    for label, counts, total in zip(
        result.classes, result.counts, support, strict=True
    ):
        recall_a, recall_b = _recalls(counts)
        per_class.append(
            {
                "label": label.item(),
                "support": count_value(total),
                **dict(zip(_OUTCOME_KEYS, map(count_value, counts), strict=True)),
                "recall_a": float(recall_a),
                "recall_b": float(recall_b),
                "recall_difference": float(recall_a - recall_b),
            }
        )
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "n_samples": int(n_samples),
        "models": {"a": models[0], "b": models[1]},
        "balanced_accuracy_a": result.score_a,
        "balanced_accuracy_b": result.score_b,
        "difference": result.difference,
        "interval": {
            "method": result.method,
            "confidence": float(result.confidence),
            "low": result.low,
            "high": result.high,
        },
        "prob_a_better": result.prob_a_better,
        "p_value": result.p_value,
        "p_value_exact": result.p_value_exact,
        "per_class": per_class,
    }


def _recalls(counts):
    """The recalls of models a and b from a class's paired outcome counts.

    On the counts scaled by the largest, so that they are defined where the
    class's total weight overflows float64 but no count does (NaN where one
    does).
    """
    with np.errstate(invalid="ignore"):
        scaled = counts / counts.max()
        total = scaled.sum()
        return (scaled[0] + scaled[1]) / total, (scaled[0] + scaled[2]) / total


#: p-values below this are numerically zero (see BalancedAccuracyComparison).
P_VALUE_FLOOR = 1e-12


def _p_value(value):
    return f"< {P_VALUE_FLOOR:g}" if value < P_VALUE_FLOOR else f"{value:.4g}"


def summary_rows(comparison):
    """The headline numbers of a comparison, as (name, value) text pairs.

    Parameters
    ----------
    comparison : dict
        As returned by :func:`build_comparison`.

    Returns
    -------
    rows : list of (str, str)
        Balanced accuracies, difference, interval, P(a better) and p-value.
    """
    interval = comparison["interval"]
    exact = "exact" if comparison["p_value_exact"] else "Monte Carlo"
    rows = [
        ("balanced accuracy a", f"{comparison['balanced_accuracy_a']:.4f}"),
        ("balanced accuracy b", f"{comparison['balanced_accuracy_b']:.4f}"),
        ("difference a - b", difference_text(comparison["difference"])),
        (
            f"  {interval['confidence']:.0%} {interval['method']} interval",
            f"[{difference_text(interval['low'])}, "
            f"{difference_text(interval['high'])}]",
        ),
    ]
    if comparison["prob_a_better"] is not None:
        rows.append(("P(a better)", f"{comparison['prob_a_better']:.4f}"))
    rows.append(
        (
            "p-value (equal BA)",
            f"{_p_value(comparison['p_value'])} ({exact} paired permutation test)",
        )
    )
    return rows


_PER_CLASS_HEADER = (
    "class",
    "support",
    "both right",
    "only a",
    "only b",
    "both wrong",
    "recall a",
    "recall b",
    "a - b",
)


def per_class_rows(comparison):
    """The per-class table of a comparison, as rows of text cells.

    Parameters
    ----------
    comparison : dict
        As returned by :func:`build_comparison`.

    Returns
    -------
    rows : list of list of str
        One row per class, in the order of ``_PER_CLASS_HEADER``.
    """
    return [
        [
            str(row["label"]),
            count_text(row["support"]),
            *(count_text(row[key]) for key in _OUTCOME_KEYS),
            f"{row['recall_a']:.4f}",
            f"{row['recall_b']:.4f}",
            difference_text(row["recall_difference"]),
        ]
        for row in comparison["per_class"]
    ]


def format_comparison(comparison, *, source):
    """Render a comparison dict as aligned text.

    Parameters
    ----------
    comparison : dict
        As returned by :func:`build_comparison`.

    source : str
        Description of the input, printed in the first line.

    Returns
    -------
    text : str
        The comparison.

    Examples
    --------
    >>> from sklearn_balanced._cli._compare import (
    ...     build_comparison,
    ...     format_comparison,
    ... )
    >>> table = {"y": ["0", "0", "1"], "a": ["0", "0", "1"], "b": ["0", "1", "1"]}
    >>> comparison = build_comparison(table, y_true="y", y_pred_a="a", y_pred_b="b")
    >>> print(format_comparison(comparison, source="t"))
    Paired comparison of balanced accuracy for t (3 samples)
    a = column 'a', b = column 'b'
    ...
    difference a - b            +0.2500
    ...
    """
    rows = [list(_PER_CLASS_HEADER), *per_class_rows(comparison)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    table = [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    models = comparison["models"]
    lines = [
        f"Paired comparison of balanced accuracy for {source} "
        f"({comparison['n_samples']} samples)",
        f"a = column {models['a']!r}, b = column {models['b']!r}",
        "",
        *table,
        "",
        *(f"{name:<28}{value}" for name, value in summary_rows(comparison)),
    ]
    return "\n".join(lines)


_READING = (
    "Both models are scored on the same rows, so their balanced accuracies move "
    "together from one test set to another: what decides between them is the "
    "rows where they disagree (the 'only a' and 'only b' columns). Two separate "
    "intervals that overlap do not mean that the models are alike.",
    "The difference a - b is the mean over classes of the recall differences. "
    "Its interval is the central part of the posterior distribution (or the "
    "paired bootstrap's) given these counts; P(a better) is the posterior "
    "probability that a's balanced accuracy is the higher.",
    "The p-value is that of the paired permutation test: how often randomly "
    "swapping the two models' predictions on each row gives a difference at "
    "least as large as the observed one. With few disagreements it is coarse "
    "and conservative: four disagreements, all won by a, give 0.125 at best.",
    "Everything here is about this test set. A model chosen among several on "
    "the same data looks better than it is: compare on data used for neither "
    "training nor selection.",
)


def comparison_page(comparison, *, source):
    """The HTML page of ``sklearn-balanced compare --html``.

    Its figure, the paired differences, is drawn with matplotlib; without it,
    the page says what to install and a warning says the same.

    Parameters
    ----------
    comparison : dict
        As returned by :func:`build_comparison`.

    source : str
        The file the comparison was computed from.

    Returns
    -------
    html : str
        The document.
    """
    from sklearn_balanced._cli._figures import comparison_figures
    from sklearn_balanced._cli._html import (
        figures_html,
        page_html,
        reading_html,
        table_html,
    )

    models = comparison["models"]
    numbers = table_html(
        ["quantity", "value"],
        [list(row) for row in summary_rows(comparison)],
        numeric={1},
    ) + table_html(
        list(_PER_CLASS_HEADER),
        per_class_rows(comparison),
        numeric=set(range(1, len(_PER_CLASS_HEADER))),
    )
    subtitle = (
        f"{source}, {comparison['n_samples']} samples; a = column {models['a']!r}, "
        f"b = column {models['b']!r}"
    )
    figures = figures_html(
        comparison_figures(comparison), "sklearn-balanced compare --html"
    )
    sections = [
        ("The numbers", numbers),
        ("Figure", figures),
        ("How to read this", reading_html(_READING)),
    ]
    return page_html("Paired comparison of balanced accuracy", subtitle, sections)


def run_compare(args):
    """Read the table named by ``args``, print the comparison, write its page.

    DuckDB reads the file and checks it (:func:`~sklearn_balanced._cli._survey.survey`,
    as for ``report``); the three label columns (and the weights) come back
    as NumPy arrays, typed, for the paired comparison.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``compare`` command line.
    """
    comparison = build_comparison(
        read_columns(args),
        y_true=args.y_true,
        y_pred_a=args.y_pred_a,
        y_pred_b=args.y_pred_b,
        sample_weight=args.sample_weight,
        method=args.method,
        confidence=args.confidence,
        random_state=args.random_state,
    )
    text = partial(format_comparison, source=args.file)
    print_document(comparison, args.format, text)
    if args.html is not None:
        from sklearn_balanced._cli._html import write_page

        write_page(Path(args.html), comparison_page(comparison, source=args.file))


def read_columns(args):
    """The checked, typed columns of ``compare``, by name, as NumPy arrays."""
    from sklearn_balanced._cli._files import connect, expand_sources
    from sklearn_balanced._cli._survey import Reading, survey

    columns = {
        "--y-true": (args.y_true, False),
        "--y-pred-a": (args.y_pred_a, False),
        "--y-pred-b": (args.y_pred_b, False),
    }
    if args.sample_weight is not None:
        columns["--sample-weight"] = (args.sample_weight, True)
    paths = expand_sources([args.file])
    options = {"delimiter": args.delimiter, "encoding": args.encoding}
    with connect(threads=args.threads, memory_limit=args.memory_limit) as connection:
        reading = Reading(connection, paths, columns, options)
        found = survey(reading, list(columns)[:3], _LABEL_HINTS)
        connection.execute("SET preserve_insertion_order = true")  # rows in order
        arrays = found.typed.fetchnumpy()
    return {
        name: _plain(arrays[option.lstrip("-").replace("-", "_")])
        for option, (name, _) in columns.items()
    }


def _plain(values):
    """A fetched column as a plain array: text as a NumPy string array."""
    values = np.ma.getdata(values)
    return values.astype(str) if values.dtype == object else values
