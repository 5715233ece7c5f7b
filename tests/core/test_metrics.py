"""Accuracy and the confusion matrix on hand-made labels."""

import numpy as np

from nnviz.core import accuracy, confusion_matrix, per_class_accuracy


def test_confusion_matrix_counts_true_rows_predicted_columns():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 2, 0, 2]
    C = confusion_matrix(y_true, y_pred, 3)
    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    np.testing.assert_allclose(per_class_accuracy(C), [0.5, 1.0, 2 / 3])
    assert accuracy(y_true, y_pred) == 4 / 6


def test_class_without_samples_has_nan_accuracy():
    C = confusion_matrix([0, 0], [0, 1], 3)
    acc = per_class_accuracy(C)
    assert acc[0] == 0.5 and np.isnan(acc[2])
