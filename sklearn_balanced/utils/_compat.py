"""The one place where private scikit-learn APIs are imported.

Everything imported here exists in every supported scikit-learn version (1.6.1 and
later); the ``min`` and ``py`` tox environments cover the oldest and newest ones.

Importing this module does not import scikit-learn (whose import takes over a
second, most of it SciPy's statistics): each name is imported on first use, and
:func:`validate_params` builds scikit-learn's decorator at the first call of the
function it decorates. The modules that the command line's ``report`` imports
then import without scikit-learn.
"""

import contextlib
import contextvars
import functools

from sklearn_balanced.utils._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "sklearn.base": ("_fit_context",),
        "sklearn.utils": ("_safe_indexing",),
        "sklearn.utils._array_api": ("get_namespace",),
        "sklearn.utils._param_validation": (
            "HasMethods",
            "Interval",
            "RealNotInt",
            "StrOptions",
        ),
        "sklearn.utils.validation": ("_check_method_params",),
    },
)
__all__ = sorted([*__all__, "skip_parameter_validation", "validate_params"])
#: Whether the functions decorated by ``validate_params`` skip the validation.
_SKIPPED = contextvars.ContextVar("skip_parameter_validation", default=False)


def validate_params(parameter_constraints, *, prefer_skip_nested_validation):
    """scikit-learn's ``validate_params``, made at the first call of the function.

    The decorated function validates its arguments with scikit-learn's decorator,
    which it builds (and so imports scikit-learn) when it is first called: the
    module defining it imports without scikit-learn.

    Parameters
    ----------
    parameter_constraints : callable
        Called without arguments at the first call, it returns the dict of
        constraints of scikit-learn's ``validate_params``: the constraint
        objects (``Interval``, ``StrOptions``) are built then, not on import.
    prefer_skip_nested_validation : bool
        As in scikit-learn's ``validate_params``.

    Returns
    -------
    decorator : callable
        Decorates a function or method.

    Examples
    --------
    >>> from numbers import Integral
    >>> from sklearn_balanced.utils._compat import Interval, validate_params
    >>> @validate_params(
    ...     lambda: {"n": [Interval(Integral, 1, None, closed="left")]},
    ...     prefer_skip_nested_validation=True,
    ... )
    ... def twice(n):
    ...     return 2 * n
    >>> twice(3)
    6
    >>> twice(0)
    Traceback (most recent call last):
    ...
    sklearn.utils._param_validation.InvalidParameterError: The 'n' parameter of \
twice must be an int in the range [1, inf). Got 0 instead.
    """

    def decorator(func):
        @functools.cache
        def validating():
            from sklearn.utils._param_validation import (
                validate_params as sklearn_validate_params,
            )

            return sklearn_validate_params(
                parameter_constraints(),
                prefer_skip_nested_validation=prefer_skip_nested_validation,
            )(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if _SKIPPED.get():
                return func(*args, **kwargs)
            return validating()(*args, **kwargs)

        return wrapper

    return decorator


@contextlib.contextmanager
def skip_parameter_validation():
    """Call the functions decorated by :func:`validate_params` without validation.

    For these functions, what scikit-learn's
    ``config_context(skip_parameter_validation=True)`` does for its own, without
    importing scikit-learn: for a caller that checks every argument it passes
    (the command line checks its options when it parses them).

    Examples
    --------
    >>> from sklearn_balanced.metrics import ConfusionCounts
    >>> from sklearn_balanced.utils._compat import skip_parameter_validation
    >>> counts = ConfusionCounts.from_confusion_matrix([[3, 1], [0, 2]])
    >>> with skip_parameter_validation():
    ...     counts.score()
    0.875
    """
    token = _SKIPPED.set(True)
    try:
        yield
    finally:
        _SKIPPED.reset(token)
