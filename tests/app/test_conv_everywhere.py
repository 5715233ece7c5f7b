"""A network with convolutions through the instruments an MLP has, one test each, driven as a user would:
training health (dead filters), replay, the Runs dock, a race, the learning-rate finder and
“Repeat with seeds”; every number checked against the same run computed here, headless."""

import dataclasses

import numpy as np
from PySide6.QtCore import Qt

from nnviz.app.diagnostics.health_dock import HealthDock
from nnviz.app.diagnostics.layer_table import COLUMNS
from nnviz.app.runtime.snapshot import Snapshot
from nnviz.core import Network, accuracy, lr_range_test, train
from nnviz.data import load_dataset
from nnviz.prepare import prepare

from .conftest import tiny_digits
from .test_diagnostics_integration import train_to_the_end
from .test_main_window import SEVEN, draw
from .test_race import alone, open_race, wait_for_the_end
from .test_replay import scrub

CONV = [{"conv": 4, "kernel": 3, "padding": "same"}, {"maxpool": 2}, {"dense": 16}]


def conv_digits(**overrides):
    return tiny_digits(layers=CONV, **overrides)


def headless_test_accuracy(config):
    """The experiment trained to the end without the window: its test accuracy."""
    prepared = prepare(config)
    for _ in train(prepared.network, prepared.train_data, prepared.train_config):
        pass
    return accuracy(prepared.dataset.y_test, prepared.network.predict(prepared.dataset.X_test))


def test_health_counts_a_filter_dead_when_its_map_is_zero_everywhere(qtbot):
    dock = HealthDock()
    qtbot.addWidget(dock)
    dock.resize(700, 800)
    dock.show()
    dock.reset(n_classes=10, activation="relu")
    ds = load_dataset("digits8x8", seed=0)
    net = Network([64, 10], hidden="relu", init="he", layers=CONV, image_shape=(8, 8), seed=0)
    net.biases[0][[1, 3]] = -20.0                           # pixels in [0, 1]: these two never fire
    X, y = ds.X_test[:100], ds.y_test[:100]
    dock.set_probe(X, y)
    dock.set_snapshot(Snapshot.of(net))
    dock.measure_button.click()
    maps = net.forward(X)[1]                               # (n, 4, 8, 8)
    dead = [f for f in range(4) if not maps[:, f].any()]
    assert dead == [1, 3]
    assert dock.table.rowCount() == 3                      # conv, dense, output
    assert dock.table.item(0, COLUMNS.index("dead")).text() == "50%"
    assert dock.level("dying_relu") != "ok"


def test_replay_shows_that_snapshots_prediction_and_maps_of_a_conv_network(qtbot, make_window):
    window = make_window(conv_digits(epochs=2))
    train_to_the_end(qtbot, window)
    history = window.replay.history
    panel = window.draw_panel
    draw(qtbot, panel.canvas, SEVEN)
    window.docks["network"].raise_()
    for index in (0, 4):
        scrub(qtbot, window, index)
        snapshot = history.snapshots[index]
        assert panel.snapshot is snapshot
        expected = snapshot.network().predict_proba(panel.network_input().reshape(1, -1))[0]
        np.testing.assert_allclose(panel.probabilities(), expected, rtol=1e-5, atol=1e-7)
        qtbot.waitUntil(lambda: window.network_view._shown is not None)
        np.testing.assert_array_equal(window.network_view._shown.weights[0], snapshot.weights[0])


def test_a_finished_conv_run_is_kept_in_the_runs_dock_and_replays_after_a_restart(qtbot, make_window, runs_folder):
    config = conv_digits(epochs=2)
    window = make_window(config)
    train_to_the_end(qtbot, window)
    record = window.diagnostics.runs.runs[0]
    assert record.final_metrics["test_accuracy"] == headless_test_accuracy(config)
    final = window.session.snapshot
    window.close()
    again = make_window(conv_digits(epochs=3))
    runs = again.diagnostics.runs
    assert runs.runs == [record]
    runs.table.selectRow(0)
    qtbot.mouseClick(runs.replay_button, Qt.MouseButton.LeftButton)
    shown = again.draw_panel.snapshot                      # the saved run's final weights, slider at the end
    assert shown.convolutional and shown.weights[0].shape == (4, 1, 3, 3)
    for W, W_final in zip(shown.weights, final.weights):
        np.testing.assert_array_equal(W, W_final)


def test_a_race_of_two_optimisers_on_a_conv_network_gives_each_its_headless_result(qtbot, make_window):
    config = conv_digits(epochs=2, optimizer="sgd", learning_rate=0.1)
    window = make_window(config)
    open_race(qtbot, window, ["adam"], {"adam": "0.01"})
    wait_for_the_end(qtbot, window, 2)
    runs = window.diagnostics.runs.runs
    for (optimizer, eta), record in zip([("sgd", 0.1), ("adam", 0.01)], runs):
        _, epochs, test = alone(dataclasses.replace(config, optimizer=optimizer, learning_rate=eta))
        assert record.config["optimizer"] == optimizer and record.config["layers"] == CONV
        assert record.curves["train_loss"] == [e.train_loss for e in epochs]
        assert record.final_metrics["test_accuracy"] == test


def test_the_learning_rate_finder_runs_on_a_conv_network(qtbot, make_window):
    config = conv_digits(learning_rate=0.5)
    window = make_window(config)
    finder = window.lr_finder
    finder.action.trigger()
    dialog = finder.dialog
    qtbot.waitUntil(lambda: dialog.result is not None and finder._job is None, timeout=60000)
    prepared = prepare(config)
    expected = lr_range_test(prepared.network, prepared.train_data, prepared.train_config)
    x, y = dialog.smoothed.getData()
    np.testing.assert_allclose(x, np.log10(expected.learning_rates))
    np.testing.assert_allclose(y, expected.smoothed, rtol=1e-6)
    assert dialog.apply_button.text() == f"Use η = {expected.suggestion:.3g}"


def test_repeat_with_two_seeds_trains_two_fresh_conv_runs(qtbot, make_window):
    config = conv_digits(epochs=1, seed=7)
    window = make_window(config)
    runs = window.diagnostics.runs
    runs.seeds.setValue(2)
    qtbot.mouseClick(runs.repeat_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(runs.runs) == 2 and not window.diagnostics.queue.active, timeout=60000)
    assert [r.config["seed"] for r in runs.runs] == [7, 8] and len({r.group for r in runs.runs}) == 1
    expected = [headless_test_accuracy(dataclasses.replace(config, seed=seed)) for seed in (7, 8)]
    assert [r.final_metrics["test_accuracy"] for r in runs.runs] == expected
    assert expected[0] != expected[1]                      # two different networks, not one twice


def test_the_projection_shows_a_conv_networks_last_hidden_layer(qtbot, make_window):
    window = make_window(conv_digits(epochs=2))
    train_to_the_end(qtbot, window)
    window.docks["projection"].raise_()
    projection = window.projection
    window.redraw()
    final = window.session.snapshot
    qtbot.waitUntil(lambda: projection.drawn is not None and projection.drawn.step == final.step, timeout=10000)
    np.testing.assert_array_equal(projection.drawn.weights[0], final.weights[0])
    X = window.session.run_data.dataset.X_test[:1000]
    hidden = projection.drawn.network().forward(X)[-2]              # dense 16 after conv and pooling
    assert hidden.shape == (len(X), 16)
    x, y = projection.scatter.getData()
    assert len(x) == len(X)
    from nnviz.core.projection import pca_2d
    coords, _ = pca_2d(hidden)
    # PCA's axes are defined up to sign: each drawn axis is ± the computed one.
    for drawn, computed in ((x, coords[:, 0]), (y, coords[:, 1])):
        assert min(np.abs(drawn - computed).max(), np.abs(drawn + computed).max()) < 1e-4 * np.abs(computed).max()
    assert "test points · PC 1 and 2 explain" in projection.note.text()
