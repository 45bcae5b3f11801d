"""The public names are imported on first use, and behave as if imported at once."""

import importlib
import json
import pickle
import subprocess
import sys

import numpy as np
import pytest

import sklearn_balanced
from sklearn_balanced.linear_model import BalancedLogisticRegression

PUBLIC_MODULES = [
    "sklearn_balanced",
    "sklearn_balanced.linear_model",
    "sklearn_balanced.metrics",
    "sklearn_balanced.model_selection",
]
SUBPACKAGES = ["linear_model", "metrics", "model_selection", "utils"]
#: Imported only when a name that needs them is used.
HEAVY = {"matplotlib", "numpy", "scipy", "sklearn"}


#: Run by a fresh interpreter: what importing the public modules imports.
IMPORT_SCRIPT = """
import importlib, json, sys
modules = sys.argv[1:]
names = {module: dir(importlib.import_module(module)) for module in modules}
imported = sorted({module.partition(".")[0] for module in sys.modules})
version = importlib.import_module("sklearn_balanced").__version__
print(json.dumps({"version": version, "dir": names, "imported": imported}))
"""


def test_importing_the_packages_imports_nothing_heavy():
    # -P: the installed package, not one in the folder the tests run from.
    done = subprocess.run(
        [sys.executable, "-P", "-c", IMPORT_SCRIPT, *PUBLIC_MODULES],
        capture_output=True,
        check=True,
    )
    found = json.loads(done.stdout)
    assert "sklearn_balanced" in found["imported"]
    assert HEAVY.isdisjoint(found["imported"])
    assert found["version"] == sklearn_balanced.__version__
    for module in PUBLIC_MODULES:
        public = importlib.import_module(module).__all__
        assert set(public) <= set(found["dir"][module]), module
    assert set(SUBPACKAGES) <= set(found["dir"]["sklearn_balanced"])


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_name_is_imported_once(module_name):
    module = importlib.import_module(module_name)
    assert module.__all__ == sorted(module.__all__)
    for name in module.__all__:
        value = getattr(module, name)
        assert vars(module)[name] is value  # kept: later uses are plain look-ups


def test_top_level_names_are_those_of_the_subpackages():
    for name in sklearn_balanced.__all__:
        if name == "__version__":
            continue
        homes = [
            module
            for module in PUBLIC_MODULES[1:]
            if name in importlib.import_module(module).__all__
        ]
        assert len(homes) == 1, name
        assert getattr(sklearn_balanced, name) is getattr(
            importlib.import_module(homes[0]), name
        )


def test_subpackages_are_attributes_of_the_package():
    for name in SUBPACKAGES:
        module = getattr(sklearn_balanced, name)
        assert module is importlib.import_module(f"sklearn_balanced.{name}")


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_dir_lists_the_public_names_and_the_attributes(module_name):
    module = importlib.import_module(module_name)
    names = dir(module)
    assert names == sorted(names)
    assert {"__all__", "__doc__", "__name__", *module.__all__} <= set(names)


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_an_unknown_name_is_an_attribute_error(module_name):
    module = importlib.import_module(module_name)
    message = f"^module '{module_name}' has no attribute 'balanced_acuracy_score'$"
    with pytest.raises(AttributeError, match=message):
        _ = module.balanced_acuracy_score
    assert not hasattr(module, "balanced_acuracy_score")
    with pytest.raises(ImportError, match="cannot import name 'tune'"):
        exec(f"from {module_name} import tune", {})


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_star_import_gives_the_public_names(module_name):
    namespace = {}
    exec(f"from {module_name} import *", namespace)
    del namespace["__builtins__"]
    module = importlib.import_module(module_name)
    assert sorted(namespace) == module.__all__
    assert all(namespace[name] is getattr(module, name) for name in namespace)


def test_a_fitted_estimator_and_a_metric_pickle():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] + 0.3 * rng.normal(size=40) > 0.8).astype(int)
    model = sklearn_balanced.BalancedLogisticRegression().fit(X, y)
    copy = pickle.loads(pickle.dumps(model))
    assert type(copy) is BalancedLogisticRegression
    np.testing.assert_array_equal(copy.coef_, model.coef_)
    np.testing.assert_array_equal(copy.predict(X), model.predict(X))
    score = sklearn_balanced.balanced_accuracy_score
    assert pickle.loads(pickle.dumps(score)) is score
