"""The one place where private scikit-learn APIs are imported.

Everything imported here exists in every supported scikit-learn version (1.6.1 and
later); the ``min`` and ``py`` tox environments cover the oldest and newest ones.
"""

from sklearn.base import _fit_context
from sklearn.utils import _safe_indexing
from sklearn.utils._array_api import get_namespace
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
    validate_params,
)
from sklearn.utils.validation import _check_method_params

__all__ = [
    "HasMethods",
    "Interval",
    "RealNotInt",
    "StrOptions",
    "_check_method_params",
    "_fit_context",
    "_safe_indexing",
    "get_namespace",
    "validate_params",
]
