"""The ``sklearn-balanced demo`` walkthrough: five models, a table and the figures."""

import sys
import textwrap

import numpy as np
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.model_selection import train_test_split

from sklearn_balanced._cli._demo_data import make_demo_data
from sklearn_balanced._cli._figures import (
    PLOT_HINT,
    confusion_panels,
    matplotlib_available,
    new_figure,
)
from sklearn_balanced.linear_model import BalancedLogisticRegression
from sklearn_balanced.metrics import (
    BalancedAccuracyCurveDisplay,
    PerClassRecallDisplay,
    TrainingCurveDisplay,
    balanced_accuracy_interval,
    balanced_accuracy_score,
    per_class_recall,
)
from sklearn_balanced.model_selection import BalancedThresholdClassifier
from sklearn_balanced.utils._plotting import plain_text, score_text

TEST_SIZE = 0.3


def demo_models(random_state=0):
    """The five models of the walkthrough, unfitted, by display name.

    Parameters
    ----------
    random_state : int, default=0
        Seed of the cross-validation splits of the tuned models.

    Returns
    -------
    models : dict of str to estimator
        Always-majority, unweighted logistic regression at the 0.5 cut-off, the
        same with a tuned threshold, balanced logistic regression, and balanced
        logistic regression with a tuned threshold.

    Examples
    --------
    >>> from sklearn_balanced._cli._demo import demo_models
    >>> list(demo_models())[0]
    'always majority'
    """
    unweighted = BalancedLogisticRegression(class_weight=None)
    balanced = BalancedLogisticRegression(class_weight="balanced")
    return {
        "always majority": DummyClassifier(strategy="most_frequent"),
        "logistic regression": unweighted,
        "logistic regression + tuned threshold": BalancedThresholdClassifier(
            clone(unweighted), store_cv_results=True, random_state=random_state
        ),
        "balanced logistic regression": balanced,
        "balanced + tuned threshold": BalancedThresholdClassifier(
            clone(balanced), random_state=random_state
        ),
    }


def evaluate(models, X_train, X_test, y_train, y_test):
    """Fit each model and score it on the test set.

    Parameters
    ----------
    models : dict of str to estimator
        Unfitted models; they are fitted in place.

    X_train, X_test : ndarray of shape (n_train, n_features), (n_test, n_features)
        Training and test features.

    y_train, y_test : ndarray of shape (n_train,), (n_test,)
        Training and test labels.

    Returns
    -------
    rows : list of dict
        Per model: ``name``, ``accuracy``, ``balanced_accuracy``, ``low`` and
        ``high`` (95% posterior interval) and ``recall`` (per class).

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn_balanced._cli._demo import evaluate
    >>> X, y = [[0]] * 8, [0, 0, 0, 0, 0, 0, 1, 1]
    >>> rows = evaluate({"dummy": DummyClassifier()}, X, X, y, y)
    >>> rows[0]["balanced_accuracy"], rows[0]["recall"]
    (0.5, [1.0, 0.0])
    """
    rows = []
    for name, model in models.items():
        y_pred = model.fit(X_train, y_train).predict(X_test)
        interval = balanced_accuracy_interval(y_test, y_pred)
        rows.append(
            {
                "name": name,
                "accuracy": float(accuracy_score(y_test, y_pred)),
                "balanced_accuracy": balanced_accuracy_score(y_test, y_pred),
                "low": float(interval.low),
                "high": float(interval.high),
                "recall": [float(r) for r in per_class_recall(y_test, y_pred)],
            }
        )
    return rows


def format_table(rows):
    """Render the rows of :func:`evaluate` as an aligned text table.

    Parameters
    ----------
    rows : list of dict
        As returned by :func:`evaluate`.

    Returns
    -------
    table : str
        One line per model.

    Examples
    --------
    >>> from sklearn_balanced._cli._demo import format_table
    >>> row = {"name": "m", "accuracy": 0.9, "balanced_accuracy": 0.5,
    ...        "low": 0.4, "high": 0.6, "recall": [1.0, 0.0]}
    >>> print(format_table([row]))  # doctest: +NORMALIZE_WHITESPACE
    model  accuracy  balanced acc.  95% interval      recall 0  recall 1
    m      0.9000    0.5000         [0.4000, 0.6000]  1.0000    0.0000
    """
    width = max(len("model"), *(len(row["name"]) for row in rows))
    n_classes = len(rows[0]["recall"])
    recall_header = "  ".join(f"recall {k:<2d}" for k in range(n_classes))
    lines = [
        f"{'model':<{width}}  accuracy  balanced acc.  95% interval      "
        f"{recall_header}"
    ]
    for row in rows:
        recalls = "  ".join(f"{score_text(r):<9}" for r in row["recall"])
        interval = f"[{score_text(row['low'])}, {score_text(row['high'])}]"
        lines.append(
            f"{row['name']:<{width}}  {score_text(row['accuracy']):<8}  "
            f"{score_text(row['balanced_accuracy']):<13}  {interval:<16}  {recalls}"
        )
    return "\n".join(line.rstrip() for line in lines)


def run_demo(output, random_state=0, stream=None, html=None):
    """Run the walkthrough: print the table and write the figures to ``output``.

    Parameters
    ----------
    output : pathlib.Path
        Folder for the PNG files; created if needed. Nothing is written there
        when matplotlib is not installed.

    random_state : int, default=0
        Seed of the data, the split and the cross-validation.

    stream : file-like, default=None
        Where to print; defaults to standard output.

    html : pathlib.Path, default=None
        Where to write the table and the figures as one self-contained HTML
        page (without figures when matplotlib is not installed); None for no
        page.

    Returns
    -------
    written : list of pathlib.Path
        The files written: the figures (none without matplotlib), then the page.

    Examples
    --------
    >>> import io, tempfile, pathlib
    >>> from sklearn_balanced._cli._demo import run_demo
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = run_demo(pathlib.Path(folder), stream=io.StringIO())
    ...     sorted(path.name for path in written)[:2]
    ['balanced_accuracy_vs_threshold.png', 'confusion_matrices.png']
    """
    stream = sys.stdout if stream is None else stream
    X, y = make_demo_data(random_state=random_state)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=TEST_SIZE, stratify=y, random_state=random_state
    )
    models = demo_models(random_state=random_state)
    rows = evaluate(models, X_train, X_test, y_train, y_test)
    intro = (
        f"Built-in data: {y.shape[0]} points, {int((y == 1).sum())} in the minority "
        f"class; scores on a stratified {TEST_SIZE:.0%} test set "
        f"({y_test.shape[0]} points)."
    )
    print(intro + "\n", file=stream)
    print(format_table(rows), file=stream)
    figures = None
    written = []
    if matplotlib_available("sklearn-balanced demo"):
        figures = draw_figures(
            models, rows, X_train, X_test, y_train, y_test, random_state=random_state
        )
        written = save_figures(figures, output)
        print(f"\nFigures written to {output}:", file=stream)
        for path in written:
            print(f"  {path.name}", file=stream)
    else:
        print(
            "\nFigures not written: matplotlib is not installed. "
            f"Install it with: {PLOT_HINT}",
            file=stream,
        )
    if html is not None:
        from sklearn_balanced._cli._html import demo_page, write_page

        captioned = None if figures is None else [(c, f) for _, c, f in figures]
        write_page(html, demo_page(rows, captioned, intro=intro))
        print(f"\nHTML page written to {html}", file=stream)
        written.append(html)
    return written


def draw_figures(models, rows, X_train, X_test, y_train, y_test, random_state=0):
    """Draw the walkthrough's figures for fitted ``models``.

    Parameters
    ----------
    models : dict of str to estimator
        The fitted models of :func:`demo_models`.

    rows : list of dict
        Their scores, as returned by :func:`evaluate`.

    X_train, X_test : ndarray of shape (n_train, 2), (n_test, 2)
        Training features (for the training curves) and test features.

    y_train, y_test : ndarray of shape (n_train,), (n_test,)
        Training and test labels.

    random_state : int, default=0
        Seed of the validation split of the training-curve models.

    Returns
    -------
    figures : list of (str, str, matplotlib Figure)
        File name, caption and figure of each; :func:`run_demo` shows them at
        work.
    """
    return [
        ("confusion_matrices.png", *_confusion_figure(models, rows, X_test, y_test)),
        ("per_class_recall.png", *_recall_figure(models, X_test, y_test)),
        (
            "balanced_accuracy_vs_threshold.png",
            *_threshold_figure(models, X_test, y_test),
        ),
        ("training_curves.png", *_training_figure(X_train, y_train, random_state)),
        ("decision_boundaries.png", *_boundary_figure(models, X_test, y_test)),
    ]


def save_figures(figures, output):
    """Save figures as PNG files in ``output``, created if needed.

    Parameters
    ----------
    figures : list of (str, str, matplotlib Figure)
        As returned by :func:`draw_figures`.

    output : pathlib.Path
        The folder.

    Returns
    -------
    written : list of pathlib.Path
        The files written.
    """
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for name, _, figure in figures:
        path = output / name
        figure.savefig(path, dpi=110, bbox_inches="tight")
        written.append(path)
    return written


def _confusion_figure(models, rows, X, y):
    """Confusion matrices of always-majority and of the best model of the table."""
    from matplotlib.figure import Figure

    best = max(rows[1:], key=lambda row: row["balanced_accuracy"])
    titles = {
        "always majority": "always majority",
        best["name"]: f"{best['name']}: the best balanced accuracy in the table",
    }
    figure = Figure(figsize=(9, 7.5), layout="constrained")
    for panel, (name, title) in zip(
        figure.subfigures(2, 1), titles.items(), strict=True
    ):
        panel.suptitle(plain_text(title), fontweight="bold")
        matrix = confusion_matrix(y, models[name].predict(X), labels=[0, 1])
        confusion_panels(panel.subplots(1, 2), matrix, ["0", "1"], ["0", "1"])
    caption = (
        "Confusion matrices on the test set, as counts (left) and divided by the "
        "number of samples of each true class (right), whose diagonal holds the "
        "recalls: always-majority against the model with the best balanced "
        "accuracy in the table. Both are coloured by the share of each cell in "
        "its row."
    )
    return caption, figure


def _recall_figure(models, X, y):
    """Per-class recall of every model, one panel each, and a key."""
    figure, axes = new_figure(10, 7, ncols=3, nrows=2)
    panels = axes.ravel()
    for ax, (name, model) in zip(panels, models.items(), strict=False):
        display = PerClassRecallDisplay.from_estimator(model, X, y, ax=ax)
        # The values as the table writes them.
        for text, recall in zip(display.value_texts_, display.recall, strict=True):
            text.set_text(score_text(recall))
        ax.set_title("\n".join(textwrap.wrap(plain_text(name), 24)))
    key = panels[-1]
    key.set_axis_off()
    key.text(
        0,
        0.5,
        "Test set.\nBars: recall of each class,\nwith its value above.\n"
        "n: samples of the class.\nDashed line: the mean of\nthe recalls, "
        "the balanced\naccuracy (BA).",
        va="center",
    )
    caption = (
        "Recall of each class on the test set; the dashed line, their mean, is "
        "the balanced accuracy."
    )
    return caption, figure


def _threshold_figure(models, X, y):
    """Test-set curve (in-sample best) above the cross-validated curve.

    The panels share their x axis, and each quantity has one colour in both.
    """
    figure, ((test,), (cv,)) = new_figure(9, 8, nrows=2, sharex=True)
    BalancedAccuracyCurveDisplay.from_estimator(
        models["logistic regression"],
        X,
        y,
        name="test-set",
        ax=test,
        plot_accuracy=True,
        plot_rates=True,
    )
    test.set_title("Test set: its in-sample best threshold is optimistic")
    test.tick_params(labelbottom=True)
    BalancedAccuracyCurveDisplay.from_cv_results(
        models["logistic regression + tuned threshold"],
        name="mean cross-validated",
        ax=cv,
        plot_rates=True,
    )
    cv.set_title("Training set, 5-fold cross-validation: the tuned threshold")
    figure.suptitle(
        "Unweighted logistic regression: scores against the decision threshold"
    )
    caption = (
        "Balanced accuracy against the threshold of the unweighted logistic "
        "regression. Top: on the test set, where the best threshold is picked "
        "on the very data it is scored on, so its balanced accuracy is "
        "optimistic. Bottom: the mean over cross-validation folds of the "
        "training set, which is how BalancedThresholdClassifier chooses its "
        "threshold; its test-set score is in the table."
    )
    return caption, figure


def _training_figure(X, y, random_state):
    """Training curves of unweighted and balanced models with early stopping."""
    figure, ((left, right),) = new_figure(10, 4.5, ncols=2)
    for ax, class_weight in zip((left, right), [None, "balanced"], strict=True):
        model = BalancedLogisticRegression(
            class_weight=class_weight,
            early_stopping=True,
            validation_fraction=0.2,
            random_state=random_state,
        ).fit(X, y)
        name = "unweighted" if class_weight is None else "balanced weights"
        TrainingCurveDisplay.from_estimator(
            model, name=f"{name}, early stopping on validation BA", ax=ax
        )
    caption = (
        "Training objective and validation balanced accuracy per iteration of "
        "two logistic regressions with early stopping; training keeps the best "
        "iteration."
    )
    return caption, figure


BOUNDARY_STYLES = (
    ("black", "-"),
    ("tab:orange", "--"),
    ("tab:green", "-."),
    ("tab:purple", ":"),
)


def _boundary_figure(models, X, y):
    """Decision boundaries of the four fitted models over the test points."""
    from matplotlib.lines import Line2D

    figure, ((ax,),) = new_figure(9.5, 6)
    ax.scatter(*X[y == 0].T, s=8, alpha=0.4, color="tab:blue", label="class 0")
    ax.scatter(*X[y == 1].T, s=14, color="tab:red", label="class 1")
    handles = ax.get_legend_handles_labels()[0]
    xx, yy = np.meshgrid(
        np.linspace(*ax.get_xlim(), 300), np.linspace(*ax.get_ylim(), 300)
    )
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    names = [name for name in models if name != "always majority"]
    for (color, style), name in zip(BOUNDARY_STYLES, names, strict=True):
        model = models[name]
        score = model.predict_proba(grid)[:, 1].reshape(xx.shape)
        level = getattr(model, "best_threshold_", 0.5)
        ax.contour(xx, yy, score, levels=[level], colors=[color], linestyles=[style])
        label = plain_text(name)
        handles.append(Line2D([], [], color=color, linestyle=style, label=label))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1))
    ax.set(
        title="Decision boundaries over the test-set points",
        xlabel="feature 0",
        ylabel="feature 1",
    )
    caption = (
        "Test-set points and where each model switches from class 0 (below "
        "left) to class 1 (above right). The tuned and balanced models move the "
        "boundary towards class 0 to find more of class 1."
    )
    return caption, figure
