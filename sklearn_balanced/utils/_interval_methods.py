"""The names of the interval methods, in a module light enough for the command line.

The methods themselves are in :mod:`sklearn_balanced.metrics._interval`, which
imports SciPy and scikit-learn; the parser of ``sklearn-balanced compare`` lists
its choices from here without importing them.
"""

#: Ways to compute the interval of a balanced accuracy or of a difference of two.
METHODS = ("posterior", "bootstrap", "bootstrap-percentile")
