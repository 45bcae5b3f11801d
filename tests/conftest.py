"""Shared pytest configuration for the test suite."""

import os

# scikit-learn's Array API dispatch needs SciPy's Array API support, which SciPy
# only reads from the environment when it is first imported. pytest imports this
# file before any test module, hence before scikit-learn or SciPy.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
