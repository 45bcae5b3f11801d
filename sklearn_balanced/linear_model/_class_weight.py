"""Per-class weights of a classifier's training samples."""

import numbers

import numpy as np
from sklearn.utils.class_weight import compute_class_weight


def resolve_class_weight(class_weight, classes, totals):
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

    totals : ndarray of shape (n_classes,)
        Total sample weight of each class (its number of samples without
        weights), from :func:`class_totals`.

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
    >>> resolve_class_weight("balanced", np.array([0, 1]), np.array([3.0, 1.0]))
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
        return compute_class_weight(class_weight, classes=classes, y=classes).astype(
            np.float64
        )
    if not (totals > 0).all():
        empty = classes[totals <= 0].tolist()
        raise ValueError(
            "class_weight='balanced' needs a positive total sample_weight for every "
            f"class; classes {empty} have total weight zero."
        )
    return totals.sum() / (n_classes * totals)


def class_totals(y_codes, sample_weight, n_classes):
    """Total sample weight of each class.

    Parameters
    ----------
    y_codes : ndarray of shape (n_samples,)
        Index of each sample's class.

    sample_weight : ndarray of shape (n_samples,) or None
        Non-negative sample weights; None counts samples.

    n_classes : int
        Number of classes.

    Returns
    -------
    totals : ndarray of shape (n_classes,)
        The sum of the weights of each class's samples, float64.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._class_weight import class_totals
    >>> class_totals(np.array([0, 0, 0, 1]), None, 2)
    array([3., 1.])
    """
    return np.bincount(y_codes, weights=sample_weight, minlength=n_classes).astype(
        np.float64, copy=False
    )


def prior_shift(proba_prior, classes, class_weight, class_prior):
    """Prior of the predicted probabilities and the log-offsets that give it.

    Class ``k`` enters a weighted fit with the weight ``class_weight[k]`` (its
    weighted mass after class weighting divided by its mass before), so the fit
    sees the class prior ``q_k`` proportional to ``class_weight[k] *
    class_prior[k]`` and its log-probabilities estimate ``log p(k | x) +
    log class_weight[k] + c(x)``. Bayes' rule moves probabilities from the prior
    ``q`` to a prior ``r``: add ``log r_k - log q_k`` to the log-probabilities
    and normalise again.

    Parameters
    ----------
    proba_prior : {"balanced", "train"} or array-like of shape (n_classes,)
        ``"balanced"``: the prior ``q`` of the weighted fit, offsets zero.
        ``"train"``: the training prior ``class_prior``, offsets
        ``-log class_weight``. Array: positive numbers, normalised to sum to 1.

    classes : ndarray of shape (n_classes,)
        Class labels, for error messages.

    class_weight : ndarray of shape (n_classes,)
        Non-negative weight of each class in the fit.

    class_prior : ndarray of shape (n_classes,)
        Training class frequencies, summing to 1.

    Returns
    -------
    prior : ndarray of shape (n_classes,)
        Class prior the shifted probabilities are calibrated to.

    offset : ndarray of shape (n_classes,)
        Term added to each class's log-probabilities (logits) before the
        softmax; only differences between classes matter.

    Raises
    ------
    ValueError
        If an array ``proba_prior`` is not of positive finite numbers, one per
        class, or if a class needed by the shift has zero weight in training.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._class_weight import prior_shift
    >>> weight, train = np.array([0.625, 2.5]), np.array([0.8, 0.2])
    >>> classes = np.array([0, 1])
    >>> prior_shift("balanced", classes, weight, train)
    (array([0.5, 0.5]), array([0., 0.]))
    >>> prior, offset = prior_shift("train", classes, weight, train)
    >>> prior.tolist(), round(float(offset[1] - offset[0]), 4)
    ([0.8, 0.2], -1.3863)
    >>> prior_shift([1, 3], classes, weight, train)[0]
    array([0.25, 0.75])
    """
    n_classes = class_weight.shape[0]
    effective = class_weight * class_prior
    if isinstance(proba_prior, str) and proba_prior == "balanced":
        return normalise(effective)[0], np.zeros(n_classes)
    if isinstance(proba_prior, str):
        needed = class_weight
    else:
        needed = effective
        try:
            prior = np.asarray(proba_prior, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                "proba_prior must be 'balanced', 'train' or an array of one positive "
                f"number per class; got {proba_prior!r}."
            ) from exc
        if prior.shape != (n_classes,) or not (np.isfinite(prior) & (prior > 0)).all():
            raise ValueError(
                f"proba_prior must hold one positive finite number per class "
                f"({n_classes} classes, in classes_ order); got {prior.tolist()}."
            )
    if not (needed > 0).all():
        raise ValueError(
            f"proba_prior={proba_prior!r} needs every class to keep a positive weight "
            "in training, but class_weight and sample_weight give classes "
            f"{classes[needed <= 0].tolist()} a total weight of zero; use "
            "proba_prior='balanced'."
        )
    if isinstance(proba_prior, str):
        return class_prior.copy(), -np.log(class_weight)
    prior, log_prior = normalise(prior)
    return prior, log_prior - np.log(effective)


def normalise(values):
    """Finite values divided by their sum, and the logarithms of that.

    The values are first divided by the power of two that brings the largest
    into [0.5, 1), so that their sum neither overflows nor underflows whatever
    their scale (the division is exact for the shares that stay normal floats).
    A share too small for a normal float64 gets the logarithm of its value as
    given, less that of the sum: finite, where the share itself may round to 0.

    Parameters
    ----------
    values : ndarray of shape (n_values,)
        Non-negative finite numbers, at least one positive.

    Returns
    -------
    shares : ndarray of shape (n_values,)
        ``values / values.sum()``, computed without overflow.
    log_shares : ndarray of shape (n_values,)
        Their logarithms: finite for every positive value.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._class_weight import normalise
    >>> normalise(np.array([1e308, 0.75e308]))[0]
    array([0.57142857, 0.42857143])
    >>> shares, log_shares = normalise(np.array([1.0, 1.0, 5e-324]))
    >>> shares.tolist(), log_shares.round(2).tolist()
    ([0.5, 0.5, 0.0], [-0.69, -0.69, -745.13])
    """
    _, exponent = np.frexp(values.max())
    scaled = np.ldexp(values, -exponent)
    total = scaled.sum()
    shares = scaled / total
    normal = shares >= np.finfo(np.float64).tiny
    log_shares = np.log(np.where(normal, shares, 1.0))
    # Subnormal (or zero) shares: from the values as given, less log(2**e * total).
    log_total = exponent * np.log(2.0) + np.log(total)
    with np.errstate(divide="ignore"):  # log(0) is -inf
        log_shares[~normal] = np.log(values[~normal]) - log_total
    return shares, log_shares
