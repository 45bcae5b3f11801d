"""Sphinx configuration of the sklearn-balanced documentation.

The build needs no network access: there is no intersphinx, and the example
gallery runs the scripts of ``examples/`` with matplotlib's Agg backend.
"""

import os
import sys
from pathlib import Path

import matplotlib
from docutils import nodes

matplotlib.use("Agg")
os.environ.setdefault("SCIPY_ARRAY_API", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sklearn_balanced

SKLEARN_GLOSSARY = "https://scikit-learn.org/stable/glossary.html#term-"

project = "sklearn-balanced"
author = "The sklearn-balanced developers"
copyright = "2026, The sklearn-balanced developers"
release = sklearn_balanced.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

templates_path = ["_templates"]
exclude_patterns = ["_build"]
root_doc = "index"
default_role = "code"

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

intersphinx_mapping = {}

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-balanced {release}"
html_theme_options = {
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "plot_gallery": "True",
    "download_all_examples": False,
    "within_subsection_order": "FileNameSortKey",
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "abort_on_example_error": True,
}


def link_sklearn_glossary(app, env, node, contnode):
    """Resolve glossary terms of inherited scikit-learn docstrings offline.

    Docstrings written in scikit-learn's style (ours and the ``set_*_request``
    methods scikit-learn generates) use ``:term:`` roles for scikit-learn's
    glossary. Without intersphinx, link them to that glossary's web page.
    """
    if node.get("refdomain") != "std" or node.get("reftype") != "term":
        return None
    reference = nodes.reference(
        "",
        "",
        internal=False,
        refuri=SKLEARN_GLOSSARY + node["reftarget"].replace(" ", "-"),
        reftitle="scikit-learn glossary",
    )
    reference.append(contnode)
    return reference


def setup(app):
    app.connect("missing-reference", link_sklearn_glossary)
