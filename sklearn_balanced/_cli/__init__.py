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

import os
import sys
import warnings
from pathlib import Path

from sklearn_balanced._cli._errors import EXIT_BROKEN_PIPE, EXIT_INPUT_ERROR, InputError
from sklearn_balanced._cli._parser import build_parser
from sklearn_balanced.utils._compat import skip_parameter_validation


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
    # Every option is checked as it is parsed (the files by the survey): the
    # package's functions skip scikit-learn's validation of their arguments,
    # and so its import, which the report does without.
    with warnings.catch_warnings(), skip_parameter_validation():
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
        from sklearn_balanced._cli._demo import run_demo

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
        from sklearn_balanced._cli._compare import run_compare

        run_compare(args)
        return
    from sklearn_balanced._cli._report import print_report

    report, counted, groups = print_report(args)
    if args.html is not None:
        from sklearn_balanced._cli._html import write_report_page

        write_report_page(
            Path(args.html), report, counted, source=", ".join(args.file), groups=groups
        )


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
