"""Public names of a package imported on first use (PEP 562, SciPy's SPEC 1).

``import sklearn_balanced`` then costs almost nothing: scikit-learn, SciPy and the
package's own modules are imported when a name that needs them is first used, so
that the command line answers ``--version`` and ``--help`` at once.
"""

import importlib
import sys


def attach(package, names, *, submodules=()):
    """Make the public names of ``package`` import their module on first access.

    Write the table literally in the package's ``__init__``: the layering test
    reads its modules as imports of the package.

    Parameters
    ----------
    package : str
        The ``__name__`` of the package, whose module is being executed.

    names : dict of str to tuple of str
        The public names of the package, by the module they are imported from.

    submodules : tuple of str, default=()
        Submodules of ``package`` that are its attributes (``package.metrics``)
        without being in ``__all__``; each is imported on first access.

    Returns
    -------
    __getattr__ : callable
        The module's ``__getattr__``: imports and returns a public name or a
        submodule, and keeps it as an attribute so that it is imported once. Any
        other name raises :class:`AttributeError`.

    __dir__ : callable
        The module's ``__dir__``: its attributes, the public names and the
        submodules, imported or not, so that ``dir()`` and tab completion see them.

    __all__ : list of str
        The public names, sorted.

    Examples
    --------
    >>> import sys, types
    >>> package = types.ModuleType("example")
    >>> sys.modules["example"] = package
    >>> package.__getattr__, package.__dir__, package.__all__ = attach(
    ...     "example", {"math": ("pi",)}, submodules=("util",)
    ... )
    >>> package.__all__
    ['pi']
    >>> round(package.pi, 2)
    3.14
    >>> "util" in dir(package)
    True
    >>> package.tau
    Traceback (most recent call last):
    ...
    AttributeError: module 'example' has no attribute 'tau'
    >>> del sys.modules["example"]
    """
    module = sys.modules[package]
    home = {name: source for source, public in names.items() for name in public}
    public_names = tuple(sorted(home))

    def __getattr__(name):
        if name in home:
            value = getattr(importlib.import_module(home[name]), name)
        elif name in submodules:
            value = importlib.import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(module, name, value)
        return value

    def __dir__():
        return sorted({*vars(module), *public_names, *submodules})

    return __getattr__, __dir__, list(public_names)
