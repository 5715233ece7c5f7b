"""Evaluation views: a clicked confusion cell shows exactly its test images; mistakes, per class, robustness."""

import os

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from nnviz.app.diagnostics.evaluation_views import (
    MAX_SHOWN,
    ConfusionView,
    ImageGallery,
    MistakesGallery,
    PerClassView,
)
from nnviz.app.diagnostics.robustness_view import RobustnessView
from nnviz.core import Network, TrainConfig, TrainData, train
from nnviz.data import Dataset, load_dataset
from nnviz.evaluation import EvaluationResults, evaluate_test_set, robustness_curve


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits8x8")


@pytest.fixture(scope="module")
def net(digits):
    """Half-trained on purpose: plenty of mistakes in many cells."""
    net = Network([64, 16, 10], seed=0)
    for _ in train(net, TrainData(digits.X_train, digits.y_train), TrainConfig(epochs=1, learning_rate=0.05)):
        pass
    return net


@pytest.fixture(scope="module")
def results(net, digits):
    return evaluate_test_set(net, digits)


def _shown(qtbot, widget):
    """Show a widget whose content is set (the view ranges and item layout settle when shown)."""
    qtbot.addWidget(widget)
    widget.resize(900, 520)
    widget.show()
    qtbot.waitExposed(widget)
    widget.grab()           # one paint: view ranges and item layout are final, as when a user clicks
    return widget


def _click_cell(qtbot, view, true_class, pred_class):
    widget = view.plot_widget
    pos = widget.mapFromScene(view.cell_center(true_class, pred_class))
    qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def _icon_pixels(gallery, row, shape):
    """The grey levels drawn in a gallery icon, one per image pixel (sampled at block centres)."""
    image = gallery.list.item(row).icon().pixmap(gallery.list.iconSize()).toImage()
    h, w = shape
    sy, sx = image.height() / h, image.width() / w
    return np.array([[image.pixelColor(int((c + 0.5) * sx), int((r + 0.5) * sy)).red() for c in range(w)]
                     for r in range(h)])


def test_clicking_a_confusion_cell_shows_exactly_its_test_images(qtbot, results, digits):
    view = ConfusionView()
    view.set_results(results)
    _shown(qtbot, view)
    off = results.confusion - np.diag(np.diag(results.confusion))
    true_class, pred_class = np.argwhere(off > 0)[-1]           # a mistake cell that is not preselected
    with qtbot.waitSignal(view.cell_clicked) as clicked:
        _click_cell(qtbot, view, true_class, pred_class)
    assert clicked.args == [true_class, pred_class]
    expected = np.flatnonzero((digits.y_test == true_class) & (results.predicted == pred_class))
    shown = view.gallery.shown_indices()
    np.testing.assert_array_equal(shown, expected)
    assert view.gallery.list.count() == results.confusion[true_class, pred_class]
    for row, i in enumerate(shown):
        item = view.gallery.list.item(row)
        assert item.text() == f"true {true_class} → pred {pred_class} ({results.confidence[i]:.2f})"
        np.testing.assert_array_equal(_icon_pixels(view.gallery, row, (8, 8)),
                                      np.round(digits.X_test[i].reshape(8, 8) * 255))
    assert view.selected == (true_class, pred_class)


def test_a_diagonal_cell_shows_the_correct_predictions_of_its_class(qtbot, results, digits):
    view = ConfusionView()
    view.set_results(results)
    _shown(qtbot, view)
    c = int(np.argmax(np.diag(results.confusion)))
    _click_cell(qtbot, view, c, c)
    np.testing.assert_array_equal(view.gallery.shown_indices(),
                                  np.flatnonzero((digits.y_test == c) & (results.predicted == c)))
    assert "correct" in view.gallery.title.text()


def test_the_most_frequent_mistake_is_open_at_first(qtbot, results):
    view = ConfusionView()
    view.set_results(results)
    _shown(qtbot, view)
    off = results.confusion - np.diag(np.diag(results.confusion))
    assert view.selected == np.unravel_index(np.argmax(off), off.shape)
    assert len(view.gallery.shown_indices()) == off.max()


def test_cells_show_their_counts(qtbot, results):
    view = ConfusionView()
    view.set_results(results)
    _shown(qtbot, view)
    for (i, j), text in view.cell_texts.items():
        assert text.textItem.toPlainText() == str(results.confusion[i, j])


def test_mistakes_gallery_lists_every_mistake_most_confident_first(qtbot, results, digits):
    view = _shown(qtbot, MistakesGallery())
    view.set_results(results)
    shown = view.gallery.shown_indices()
    wrong = np.flatnonzero(results.predicted != digits.y_test)
    assert len(shown) == min(len(wrong), MAX_SHOWN)
    assert set(shown) <= set(wrong)
    assert np.all(np.diff(results.confidence[shown]) <= 0)
    assert results.confidence[shown[0]] == results.confidence[wrong].max()
    assert f"{len(wrong)}</b> of {len(digits.y_test)}" in view.gallery.title.text()


def test_a_gallery_shows_at_most_max_shown_images_and_says_so(qtbot, results):
    gallery = _shown(qtbot, ImageGallery())
    gallery.show_samples(results, np.arange(len(results.y)), "all")
    assert gallery.list.count() == MAX_SHOWN
    assert f"showing the first {MAX_SHOWN}" in gallery.title.text()


def test_double_clicking_a_gallery_image_reports_its_index(qtbot, results):
    gallery = ImageGallery()
    gallery.show_samples(results, [7, 3], "two")
    _shown(qtbot, gallery)
    rect = gallery.list.visualItemRect(gallery.list.item(1))
    with qtbot.waitSignal(gallery.activated) as activated:
        qtbot.mouseClick(gallery.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # as a user does
        qtbot.mouseDClick(gallery.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert activated.args == [3]


def test_point_datasets_get_captions_with_coordinates_instead_of_images(qtbot):
    X = np.array([[0.0, 0.0], [1.0, 1.0]], np.float32)
    data = Dataset("pts", X, np.array([0, 1]), X, np.array([0, 1]), 2, None, ("a", "b"))
    results = evaluate_test_set(Network([2, 3, 2], seed=0), data)
    gallery = _shown(qtbot, ImageGallery())
    gallery.show_samples(results, [1], "one")
    assert gallery.list.item(0).text().endswith("(1.00, 1.00)")


def test_per_class_bars_are_the_accuracy_of_each_class(qtbot, results):
    view = _shown(qtbot, PerClassView())
    view.set_results(results)
    np.testing.assert_allclose(view.bars.opts["height"], 100 * results.per_class)
    assert view.table.rowCount() == 10
    assert view.table.item(3, 3).text() == f"{100 * results.per_class[3]:.1f} %"


def test_robustness_is_computed_in_a_training_process_when_shown_from_the_clean_accuracy_down(
        qtbot, net, digits, results, monkeypatch):
    from nnviz.app.runtime.process_job import ProcessJob

    started, real_start = [], ProcessJob.start
    monkeypatch.setattr(ProcessJob, "start", lambda job: (started.append(job), real_start(job)))
    view = RobustnessView()
    view.set_model(net, digits)
    assert not view.running and view.curves == {}           # nothing computed while not shown
    with qtbot.waitSignal(view.computed, timeout=60000):
        _shown(qtbot, view)
    assert len(started) == 1 and started[0].process.pid != os.getpid()
    for kind in ("noise", "rotation"):
        levels, accuracies = view.curves[kind]
        assert levels[0] == 0 and accuracies[0] == results.accuracy
        expected_levels, expected = robustness_curve(net, digits, kind, seed=0)      # here, in this process
        np.testing.assert_array_equal(levels, expected_levels)
        np.testing.assert_allclose(accuracies, expected)
        x, y = view.items[kind].getData()
        np.testing.assert_allclose(y, 100 * accuracies)
    assert view.chance["noise"].value() == pytest.approx(10)
    assert not view.running and not view.progress.isVisible()


def test_closing_the_dialog_cancels_the_robustness_computation_it_shows_progress_of(qtbot, net, digits,
                                                                                   monkeypatch):
    from nnviz.app.diagnostics import robustness_view
    from nnviz.app.diagnostics.evaluation_dialog import EvaluationDialog

    from .training_jobs import OnePointPerStop

    monkeypatch.setattr(robustness_view, "RobustnessJob", lambda net, dataset, kinds, *args: OnePointPerStop(kinds))
    dialog = EvaluationDialog(net, digits)
    _shown(qtbot, dialog)
    view, tabs = dialog.robustness_view, dialog.tabs
    tab_bar = tabs.tabBar()
    qtbot.mouseClick(tab_bar, Qt.MouseButton.LeftButton, pos=tab_bar.tabRect(tabs.indexOf(view)).center())
    qtbot.waitUntil(lambda: view.progress.value() == 1, timeout=60000)
    total = sum(len(robustness_view.robustness_levels(k)) for k in ("noise", "rotation"))
    assert view.running and view.progress.isVisible() and view.progress.maximum() == total
    close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and not view.running and not view.progress.isVisible()
    robustness_view.wait_for_cancelled()          # the job ended on the stop, with no further point
    qtbot.waitUntil(lambda: not robustness_view._ENDING)
    assert len(view.curves["noise"][0]) == 1 and len(view.curves["rotation"][0]) == 0


def test_robustness_of_a_point_dataset_has_no_rotation_curve(qtbot):
    X = np.random.default_rng(0).uniform(-1, 1, (40, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    data = Dataset("pts", X, y, X, y, 2, None, ("a", "b"))
    view = _shown(qtbot, RobustnessView())
    view.set_model(Network([2, 4, 2], seed=0), data)
    with qtbot.waitSignal(view.computed, timeout=30000):
        view.compute()
    assert set(view.curves) == {"noise"}
    assert "images" in view.info.text()


def test_the_evaluation_dialog_has_the_four_views_as_tabs_and_keeps_its_attributes(qtbot, net, digits):
    from nnviz.app.diagnostics.evaluation_dialog import EvaluationDialog

    dialog = EvaluationDialog(net, digits)
    qtbot.addWidget(dialog)
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == ["Confusion", "Mistakes", "Per class",
                                                                          "Robustness", "Saliency"]
    np.testing.assert_array_equal(dialog.confusion, dialog.results.confusion)
    assert dialog.heatmap is dialog.confusion_view.heatmap and dialog.table is dialog.per_class_view.table
    assert not dialog.robustness_view.running          # robustness is computed when its tab is opened
    assert len(dialog.mistakes_view.gallery.shown_indices()) > 0


def test_double_clicking_a_mistake_in_the_dialog_explains_it_in_the_saliency_tab(qtbot, net, digits):
    from nnviz.app.diagnostics.evaluation_dialog import EvaluationDialog
    from nnviz.core.saliency import input_gradient

    dialog = EvaluationDialog(net, digits)
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentWidget(dialog.mistakes_view)
    _shown(qtbot, dialog)
    lst = dialog.mistakes_view.gallery.list
    index = int(dialog.mistakes_view.gallery.shown_indices()[0])
    rect = lst.visualItemRect(lst.item(0))
    qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.tabs.currentWidget() is dialog.saliency_view
    predicted = int(dialog.results.predicted[index])
    assert dialog.saliency_view.explained_class == predicted
    np.testing.assert_allclose(dialog.saliency_view.saliency.ravel(),
                               input_gradient(net, digits.X_test[index], predicted))


def test_the_saliency_tab_explains_the_first_test_image_or_the_drawing_without_a_double_click(qtbot, net, digits):
    from nnviz.app.diagnostics.evaluation_dialog import EvaluationDialog
    from nnviz.core.saliency import input_gradient

    dialog = EvaluationDialog(net, digits)
    qtbot.addWidget(dialog)
    first = int(dialog.results.predicted[0])
    assert dialog.saliency_view.explained_class == first and "test sample #0" in dialog.saliency_view.caption.text()
    np.testing.assert_allclose(dialog.saliency_view.saliency.ravel(), input_gradient(net, digits.X_test[0], first))
    drawing = digits.X_test[5].reshape(8, 8)
    drawn = EvaluationDialog(net, digits, drawing=drawing)
    qtbot.addWidget(drawn)
    assert "your drawing" in drawn.saliency_view.caption.text()
    np.testing.assert_allclose(drawn.saliency_view.saliency.ravel(),
                               input_gradient(net, digits.X_test[5], int(dialog.results.predicted[5])))


def test_a_point_dataset_dialog_has_no_saliency_tab(qtbot):
    from nnviz.app.diagnostics.evaluation_dialog import EvaluationDialog

    X = np.array([[0.0, 0.0], [1.0, 1.0]], np.float32)
    data = Dataset("pts", X, np.array([0, 1]), X, np.array([0, 1]), 2, None, ("a", "b"))
    dialog = EvaluationDialog(Network([2, 3, 2], seed=0), data)
    qtbot.addWidget(dialog)
    assert dialog.saliency_view is None and dialog.tabs.count() == 4


def _two_class_results(correct_per_class, n_per_class=1000, errors=None):
    """Results of two classes with `correct_per_class[c]` of `n_per_class` samples right (the rest wrong)."""
    y, predicted = [], []
    for c, correct in enumerate(correct_per_class):
        y += [c] * n_per_class
        predicted += [c] * correct + [1 - c] * (n_per_class - correct)
    n = len(y)
    return EvaluationResults(X=np.zeros((n, 2)), y=np.array(y), predicted=np.array(predicted),
                             confidence=np.full(n, 0.9), n_classes=2, class_names=("a", "b"), image_shape=None)


def test_per_class_accuracy_zooms_to_the_data_so_close_accuracies_look_different(qtbot):
    view = _shown(qtbot, PerClassView())
    view.set_results(_two_class_results([962, 991]))
    view.grab()
    low, high = view.plot.viewRange()[1]
    assert low > 90
    assert low < 96.2 and 99.1 < high
    assert [t.toPlainText() for t in view.bar_texts] == ["96.2", "99.1"]


def _results_from_confusion(C):
    """Results whose confusion matrix is C (points, all at the origin)."""
    y = np.repeat(np.arange(len(C)), C.sum(axis=1))
    predicted = np.concatenate([np.repeat(np.arange(len(C)), row) for row in C])
    n = len(y)
    return EvaluationResults(X=np.zeros((n, 2)), y=y, predicted=predicted, confidence=np.full(n, 0.9),
                             n_classes=len(C), class_names=tuple("abc"), image_shape=None)


def _cell_colour(view, true_class, pred_class):
    """The RGB drawn near the top-left corner of a cell (away from its count text)."""
    widget = view.plot_widget
    pos = widget.mapFromScene(view.heatmap.mapToScene(pred_class + 0.15, true_class + 0.15))
    colour = widget.grab().toImage().pixelColor(pos)
    return np.array([colour.red(), colour.green(), colour.blue()])


def test_confusion_colours_mistakes_on_their_own_log_scale_so_0_3_and_300_errors_differ(qtbot):
    C = np.array([[700, 300, 0], [0, 997, 3], [0, 0, 5000]])
    view = ConfusionView()
    view.set_results(_results_from_confusion(C))
    _shown(qtbot, view)
    low, high = view.colorbars["mistakes"].levels()
    assert low == 0 and high == pytest.approx(np.log10(301))        # the 5000 on the diagonal sets nothing
    ticks = [label for _, label in view.colorbars["mistakes"].axis._tickLevels[0]]
    assert ticks == ["0", "1", "10", "100", "300"]                  # the bar reads in counts
    none, three, three_hundred = _cell_colour(view, 0, 2), _cell_colour(view, 1, 2), _cell_colour(view, 0, 1)
    assert np.abs(three_hundred - three).sum() > 150 and np.abs(three - none).sum() > 150
    # the diagonal has its own (green) scale: a 70 % class is not the colour of 300 mistakes
    diagonal = _cell_colour(view, 0, 0)
    assert diagonal[1] > diagonal[0] and diagonal[1] > diagonal[2]
