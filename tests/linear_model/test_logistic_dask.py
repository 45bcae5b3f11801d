"""BalancedLogisticRegression on Dask collections: the in-memory optimum, block-wise."""

import math
import tracemalloc
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_balanced import BalancedLogisticRegression, balanced_accuracy_score
from sklearn_balanced.linear_model._partitioned import validation_rows

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")

TIGHT = {"tol": 1e-10, "max_iter": 10_000}


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of two single-threaded workers, shared by the module."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as local_cluster:
        yield local_cluster


@pytest.fixture
def client(cluster):
    """A client of the shared cluster, the active scheduler during one test."""
    distributed = pytest.importorskip("distributed")
    with distributed.Client(cluster) as active:
        yield active


def _problem(seed, n_samples, n_features, n_classes, weighted):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    scores = X @ rng.standard_normal((n_features, n_classes))
    scores[:, 0] += 2.0  # the first class is the majority
    y = np.argmax(scores + rng.gumbel(size=scores.shape), axis=1)
    y[:n_classes] = np.arange(n_classes)
    sample_weight = rng.uniform(0.1, 2.0, n_samples) if weighted else None
    return X, y, sample_weight


def _chunked(chunk, *arrays):
    return [
        None if a is None else da.from_array(a, chunks=(chunk, *a.shape[1:]))
        for a in arrays
    ]


def _assert_same_fit(got, expected, rtol=1e-6):
    assert_array_equal(got.classes_, expected.classes_)
    assert_allclose(got.coef_, expected.coef_, rtol=rtol, atol=1e-9)
    assert_allclose(got.intercept_, expected.intercept_, rtol=rtol, atol=1e-9)
    assert_allclose(got.class_weight_, expected.class_weight_, rtol=1e-12)
    assert_allclose(got.class_prior_, expected.class_prior_, rtol=1e-12)
    assert_allclose(got.proba_offset_, expected.proba_offset_, atol=1e-12)
    assert got.solver_ == expected.solver_
    assert got.coef_.dtype == expected.coef_.dtype


@settings(derandomize=True, deadline=None, max_examples=20)
@given(
    seed=st.integers(0, 2**16),
    n_samples=st.integers(40, 150),
    chunk=st.integers(9, 60),
    n_classes=st.sampled_from([2, 3]),
    weighted=st.booleans(),
    solver=st.sampled_from(["auto", "lbfgs", "newton-cholesky"]),
    class_weight=st.sampled_from(["balanced", None, {1: 3.0}]),
)
def test_same_coefficients_as_in_memory(
    seed, n_samples, chunk, n_classes, weighted, solver, class_weight
):
    X, y, sample_weight = _problem(seed, n_samples, 3, n_classes, weighted)
    params = {"solver": solver, "class_weight": class_weight, **TIGHT}
    expected = BalancedLogisticRegression(**params).fit(X, y, sample_weight)
    got = BalancedLogisticRegression(**params).fit(
        *_chunked(chunk, X, y, sample_weight)
    )
    _assert_same_fit(got, expected)
    assert_allclose(got.loss_curve_[-1], expected.loss_curve_[-1], rtol=1e-12)


def test_same_coefficients_on_two_million_rows():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2_000_000, 20))
    y = (X @ rng.standard_normal(20) + rng.logistic(size=X.shape[0]) > 4).astype(int)
    expected = BalancedLogisticRegression(**TIGHT).fit(X, y)
    got = BalancedLogisticRegression(**TIGHT).fit(*_chunked(250_000, X, y))
    _assert_same_fit(got, expected)


def test_fit_and_predict_on_a_distributed_cluster(client):
    X, y, sample_weight = _problem(1, 2000, 4, 3, weighted=True)
    expected = BalancedLogisticRegression(**TIGHT).fit(X, y, sample_weight)
    X_dask, y_dask, weight_dask = _chunked(300, X, y, sample_weight)
    got = BalancedLogisticRegression(**TIGHT).fit(X_dask, y_dask, weight_dask)
    _assert_same_fit(got, expected)
    proba = got.predict_proba(X_dask)
    assert isinstance(proba, da.Array)
    assert_allclose(proba.compute(), expected.predict_proba(X), atol=1e-8)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_predictions_are_dask_arrays_block_by_block(n_classes):
    X, y, _ = _problem(2, 500, 3, n_classes, weighted=False)
    fitted = BalancedLogisticRegression().fit(X, y)
    X_dask = da.from_array(X, chunks=(120, 3))
    for method in (
        "decision_function",
        "predict",
        "predict_proba",
        "predict_log_proba",
    ):
        expected = getattr(fitted, method)(X)
        got = getattr(fitted, method)(X_dask)
        assert isinstance(got, da.Array)
        assert got.chunks[0] == X_dask.chunks[0]
        assert got.shape == expected.shape
        assert got.dtype == expected.dtype
        computed = got.compute()
        assert type(computed) is np.ndarray
        assert_allclose(computed, expected, rtol=1e-12)


def test_numpy_predictions_stay_numpy():
    X, y, _ = _problem(3, 200, 3, 2, weighted=False)
    fitted = BalancedLogisticRegression().fit(*_chunked(50, X, y))
    assert type(fitted.predict_proba(X)) is np.ndarray
    assert type(fitted.predict(X)) is np.ndarray


def test_data_frames_keep_feature_names():
    X, y, _ = _problem(4, 400, 3, 2, weighted=False)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    expected = BalancedLogisticRegression(**TIGHT).fit(frame, y)
    X_frame = dd.from_pandas(frame, npartitions=3)
    y_series = dd.from_pandas(pd.Series(y, name="label"), npartitions=3)
    got = BalancedLogisticRegression(**TIGHT).fit(X_frame, y_series)
    _assert_same_fit(got, expected)
    assert_array_equal(got.feature_names_in_, ["a", "b", "c"])
    predicted = got.predict(X_frame)
    assert isinstance(predicted, da.Array)
    assert_array_equal(predicted.compute(), expected.predict(frame))
    with pytest.raises(ValueError, match="feature names"):
        got.predict(X_frame[["c", "b", "a"]])


def _float32_excess(model, X, y, sample_weight, optimum):
    """Objective excess of a float32 fit over the float64 optimum, and its bound.

    Evaluated in float64 on the same (float32-exact) data. A solver working in
    float32 can only tell objective values apart down to the rounding of a
    float32 evaluation: about ``eps32 * (dot length + log2 n)`` times the sum of
    the absolute terms. A fit inside that bound is as good as float32 allows;
    a wrong gradient or a lost partition costs orders of magnitude more.
    """
    X_one = np.hstack([X.astype(np.float64), np.ones((X.shape[0], 1))])
    weight = sample_weight * optimum.class_weight_[y]
    share = weight / weight.sum()
    alpha = 1.0 / weight.sum()  # C = 1

    def objective(model):
        params = np.r_[model.coef_.ravel(), model.intercept_].astype(np.float64)
        raw = X_one @ params
        terms = share * (np.logaddexp(0.0, raw) - (y == 1) * raw)
        coef = params[:-1]
        return terms.sum() + alpha / 2 * coef @ coef, np.abs(terms).sum()

    best, magnitude = objective(optimum)
    rounds = X_one.shape[1] + math.ceil(math.log2(X.shape[0]))
    bound = rounds * np.finfo(np.float32).eps * magnitude
    return objective(model)[0] - best, bound


def test_mixed_numpy_and_dask_inputs_and_float32():
    X, y, sample_weight = _problem(5, 300, 3, 2, weighted=True)
    X32 = X.astype(np.float32)
    optimum = BalancedLogisticRegression(**TIGHT).fit(
        X32.astype(np.float64), y, sample_weight
    )
    fits = {
        "numpy": BalancedLogisticRegression(**TIGHT).fit(X32, y, sample_weight),
        "dask X": BalancedLogisticRegression(**TIGHT).fit(
            da.from_array(X32, chunks=(70, 3)), y, sample_weight
        ),
        "dask y": BalancedLogisticRegression(**TIGHT).fit(
            X32, da.from_array(y, chunks=70), sample_weight
        ),
    }
    for name, fit in fits.items():
        excess, bound = _float32_excess(fit, X32, y, sample_weight, optimum)
        assert excess <= bound, name
        assert fit.coef_.dtype == np.float32, name
        assert_allclose(fit.class_weight_, optimum.class_weight_, rtol=1e-12)
    proba = fits["dask X"].predict_proba(da.from_array(X32, chunks=(70, 3)))
    assert proba.dtype == np.float32


def test_one_column_frames():
    X, y, _ = _problem(12, 300, 1, 2, weighted=False)
    frame = dd.from_pandas(pd.DataFrame({"x": X[:, 0], "label": y}), npartitions=3)
    expected = BalancedLogisticRegression(**TIGHT).fit(X, y)
    got = BalancedLogisticRegression(**TIGHT).fit(frame[["x"]], frame[["label"]])
    _assert_same_fit(got, expected)
    assert got.coef_.shape == (1, 1)


def test_empty_partition():
    X, y, _ = _problem(6, 100, 3, 2, weighted=False)
    X_dask = da.from_array(X, chunks=((40, 0, 60), (3,)))
    expected = BalancedLogisticRegression(**TIGHT).fit(X, y)
    got = BalancedLogisticRegression(**TIGHT).fit(X_dask, da.from_array(y, chunks=20))
    _assert_same_fit(got, expected)
    stopped = BalancedLogisticRegression(early_stopping=True, random_state=0)
    assert stopped.fit(X_dask, y).validation_scores_


def test_early_stopping_on_a_dask_validation_part():
    X, y, sample_weight = _problem(7, 3000, 4, 2, weighted=True)
    X_dask, y_dask, weight_dask = _chunked(400, X, y, sample_weight)
    params = {"solver": "lbfgs", "validation_fraction": 0.25, "n_iter_no_change": 2}
    got = BalancedLogisticRegression(early_stopping=True, random_state=0, **params).fit(
        X_dask, y_dask, weight_dask
    )
    held_out = validation_rows(X_dask.chunks[0], 0.25, 0).compute()
    train = ~held_out
    expected = BalancedLogisticRegression(**params).fit(
        X[train], y[train], sample_weight[train]
    )
    n_iter = len(got.loss_curve_)
    assert 1 <= got.best_iteration_ <= n_iter == len(got.validation_scores_)
    assert_allclose(got.loss_curve_, expected.loss_curve_[:n_iter], rtol=1e-9)
    assert_allclose(got.class_weight_, expected.class_weight_, rtol=1e-12)
    best = balanced_accuracy_score(
        y[held_out], got.predict(X[held_out]), sample_weight=sample_weight[held_out]
    )
    assert got.validation_scores_[got.best_iteration_ - 1] == pytest.approx(best)
    assert (
        max(got.validation_scores_) == got.validation_scores_[got.best_iteration_ - 1]
    )


def test_client_memory_does_not_grow_with_the_rows():
    rng = da.random.default_rng(0)
    n_samples, n_features = 800_000, 5
    X = rng.standard_normal((n_samples, n_features), chunks=(20_000, n_features))
    y = (X[:, 0] + rng.standard_normal(n_samples, chunks=20_000) > 2).astype(int)
    X, y = X.persist(), y.persist()
    for solver in ("lbfgs", "newton-cholesky"):
        clf = BalancedLogisticRegression(solver=solver, max_iter=3)
        tracemalloc.start()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        # the data take 32 MB; the fit holds a few blocks (0.8 MB each) at a time
        assert peak < 8e6


def test_columns_chunks_are_an_error():
    X, y, _ = _problem(8, 100, 4, 2, weighted=False)
    with pytest.raises(ValueError, match=r"chunked along its columns.*rechunk"):
        BalancedLogisticRegression().fit(da.from_array(X, chunks=(50, 2)), y)


@pytest.mark.parametrize(
    ("make_y", "message"),
    [
        (lambda y: da.from_array(y[:-1], chunks=30), "inconsistent numbers of samples"),
        (lambda y: da.from_array(np.c_[y, y], chunks=30), "1d array"),
        (lambda y: da.from_array(y + 0.5, chunks=30), "Unknown label type"),
        (lambda y: da.zeros_like(da.from_array(y, chunks=30)), "at least 2 classes"),
    ],
)
def test_bad_labels_are_errors(make_y, message):
    X, y, _ = _problem(9, 100, 3, 2, weighted=False)
    with pytest.raises(ValueError, match=message):
        BalancedLogisticRegression().fit(da.from_array(X, chunks=(30, 3)), make_y(y))


def test_bad_samples_are_errors():
    X, y, _ = _problem(10, 100, 3, 2, weighted=False)
    frame = dd.from_pandas(pd.DataFrame(X), npartitions=2)
    with pytest.raises(ValueError, match="unknown chunk sizes"):
        BalancedLogisticRegression().fit(frame.values, y)
    with pytest.raises(ValueError, match="non-negative"):
        BalancedLogisticRegression().fit(*_chunked(30, X, y, -np.ones(100)))
    X[57, 1] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        BalancedLogisticRegression().fit(*_chunked(30, X, y))


def test_no_validation_row_is_an_error():
    X, y, _ = _problem(11, 20, 3, 2, weighted=False)
    clf = BalancedLogisticRegression(
        early_stopping=True, validation_fraction=0.001, random_state=0
    )
    with pytest.raises(ValueError, match="held out no validation rows"):
        clf.fit(*_chunked(10, X, y))


def _filtered_frame(X, y):
    """A Dask frame of X and y whose second of four partitions has no rows."""
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    frame["label"] = y
    lazy = dd.from_pandas(frame, npartitions=4)
    rows = X.shape[0] // 4
    filtered = lazy[
        (lazy["label"] >= 0) & ((lazy.index < rows) | (lazy.index >= 2 * rows))
    ]
    assert filtered.map_partitions(len).compute().tolist()[1] == 0
    kept = np.r_[0:rows, 2 * rows : X.shape[0]]
    return filtered, kept


def test_predictions_of_data_frames_with_an_empty_partition():
    X, y, _ = _problem(13, 200, 3, 3, weighted=False)
    filtered, kept = _filtered_frame(X, y)
    features = filtered[["x0", "x1", "x2"]]
    expected = BalancedLogisticRegression(**TIGHT).fit(X[kept], y[kept])
    got = BalancedLogisticRegression(**TIGHT).fit(features, filtered["label"])
    _assert_same_fit(got, expected)
    for method in ("decision_function", "predict", "predict_proba"):
        assert_allclose(
            getattr(got, method)(features).compute(),
            getattr(expected, method)(X[kept]),
            rtol=1e-12,
            atol=1e-12,
            err_msg=method,
        )


def _nullable_frame(X, y, missing):
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).astype("Float64")
    labels = pd.Series(y, dtype="Int64")
    if missing == "X":
        frame.loc[57, "b"] = pd.NA
    elif missing == "y":
        labels[57] = pd.NA
    return frame, labels


def _fit_outcome(X, y):
    try:
        return BalancedLogisticRegression(**TIGHT).fit(X, y)
    except ValueError as error:
        return str(error)


@pytest.mark.parametrize("missing", [None, "X", "y"])
def test_nullable_dtypes_fit_and_predict_as_pandas(missing):
    X, y, _ = _problem(14, 80, 3, 2, weighted=False)
    frame, labels = _nullable_frame(X, y, missing)
    expected = _fit_outcome(frame, labels)
    lazy_frame = dd.from_pandas(frame, npartitions=4)
    got = _fit_outcome(lazy_frame, dd.from_pandas(labels, npartitions=4))
    if isinstance(expected, str):
        assert isinstance(got, str)
        # The same first line ("Input X contains NaN."); pandas' adds advice.
        assert got.splitlines()[0] == expected.splitlines()[0]
        return
    _assert_same_fit(got, expected)
    assert_array_equal(got.predict(lazy_frame).compute(), expected.predict(frame))
    with_missing, _ = _nullable_frame(X, y, "X")
    with pytest.raises(ValueError, match="Input X contains NaN"):
        expected.predict(with_missing)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        got.predict(dd.from_pandas(with_missing, npartitions=4)).compute()


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("sparse_format", ["csr", "csc", "coo"])
def test_sparse_blocks_give_the_dense_fit(sparse_format, early_stopping):
    scipy_sparse = pytest.importorskip("scipy.sparse")
    X, y, _ = _problem(15, 120, 4, 2, weighted=False)
    X[np.abs(X) < 0.7] = 0.0
    params = {**TIGHT, "early_stopping": early_stopping, "random_state": 0}
    dense_X, dense_y = _chunked(30, X, y)
    expected = BalancedLogisticRegression(**params).fit(dense_X, dense_y)
    sparse_X = dense_X.map_blocks(
        lambda block: scipy_sparse.coo_matrix(block).asformat(sparse_format)
    )
    got = BalancedLogisticRegression(**params).fit(sparse_X, dense_y)
    _assert_same_fit(got, expected, rtol=1e-10)
    assert_allclose(
        got.predict_proba(sparse_X).compute(),
        expected.predict_proba(X),
        rtol=1e-12,
        atol=1e-12,
    )


def test_zero_dimensional_dask_arrays_give_the_numpy_error():
    model = BalancedLogisticRegression().fit(*_problem(16, 30, 1, 2, False)[:2])
    scalar = np.array(1.0)
    for call in (lambda X: BalancedLogisticRegression().fit(X, [1]), model.predict):
        with pytest.raises(ValueError, match="Expected 2D array") as expected:
            call(scalar)
        with pytest.raises(ValueError, match="Expected 2D array") as got:
            call(da.from_array(scalar))
        assert str(got.value) == str(expected.value)
