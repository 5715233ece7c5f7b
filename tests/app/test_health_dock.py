"""HealthDock shows the core's verdicts: red for crafted failures, green for a healthy run, a divergence banner."""

import dataclasses
from functools import partial

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.app.diagnostics.health_dock import HealthDock
from nnviz.app.diagnostics.health_lights import COLORS
from nnviz.app.diagnostics.layer_table import COLUMNS
from nnviz.app.runtime.runner import TrainingRunner
from nnviz.app.runtime.snapshot import Snapshot
from nnviz.app.runtime.worker import PAUSED
from nnviz.core import Diverged, EpochEnd, Network, TrainConfig, TrainData, train
from nnviz.core.health import DETECTORS, histograms
from nnviz.prepare import Prepared

from .readers import history_lines


def blobs(n=200, d=8, k=4, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((k, d)) * 3
    y = rng.integers(0, k, n)
    return (centres[y] + rng.standard_normal((n, d))).astype(np.float32), y


X, Y = blobs()
DATA = TrainData(X[:160], Y[:160], X[160:], Y[160:])


def epochs_of(net, epochs=2, lr=0.1):
    return [e for e in train(net, DATA, TrainConfig(learning_rate=lr, epochs=epochs, batch_size=16))
            if isinstance(e, EpochEnd)]


def dead_net():
    net = Network([8, 16, 16, 4], hidden="relu", init="he", seed=0)
    net.biases[0][:] = -20.0
    return net


@pytest.fixture
def dock(qtbot):
    widget = HealthDock()
    qtbot.addWidget(widget)
    widget.resize(700, 800)
    widget.show()
    qtbot.waitExposed(widget)
    widget.reset(n_classes=4, activation="relu")
    return widget


def test_a_relu_net_with_all_negative_biases_lights_dying_relu_red(dock):
    for event in epochs_of(dead_net()):
        dock.update_epoch(event)
    assert dock.level("dying_relu") == "alarm"
    assert dock.color("dying_relu") == COLORS["alarm"]
    assert "layer 1" in dock.message("dying_relu")
    assert dock.level("stuck_at_chance") == "warning"          # two epochs at chance; three make an alarm
    assert dock.table.rowCount() == 3
    assert dock.table.item(0, COLUMNS.index("dead")).text() == "100%"


def test_a_healthy_run_is_green_everywhere_it_applies(dock):
    history = epochs_of(Network([8, 16, 16, 4], hidden="relu", init="he", seed=0))
    dock.update_epoch(history[-1], history)
    levels = {d: dock.level(d) for d in DETECTORS}
    assert levels.pop("saturation") == "n/a"              # ReLU units do not saturate
    assert set(levels.values()) == {"ok"}
    assert all(dock.color(d) == COLORS["ok"] for d in levels)
    assert dock.table.item(2, COLUMNS.index("ratio to output")).text() == "1"
    assert dock.table.item(0, COLUMNS.index("saturated")).text() == "—"


def test_divergence_shows_the_banner_and_its_button_asks_for_half_the_learning_rate(dock, qtbot):
    event = Diverged(3, 17, float("nan"), "the loss became NaN")
    dock.diverged(event)
    assert dock.banner_visible
    assert dock.banner_text.text() == ("Diverged at epoch 3 batch 17 — rolled back to the last good weights")
    assert dock.level("divergence") == "alarm" and "half the learning rate" in dock.message("divergence")
    with qtbot.waitSignal(dock.continue_with_half_lr):
        qtbot.mouseClick(dock.continue_button, Qt.MouseButton.LeftButton)
    assert not dock.banner_visible
    dock.reset(n_classes=4, activation="relu")
    assert dock.level("divergence") == "n/a" and dock.table.rowCount() == 0


def test_a_diverging_run_in_the_worker_pauses_rolls_back_and_raises_the_banner(dock, qtbot):
    net = Network([8, 16, 16, 4], hidden="relu", init="he", seed=0)
    start = [W.copy() for W in net.weights]
    setup = partial(Prepared, None, net, DATA, TrainConfig(learning_rate=50.0, epochs=3, batch_size=16))
    runner = TrainingRunner()
    states = []

    def connect(worker):
        worker.updated.connect(lambda run, update: states.append(update.state))
        worker.diverged.connect(lambda run, event: dock.diverged(event))

    with qtbot.waitSignal(runner.stopped, timeout=10000):
        runner.start(setup, connect=connect)
    assert dock.banner_visible and dock.level("divergence") == "alarm"
    assert PAUSED in states                                  # the worker paused at the divergence
    for W, W0 in zip(runner.final[1].weights, start):       # and the core rolled back
        np.testing.assert_array_equal(W, W0)


def test_histograms_show_the_cores_counts_and_reuse_their_items(dock):
    net = Network([8, 16, 16, 4], hidden="relu", seed=1)
    dock.set_probe(X[:50], Y[:50])
    dock.set_snapshot(Snapshot.of(net))
    assert dock.weight_curves == []                         # the Histograms tab is not on screen yet
    dock.tabs.setCurrentWidget(dock.plots)
    expected = histograms(net, X[:50], bins=30)
    assert len(dock.weight_curves) == len(dock.act_curves) == 3
    for curve, h in zip(dock.weight_curves, expected):
        x, y = curve.getData()
        np.testing.assert_allclose(y, h.weights.counts / h.weights.counts.sum())       # shares
        np.testing.assert_allclose(x, h.weights.edges)
    for curve, h in zip(dock.act_curves, expected):
        np.testing.assert_allclose(curve.getData()[1], h.activations.counts / h.activations.counts.sum())
    first = dock.weight_curves[0]
    net.weights[0] *= 3
    dock.set_snapshot(Snapshot.of(net))
    assert dock.weight_curves[0] is first
    counts = histograms(net, X[:50], bins=30)[0].weights.counts
    np.testing.assert_allclose(first.getData()[1], counts / counts.sum())


def test_measure_now_judges_a_network_before_training(dock):
    dock.set_probe(X[:100], Y[:100])
    assert not dock.measure_button.isEnabled()
    dock.set_snapshot(Snapshot.of(dead_net()))
    assert dock.measure_button.isEnabled()
    dock.measure_button.click()
    assert dock.level("dying_relu") == "alarm"
    assert dock.table.item(0, COLUMNS.index("dead")).text() == "100%"
    assert dock.table.item(0, COLUMNS.index("update ratio")).text() == "—"     # not measured without a step


def test_detectors_that_do_not_apply_are_grey(dock):
    dock.reset(n_classes=4, activation="sigmoid")
    net = Network([8, 16, 4], hidden="sigmoid", init="xavier", seed=0)
    for event in epochs_of(net, lr=0.5):
        dock.update_epoch(event)
    assert dock.level("dying_relu") == "n/a" and dock.color("dying_relu") == COLORS["n/a"]
    assert dock.level("saturation") == "ok"
    assert dock.table.item(0, COLUMNS.index("dead")).text() == "—"


def test_the_history_keeps_which_alarm_fired_at_which_epoch_until_a_new_run(dock):
    healthy = epochs_of(Network([8, 16, 16, 4], hidden="relu", init="he", seed=0), epochs=1)
    dying = epochs_of(dead_net(), epochs=3)
    dock.update_epoch(healthy[0])
    assert history_lines(dock) == ["History: no alarm yet"]          # green lights are not logged
    for epoch, event in enumerate(dying, start=2):
        dock.update_epoch(dataclasses.replace(event, epoch=epoch))
    lines = history_lines(dock)
    dying_lines = [line for line in lines if line.split(": ")[1].startswith("dying ReLU")]
    assert len(dying_lines) == 1                                  # logged once, when it fired
    assert dying_lines[0].startswith("epoch 2: dying ReLU alarm: ")
    assert "layer 1" in dying_lines[0] and "100%" in dying_lines[0]
    assert dock.log.isVisible()
    dock.diverged(Diverged(7, 3, float("nan"), "the loss became NaN"))
    assert history_lines(dock)[-1].startswith("epoch 7: divergence alarm: ")
    dock.reset(n_classes=4, activation="relu")
    assert history_lines(dock) == ["History: no alarm yet"]


def test_the_history_is_never_squeezed_below_three_lines(dock):
    dock.resize(700, 200)
    dock.grab()
    assert dock.log.height() >= 3 * dock.log.fontMetrics().lineSpacing()


def test_measure_now_on_a_network_with_four_input_features(dock):
    """The probe set holds raw points; the network expands them into its four features."""
    rng = np.random.default_rng(2)
    points = rng.uniform(-1, 1, (60, 2))
    labels = (points[:, 0] * points[:, 1] > 0).astype(np.int64)
    net = Network([4, 6, 2], hidden="relu", features=("x1", "x2", "x1*x2", "x1^2"), seed=0)
    net.biases[0][:] = -50.0                                     # every hidden unit dead
    dock.reset(n_classes=2, activation="relu")
    dock.set_probe(points, labels)
    dock.set_snapshot(Snapshot.of(net))
    dock.measure_button.click()
    assert dock.status.text() == "Measured now on 60 probe samples"
    assert dock.table.item(0, COLUMNS.index("dead")).text() == "100%"
    assert dock.level("dying_relu") == "alarm"
