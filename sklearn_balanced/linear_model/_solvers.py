"""Minimisers of smooth convex objectives: L-BFGS (scipy) and a damped Newton method.

:func:`choose_solver` picks one for a problem size, and :func:`gauge_projector`
makes the Hessian of the softmax loss invertible for the Newton method.

Both stop when the largest absolute gradient entry is at most ``tol`` (the
``gtol`` criterion of scikit-learn's ``lbfgs`` solver), call ``callback(w,
loss)`` after every iteration (a true return value stops them early), and
return a :class:`SolverResult`.
"""

from typing import NamedTuple

import numpy as np
from scipy import linalg, optimize

_ARMIJO = 1e-4
_MAX_HALVINGS = 40
STOPPED = "stopped early"
_NEWTON_MAX_PARAMS = 200
_NEWTON_SAMPLES_PER_PARAM = 10


class SolverResult(NamedTuple):
    """Outcome of a solver run.

    Attributes
    ----------
    w : ndarray of shape (n_params,)
        Last iterate.

    n_iter : int
        Number of iterations run.

    converged : bool
        Whether the gradient criterion was met.

    message : str
        Why the solver stopped.
    """

    w: np.ndarray
    n_iter: int
    converged: bool
    message: str


def _gradient_small(gradient, tol):
    return float(np.max(np.abs(gradient), initial=0.0)) <= tol


def minimize_lbfgs(loss_gradient, w0, *, tol, max_iter, callback):
    """Minimise with scipy's L-BFGS-B, using scikit-learn's ``lbfgs`` settings.

    Parameters
    ----------
    loss_gradient : callable
        ``loss_gradient(w) -> (loss, gradient)``.

    w0 : ndarray of shape (n_params,)
        Starting point.

    tol : float
        Stop when ``max(abs(gradient)) <= tol``.

    max_iter : int
        Maximum number of iterations.

    callback : callable
        ``callback(w, loss) -> bool`` called after each iteration; True stops.

    Returns
    -------
    result : SolverResult
        The last iterate and how the run ended.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._solvers import minimize_lbfgs
    >>> def f(w):
    ...     return float((w - 3.0) @ (w - 3.0)), 2.0 * (w - 3.0)
    >>> result = minimize_lbfgs(
    ...     f, np.zeros(2), tol=1e-8, max_iter=50, callback=lambda w, loss: False
    ... )
    >>> result.w.round(6).tolist(), result.converged
    ([3.0, 3.0], True)
    """
    stopped = []

    def scipy_callback(intermediate_result):
        if callback(intermediate_result.x, float(intermediate_result.fun)):
            stopped.append(True)
            raise StopIteration

    result = optimize.minimize(
        loss_gradient,
        w0,
        method="L-BFGS-B",
        jac=True,
        callback=scipy_callback,
        options={
            "maxiter": max_iter,
            "maxls": 50,
            "gtol": tol,
            "ftol": 64 * np.finfo(float).eps,
        },
    )
    if stopped:
        return SolverResult(result.x, int(result.nit), False, STOPPED)
    # L-BFGS-B stops at maxiter before testing the last iterate's gradient
    converged = result.status == 0 or _gradient_small(result.jac, tol)
    return SolverResult(result.x, int(result.nit), bool(converged), str(result.message))


def newton_direction(hessian, gradient, gauge):
    """Solve ``hessian @ d = -gradient``, the Newton step.

    Parameters
    ----------
    hessian : ndarray of shape (n_params, n_params)
        Symmetric positive semi-definite matrix.

    gradient : ndarray of shape (n_params,)
        Gradient, orthogonal to the null space of ``hessian`` spanned by
        ``gauge``.

    gauge : ndarray of shape (n_params, n_params) or None
        Orthogonal projector onto directions that leave the objective unchanged
        (the softmax invariance to adding one vector to every class row). It is
        added to the Hessian, which makes it non-singular without changing the
        step. None when there is no such direction.

    Returns
    -------
    direction : ndarray of shape (n_params,)
        The Newton step; the least-squares solution when the matrix is singular.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._solvers import newton_direction
    >>> newton_direction(np.diag([2.0, 4.0]), np.array([2.0, 2.0]), None).tolist()
    [-1.0, -0.5]
    """
    matrix = hessian if gauge is None else hessian + gauge
    try:
        factor = linalg.cho_factor(matrix, check_finite=False)
    except linalg.LinAlgError:
        return linalg.lstsq(matrix, -gradient, check_finite=False)[0]
    return linalg.cho_solve(factor, -gradient, check_finite=False)


def minimize_newton(
    loss, loss_gradient_hessian, w0, *, tol, max_iter, callback, gauge=None
):
    """Minimise with Newton steps and a backtracking (Armijo) line search.

    Parameters
    ----------
    loss : callable
        ``loss(w) -> float``, used by the line search.

    loss_gradient_hessian : callable
        ``loss_gradient_hessian(w) -> (loss, gradient, hessian)``.

    w0 : ndarray of shape (n_params,)
        Starting point.

    tol : float
        Stop when ``max(abs(gradient)) <= tol``.

    max_iter : int
        Maximum number of iterations.

    callback : callable
        ``callback(w, loss) -> bool`` called after each iteration; True stops.

    gauge : ndarray of shape (n_params, n_params) or None, default=None
        See :func:`newton_direction`.

    Returns
    -------
    result : SolverResult
        The last iterate and how the run ended.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._solvers import minimize_newton
    >>> def f(w):
    ...     return float(np.sum(np.exp(w) - w))
    >>> def fgh(w):
    ...     return f(w), np.exp(w) - 1.0, np.diag(np.exp(w))
    >>> result = minimize_newton(
    ...     f, fgh, np.ones(2), tol=1e-10, max_iter=50, callback=lambda w, v: False
    ... )
    >>> result.w.round(8).tolist(), result.converged
    ([0.0, 0.0], True)
    """
    w = np.array(w0, dtype=np.float64)
    value, gradient, hessian = loss_gradient_hessian(w)
    for n_iter in range(max_iter):
        if _gradient_small(gradient, tol):
            return SolverResult(w, n_iter, True, "gradient below tol")
        direction = newton_direction(hessian, gradient, gauge)
        slope = float(gradient @ direction)
        slack = 16 * np.finfo(float).eps * abs(value)
        step = 1.0
        candidate = w + direction
        new_value, new_gradient, new_hessian = loss_gradient_hessian(candidate)
        halvings = 0
        while not new_value <= value + _ARMIJO * step * slope + slack:
            halvings += 1
            if halvings > _MAX_HALVINGS:
                return SolverResult(w, n_iter, False, "line search failed")
            step *= 0.5
            candidate = w + step * direction
            new_value = loss(candidate)
        if halvings:
            new_value, new_gradient, new_hessian = loss_gradient_hessian(candidate)
        w, value, gradient, hessian = candidate, new_value, new_gradient, new_hessian
        if callback(w, value):
            return SolverResult(w, n_iter + 1, False, STOPPED)
    converged = _gradient_small(gradient, tol)
    message = "gradient below tol" if converged else "max_iter reached"
    return SolverResult(w, max_iter, converged, message)


def minimize_lbfgs_then_newton(
    loss,
    loss_gradient,
    loss_gradient_hessian,
    w0,
    *,
    tol,
    max_iter,
    callback,
    lbfgs_iter,
    gauge=None,
):
    """Run L-BFGS for a few iterations, then Newton steps if it has not converged.

    L-BFGS iterations are cheap and suffice on well-conditioned problems; on
    badly scaled or strongly correlated features it needs hundreds of them,
    while Newton steps converge in a handful. Iterations of both phases count
    towards ``max_iter`` and are all reported to ``callback``.

    Parameters
    ----------
    loss, loss_gradient, loss_gradient_hessian : callable
        The objective and its derivatives, as for :func:`minimize_lbfgs` and
        :func:`minimize_newton`.

    w0 : ndarray of shape (n_params,)
        Starting point.

    tol : float
        Stop when ``max(abs(gradient)) <= tol``.

    max_iter : int
        Maximum number of iterations of both phases together.

    callback : callable
        ``callback(w, loss) -> bool`` called after each iteration; True stops.

    lbfgs_iter : int
        Iterations of the L-BFGS phase.

    gauge : ndarray of shape (n_params, n_params) or None, default=None
        See :func:`newton_direction`.

    Returns
    -------
    result : SolverResult
        The last iterate and how the run ended; ``message`` names the phases
        run.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._solvers import minimize_lbfgs_then_newton
    >>> scale = np.array([1e-3, 1.0, 1e3])
    >>> def fgh(w):
    ...     r = w - 1.0
    ...     return float(scale @ r**2), 2 * scale * r, np.diag(2 * scale)
    >>> result = minimize_lbfgs_then_newton(
    ...     lambda w: fgh(w)[0], lambda w: fgh(w)[:2], fgh, np.zeros(3),
    ...     tol=1e-10, max_iter=100, callback=lambda w, v: False, lbfgs_iter=2,
    ... )
    >>> result.w.round(6).tolist(), result.converged, result.message
    ([1.0, 1.0, 1.0], True, 'lbfgs, then newton-cholesky: gradient below tol')
    """
    first = minimize_lbfgs(
        loss_gradient,
        w0,
        tol=tol,
        max_iter=min(lbfgs_iter, max_iter),
        callback=callback,
    )
    if first.converged or first.message == STOPPED or first.n_iter >= max_iter:
        return first
    second = minimize_newton(
        loss,
        loss_gradient_hessian,
        first.w,
        tol=tol,
        max_iter=max_iter - first.n_iter,
        callback=callback,
        gauge=gauge,
    )
    return SolverResult(
        second.w,
        first.n_iter + second.n_iter,
        second.converged,
        f"lbfgs, then newton-cholesky: {second.message}",
    )


def choose_solver(solver, n_samples, n_params):
    """Resolve ``solver="auto"`` for a problem size.

    Parameters
    ----------
    solver : {"auto", "lbfgs", "newton-cholesky"}
        Requested solver.

    n_samples : int
        Number of training samples.

    n_params : int
        Number of optimised parameters (coefficients and intercepts).

    Returns
    -------
    solver : {"lbfgs", "newton-cholesky", "lbfgs-then-newton"}
        For ``"auto"``: ``"lbfgs-then-newton"`` when the Hessian is small (at
        most 200 parameters) and there are at least ten samples per parameter,
        so a Newton step costs a few gradients; ``"lbfgs"`` otherwise.

    Examples
    --------
    >>> from sklearn_balanced.linear_model._solvers import choose_solver
    >>> choose_solver("auto", 10**6, 21), choose_solver("auto", 10**5, 10**4)
    ('lbfgs-then-newton', 'lbfgs')
    """
    if solver != "auto":
        return solver
    if (
        n_params <= _NEWTON_MAX_PARAMS
        and n_samples >= _NEWTON_SAMPLES_PER_PARAM * n_params
    ):
        return "lbfgs-then-newton"
    return "lbfgs"


def gauge_projector(n_outputs, width, n_features, penalised):
    """Projector onto the parameter directions the softmax loss cannot see.

    Adding one vector to every class row of the multinomial parameters leaves the
    probabilities unchanged. For the intercepts (and for the coefficients when
    they are not penalised) these directions are flat, which makes the Hessian
    singular; :func:`~sklearn_balanced.linear_model._solvers.newton_direction`
    adds this projector to it.

    Parameters
    ----------
    n_outputs : int
        Number of parameter rows; 1 (binary) has no such direction.

    width : int
        Parameters per row (features plus intercept).

    n_features : int
        Number of features.

    penalised : bool
        Whether the coefficients carry an L2 penalty (then only the intercept
        directions are flat).

    Returns
    -------
    projector : ndarray of shape (n_outputs * width, n_outputs * width) or None
        None when ``n_outputs == 1``.

    Examples
    --------
    >>> from sklearn_balanced.linear_model._solvers import gauge_projector
    >>> gauge_projector(2, 2, 1, True)
    array([[0. , 0. , 0. , 0. ],
           [0. , 0.5, 0. , 0.5],
           [0. , 0. , 0. , 0. ],
           [0. , 0.5, 0. , 0.5]])
    """
    if n_outputs == 1:
        return None
    flat = np.ones(width)
    if penalised:
        flat[:n_features] = 0.0
    return np.kron(np.full((n_outputs, n_outputs), 1.0 / n_outputs), np.diag(flat))
