"""Validation and array-namespace helpers shared by the estimators and metrics."""
