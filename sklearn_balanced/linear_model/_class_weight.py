"""Per-class weights of a classifier's training samples."""

import numbers

import numpy as np
from sklearn.utils.class_weight import compute_class_weight


def resolve_class_weight(class_weight, classes, y_codes, sample_weight):
    """Weight of every class, as scikit-learn's linear classifiers use it.

    Parameters
    ----------
    class_weight : "balanced", dict or None
        ``"balanced"``: ``total / (n_classes * class_total)`` where the totals are
        sums of ``sample_weight`` (sample counts when it is None), which is what
        scikit-learn 1.7 and later compute; a dict maps labels to weights
        (missing classes get 1); None gives every class the weight 1.

    classes : ndarray of shape (n_classes,)
        Sorted class labels.

    y_codes : ndarray of shape (n_samples,)
        Index in ``classes`` of each sample's label.

    sample_weight : ndarray of shape (n_samples,) or None
        Non-negative sample weights.

    Returns
    -------
    class_weight_ : ndarray of shape (n_classes,)
        Weights aligned with ``classes``, float64.

    Raises
    ------
    ValueError
        If a dict key is not a class, a dict value is not a finite non-negative
        number, or (for ``"balanced"``) a class has zero total weight.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._class_weight import resolve_class_weight
    >>> resolve_class_weight("balanced", np.array([0, 1]), np.array([0, 0, 0, 1]), None)
    array([0.66666667, 2.        ])
    """
    n_classes = classes.shape[0]
    if class_weight is None:
        return np.ones(n_classes)
    if isinstance(class_weight, dict):
        unknown = set(class_weight) - set(classes.tolist())
        if unknown:
            raise ValueError(
                f"class_weight has keys {sorted(map(repr, unknown))} that are not "
                f"classes of y; the classes are {classes.tolist()}."
            )
        for label, weight in class_weight.items():
            if not (
                isinstance(weight, numbers.Real) and np.isfinite(weight) and weight >= 0
            ):
                raise ValueError(
                    "class_weight values must be finite non-negative numbers, got "
                    f"{weight!r} for class {label!r}."
                )
        return compute_class_weight(
            class_weight, classes=classes, y=classes[y_codes]
        ).astype(np.float64)
    totals = np.bincount(y_codes, weights=sample_weight, minlength=n_classes)
    if not (totals > 0).all():
        empty = classes[totals <= 0].tolist()
        raise ValueError(
            "class_weight='balanced' needs a positive total sample_weight for every "
            f"class; classes {empty} have total weight zero."
        )
    return totals.sum() / (n_classes * totals)
