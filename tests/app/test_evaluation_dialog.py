"""EvaluationDialog reports the core's own metrics of the test set, in text and in the confusion heatmap."""

import re

import numpy as np
import pytest

from nnviz.app.diagnostics.evaluation_dialog import EvaluationDialog
from nnviz.core import Network, TrainConfig, TrainData, confusion_matrix, train
from nnviz.data import Dataset, load_dataset


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits8x8")


@pytest.fixture(scope="module")
def net(digits):
    net = Network([64, 16, 10], seed=0)
    for _ in train(net, TrainData(digits.X_train, digits.y_train), TrainConfig(epochs=1, learning_rate=0.05)):
        pass
    return net


@pytest.fixture
def dialog(qtbot, net, digits):
    widget = EvaluationDialog(net, digits)
    qtbot.addWidget(widget)
    return widget


def test_confusion_is_the_cores_confusion_of_the_predictions(dialog, net, digits):
    expected = confusion_matrix(digits.y_test, net.predict(digits.X_test), 10)
    np.testing.assert_array_equal(dialog.confusion, expected)
    assert dialog.confusion.sum() == len(digits.y_test)


def test_the_accuracy_shown_is_the_diagonal_share(dialog, digits):
    C = dialog.confusion
    assert dialog.accuracy == pytest.approx(np.trace(C) / C.sum())
    text = dialog.summary_label.text()
    assert f"{100 * np.trace(C) / C.sum():.2f} %" in text
    assert re.search(rf"\b{np.trace(C)} of {C.sum()}\b", text)


def test_cells_show_counts_diagonal_coloured_by_share_mistakes_by_log_count(dialog):
    C = dialog.confusion
    assert len(dialog.cell_texts) == C.size
    for (i, j), text in dialog.cell_texts.items():
        assert text.textItem.toPlainText() == str(C[i, j])
        assert (text.pos().x(), text.pos().y()) == (j, i)          # x: predicted, y: true
    diagonal = np.eye(len(C), dtype=bool)
    shares = C / C.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(dialog.confusion_view.diagonal.image[diagonal], shares[diagonal])
    np.testing.assert_allclose(dialog.heatmap.image[~diagonal], np.log10(1 + C[~diagonal]))
    assert np.isnan(dialog.heatmap.image[diagonal]).all()
    assert np.isnan(dialog.confusion_view.diagonal.image[~diagonal]).all()
    assert dialog.heatmap_plot.getAxis("left").labelText == "true"
    assert dialog.heatmap_plot.getAxis("bottom").labelText == "predicted"


def test_table_lists_per_class_accuracy(dialog):
    C = dialog.confusion
    for c in range(10):
        assert dialog.table.item(c, 1).text() == str(C[c].sum())
        assert dialog.table.item(c, 2).text() == str(C[c, c])
        assert dialog.table.item(c, 3).text() == f"{100 * C[c, c] / C[c].sum():.1f} %"


def test_a_class_without_test_samples_is_marked_not_failed(qtbot):
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]], dtype=np.float32)
    y = np.array([0, 1, 0])
    data = Dataset("tiny", X, y, X, y, 3, None, ("a", "b", "c"))
    dialog = EvaluationDialog(Network([2, 4, 3], seed=0), data)
    qtbot.addWidget(dialog)
    assert dialog.table.item(2, 3).text() == "–"
    assert np.isnan(dialog.per_class[2])
    assert dialog.confusion[2].sum() == 0 and dialog.confusion_view.diagonal.image[2, 2] == 0
