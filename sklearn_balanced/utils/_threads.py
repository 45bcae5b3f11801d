"""Threads for the NumPy work that releases the GIL (the lattice laws)."""

import os
from concurrent.futures import ThreadPoolExecutor

#: Most threads used without being asked, so that a shared machine stays usable.
MAX_THREADS = 4


def n_threads():
    """The threads for work split in independent parts: the CPUs this process
    may use, at most ``MAX_THREADS`` and at most ``OMP_NUM_THREADS`` when set.

    Examples
    --------
    >>> from sklearn_balanced.utils._threads import MAX_THREADS, n_threads
    >>> 1 <= n_threads() <= MAX_THREADS
    True
    """
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    limit = os.environ.get("OMP_NUM_THREADS", "")
    if limit.strip().isdigit() and int(limit) > 0:
        available = min(available, int(limit))
    return max(1, min(available, MAX_THREADS))


def run_parts(function, parts):
    """``function(part)`` for every part, in threads when there are several.

    The parts must be independent (each writes its own output); the results
    come back in order, and an exception in any part is raised here.

    Examples
    --------
    >>> from sklearn_balanced.utils._threads import run_parts
    >>> run_parts(lambda x: x * x, [1, 2, 3])
    [1, 4, 9]
    """
    threads = min(n_threads(), len(parts))
    if threads <= 1:
        return [function(part) for part in parts]
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(function, parts))
