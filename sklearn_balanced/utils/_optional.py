"""Lazy access to optional dependencies, with errors that name the extra to install."""

import importlib

_EXTRAS = {
    "matplotlib": "plot",
    "dask": "dask",
    "distributed": "dask",
    "pyarrow": "parquet",
    "narwhals": "tables",
    "duckdb": "tables",
}


def import_optional(module_name, caller_name):
    """Import an optional dependency or explain how to install it.

    Parameters
    ----------
    module_name : str
        Dotted name of the module to import, e.g. ``"matplotlib.pyplot"``.

    caller_name : str
        Name of the public function or class that needs the module; it is
        quoted in the error message.

    Returns
    -------
    module : module
        The imported module.

    Raises
    ------
    ImportError
        If the module cannot be imported. The message names the caller and the
        ``sklearn-balanced`` extra that provides the module.

    Examples
    --------
    >>> from sklearn_balanced.utils._optional import import_optional
    >>> np = import_optional("numpy", "example")
    >>> np.__name__
    'numpy'
    """
    top_level = module_name.partition(".")[0]
    extra = _EXTRAS.get(top_level)
    hint = (
        f'pip install "sklearn-balanced[{extra}]"'
        if extra is not None
        else f"pip install {top_level}"
    )
    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        if isinstance(exc, ModuleNotFoundError) and _names_a_part(
            exc.name, module_name
        ):
            raise ImportError(
                f"{caller_name} requires {top_level}, which is not installed. "
                f"Install it with: {hint}"
            ) from exc
        raise ImportError(
            f"{caller_name} requires {top_level}, which is installed but cannot be "
            f"imported ({type(exc).__name__}: {exc}). Reinstall it with: {hint}"
        ) from exc


def _names_a_part(name, module_name):
    """Whether ``name`` is ``module_name`` or one of its parent packages."""
    return name is not None and (module_name + ".").startswith(name + ".")


def check_matplotlib(caller_name):
    """Return :mod:`matplotlib.pyplot`, or raise an ImportError naming the extra.

    Parameters
    ----------
    caller_name : str
        Name of the public function or class that needs matplotlib.

    Returns
    -------
    pyplot : module
        The :mod:`matplotlib.pyplot` module.

    Examples
    --------
    >>> from sklearn_balanced.utils._optional import check_matplotlib
    >>> plt = check_matplotlib("example")
    >>> plt.__name__
    'matplotlib.pyplot'
    """
    return import_optional("matplotlib.pyplot", caller_name)
