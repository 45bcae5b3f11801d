"""The ``sklearn-balanced demo`` walkthrough: five models, a table and the figures."""

import sys

from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

from sklearn_balanced._demo_data import make_demo_data
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
from sklearn_balanced.utils._optional import check_matplotlib

TEST_SIZE = 0.3
PLOT_HINT = 'pip install "sklearn-balanced[plot]"'


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
    >>> from sklearn_balanced._demo import demo_models
    >>> list(demo_models())[0]
    'always majority'
    """
    unweighted = BalancedLogisticRegression(class_weight=None)
    balanced = BalancedLogisticRegression(class_weight="balanced")
    return {
        "always majority": DummyClassifier(strategy="most_frequent"),
        "logistic regression": unweighted,
        "logistic regression + tuned threshold": BalancedThresholdClassifier(
            clone(unweighted), random_state=random_state
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
    >>> from sklearn_balanced._demo import evaluate
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
    >>> from sklearn_balanced._demo import format_table
    >>> row = {"name": "m", "accuracy": 0.9, "balanced_accuracy": 0.5,
    ...        "low": 0.4, "high": 0.6, "recall": [1.0, 0.0]}
    >>> print(format_table([row]))  # doctest: +NORMALIZE_WHITESPACE
    model  accuracy  balanced acc.  95% interval  recall 0  recall 1
    m      0.900     0.500          [0.40, 0.60]  1.000     0.000
    """
    width = max(len("model"), *(len(row["name"]) for row in rows))
    n_classes = len(rows[0]["recall"])
    recall_header = "  ".join(f"recall {k:<2d}" for k in range(n_classes))
    lines = [
        f"{'model':<{width}}  accuracy  balanced acc.  95% interval  {recall_header}"
    ]
    for row in rows:
        recalls = "  ".join(f"{r:<9.3f}" for r in row["recall"])
        lines.append(
            f"{row['name']:<{width}}  {row['accuracy']:<8.3f}  "
            f"{row['balanced_accuracy']:<13.3f}  "
            f"[{row['low']:.2f}, {row['high']:.2f}]  {recalls}".rstrip()
        )
    return "\n".join(line.rstrip() for line in lines)


def run_demo(output, random_state=0, stream=None):
    """Run the walkthrough: print the table and write the figures to ``output``.

    Parameters
    ----------
    output : pathlib.Path
        Folder for the PNG files; created if needed. Nothing is written when
        matplotlib is not installed.

    random_state : int, default=0
        Seed of the data, the split and the cross-validation.

    stream : file-like, default=None
        Where to print; defaults to standard output.

    Returns
    -------
    written : list of pathlib.Path
        The figures written (empty without matplotlib).

    Examples
    --------
    >>> import io, tempfile, pathlib
    >>> from sklearn_balanced._demo import run_demo
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
    print(
        f"Built-in data: {y.shape[0]} points, {int((y == 1).sum())} in the minority "
        f"class; scores on a stratified {TEST_SIZE:.0%} test set "
        f"({y_test.shape[0]} points).\n",
        file=stream,
    )
    print(format_table(rows), file=stream)
    try:
        check_matplotlib("sklearn-balanced demo")
    except ImportError:
        print(
            "\nFigures not written: matplotlib is not installed. "
            f"Install it with: {PLOT_HINT}",
            file=stream,
        )
        return []
    written = write_figures(
        models, X_train, X_test, y_train, y_test, output, random_state=random_state
    )
    print(f"\nFigures written to {output}:", file=stream)
    for path in written:
        print(f"  {path.name}", file=stream)
    return written


def write_figures(models, X_train, X_test, y_train, y_test, output, random_state=0):
    """Draw the walkthrough's figures for fitted ``models`` and save them as PNG.

    Parameters
    ----------
    models : dict of str to estimator
        The fitted models of :func:`demo_models`.

    X_train, X_test : ndarray of shape (n_train, 2), (n_test, 2)
        Training features (for the training curves) and test features.

    y_train, y_test : ndarray of shape (n_train,), (n_test,)
        Training and test labels.

    output : pathlib.Path
        Folder for the files; created if needed.

    random_state : int, default=0
        Seed of the validation split of the training-curve models.

    Returns
    -------
    written : list of pathlib.Path
        The files written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_balanced._demo import demo_models, write_figures
    >>> from sklearn_balanced._demo_data import make_demo_data
    >>> X, y = make_demo_data()
    >>> models = {name: model.fit(X, y) for name, model in demo_models().items()}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     len(write_figures(models, X, X, y, y, pathlib.Path(folder)))
    5
    """
    plt = check_matplotlib("sklearn-balanced demo")
    output.mkdir(parents=True, exist_ok=True)
    figures = {
        "confusion_matrices.png": _confusion_figure(plt, models, X_test, y_test),
        "per_class_recall.png": _recall_figure(plt, models, X_test, y_test),
        "balanced_accuracy_vs_threshold.png": _threshold_figure(
            plt, models, X_test, y_test
        ),
        "training_curves.png": _training_figure(plt, X_train, y_train, random_state),
        "decision_boundaries.png": _boundary_figure(plt, models, X_test, y_test),
    }
    written = []
    for name, figure in figures.items():
        path = output / name
        figure.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(figure)
        written.append(path)
    return written


def _confusion_figure(plt, models, X, y):
    from sklearn.metrics import ConfusionMatrixDisplay

    names = ["always majority", "balanced + tuned threshold"]
    figure, axes = plt.subplots(1, len(names), figsize=(10, 4))
    for ax, name in zip(axes, names, strict=True):
        ConfusionMatrixDisplay.from_estimator(
            models[name], X, y, normalize="true", ax=ax, colorbar=False
        )
        ax.set_title(f"{name}\n(row-normalised: recall on the diagonal)")
    return figure


def _recall_figure(plt, models, X, y):
    figure, axes = plt.subplots(
        1, len(models), figsize=(4 * len(models), 4), sharey=True
    )
    for ax, (name, model) in zip(axes, models.items(), strict=True):
        PerClassRecallDisplay.from_estimator(model, X, y, ax=ax)
        ax.set_title(name)
    return figure


def _threshold_figure(plt, models, X, y):
    figure, ax = plt.subplots(figsize=(7, 4.5))
    BalancedAccuracyCurveDisplay.from_estimator(
        models["logistic regression"],
        X,
        y,
        name="logistic regression",
        ax=ax,
        plot_accuracy=True,
        plot_rates=True,
    )
    ax.set_title("Accuracy and balanced accuracy against the threshold (test set)")
    return figure


def _training_figure(plt, X, y, random_state):
    """Training curves of unweighted and balanced models with early stopping."""
    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, class_weight in zip(axes, [None, "balanced"], strict=True):
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
    figure.tight_layout()
    return figure


def _boundary_figure(plt, models, X, y):
    from matplotlib.lines import Line2D
    from sklearn.inspection import DecisionBoundaryDisplay

    figure, ax = plt.subplots(figsize=(7, 6))
    ax.scatter(*X[y == 0].T, s=8, alpha=0.4, color="tab:blue", label="class 0")
    ax.scatter(*X[y == 1].T, s=14, color="tab:red", label="class 1")
    handles = ax.get_legend_handles_labels()[0]
    names = [name for name in models if name != "always majority"]
    for color, name in zip(["C2", "C3", "C4", "C5"], names, strict=True):
        DecisionBoundaryDisplay.from_estimator(
            models[name],
            X,
            response_method="predict",
            plot_method="contour",
            levels=[0.5],
            colors=[color],
            grid_resolution=200,
            ax=ax,
        )
        handles.append(Line2D([], [], color=color, label=name))
    ax.legend(handles=handles, loc="lower right", fontsize="small")
    ax.set(title="Decision boundaries", xlabel="feature 0", ylabel="feature 1")
    return figure
