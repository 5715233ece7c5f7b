"""The noise and training-ratio sliders redraw the toy set's points on the decision boundary at once."""

import numpy as np
from PySide6.QtCore import Qt

from .conftest import tiny_spirals


def blobs_window(qtbot, make_window):
    """A window showing 400 points of 4 blobs (default noise 0.25, 80% train, 10% of that validates)."""
    window = make_window(tiny_spirals(dataset="blobs", n_samples=400, classes=4, validation_split=0.1))
    window.docks["predict"].raise_()
    qtbot.waitUntil(lambda: window.data_preview.active)
    return window


def shown(boundary):
    """(filled points (m, 2), hollow points (k, 2)) the boundary view draws."""
    return (np.column_stack(boundary.scatter.getData()), np.column_stack(boundary.test_scatter.getData()))


def spread_about_blob_centres(points, labels, k=4):
    """The standard deviation of the points' coordinates about their blob's centre (cos, sin)(2πc/k + π/2)."""
    angle = 2 * np.pi * labels / k + np.pi / 2
    return float(np.std(points - np.column_stack([np.cos(angle), np.sin(angle)])))


def test_the_training_ratio_slider_moves_points_between_training_and_test(qtbot, make_window):
    window = blobs_window(qtbot, make_window)
    train, held = shown(window.boundary)
    assert (len(train), len(held)) == (288, 112)         # 320 train − 32 validation; 32 + 80 test
    slider = window.panel.editors["test_fraction"].slider
    for _ in range(6):                                    # 80% → 50% training, 5% a step
        qtbot.keyClick(slider, Qt.Key.Key_Left)
    assert window.panel.config().test_fraction == 0.5
    qtbot.waitUntil(lambda: len(window.boundary.scatter.data) != 288)
    train, held = shown(window.boundary)
    assert (len(train), len(held)) == (180, 220)         # 200 train − 20 validation; 20 + 200 test
    window.boundary.show_test.click()                     # the test points can be hidden
    assert not window.boundary.test_scatter.isVisible()


def test_the_noise_slider_changes_how_far_the_points_scatter(qtbot, make_window):
    window = blobs_window(qtbot, make_window)
    X, y, _ = window.boundary.shown_points()
    assert abs(spread_about_blob_centres(X, y) - 0.25) < 0.025        # 800 coordinates: ±2.5% is 1 s.e.
    noise = window.panel.editors["noise"].slider
    noise.setFocus()
    qtbot.keyClick(noise, Qt.Key.Key_PageUp)                          # + 0.10 a page
    qtbot.keyClick(noise, Qt.Key.Key_PageUp)
    assert window.panel.config().noise == 0.45
    qtbot.waitUntil(lambda: abs(spread_about_blob_centres(*window.boundary.shown_points()[:2]) - 0.25) > 0.1)
    X, y, _ = window.boundary.shown_points()
    assert len(X) == 400 and abs(spread_about_blob_centres(X, y) - 0.45) < 0.045


def test_clicks_on_a_preview_add_nothing_and_say_to_train_first(qtbot, make_window):
    window = blobs_window(qtbot, make_window)
    boundary = window.boundary
    qtbot.mouseClick(boundary.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=boundary.plot_position(0, 0))
    assert len(boundary.scatter.data) == 288 and "press Train" in window.banner.text()
