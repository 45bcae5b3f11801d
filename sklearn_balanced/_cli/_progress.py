"""Progress of a report's passes over its files, on stderr.

Files read on this machine show the rows read: with ``tqdm`` where it is
installed, otherwise as one plain line redrawn now and then. Passes on a Dask
cluster show Dask's own progress bar (:func:`distributed.progress`).
"""

import contextlib
import math
import sys
import time


class Progress:
    """The progress of the passes over the files, on stderr.

    Parameters
    ----------
    enabled : bool
        Whether to display anything (for instance: stderr is a terminal and
        ``--quiet`` was not given).
    stream : file, default=None
        Where to write; None means ``sys.stderr``.
    interval : float, default=0.2
        Seconds between two updates of the display (the plain line, tqdm's
        and Dask's).
    clock : callable, default=time.monotonic
        Returns the time in seconds, for the plain line drawn without
        ``tqdm``; only differences of its values matter.
    """

    def __init__(self, *, enabled, stream=None, interval=0.2, clock=time.monotonic):
        self.enabled = enabled
        self.stream = sys.stderr if stream is None else stream
        self.interval = interval
        self.clock = clock
        self._stage, self._rows, self._shown, self._bar = "", 0, -math.inf, None

    def start(self, stage):
        """Begin a pass over the files: its first rows read are drawn at once."""
        self._stage, self._rows, self._shown = stage, 0, -math.inf
        if self.enabled:
            self._bar = _tqdm_bar(stage, self.stream, self.interval)

    def advance(self, rows):
        """Add ``rows`` rows read, and redraw the display now and then."""
        self._rows += rows
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(rows)
            return
        now = self.clock()
        if now - self._shown >= self.interval:
            self._shown = now
            self._draw()

    def finish(self):
        """End the pass: draw its final count and move to the next line."""
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            return
        self._draw()
        self.stream.write("\n")
        self.stream.flush()

    def compute(self, collection, stage):
        """The value of a Dask collection, with Dask's progress bar when enabled.

        Parameters
        ----------
        collection : Dask collection
            Computed by the active ``distributed`` client when the display is
            enabled, otherwise by the current Dask scheduler.
        stage : str
            The pass, written on its own line above the bar.

        Returns
        -------
        value : object
            ``collection.compute()``.
        """
        if not self.enabled:
            return collection.compute()
        import distributed

        future = distributed.default_client().compute(collection)
        self.stream.write(f"{stage}:\n")
        # distributed's console bar writes to sys.stdout, which holds the report.
        with contextlib.redirect_stdout(self.stream):
            distributed.progress(future, notebook=False, interval=self.interval)
        self.stream.flush()
        return future.result()

    def _draw(self):
        self.stream.write(f"\r{self._stage}: {self._rows:,} rows")
        self.stream.flush()


def _tqdm_bar(stage, stream, interval):
    """A ``tqdm`` counter of the rows read, or None where tqdm is not installed."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(
        desc=stage,
        unit=" rows",
        unit_scale=True,
        # the rows exactly, as the plain line counts them; the rate scaled
        bar_format="{desc}: {n:,} rows [{elapsed}, {rate_fmt}]",
        file=stream,
        mininterval=interval,
    )
