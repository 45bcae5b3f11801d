"""Scores of a fitted classifier, as the decision rules and the Displays use them."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from sklearn_balanced.utils._encode import positive_label

RESPONSE_METHODS = ("predict_proba", "decision_function")


def resolve_response_method(estimator, response_method):
    """Name of the method giving the scores, checked against ``estimator``."""
    candidates = RESPONSE_METHODS if response_method == "auto" else [response_method]
    for name in candidates:
        if hasattr(estimator, name):
            return name
    raise ValueError(
        f"response_method={response_method!r} needs an estimator implementing "
        f"{' or '.join(candidates)}; {type(estimator).__name__} does not."
    )


def response_scores(estimator, X, response_method, n_classes):
    """Scores used by the decision rule.

    Binary: the positive-class (``classes_[1]``) score, shape (n_samples,).
    Multiclass: log-probabilities or decision values, shape (n_samples, n_classes).
    """
    raw = np.asarray(getattr(estimator, response_method)(X), dtype=np.float64)
    if response_method == "predict_proba":
        if n_classes == 2:
            scores = raw[:, 1]
        else:
            scores = np.log(np.clip(raw, np.finfo(np.float64).tiny, None))
    elif n_classes == 2:
        scores = raw.reshape(-1) if raw.ndim == 2 and raw.shape[1] == 1 else raw
    else:
        scores = raw
    expected = (raw.shape[0],) if n_classes == 2 else (raw.shape[0], n_classes)
    if scores.shape != expected:
        raise ValueError(
            f"{type(estimator).__name__}.{response_method} returned an array of "
            f"shape {raw.shape}; expected {expected} for {n_classes} classes "
            "(one-vs-one decision functions are not supported)."
        )
    if not np.isfinite(scores).all():
        raise ValueError(
            f"{type(estimator).__name__}.{response_method} returned NaN or infinite "
            "scores, which cannot be thresholded."
        )
    return scores


def binary_scores(estimator, X, response_method, pos_label, caller_name):
    """Scores of a fitted binary classifier for ``pos_label``, and their default cut.

    Returns ``(y_score, pos_label, default_threshold)``: the default threshold is
    0.5 for probabilities and 0.0 for decision values.
    """
    if response_method not in ("auto", *RESPONSE_METHODS):
        raise ValueError(
            "response_method must be one of "
            f"{('auto', *RESPONSE_METHODS)}; got {response_method!r}."
        )
    check_is_fitted(estimator)
    classes = np.asarray(estimator.classes_)
    if classes.shape[0] != 2:
        raise ValueError(
            f"{caller_name} needs a binary classifier; estimator.classes_ has "
            f"{classes.shape[0]} classes."
        )
    pos_label = positive_label(classes, classes[1] if pos_label is None else pos_label)
    method = resolve_response_method(estimator, response_method)
    scores = response_scores(estimator, X, method, n_classes=2)
    is_probability = method == "predict_proba"
    if pos_label == classes[0]:
        scores = 1.0 - scores if is_probability else -scores
    return scores, pos_label, 0.5 if is_probability else 0.0
