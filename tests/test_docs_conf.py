"""The hooks of docs/conf.py: every API page links to its source."""

import importlib.util
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[1] / "docs" / "conf.py"

pytestmark = pytest.mark.skipif(
    not CONF.is_file(), reason="the docs/ sources are not in this tree"
)


@pytest.fixture(scope="module")
def conf():
    pytest.importorskip("docutils", reason="the docs extra is absent")
    pytest.importorskip("matplotlib", reason="the plot extra is absent")
    spec = importlib.util.spec_from_file_location("docs_conf", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "name", ["balanced_accuracy_scorer", "adjusted_balanced_accuracy_scorer"]
)
def test_scorer_pages_link_to_the_assignment(conf, name):
    # A scorer's __module__ is its class's, scikit-learn's: viewcode found no
    # source there and the page had no [source] link.
    module = conf.defining_module(None, "sklearn_balanced.metrics", name)
    assert module == "sklearn_balanced.metrics._scorer"
    code, tags = conf.find_source(None, module)
    kind, first, last = tags[name]
    assert kind == "other"
    assert code.splitlines()[first - 1].startswith(f"{name} = ")
    assert first == last


@pytest.mark.parametrize(
    ("modname", "attribute"),
    [
        ("sklearn_balanced.metrics", "balanced_accuracy_score"),
        ("sklearn_balanced.metrics", "BalancedAccuracyCurveDisplay.plot"),
        ("sklearn_balanced.model_selection", "BalancedThresholdClassifier"),
        ("sklearn.metrics", "accuracy_score"),
    ],
)
def test_functions_and_classes_keep_viewcodes_own_lookup(conf, modname, attribute):
    assert conf.defining_module(None, modname, attribute) is None
