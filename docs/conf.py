"""Sphinx configuration of the sklearn-balanced documentation.

The build needs no network access and the pages it writes load nothing from the
network: there is no intersphinx, MathJax is copied into the build by
``sphinx-mathjax-offline`` instead of being loaded from a CDN, and the example
gallery and the plot directive run their code with matplotlib's Agg backend.
"""

import ast
import doctest
import importlib.util
import io
import os
import sys
import textwrap
from pathlib import Path

import matplotlib
from docutils import nodes
from sphinx.util import logging

matplotlib.use("Agg")
os.environ.setdefault("SCIPY_ARRAY_API", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sklearn_balanced

SKLEARN_GLOSSARY = "https://scikit-learn.org/stable/glossary.html#term-"
#: Pages whose ``pycon`` examples run during the build, their outputs checked:
#: those of optional engines (the docs environment installs them) and the user
#: guide.
RUN_EXAMPLES = ("tables", "user_guide")

project = "sklearn-balanced"
author = "The sklearn-balanced developers"
copyright = "2026, The sklearn-balanced developers"
release = sklearn_balanced.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    "matplotlib.sphinxext.plot_directive",
]

templates_path = ["_templates"]
exclude_patterns = ["_build"]
root_doc = "index"
default_role = "code"

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# "On this page" lists methods as ``fit``, not ``BalancedThresholdClassifier.fit``.
toc_object_entries_show_parents = "hide"

intersphinx_mapping = {}

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-balanced {release}"
html_theme_options = {
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
# Pages without sub-pages have nothing to show in the left "Section Navigation".
NARRATIVE_PAGES = (
    "index",
    "install",
    "quick_start",
    "user_guide",
    "tables",
    "cli",
    "changelog",
)
html_sidebars = {page: [] for page in NARRATIVE_PAGES}
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_js_files = ["break-names.js"]
html_show_sourcelink = False

plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]
plot_rcparams = {"figure.autolayout": True}

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
    # A cell ending in ``ax.set_title(...)`` would print ``Text(0.5, 1.0, ...)``.
    "capture_repr": (),
    # The timing pages load DataTables and jQuery from a CDN.
    "write_computation_times": False,
}

SCORER_SUMMARIES = {
    "balanced_accuracy_scorer": "Scorer of the balanced accuracy, for ``scoring=``.",
    "adjusted_balanced_accuracy_scorer": (
        "Scorer of the adjusted balanced accuracy (chance = 0), for ``scoring=``."
    ),
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


def describe_scorers(app, what, name, obj, options, lines):
    """Give the scorer objects, which have no docstring, a one-line summary.

    autosummary takes the API index's description from it, and the scorer's own
    page starts with it.
    """
    summary = SCORER_SUMMARIES.get(name.rpartition(".")[2])
    if what == "data" and summary is not None and not any(lines):
        lines[:] = [summary]


def find_source(app, modname):
    """Source code and definition lines of a module, for ``[source]`` links.

    viewcode's own parser gives up on a module whose decorator arguments hold a
    ``{**mapping, ...}`` literal, and leaves its functions without a link; Python's
    ``ast`` reads every module. Its module-level assignments are definitions too,
    so that the pages of data (the ready-made scorers) link to their source.
    """
    spec = importlib.util.find_spec(modname)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    code = Path(spec.origin).read_text(encoding="utf-8")
    return code, _definitions(ast.parse(code).body, prefix="")


def _definitions(body, prefix):
    """viewcode's tags: ``{qualified name: (kind, first line, last line)}``.

    Classes, functions and methods, and the names assigned at module level.
    """
    tags = {}
    for node in body:
        if not prefix and isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    tags[target.id] = ("other", node.lineno, node.end_lineno)
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            name = prefix + node.name
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            kind = "class" if isinstance(node, ast.ClassDef) else "def"
            tags[name] = (kind, first, node.end_lineno)
            if kind == "class":
                tags |= _definitions(node.body, prefix=f"{name}.")
    return tags


def defining_module(app, modname, attribute):
    """The module that assigns a public instance, for its ``[source]`` link.

    viewcode looks for an object's source in its ``__module__``: a class's or a
    function's own module, but for an instance (a scorer) its class's module,
    which is scikit-learn's. The submodule of ``modname`` that assigns the very
    object is returned instead; None (viewcode's own lookup) for anything else.
    """
    if modname.partition(".")[0] != sklearn_balanced.__name__:
        return None
    module = importlib.import_module(modname)
    value = getattr(module, attribute, None)
    if value is None or hasattr(value, "__qualname__"):
        return None
    prefix = f"{modname}."
    for name in sorted(sys.modules):
        source = sys.modules[name]
        if name.startswith(prefix) and getattr(source, attribute, None) is value:
            found = find_source(app, name)
            if found is not None and attribute in found[1]:
                return name
    return None


def pycon_blocks(text):
    """The ``pycon`` code blocks of the reStructuredText ``text``, dedented."""
    lines = text.splitlines()
    blocks = []
    for start, line in enumerate(lines):
        if line.strip() != ".. code-block:: pycon":
            continue
        indent = len(line) - len(line.lstrip())
        block = []
        for following in lines[start + 1 :]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            block.append(following)
        blocks.append(textwrap.dedent("\n".join(block)))
    return blocks


def run_examples(app, docname, source):
    """Run the ``pycon`` examples of the pages of ``RUN_EXAMPLES`` as doctests.

    All the examples of a page share one namespace, in order. A failure is a
    warning of the build (an error with ``-W``), with doctest's report: the
    outputs shown are those the code gives.
    """
    if docname not in RUN_EXAMPLES:
        return
    test = doctest.DocTestParser().get_doctest(
        "\n".join(pycon_blocks(source[0])), {}, docname, app.env.doc2path(docname), 0
    )
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=flags)
    runner.run(test, out=report.write)
    if runner.failures or not runner.tries:
        logging.getLogger(__name__).warning(
            "%s: %d of %d examples failed\n%s",
            docname,
            runner.failures,
            runner.tries,
            report.getvalue(),
        )


def setup(app):
    app.connect("source-read", run_examples)
    app.connect("missing-reference", link_sklearn_glossary)
    # Before numpydoc (priority 500), which fills empty docstrings with blanks.
    app.connect("autodoc-process-docstring", describe_scorers, priority=400)
    app.connect("viewcode-find-source", find_source)
    app.connect("viewcode-follow-imported", defining_module)
