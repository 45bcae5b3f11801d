"""The package's imports point down its layers, with no cycle and no private reach.

Layers, from the bottom: ``utils``, then ``metrics``, then ``model_selection`` and
``linear_model``, then the application (the command line and the demo). A module
may import from its own subpackage and from the layers below it. Across
subpackages it may only use public names (those a subpackage's ``__init__``
exports), except from ``utils``, the home of the shared private helpers, and
within the application layer. Every import counts,
including those inside functions, which could otherwise hide a cycle, and the
names a package imports on first use (the table of its ``attach`` call).
Sibling packages and modules never import each other, directly or round a loop.
"""

import ast
import functools
from pathlib import Path

import pytest

import sklearn_balanced

PACKAGE = Path(sklearn_balanced.__file__).resolve().parent
LAYERS = {"utils": 0, "metrics": 1, "model_selection": 2, "linear_model": 2}
TOP = 3


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path):
    """``(target module, imported name or None)`` of every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            raise AssertionError(f"{path}: use absolute imports, not relative ones")
        elif isinstance(node, ast.Call) and _called(node) == "attach":
            found += _lazy_imports(node, _module_name(path), path)
    return [(module, name) for module, name in found if module.startswith(PACKAGE.name)]


def _called(call):
    """The name of the function a call calls: ``f`` for ``f()`` and ``m.f()``."""
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return getattr(call.func, "id", None)


def _lazy_imports(call, package, path):
    """The imports of a package's names on first use, from its ``attach`` table."""
    try:
        table = ast.literal_eval(call.args[1])
        options = {key.arg: ast.literal_eval(key.value) for key in call.keywords}
    except (IndexError, ValueError) as exc:
        raise AssertionError(
            f"{path}: write the table of attach() literally, so that its imports "
            "can be checked"
        ) from exc
    found = [(module, name) for module, names in table.items() for name in names]
    found += [(f"{package}.{name}", None) for name in options.get("submodules", ())]
    return found


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _subpackage(module):
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS):
        return parts[1]
    return None


def _layer(module):
    subpackage = _subpackage(module)
    return LAYERS.get(subpackage, TOP)


@functools.cache
def _edges():
    """Module-level dependency graph: a ``from X import y`` of a submodule is X.y."""
    graph = {}
    for module, path in MODULES.items():
        targets = set()
        for target, name in _imports(path):
            submodule = f"{target}.{name}"
            targets.add(submodule if submodule in MODULES else target)
        graph[module] = targets - {module}
    return graph


def _find_cycle(graph):
    """One cycle of ``graph`` as a list of modules, or None."""
    state = {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for child in sorted(graph.get(node, ())):
            if state.get(child) == "open":
                return [*stack[stack.index(child) :], child]
            if child not in state:
                cycle = visit(child, stack)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node, [])
            if cycle:
                return cycle
    return None


def _sibling_graph(package, graph):
    """The imports between the children of ``package``, each with all below it."""
    prefix = f"{package}."

    def child(module):
        if not module.startswith(prefix):
            return None
        return prefix + module.removeprefix(prefix).partition(".")[0]

    siblings = {}
    for module, targets in graph.items():
        source = child(module)
        if source is not None:
            others = {child(target) for target in targets} - {None, source}
            siblings.setdefault(source, set()).update(others)
    return siblings


def test_the_checks_see_the_package():
    assert "sklearn_balanced.metrics._counts" in MODULES
    assert "sklearn_balanced.model_selection._threshold" in _edges()


def test_the_checks_see_the_names_imported_on_first_use():
    edges = _edges()
    assert "sklearn_balanced.metrics" in edges["sklearn_balanced"]
    assert "sklearn_balanced.utils" in edges["sklearn_balanced"]
    assert "sklearn_balanced.metrics._interval" in edges["sklearn_balanced.metrics"]


def test_the_table_of_names_imported_on_first_use_is_read_as_imports():
    call = ast.parse('attach(__name__, {"p.m": ("a", "b")}, submodules=("s",))')
    found = _lazy_imports(call.body[0].value, "p", "p/__init__.py")
    assert found == [("p.m", "a"), ("p.m", "b"), ("p.s", None)]
    call = ast.parse("attach(__name__, TABLE)")
    with pytest.raises(AssertionError, match="write the table of attach"):
        _lazy_imports(call.body[0].value, "p", "p/__init__.py")


def test_no_import_cycle():
    assert _find_cycle(_edges()) is None


def test_the_cycle_finder_finds_cycles():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_sibling_graph_joins_each_child_with_all_below_it():
    graph = {"p": {"p.a"}, "p.a.x": {"p.b", "p.a.y", "q"}, "p.b": {"p.a.y", "p"}}
    assert _sibling_graph("p", graph) == {"p.a": {"p.b"}, "p.b": {"p.a"}}
    assert _sibling_graph("p.a", graph) == {"p.a.x": {"p.a.y"}}


@pytest.mark.parametrize(
    "package",
    sorted(module for module, path in MODULES.items() if path.name == "__init__.py"),
)
def test_siblings_do_not_import_each_other(package):
    cycle = _find_cycle(_sibling_graph(package, _edges()))
    assert cycle is None, f"siblings import each other: {' -> '.join(cycle)}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_and_stay_public_across_subpackages(module):
    own = _subpackage(module)
    for target, name in _imports(MODULES[module]):
        other = _subpackage(target)
        if target == "sklearn_balanced" or other == own:
            continue
        assert _layer(target) <= _layer(module), (
            f"{module} imports {target}, which sits in a higher layer"
        )
        if other == "utils" or _layer(module) == _layer(target) == TOP:
            continue
        message = f"{module} imports the private {target}.{name} across subpackages"
        assert not any(part.startswith("_") for part in target.split(".")[1:]), message
        assert name is None or not name.startswith("_"), message
