"""Built-in synthetic data set of the walkthrough (``sklearn-balanced demo``)."""

import numpy as np
from sklearn.utils import check_random_state

N_MAJORITY = 1200
N_MINORITY = 80
MINORITY_CENTER = (1.2, 1.2)


def make_demo_data(random_state=0):
    """Draw the two-class, two-feature imbalanced data set of the walkthrough.

    Class 0 has 1200 points from a standard normal centred at ``(0, 0)``; class 1
    has 80 points from a standard normal centred at ``(1.2, 1.2)``. The classes
    overlap strongly, so predicting the majority class everywhere reaches about
    94% accuracy and exactly 50% balanced accuracy.

    Parameters
    ----------
    random_state : int, RandomState instance or None, default=0
        Seed of the draw.

    Returns
    -------
    X : ndarray of shape (1280, 2)
        Features; the class-0 points come first.

    y : ndarray of shape (1280,)
        Integer labels, 0 (majority) or 1 (minority).

    Examples
    --------
    >>> from sklearn_balanced._cli._demo_data import make_demo_data
    >>> X, y = make_demo_data(random_state=0)
    >>> X.shape, int(y.sum())
    ((1280, 2), 80)
    """
    rng = check_random_state(random_state)
    X_majority = rng.standard_normal((N_MAJORITY, 2))
    X_minority = rng.standard_normal((N_MINORITY, 2)) + np.asarray(MINORITY_CENTER)
    X = np.vstack([X_majority, X_minority])
    y = np.repeat(np.array([0, 1]), [N_MAJORITY, N_MINORITY])
    return X, y
