"""Pause stops at what is shown (status, curves, boundary and the model agree); closing mid-run stops training."""

import re

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QThread

from nnviz.app.run_controls import IDLE, PAUSED
from nnviz.app.runtime.pace import WATCHABLE
from nnviz.app.runtime.worker import PAUSED as WORKER_PAUSED

from .conftest import tiny_digits, tiny_spirals
from .test_main_window import click


def shown_position(window):
    """(epoch, batch, batches per epoch) as the status bar shows them."""
    match = re.match(r"epoch (\d+)/\d+ · batch (\d+)/(\d+)", window.controls.position_label.text())
    return tuple(int(g) for g in match.groups()) if match else None


def drawn_x(window, plot, curve):
    """The x of the last point given to a curve's plot item (not the buffer behind it)."""
    return window.plots._curves[plot][curve][0].xData[-1]


def settled(window):
    """Paused, and every view has drawn the worker's last report."""
    return window.worker_state == WORKER_PAUSED and not window._redraw.pending


def assert_shown_is_the_model(window):
    epoch, batch, batches = shown_position(window)
    assert drawn_x(window, "loss", "batch") == pytest.approx(epoch - 1 + batch / batches)
    # The epoch curves end at the last completed epoch: at "batch 8/8" that is the one shown.
    assert drawn_x(window, "loss", "train (epoch)") == epoch - (batch < batches)
    assert drawn_x(window, "accuracy", "train") == epoch - (batch < batches)
    snapshot = window.session.snapshot
    assert snapshot.step == (epoch - 1) * batches + batch
    boundary = window.boundary
    np.testing.assert_allclose(boundary.probabilities, snapshot.network().predict_proba(boundary.grid_points),
                               rtol=1e-6)
    return snapshot


@pytest.mark.parametrize("pace", [0.0, WATCHABLE])
def test_pause_at_the_displayed_epoch_leaves_the_model_at_that_epoch(qtbot, make_window, pace):
    window = make_window(tiny_spirals())
    window.controls.pace_box.setCurrentIndex(window.controls.pace_box.findData(pace))
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: (shown_position(window) or (0,))[0] >= 3, timeout=30000)
    click(qtbot, window, window.controls.pause)
    assert window.controls.state == PAUSED
    qtbot.waitUntil(lambda: settled(window), timeout=10000)
    assert_shown_is_the_model(window)

    # Step to the end of an epoch: the status says "batch 8/8", so the epoch's point is drawn too.
    while shown_position(window)[1] != shown_position(window)[2]:
        step = window.session.snapshot.step
        click(qtbot, window, window.controls.step)
        qtbot.waitUntil(lambda: window.session.snapshot.step == step + 1 and settled(window), timeout=10000)
        assert_shown_is_the_model(window)
    shown = assert_shown_is_the_model(window)

    click(qtbot, window, window.controls.stop)
    qtbot.waitUntil(lambda: window.controls.state == IDLE, timeout=10000)
    run, final = window._runner.final             # the weights the worker ended with, read once it is idle
    assert final.step == shown.step
    for ours, theirs in zip((*final.weights, *final.biases), (*shown.weights, *shown.biases)):
        np.testing.assert_array_equal(ours, theirs)


def test_closing_the_window_mid_run_leaves_no_training_thread_or_process_running(qtbot, make_window, qtlog):
    window = make_window(tiny_digits())
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window.session is not None and window.session.snapshot.step > 0, timeout=30000)
    threads = [t for t in window.findChildren(QThread)] + [window._runner._reader]
    process = window._runner._reader.process
    assert any(t.isRunning() for t in threads) and process.alive
    window.close()
    assert all(not shiboken6.isValid(t) or t.isFinished() for t in threads)
    qtbot.waitUntil(lambda: not process.alive, timeout=5000)      # asked to exit; the UI does not wait for it
    assert not any("Destroyed while thread" in r.message for r in qtlog.records)
