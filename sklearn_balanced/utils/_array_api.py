"""Generic helpers for Array API inputs (PyTorch, CuPy, array-api-strict, ...)."""

import numpy as np


def is_numpy_namespace(xp):
    """Whether ``xp`` is NumPy itself or a compatibility wrapper of it."""
    return xp.__name__ in {
        "numpy",
        "array_api_compat.numpy",
        "sklearn.externals.array_api_compat.numpy",
    }


def to_numpy(array):
    """Bring a small array (per-class counts) back to NumPy on the host."""
    if hasattr(array, "__dlpack__"):
        try:
            return np.from_dlpack(array)
        except (BufferError, RuntimeError, TypeError):
            pass
    if hasattr(array, "cpu"):
        return array.cpu().numpy()
    if hasattr(array, "get"):
        return array.get()
    return np.asarray(array)
