"""Balanced accuracy on PyTorch tensors: ours vs scikit-learn, torchmetrics, bincount.

Times, on the same tensors and in the same run (median of repeats, synchronised):

- scikit-learn's ``balanced_accuracy_score`` with ``array_api_dispatch=True``;
- torchmetrics' ``multiclass_accuracy(average="macro")`` (when installed);
- a ``torch.bincount`` one-liner (the floor: one count of ``true * K + pred``);
- ours, with ``array_api_dispatch=True``.

It runs on CUDA when a GPU is visible, else on the CPU (then it only shows that
the Array API path works; the goals are about the GPU). Needs ``torch``; run with
``SCIPY_ARRAY_API=1`` (scikit-learn's Array API dispatch requires it)::

    SCIPY_ARRAY_API=1 python benchmarks/bench_metric_gpu.py [--device cuda] [--quick]
"""

import argparse
import os
import time

os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np
import sklearn
from sklearn.metrics import balanced_accuracy_score as sklearn_score

from sklearn_balanced import balanced_accuracy_score as our_score


def timed(func, synchronize, repeats):
    """Median seconds of ``func()`` after a warm-up call."""
    func()
    synchronize()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        synchronize()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def bincount_one_liner(torch, y_true, y_pred, n_classes):
    """Balanced accuracy from a single ``torch.bincount`` (labels 0..K-1 assumed)."""
    table = torch.bincount(y_true * n_classes + y_pred, minlength=n_classes**2)
    table = table.reshape(n_classes, n_classes)
    return float((table.diagonal() / table.sum(dim=1)).mean())


def bench_case(torch, y_true, y_pred, n_classes, synchronize, multiclass_accuracy):
    """Time every method on one pair of label tensors; return (name, seconds) rows."""
    repeats = 20 if y_true.shape[0] <= 1_000_000 else 10
    methods = {
        "bincount one-liner": lambda: bincount_one_liner(
            torch, y_true, y_pred, n_classes
        ),
    }
    if multiclass_accuracy is not None:
        methods["torchmetrics macro acc"] = lambda: float(
            multiclass_accuracy(y_pred, y_true, num_classes=n_classes, average="macro")
        )
    with sklearn.config_context(array_api_dispatch=True):
        ours = our_score(y_true, y_pred)
        reference = sklearn_score(y_true, y_pred)
        # scikit-learn divides integer tensors, which PyTorch does in float32.
        if abs(ours - reference) > 1e-6:
            raise AssertionError(f"results differ: {ours} != {reference}")
        rows = [
            (
                "scikit-learn array API",
                timed(
                    lambda: sklearn_score(y_true, y_pred),
                    synchronize,
                    max(repeats // 4, 3),
                ),
            ),
            (
                "sklearn-balanced",
                timed(lambda: our_score(y_true, y_pred), synchronize, repeats),
            ),
        ]
    rows += [(name, timed(f, synchronize, repeats)) for name, f in methods.items()]
    return rows


def main():
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_device = "cuda" if torch.cuda.is_available() else "cpu"
    parser.add_argument("--device", default=default_device)
    parser.add_argument("--quick", action="store_true", help="n = 1e6 only")
    args = parser.parse_args()
    device = torch.device(args.device)
    synchronize = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    try:
        from torchmetrics.functional.classification import multiclass_accuracy
    except ImportError:
        multiclass_accuracy = None
    print(
        f"device {device}, torch {torch.__version__}, "
        f"scikit-learn {sklearn.__version__}"
        + ("" if multiclass_accuracy else ", torchmetrics not installed")
    )
    generator = torch.Generator(device="cpu").manual_seed(0)
    header = f"{'n':>9} {'K':>4} {'method':>24} {'time':>11} {'ratio to ours':>14}"
    print(header)
    print("-" * len(header))
    for n in [1_000_000] + ([] if args.quick else [10_000_000]):
        for n_classes in (2, 10):
            y_true = torch.randint(0, n_classes, (n,), generator=generator)
            flip = torch.rand(n, generator=generator) < 0.2
            noise = torch.randint(0, n_classes, (n,), generator=generator)
            y_pred = torch.where(flip, noise, y_true)
            rows = bench_case(
                torch,
                y_true.to(device),
                y_pred.to(device),
                n_classes,
                synchronize,
                multiclass_accuracy,
            )
            ours = dict(rows)["sklearn-balanced"]
            for name, seconds in rows:
                print(
                    f"{n:>9.0e} {n_classes:>4} {name:>24} {seconds * 1e3:>8.2f} ms "
                    f"{seconds / ours:>13.2f}x"
                )


if __name__ == "__main__":
    main()
