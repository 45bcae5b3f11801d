"""The documentation sources list every public name and define every label used."""

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PUBLIC_MODULES = [
    "sklearn_balanced",
    "sklearn_balanced.metrics",
    "sklearn_balanced.model_selection",
    "sklearn_balanced.linear_model",
]
AUTOSUMMARY_ENTRY = re.compile(r"^   ([A-Za-z_][A-Za-z0-9_]*)\s*$", re.MULTILINE)

pytestmark = pytest.mark.skipif(
    not (DOCS / "api.rst").is_file(), reason="the docs/ sources are not in this tree"
)


def _documented():
    """Map of (module, name) pairs documented by autosummary in api.rst."""
    text = (DOCS / "api.rst").read_text()
    documented = set()
    for block in re.split(r"^\.\. currentmodule:: ", text, flags=re.MULTILINE)[1:]:
        module, _, body = block.partition("\n")
        for summary in body.split(".. autosummary::")[1:]:
            entries = summary.split("\n\n")[1]
            documented.update(
                (module.strip(), name) for name in AUTOSUMMARY_ENTRY.findall(entries)
            )
    return documented


def _public_names():
    """(module, name) for every name of the public modules' ``__all__``."""
    return {
        (module_name, name)
        for module_name in PUBLIC_MODULES
        for name in importlib.import_module(module_name).__all__
        if name != "__version__"
    }


def test_every_public_name_is_in_the_api_reference():
    documented = {name for _, name in _documented()}
    missing = sorted(
        f"{module}.{name}" for module, name in _public_names() if name not in documented
    )
    assert not missing, f"add to docs/api.rst: {missing}"


def test_api_reference_entries_are_public_names_of_their_module():
    for module_name, name in _documented():
        module = importlib.import_module(module_name)
        assert name in module.__all__, f"{module_name}.{name} is not public"


def test_public_names_of_the_top_level_are_documented_in_a_subpackage():
    documented_modules = {module for module, _ in _documented()}
    top_level = importlib.import_module("sklearn_balanced")
    for name in top_level.__all__:
        if name == "__version__":
            continue
        homes = [
            module
            for module in documented_modules
            if name in importlib.import_module(module).__all__
        ]
        assert homes, f"sklearn_balanced.{name} has no documented subpackage"


def test_every_label_referenced_by_docstrings_exists():
    labels = set()
    for page in DOCS.glob("*.rst"):
        labels.update(re.findall(r"^\.\. _([\w-]+):\s*$", page.read_text(), re.M))
    for page in (ROOT / "examples").glob("*.rst"):
        labels.update(re.findall(r"^\.\. _([\w-]+):\s*$", page.read_text(), re.M))
    package = ROOT / "sklearn_balanced"
    referenced = set()
    for source in package.rglob("*.py"):
        for target in re.findall(r":ref:`(?:[^`<]*<)?([\w-]+)>?`", source.read_text()):
            referenced.add(target)
    assert referenced - labels == set()


def test_every_example_has_a_title_and_is_in_the_gallery():
    scripts = sorted((ROOT / "examples").glob("plot_*.py"))
    assert len(scripts) >= 6
    assert (ROOT / "examples" / "README.rst").is_file()
    for script in scripts:
        text = script.read_text()
        assert text.startswith('"""\n='), f"{script.name} lacks a gallery title"
        assert 'matplotlib.use("' not in text
