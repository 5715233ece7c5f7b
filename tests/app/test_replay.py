"""Replay in the main window: scrubbing shows exactly the chosen snapshot in every view, also while training."""

from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import Qt

from nnviz.app.run_controls import IDLE
from nnviz.app.run_reports import PROBE_ROWS
from nnviz.core.health import DETECTORS

from .conftest import tiny_digits, tiny_spirals
from .readers import history_lines
from .test_diagnostics_integration import train_to_the_end
from .test_main_window import SEVEN, click, draw

HIDDEN = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh}


def forward_by_hand(snapshot, X):
    """Every layer's activations of the snapshot's network on X, written out here: hidden aˡ = σ(aˡ⁻¹ Wˡ + bˡ),
    softmax output."""
    a = [np.asarray(X, dtype=np.float64)]
    for l, (W, b) in enumerate(zip(snapshot.weights, snapshot.biases)):
        z = a[-1] @ W.astype(np.float64) + b.astype(np.float64)
        if l < len(snapshot.weights) - 1:
            a.append(HIDDEN[snapshot.hidden](z))
        else:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a.append(e / e.sum(axis=1, keepdims=True))
    return a


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
        expected = forward_by_hand(history.snapshots[index], panel.network_input().reshape(1, -1))[-1][0]
        assert panel.snapshot is history.snapshots[index]
        np.testing.assert_allclose(panel.probabilities(), expected, rtol=1e-4, atol=1e-6)
        assert window.plots.cursors["loss"].value() == history.positions[index]
    assert history.positions[8] == 1.0                       # the end of epoch 1 is at x = 1 on the curves
    qtbot.keyClick(window.replay.bar.slider, Qt.Key.Key_End)  # back to live
    window.redraw()
    assert not window.replay.scrubbing and panel.snapshot is window.session.snapshot
    assert not window.plots.cursors["loss"].isVisible()


def test_scrubbing_shows_that_snapshots_decision_boundary_and_neuron_maps(qtbot, make_window):
    window = make_window(tiny_spirals(epochs=5))
    window.docks["network"].raise_()
    train_to_the_end(qtbot, window)
    scrub(qtbot, window, 2)
    snapshot = window.replay.history.snapshots[2]
    boundary = window.boundary
    expected = forward_by_hand(snapshot, boundary.grid_points)[-1]
    np.testing.assert_allclose(boundary.probabilities, expected, rtol=1e-4, atol=1e-6)
    # Each hidden unit's map in the network view: blue where its tanh is well above 0, orange well below.
    view = window.network_view
    acts = forward_by_hand(snapshot, view._grid)[1]
    for unit in range(acts.shape[1]):
        tile, a = view._maps[(1, unit)].reshape(-1, 4).astype(int), acts[:, unit]
        high, low = a > 0.5 * a.max(), a < 0.5 * a.min()
        assert (tile[high, 2] > tile[high, 0]).all() and (tile[low, 0] > tile[low, 2]).all()
    scrub(qtbot, window, 0)
    assert not np.allclose(boundary.probabilities, expected, rtol=1e-4, atol=1e-6)


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


def test_scrubbing_shows_that_snapshots_weight_tiles_and_activation_heatmaps(qtbot, make_window):
    window = make_window(tiny_digits(epochs=2))
    train_to_the_end(qtbot, window)
    view, history = window.activations, window.replay.history
    for index in (1, len(history) - 3):
        scrub(qtbot, window, index)
        snapshot = history.snapshots[index]
        W = snapshot.weights[0]                                # (64, 16): 16 tiles of 8x8 in a 4x4 grid, 1 px apart
        grid = view.tile_image.image
        for unit in range(16):
            top, left = (unit // 4) * 9, (unit % 4) * 9
            np.testing.assert_array_equal(grid[top:top + 8, left:left + 8], W[:, unit].reshape(8, 8))
        hidden = forward_by_hand(snapshot, view._X)[1]
        np.testing.assert_allclose(view.layer_images[0].image, hidden, rtol=1e-4, atol=1e-5)


def test_scrubbing_shows_that_moments_health_lights_and_leaves_the_runs_history_alone(qtbot, make_window):
    window = make_window(tiny_digits(learning_rate=1.0, epochs=3))     # most ReLU units die in the first epoch
    train_to_the_end(qtbot, window)
    health, history = window.diagnostics.health, window.replay.history
    live = {d: (health.level(d), health.message(d)) for d in DETECTORS}
    log = history_lines(health)
    X = window.session.run_data.dataset.X_test[:PROBE_ROWS]
    train_accuracy = window.diagnostics.runs.runs[0].curves["train_accuracy"]
    for index in (0, history.positions.index(2.0)):
        scrub(qtbot, window, index)
        hidden = forward_by_hand(history.snapshots[index], X)[1]
        dead = np.mean((hidden == 0).all(axis=0))                     # units that output 0 on every probe image
        if dead <= 0.2:
            assert health.level("dying_relu") == "ok"
            assert health.message("dying_relu") == f"Fine: no layer has over 20% dead units (most: layer 1, {dead:.0%})"
        else:
            assert health.level("dying_relu") == ("alarm" if dead > 0.5 else "warning")
            assert health.message("dying_relu").startswith(f"{dead:.0%} of layer 1's units output 0 on every probe")
        epochs_done = int(history.positions[index])
        if epochs_done == 0:
            assert health.level("stuck_at_chance") == "n/a"
            assert health.message("stuck_at_chance") == "Waiting for the first epoch"
        else:
            assert f"ccuracy {train_accuracy[epochs_done - 1]:.1%}" in health.message("stuck_at_chance")
        assert health.status.text().startswith(f"Replaying epoch {history.positions[index]:.2f}")
    assert {dead > 0.5, index > 0} == {True}                            # the moments differ: it died in between
    assert history_lines(health) == log                                  # replay never writes the run's history
    qtbot.keyClick(window.replay.bar.slider, Qt.Key.Key_End)
    window.redraw()
    assert {d: (health.level(d), health.message(d)) for d in DETECTORS} == live


def test_a_long_run_thins_its_snapshots_evenly_within_the_bound(qtbot, make_window):
    window = make_window(tiny_digits(epochs=20))
    history = window.replay.history
    history.max_count = 12
    train_to_the_end(qtbot, window)
    # Offered: the first weights, the log-spaced steps and 20 epoch ends; kept: every stride-th of them.
    assert len(history) <= 12 and history.stride >= 4 and history.positions[0] == 0.0
    assert np.diff(history.positions).max() <= history.stride         # no gap longer than stride epochs
    assert history.positions[-1] >= 20 - history.stride               # the whole run stays covered


def test_replay_places_epochs_right_after_a_live_batch_size_change(make_window):
    """100 batches an epoch for two epochs, then 50: every epoch's end sits at a whole epoch on the
    curves (not at step / 100, which would put epochs 3-6 at 2.5, 3, 3.5, 4)."""
    from dataclasses import replace

    from nnviz.app.runtime.worker import TrainingWorker
    from nnviz.core import Network, TrainConfig, TrainData

    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 2))
    config = TrainConfig(epochs=6, batch_size=2, learning_rate=0.1)
    job = SimpleNamespace(dataset=None, network=Network([2, 4, 2], seed=0),
                          train_data=TrainData(X, (X[:, 0] > 0).astype(np.int64)), train_config=config)
    worker = TrainingWorker(lambda: job, max_rate=1e12)        # a report after every event
    kept = []

    def on_update(run, update):
        kept.extend(update.kept)
        if any((b.epoch, b.batch) == (2, 100) for b in update.batches):   # applies from epoch 3
            worker.apply_settings(replace(config, batch_size=4))

    worker.updated.connect(on_update)
    worker.run()                                       # synchronously, in this thread
    window = make_window()
    window.replay.add(kept)
    history = window.replay.history
    ends = {s.step: p for s, p in zip(history.snapshots, history.positions)}
    assert [ends[step] for step in (100, 200, 250, 300, 350, 400)] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    index = next(i for i, s in enumerate(history.snapshots) if s.step == 300)
    window.replay.bar.slider.setValue(index)
    assert window.replay.completed_epochs() == 4
    assert window.replay.bar.label.text().startswith("replaying epoch 4.00 · step 300")


def test_the_play_and_pause_buttons_draw_with_icons_and_characters_the_font_has(qtbot):
    """"⏸ Pause" rendered as a box: the bundled fonts have no ⏸."""
    from PySide6.QtGui import QFontMetrics

    from nnviz.app.replay import ReplayBar
    bar = ReplayBar()
    qtbot.addWidget(bar)
    button = bar.play_button
    for playing, text in ((True, "Pause"), (False, "Play")):
        bar.show_playing(playing)
        assert button.text() == text and not button.icon().isNull()
        assert all(QFontMetrics(button.font()).inFontUcs4(ord(c)) for c in button.text())
