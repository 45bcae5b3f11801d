"""The parser of the ``sklearn-balanced`` command: one function per sub-command.

Each ``add_<command>_parser(commands)`` adds a sub-command, with its options, to
the sub-parsers ``commands`` of :func:`build_parser`. The module imports the
standard library and the option types only, so that ``--version``, ``--help``
and usage errors answer without scikit-learn, SciPy or matplotlib; each command
imports its implementation when it runs.
"""

import argparse

import sklearn_balanced
from sklearn_balanced._cli._errors import InputError
from sklearn_balanced._cli._options import open_probability, positive_int, seed
from sklearn_balanced.utils._interval_methods import METHODS


class _Parser(argparse.ArgumentParser):
    """Argument parser whose usage errors are one line long."""

    def error(self, message):
        raise InputError(message)


def build_parser():
    """Return the argument parser of the ``sklearn-balanced`` command.

    Returns
    -------
    parser : argparse.ArgumentParser
        The parser, with the ``demo``, ``report`` and ``compare`` sub-commands.

    Examples
    --------
    >>> from sklearn_balanced._cli._parser import build_parser
    >>> parser = build_parser()
    >>> args = parser.parse_args(["demo", "--random-state", "3"])
    >>> args.command, args.random_state
    ('demo', 3)
    >>> args = parser.parse_args(["report", "p.csv", "--y-true", "y", "--score", "s"])
    >>> args.command, args.file, args.score, args.format
    ('report', ['p.csv'], 's', 'text')
    >>> args = parser.parse_args(
    ...     ["compare", "p.csv", "--y-true", "y", "--y-pred-a", "a", "--y-pred-b", "b"]
    ... )
    >>> args.command, args.method, args.format
    ('compare', 'posterior', 'text')
    """
    parser = _Parser(
        prog="sklearn-balanced",
        description="Balanced accuracy tools for imbalanced classification.",
        epilog="Run 'sklearn-balanced COMMAND --help' for the options of a command.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {sklearn_balanced.__version__}",
    )
    commands = parser.add_subparsers(
        dest="command", title="commands", metavar="COMMAND", parser_class=_Parser
    )
    add_demo_parser(commands)
    add_report_parser(commands)
    add_compare_parser(commands)
    return parser


def add_demo_parser(commands):
    """Add the ``demo`` sub-command to the sub-parsers ``commands``."""
    demo = commands.add_parser(
        "demo",
        help="walk through balanced accuracy on built-in synthetic data",
        description=(
            "Fit five models on built-in imbalanced data (1200 vs 80 points), print "
            "accuracy, balanced accuracy and per-class recall on a held-out set, "
            "and write the figures as PNG files."
        ),
    )
    demo.add_argument(
        "--output",
        metavar="DIR",
        default="sklearn_balanced_demo",
        help="folder for the PNG figures (default: %(default)s)",
    )
    demo.add_argument(
        "--html",
        metavar="FILE",
        help="also write the table and the figures as one self-contained HTML page",
    )
    demo.add_argument(
        "--random-state",
        metavar="N",
        type=seed,
        default=0,
        help="seed of the data and the models (default: %(default)s)",
    )


def add_report_parser(commands):
    """Add the ``report`` sub-command to the sub-parsers ``commands``."""
    report = commands.add_parser(
        "report",
        help="balanced accuracy report for predictions stored in a file",
        description=(
            "Read true labels and predictions (or binary scores) from CSV/TSV "
            "files with a header row or Parquet files, count them with DuckDB "
            "(only counts come back, whatever the number of rows), and report "
            "per-class recall, balanced accuracy with its interval, adjusted "
            "balanced accuracy and accuracy. With --score, also the in-sample best "
            "threshold (optimistic: it is chosen on these data) and the balanced "
            "accuracy there and at 0.5."
        ),
        epilog=(
            "JSON output (schema_version 1) has the keys schema_version, n_samples, "
            "per_class (label, recall, support), balanced_accuracy, "
            "adjusted_balanced_accuracy, accuracy, interval (method, confidence, "
            "low, high, mean, p_below_chance) and threshold (null, or pos_label, "
            "default, balanced_accuracy_at_default, best, balanced_accuracy_at_best) "
            "and, with --by or --time, groups (group, balanced_accuracy, low, high, "
            "support, p_drop, flag, too_small); "
            "supports are integers where whole, and a number that is not finite "
            "(undefined, or a total weight past the float64 range) is null; "
            "see the 'Command line' page of the documentation. Bad input exits "
            "with status 2 and a one-line message on stderr."
        ),
    )
    report.add_argument(
        "file",
        metavar="FILE",
        nargs="+",
        help=(
            "CSV, TSV or Parquet files, globs or directories of Parquet parts; "
            "delimited files may be gzip-compressed"
        ),
    )
    report.add_argument("--y-true", metavar="COL", required=True, help="true labels")
    source = report.add_mutually_exclusive_group(required=True)
    source.add_argument("--y-pred", metavar="COL", help="predicted labels")
    source.add_argument(
        "--score", metavar="COL", help="binary scores; positive iff score >= threshold"
    )
    report.add_argument(
        "--pos-label",
        metavar="L",
        help="positive class for --score (default: 1 when labels are 0/1 or -1/1)",
    )
    report.add_argument("--sample-weight", metavar="COL", help="sample weights")
    _add_group_options(report)
    _add_output_and_reading_options(
        report,
        html=(
            "also write the report, with figures, as one self-contained HTML page; "
            "its figures are drawn from the same counts (with --by or --time, "
            "also the groups: the worst --top of them)"
        ),
        sniffed=" among comma, semicolon, tab and |",
    )


def _add_group_options(report):
    """Add ``--by``, ``--time``, ``--window`` and the options of the drop flag."""
    groups = report.add_argument_group(
        "groups",
        "With --by and/or --time (with --y-pred only), also the balanced accuracy "
        "of every group, with its interval and a drop flag, counted in the same "
        "engine; JSON adds a 'groups' list with every group.",
    )
    groups.add_argument(
        "--by",
        metavar="COL",
        action="append",
        help="group column (repeat it, or separate columns with commas)",
    )
    groups.add_argument(
        "--time", metavar="COL", help="timestamp column, grouped by --window"
    )
    groups.add_argument(
        "--window",
        metavar="W",
        help="width of the time windows of --time, such as 7D, 12h or 30min",
    )
    groups.add_argument(
        "--reference",
        choices=("previous",),
        help=(
            "what each group is compared with: with --time, the previous window of "
            "its segment (the default); without --time, each group is compared "
            "with the whole data's counts"
        ),
    )
    groups.add_argument(
        "--level",
        metavar="P",
        type=open_probability,
        default=0.95,
        help=(
            "a group is flagged when the probability that its balanced accuracy "
            "dropped exceeds P (default: %(default)s)"
        ),
    )
    groups.add_argument(
        "--min-support",
        metavar="N",
        type=_non_negative,
        default=10,
        help=(
            "samples of every class a group needs to be flagged; smaller ones "
            "are shown as too small (default: %(default)s)"
        ),
    )
    groups.add_argument(
        "--top",
        metavar="N",
        type=positive_int,
        default=20,
        help=(
            "groups shown in the text and on the --html page, worst first "
            "(default: %(default)s)"
        ),
    )


def _non_negative(text):
    """A non-negative number of samples, for ``--min-support``."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"not a non-negative number: {text!r}")
    return value


def add_compare_parser(commands):
    """Add the ``compare`` sub-command to the sub-parsers ``commands``."""
    compare = commands.add_parser(
        "compare",
        help="is model a's balanced accuracy better than model b's? (paired)",
        description=(
            "Read true labels and the predictions of two models for the same rows "
            "from a CSV/TSV file with a header row or a Parquet file and compare "
            "their balanced accuracies: the difference "
            "a - b with its interval, the posterior probability that a is better, "
            "and the p-value of the paired permutation test of equal balanced "
            "accuracy, with the per-class paired counts."
        ),
        epilog=(
            "JSON output (schema_version 1) has the keys schema_version, n_samples, "
            "models (a, b), balanced_accuracy_a, balanced_accuracy_b, difference, "
            "interval (method, confidence, low, high), prob_a_better, p_value, "
            "p_value_exact and per_class (label, support, both_right, "
            "only_a_right, only_b_right, both_wrong, recall_a, recall_b, "
            "recall_difference); counts are integers where whole, and a number "
            "that is not finite (undefined, or a total weight past the float64 "
            "range) is null; see the 'Command line' page of the documentation. "
            "Bad input exits with status 2 and a one-line message on stderr."
        ),
    )
    compare.add_argument(
        "file",
        metavar="FILE",
        help="CSV, TSV or Parquet file; delimited files may be gzip-compressed",
    )
    compare.add_argument("--y-true", metavar="COL", required=True, help="true labels")
    compare.add_argument(
        "--y-pred-a", metavar="COL", required=True, help="predicted labels of model a"
    )
    compare.add_argument(
        "--y-pred-b", metavar="COL", required=True, help="predicted labels of model b"
    )
    compare.add_argument("--sample-weight", metavar="COL", help="sample weights")
    compare.add_argument(
        "--method",
        choices=METHODS,
        default="posterior",
        help="how the interval of the difference is computed (default: %(default)s)",
    )
    compare.add_argument(
        "--confidence",
        metavar="C",
        type=open_probability,
        default=0.95,
        help="probability content of the interval (default: %(default)s)",
    )
    compare.add_argument(
        "--random-state",
        metavar="N",
        type=seed,
        default=0,
        help=(
            "seed of the bootstrap and of the Monte Carlo permutation test "
            "(default: %(default)s)"
        ),
    )
    _add_output_and_reading_options(
        compare, html="also write the comparison as one self-contained HTML page"
    )


def _add_output_and_reading_options(command, *, html, sniffed=""):
    """Add the output options and the reading options to ``command``.

    ``--format``, ``--html``, ``--delimiter``, ``--encoding``, ``--threads``
    and ``--memory-limit``.

    ``html`` is the help of ``--html``; ``sniffed`` ends the sentence that says how
    the delimiter is sniffed from the header.
    """
    command.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output format (default: %(default)s)",
    )
    command.add_argument("--html", metavar="OUT", help=html)
    command.add_argument(
        "--delimiter",
        metavar="D",
        help=(
            "field delimiter: one character, 'tab', 'comma' or 'semicolon' "
            f"(default: tab for .tsv and .tab, else sniffed from the header{sniffed})"
        ),
    )
    command.add_argument(
        "--encoding",
        metavar="ENC",
        default="utf-8",
        help=(
            "text encoding of a delimited file: utf-8, utf-16 or latin-1 "
            "(default: %(default)s)"
        ),
    )
    command.add_argument(
        "--threads",
        metavar="N",
        type=positive_int,
        help="threads DuckDB reads and counts with (default: the cores, at most 4)",
    )
    command.add_argument(
        "--memory-limit",
        metavar="SIZE",
        help=(
            "memory DuckDB may hold before it spills to a temporary folder, "
            "such as 500MB or 4GB (default: 1GB)"
        ),
    )
