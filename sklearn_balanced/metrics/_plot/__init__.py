"""Displays: balanced accuracy against the threshold, per-class recall, training curves.

The classes follow scikit-learn's Display API: build them with ``from_estimator``,
``from_predictions`` (or ``from_cv_results``), or from precomputed values with the
constructor and :meth:`plot`. Each ``plot`` call stores the matplotlib artists it
draws as attributes ending in ``_`` and returns the display, so a display can be
drawn again on other axes. matplotlib is imported only when something is drawn.
"""
