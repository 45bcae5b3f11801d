"""The package's imports point down its layers, with no cycle and no private reach.

Layers, from the bottom: ``utils``, then ``metrics``, then ``model_selection`` and
``linear_model``, then the application (the command line and the demo). A module
may import from its own subpackage and from the layers below it. Across
subpackages it may only use public names (those a subpackage's ``__init__``
exports), except from ``utils``, the home of the shared private helpers, and
within the application layer. Every import counts,
including those inside functions, which could otherwise hide a cycle.
"""

import ast
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
    return [(module, name) for module, name in found if module.startswith(PACKAGE.name)]


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _subpackage(module):
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS):
        return parts[1]
    return None


def _layer(module):
    subpackage = _subpackage(module)
    return LAYERS.get(subpackage, TOP)


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


def test_the_checks_see_the_package():
    assert "sklearn_balanced.metrics._counts" in MODULES
    assert "sklearn_balanced.model_selection._threshold" in _edges()


def test_no_import_cycle():
    assert _find_cycle(_edges()) is None


def test_the_cycle_finder_finds_cycles():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


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
