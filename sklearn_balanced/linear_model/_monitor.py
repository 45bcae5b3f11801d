"""Per-iteration bookkeeping of a solver run: loss curve and early stopping."""

import numpy as np


class TrainingMonitor:
    """Record the objective after every iteration and stop on a validation plateau.

    An instance is the ``callback(w, loss)`` of the solvers in
    :mod:`sklearn_balanced.linear_model._solvers`.

    Parameters
    ----------
    validation_score : callable or None
        ``validation_score(w) -> float`` (higher is better), evaluated after
        every iteration; None disables early stopping.

    n_iter_no_change : int
        Stop after this many consecutive iterations without a strictly better
        validation score than the best so far.

    verbose : int
        Print one line per iteration when positive.

    Attributes
    ----------
    loss_curve : list of float
        Objective after each iteration.

    validation_scores : list of float
        Validation score after each iteration (empty without validation).

    best_score : float or None
        Best validation score so far.

    best_iteration : int or None
        1-based iteration with the best validation score.

    best_w : ndarray or None
        Parameters at ``best_iteration``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._monitor import TrainingMonitor
    >>> scores = iter([0.5, 0.7, 0.6, 0.6])
    >>> monitor = TrainingMonitor(lambda w: next(scores), 2, 0)
    >>> [monitor(np.array([float(i)]), 1.0 / (i + 1)) for i in range(4)]
    [False, False, False, True]
    >>> monitor.best_iteration, monitor.best_w.tolist()
    (2, [1.0])
    """

    def __init__(self, validation_score, n_iter_no_change, verbose):
        self.validation_score = validation_score
        self.n_iter_no_change = n_iter_no_change
        self.verbose = verbose
        self.loss_curve = []
        self.validation_scores = []
        self.best_score = None
        self.best_iteration = None
        self.best_w = None

    def __call__(self, w, loss):
        """Record one iteration; return True when training should stop.

        Parameters
        ----------
        w : ndarray of shape (n_params,)
            Parameters after the iteration.

        loss : float
            Objective value at ``w``.

        Returns
        -------
        stop : bool
            Whether ``n_iter_no_change`` iterations passed without improvement.
        """
        self.loss_curve.append(float(loss))
        iteration = len(self.loss_curve)
        stop = False
        if self.validation_score is not None:
            score = float(self.validation_score(w))
            self.validation_scores.append(score)
            if self.best_w is None or score > self.best_score:
                self.best_score = score
                self.best_iteration = iteration
                self.best_w = np.array(w, copy=True)
            stop = iteration - self.best_iteration >= self.n_iter_no_change
        if self.verbose > 0:
            print(self._progress(iteration, loss))
        return stop

    def _progress(self, iteration, loss):
        message = f"Iteration {iteration}, loss = {loss:.8g}"
        if self.validation_scores:
            message += (
                f", validation balanced accuracy = {self.validation_scores[-1]:.6f}"
            )
        return message
