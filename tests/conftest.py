"""Shared pytest configuration and fixtures for the test suite."""

import contextlib
import io
import os

import pytest

# scikit-learn's Array API dispatch needs SciPy's Array API support, which SciPy
# only reads from the environment when it is first imported. pytest imports this
# file before any test module, hence before scikit-learn or SciPy.
os.environ.setdefault("SCIPY_ARRAY_API", "1")


@pytest.fixture
def pyplot():
    """matplotlib.pyplot with the Agg backend; every figure is closed afterwards."""
    matplotlib = pytest.importorskip("matplotlib", reason="the plot extra is absent")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


@pytest.fixture
def mathtext_labels():
    """Labels that matplotlib draws as mathtext, or fails to draw, unless escaped."""
    return ["$\\frac$", "$x$", "a_b^c", "\\n"]


@pytest.fixture
def drawn_texts(pyplot):
    """A function drawing a figure to a PNG buffer and returning its texts, as shown.

    It fails when a text of the figure would be drawn as mathtext (it holds two
    unescaped ``$``); the texts are returned as drawn, ``\\$`` shown as ``$``.
    """
    from matplotlib.cbook import is_math_text
    from matplotlib.text import Text

    def draw(figure):
        figure.savefig(io.BytesIO(), format="png")
        texts = [t.get_text() for t in figure.findobj(Text) if t.get_visible()]
        assert not [text for text in texts if is_math_text(text)]
        return [text.replace(r"\$", "$") for text in texts]

    return draw


@pytest.fixture(scope="session")
def demo_split():
    """The demo data set, split in two halves: ``X_train, X_test, y_train, y_test``."""
    from sklearn_balanced._cli._demo_data import make_demo_data

    X, y = make_demo_data(random_state=0)
    return X[::2], X[1::2], y[::2], y[1::2]


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """``sklearn-balanced demo`` run once, in-process, for every test of the demo.

    Returns ``(status, stdout, folder)``: the figures are in ``folder / "figures"``
    and the HTML page is ``folder / "demo.html"``.
    """
    pytest.importorskip("matplotlib", reason="the plot extra is absent")
    from sklearn_balanced._cli import main

    folder = tmp_path_factory.mktemp("demo")
    argv = ["demo", "--output", str(folder / "figures")]
    argv += ["--html", str(folder / "demo.html"), "--random-state", "1"]
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        status = main(argv)
    return status, stdout.getvalue(), folder
