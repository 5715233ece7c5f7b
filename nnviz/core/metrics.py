"""Classification metrics on integer labels."""

import numpy as np


def accuracy(y_true, y_pred):
    """Share of predictions equal to the labels."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float(np.mean(y_true == y_pred)) if len(y_true) else 0.0


def confusion_matrix(y_true, y_pred, n_classes):
    """C[i, j] = number of samples of true class i predicted as class j."""
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)), 1)
    return C


def per_class_accuracy(confusion):
    """Recall of each class from a confusion matrix (NaN for a class with no samples)."""
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(confusion) / np.maximum(totals, 1), np.nan)


def mean_std(values):
    """(mean, sample standard deviation with n − 1 in the denominator) of a few runs' results.

    One value has no spread to estimate: its std is reported as 0.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        raise ValueError("values: need at least one result")
    return float(values.mean()), float(values.std(ddof=1)) if values.size > 1 else 0.0
