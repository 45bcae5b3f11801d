"""Command line interface: ``sklearn-balanced`` and ``python -m sklearn_balanced``.

Three sub-commands:

``demo``
    The walkthrough on the built-in synthetic data: a table of accuracy, balanced
    accuracy and per-class recall for five models, and the figures as PNG files
    (and, with ``--html``, one self-contained HTML page).

``report``
    Balanced accuracy report for predictions (or binary scores) stored in a
    CSV, TSV or Parquet file, as text or as JSON, and with ``--html`` as a
    self-contained HTML page.

``compare``
    Paired comparison of the balanced accuracies of two models' predictions
    stored in one file.

Bad input ends with a one-line message on stderr and exit status 2. Without a
sub-command the usage, with the list of sub-commands, goes to stderr, and the
status is 2 as well. Output cut short by its reader (``report ... | head``) ends
quietly with status 1.
"""

import argparse
import os
import sys
import warnings
from pathlib import Path

import sklearn_balanced
from sklearn_balanced._cli._compare import add_compare_parser, run_compare
from sklearn_balanced._cli._errors import EXIT_BROKEN_PIPE, EXIT_INPUT_ERROR, InputError
from sklearn_balanced._cli._options import seed
from sklearn_balanced._cli._report import print_report


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
    >>> from sklearn_balanced._cli import build_parser
    >>> args = build_parser().parse_args(["demo", "--random-state", "3"])
    >>> args.command, args.random_state
    ('demo', 3)
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

    report = commands.add_parser(
        "report",
        help="balanced accuracy report for predictions stored in a file",
        description=(
            "Read true labels and predictions (or binary scores) from CSV/TSV "
            "files with a header row (Parquet too, with pyarrow installed), chunk "
            "by chunk in constant memory, and report "
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
            "default, balanced_accuracy_at_default, best, balanced_accuracy_at_best); "
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
            "CSV, TSV or Parquet files, globs or directories of Parquet parts, "
            "read chunk by chunk; delimited files may be gzip-compressed"
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
    report.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output format (default: %(default)s)",
    )
    report.add_argument(
        "--html",
        metavar="OUT",
        help=(
            "also write the report, with figures, as one self-contained HTML page; "
            "its figures are drawn from the same counts, so the files are still "
            "read chunk by chunk"
        ),
    )
    report.add_argument(
        "--delimiter",
        metavar="D",
        help=(
            "field delimiter: one character, 'tab', 'comma' or 'semicolon' "
            "(default: tab for .tsv and .tab, else sniffed from the header among "
            "comma, semicolon, tab and |)"
        ),
    )
    report.add_argument(
        "--encoding",
        metavar="ENC",
        default="utf-8",
        help="text encoding of a delimited file (default: %(default)s)",
    )
    report.add_argument(
        "--quiet",
        action="store_true",
        help="no progress line on stderr (shown only when stderr is a terminal)",
    )
    cluster = report.add_mutually_exclusive_group()
    cluster.add_argument(
        "--dask",
        action="store_true",
        help="read and count the files on a local Dask cluster (one worker per core)",
    )
    cluster.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="read and count the files on the Dask cluster of this scheduler",
    )
    add_compare_parser(commands)
    return parser


def main(argv=None):
    """Run the command line interface.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments, without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success, 2 on bad input or when no command is given.

    Examples
    --------
    >>> from sklearn_balanced._cli import main
    >>> main(["report", "no-such-file.csv", "--y-true", "y", "--y-pred", "p"])
    2
    """
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning_on_one_line
        try:
            parser = build_parser()
            args = parser.parse_args(argv)
            if args.command is None:
                parser.print_help(sys.stderr)
                return EXIT_INPUT_ERROR
            _run(args)
            sys.stdout.flush()  # a closed reader shows here, not at exit
        except BrokenPipeError:
            # The reader of the output went away (``report ... | head``): nothing
            # left to say, and nowhere to say it.
            _silence_stdout()
            return EXIT_BROKEN_PIPE
        except (InputError, OSError, ImportError) as exc:
            message = " ".join(str(exc).split())
            print(f"sklearn-balanced: error: {message}", file=sys.stderr)
            return EXIT_INPUT_ERROR
    return 0


def _silence_stdout():
    """Point standard output at the null device, so that its final flush succeeds."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a file descriptor (a captured or replaced stream)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)


def _run(args):
    """Run the sub-command named by ``args``.

    The folders of the output files are made (and checked) before the work.
    """
    if args.html is not None:
        _make_parent_folder(Path(args.html), "--html")
    if args.command == "demo":
        from sklearn_balanced._demo import run_demo

        output = Path(args.output)
        if output.exists() and not output.is_dir():
            raise InputError(f"--output: {output} exists and is not a folder")
        run_demo(
            output=output,
            random_state=args.random_state,
            html=None if args.html is None else Path(args.html),
        )
        return
    if args.command == "compare":
        run_compare(args)
        return
    report, counted = print_report(args)
    if args.html is not None:
        from sklearn_balanced._cli._html import write_report_page

        write_report_page(Path(args.html), report, counted, source=", ".join(args.file))


def _make_parent_folder(path, option):
    """Make the folder of the output file ``path``, raising unless it can be written."""
    if path.is_dir():
        raise InputError(f"{option}: {path} is a folder; name a file in it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"{option}: cannot make the folder {path.parent} ({exc.strerror})"
        ) from None


def _show_warning_on_one_line(
    message, category, filename, lineno, file=None, line=None
):
    text = " ".join(str(message).split())
    print(f"sklearn-balanced: warning: {text}", file=sys.stderr)
