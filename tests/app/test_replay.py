"""Replay in the main window: scrubbing shows exactly the chosen snapshot in every view, also while training."""

import numpy as np
from PySide6.QtCore import Qt

from nnviz.app.run_controls import IDLE

from .conftest import tiny_digits, tiny_spirals
from .test_diagnostics_integration import train_to_the_end
from .test_main_window import SEVEN, click, draw


def scrub(qtbot, window, index):
    """Home, then Right `index` times on the replay slider, as a user would with the keyboard."""
    slider = window.replay.bar.slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Home)
    for _ in range(index):
        qtbot.keyClick(slider, Qt.Key.Key_Right)
    window.redraw()


def test_scrubbing_shows_that_snapshots_prediction_of_the_drawing(qtbot, make_window):
    window = make_window(tiny_digits(epochs=4))
    train_to_the_end(qtbot, window)
    history = window.replay.history
    # The initial weights, the log-spaced steps 1, 2, 3, 4, 6, 8, 11, 16, 23, 32, 45 and every epoch's end
    # (15 batches each).
    assert [s.step for s in history.snapshots] == [0, 1, 2, 3, 4, 6, 8, 11, 15, 16, 23, 30, 32, 45, 60]
    panel = window.draw_panel
    draw(qtbot, panel.canvas, SEVEN)
    for index in (0, 3, 8):
        scrub(qtbot, window, index)
        expected = history.snapshots[index].network().predict_proba(panel.network_input().reshape(1, -1))[0]
        assert panel.snapshot is history.snapshots[index]
        np.testing.assert_allclose(panel.probabilities(), expected, rtol=1e-6)
        assert window.plots.cursors["loss"].value() == history.positions[index]
    assert history.positions[8] == 1.0                       # the end of epoch 1 is at x = 1 on the curves
    qtbot.keyClick(window.replay.bar.slider, Qt.Key.Key_End)  # back to live
    window.redraw()
    assert not window.replay.scrubbing and panel.snapshot is window.session.snapshot
    assert not window.plots.cursors["loss"].isVisible()


def test_scrubbing_shows_that_snapshots_decision_boundary(qtbot, make_window):
    window = make_window(tiny_spirals(epochs=5))
    train_to_the_end(qtbot, window)
    scrub(qtbot, window, 2)
    snapshot = window.replay.history.snapshots[2]
    boundary = window.boundary
    np.testing.assert_allclose(boundary.probabilities, snapshot.network().predict_proba(boundary.grid_points),
                               rtol=1e-6)
    scrub(qtbot, window, 0)
    assert not np.allclose(boundary.probabilities, snapshot.network().predict_proba(boundary.grid_points))


def test_scrubbing_back_while_training_goes_on_keeps_the_chosen_moment(qtbot, make_window):
    window = make_window(tiny_digits(epochs=2000))
    click(qtbot, window, window.controls.train)
    history = window.replay.history
    qtbot.waitUntil(lambda: len(history) >= 12, timeout=30000)
    scrub(qtbot, window, 1)
    chosen = history.snapshots[1]
    kept = len(history)
    qtbot.waitUntil(lambda: len(history) > kept + 3, timeout=30000)     # training went on meanwhile
    window.redraw()
    assert window.replay.scrubbing and window.draw_panel.snapshot is chosen
    assert window.activations._snapshot is chosen                    # the heatmaps too
    click(qtbot, window, window.controls.stop)
    qtbot.waitUntil(lambda: window.controls.state == IDLE, timeout=30000)
