"""Health detectors: each lights up on a network crafted to have its problem and stays green on a healthy one."""

import json
import math

import numpy as np
import pytest

from nnviz.core import Diverged, EpochEnd, LayerStats, Network, TrainConfig, TrainData, train
from nnviz.core.diagnostics import layer_stats
from nnviz.core.health import (
    DETECTORS,
    Finding,
    diagnose,
    health_ratios,
    histograms,
    layer_report,
    learning_speeds,
    worst_level,
)


def blobs(n=200, d=8, k=4, seed=0):
    """k well separated Gaussian blobs in d dimensions: a problem any healthy net solves in an epoch."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((k, d)) * 3
    y = rng.integers(0, k, n)
    return (centres[y] + rng.standard_normal((n, d))).astype(np.float32), y


X, Y = blobs()
DATA = TrainData(X[:160], Y[:160], X[160:], Y[160:])


def run(net, epochs=3, lr=0.1):
    """(EpochEnd history, Diverged or None) of a short training run."""
    history, diverged = [], None
    for event in train(net, DATA, TrainConfig(learning_rate=lr, epochs=epochs, batch_size=16)):
        if isinstance(event, EpochEnd):
            history.append(event)
        elif isinstance(event, Diverged):
            diverged = event
    return history, diverged


def by_name(findings):
    return {f.detector: f for f in findings}


def stats(grad=1.0, weight=1.0, update=0.001, dead=0.0, saturated=0.0):
    return LayerStats(grad, weight, update, dead, saturated, 0.5, 0.5)


def epoch(e, train_loss=1.0, val_loss=None, acc=0.9, layers=None):
    layers = layers or (stats(), stats())
    return EpochEnd(e, 10, train_loss, acc, val_loss, None if val_loss is None else acc, 0.1, tuple(layers),
                    1.0, 1.0, 100.0)


# -- crafted failures ---------------------------------------------------------------------------

def test_relu_net_with_all_negative_biases_is_dying_and_stuck_at_chance():
    net = Network([8, 16, 16, 4], hidden="relu", init="he", seed=0)
    net.biases[0][:] = -20.0
    history, _ = run(net)
    found = by_name(diagnose(history, 4, "relu"))
    assert found["dying_relu"].level == "alarm"
    assert found["dying_relu"].layer == 1
    assert "layer 1" in found["dying_relu"].message and "leaky ReLU" in found["dying_relu"].message
    assert found["stuck_at_chance"].level == "alarm"
    assert "dying ReLU (layer 1)" in found["stuck_at_chance"].message


def test_sigmoid_net_with_huge_weights_is_saturated():
    net = Network([8, 16, 16, 4], hidden="sigmoid", init="xavier", seed=0)
    net.weights[0] *= 100
    history, _ = run(net, epochs=1)
    found = by_name(diagnose(history, 4, "sigmoid"))
    assert found["saturation"].level == "alarm"
    assert found["saturation"].layer == 1
    assert "Xavier" in found["saturation"].message


@pytest.mark.parametrize("depth", [6, 8])
def test_deep_sigmoid_net_with_standard_normal_init_has_vanishing_gradients(depth):
    net = Network([8] + [16] * depth + [4], hidden="sigmoid", init="normal", seed=0)
    history, _ = run(net, epochs=2)
    found = by_name(diagnose(history, 4, "sigmoid"))["vanishing_gradients"]
    assert found.level in ("warning", "alarm")
    assert found.layer <= 2                                 # the layers furthest from the output
    assert f"Layer {found.layer} learns" in found.message and "ReLU" in found.message
    speeds = learning_speeds(history[-1])
    assert speeds[found.layer - 1] < 0.1


def test_huge_learning_rate_diverges_rolls_back_and_raises_the_divergence_alarm():
    net = Network([8, 16, 16, 4], hidden="relu", init="he", seed=0)
    start = [W.copy() for W in net.weights]
    history, diverged = run(net, lr=50.0)
    assert diverged is not None and not history             # blew up within the first epoch
    for W, W0 in zip(net.weights, start):                   # the core restored the last good weights
        np.testing.assert_array_equal(W, W0)
    found = by_name(diagnose(history, 4, "relu", diverged=diverged))
    assert found["divergence"].level == "alarm"
    assert f"epoch {diverged.epoch}, batch {diverged.batch}" in found["divergence"].message
    assert "half the learning rate" in found["divergence"].message
    assert all(not f.applicable for d, f in found.items() if d != "divergence")    # no epoch to judge yet


@pytest.mark.parametrize("hidden, init", [("relu", "he"), ("tanh", "xavier"), ("sigmoid", "xavier")])
def test_healthy_networks_raise_no_alarm(hidden, init):
    net = Network([8, 16, 16, 4], hidden=hidden, init=init, seed=0)
    history, diverged = run(net, lr=0.5 if hidden == "sigmoid" else 0.1)
    findings = diagnose(history, 4, hidden, diverged)
    assert [f.detector for f in findings] == list(DETECTORS)
    assert worst_level(findings) == "ok", [f.message for f in findings if f.level != "ok"]


# -- trends and thresholds on hand-made events --------------------------------------------------

def test_validation_loss_rising_while_training_loss_falls_is_overfitting():
    train_losses = [1.0, 0.8, 0.6, 0.5, 0.4]
    val_losses = [1.0, 0.9, 0.95, 1.0, 1.1]
    history = [epoch(e + 1, t, v) for e, (t, v) in enumerate(zip(train_losses, val_losses))]
    assert by_name(diagnose(history[:3], 10, "relu"))["overfitting"].level == "ok"       # one rise
    assert by_name(diagnose(history[:4], 10, "relu"))["overfitting"].level == "warning"  # two
    found = by_name(diagnose(history, 10, "relu"))["overfitting"]
    assert found.level == "alarm"
    assert "best at epoch 2" in found.message and "early stopping" in found.message


def test_both_losses_falling_or_a_flat_plateau_is_not_overfitting():
    falling = [epoch(e, 1.0 / e, 1.2 / e) for e in range(1, 6)]
    assert by_name(diagnose(falling, 10, "relu"))["overfitting"].level == "ok"
    plateau = [epoch(e, 2.31 - 0.001 * e, 2.302 + 0.0001 * e) for e in range(1, 6)]
    assert by_name(diagnose(plateau, 10, "relu"))["overfitting"].level == "ok"
    assert not by_name(diagnose([epoch(1)], 10, "relu"))["overfitting"].applicable   # no validation set


@pytest.mark.parametrize("classes, accuracy, level", [(10, 0.11, "warning"), (10, 0.16, "ok"),
                                                      (2, 0.55, "warning"), (2, 0.75, "ok"),
                                                      (4, 0.30, "warning")])
def test_accuracy_near_one_over_classes_is_stuck_at_chance(classes, accuracy, level):
    found = by_name(diagnose([epoch(1, acc=accuracy)], classes, "relu"))["stuck_at_chance"]
    assert found.level == level
    if level != "ok":
        assert f"1/{classes}" in found.message


def test_stuck_for_three_epochs_is_an_alarm_and_frozen_weights_are_named():
    frozen = (stats(update=1e-7), stats(update=1e-6))
    history = [epoch(e, acc=0.1, layers=frozen) for e in (1, 2, 3)]
    found = by_name(diagnose(history, 10, "relu"))["stuck_at_chance"]
    assert found.level == "alarm"
    assert "raise the learning rate" in found.message


def test_regression_skips_stuck_at_chance():
    found = by_name(diagnose([epoch(1, acc=0.0)], None, "relu"))["stuck_at_chance"]
    assert found.level == "ok" and not found.applicable


def test_big_updates_or_growing_gradients_are_exploding():
    big_step = (stats(update=2.0), stats())
    assert by_name(diagnose([epoch(1, layers=big_step)], 10, "relu"))["exploding_gradients"].level == "alarm"
    assert by_name(diagnose([epoch(1, layers=(stats(update=0.2), stats()))], 10, "relu"))[
        "exploding_gradients"].level == "warning"
    growing = (stats(grad=1000.0, weight=1.0), stats(grad=1.0, weight=1.0))
    found = by_name(diagnose([epoch(1, layers=growing)], 10, "relu"))["exploding_gradients"]
    assert found.level == "alarm" and found.layer == 1 and "clip" in found.message
    nan = (stats(grad=math.nan), stats())
    assert by_name(diagnose([epoch(1, layers=nan)], 10, "relu"))["exploding_gradients"].level == "alarm"


def test_detectors_that_do_not_apply_say_so():
    found = by_name(diagnose([epoch(1, layers=(stats(dead=0.9, saturated=0.9), stats()))], 10, "tanh"))
    assert not found["dying_relu"].applicable and found["dying_relu"].level == "ok"
    assert found["saturation"].level == "alarm"
    found = by_name(diagnose([epoch(1, layers=(stats(dead=0.9, saturated=0.9), stats()))], 10, "relu"))
    assert found["dying_relu"].level == "alarm" and not found["saturation"].applicable
    single = by_name(diagnose([epoch(1, layers=(stats(),))], 10, "relu"))
    assert not single["vanishing_gradients"].applicable


@pytest.mark.parametrize("dead, level", [(0.1, "ok"), (0.3, "warning"), (0.6, "alarm")])
def test_dead_fraction_thresholds(dead, level):
    layers = (stats(), stats(dead=dead), stats())
    found = by_name(diagnose([epoch(1, layers=layers)], 10, "relu"))["dying_relu"]
    assert found.level == level and found.layer == 2


def test_ratios_compare_each_layer_with_the_output_layer():
    layers = (stats(grad=0.5, weight=10.0), stats(grad=2.0, weight=1.0), stats(grad=1.0, weight=2.0))
    assert health_ratios(layers) == (0.5, 2.0, 1.0)
    np.testing.assert_allclose(learning_speeds(epoch(1, layers=layers)), (0.1, 4.0, 1.0))


def test_findings_are_json_records():
    findings = diagnose([epoch(1, acc=0.1)], 10, "relu")
    record = json.loads(json.dumps([f.as_dict() for f in findings]))
    assert record[0] == {"detector": "stuck_at_chance", "level": "warning", "layer": None,
                         "message": findings[0].message, "applicable": True}
    assert isinstance(findings[0], Finding) and findings[0].title == "stuck at chance"


# -- on-demand numbers --------------------------------------------------------------------------

def test_histograms_count_every_weight_and_every_probe_activation():
    net = Network([8, 16, 4], hidden="relu", seed=0, dtype=np.float64)
    net.weights[1][0, 0] = np.nan                              # ignored, not counted
    hists = histograms(net, X[:20], bins=12)
    assert len(hists) == 2
    assert hists[0].weights.counts.sum() == 8 * 16 and len(hists[0].weights.edges) == 13
    assert hists[1].weights.counts.sum() == 16 * 4 - 1
    assert hists[0].activations.counts.sum() == 20 * 16
    a1 = np.maximum(X[:20] @ net.weights[0] + net.biases[0], 0)
    np.testing.assert_array_equal(hists[0].activations.counts, np.histogram(a1, bins=12)[0])


def test_layer_report_measures_a_network_without_training():
    net = Network([8, 16, 4], hidden="relu", seed=0, dtype=np.float64)
    grads = net.gradients(X[:32], Y[:32])
    report = layer_report(net, X[:50], grads)
    expected = layer_stats(net, X[:50], [np.linalg.norm(dW) for dW, _ in grads], [0.0, 0.0])
    for got, want in zip(report, expected):
        assert got.grad_norm == pytest.approx(want.grad_norm)
        assert got.dead_fraction == want.dead_fraction and got.activation_std == want.activation_std
        assert math.isnan(got.update_ratio)                     # no learning rate: not measured
    with_lr = layer_report(net, X[:50], grads, learning_rate=0.1)
    estimate = 0.1 * np.linalg.norm(grads[0][0]) / np.linalg.norm(net.weights[0])
    assert with_lr[0].update_ratio == pytest.approx(estimate)


def test_a_remedy_never_suggests_the_initialiser_already_in_use():
    """A Xavier-initialised sigmoid net was told to "use Xavier init"."""
    saturated = [epoch(1, layers=(stats(saturated=0.9), stats()))]
    vanishing = [epoch(1, layers=(stats(grad=1e-6, weight=1.0), stats(grad=1.0, weight=1.0)))]
    for history, detector in ((saturated, "saturation"), (vanishing, "vanishing_gradients")):
        assert "Xavier" in by_name(diagnose(history, 10, "sigmoid"))[detector].message
        message = by_name(diagnose(history, 10, "sigmoid", init="xavier"))[detector].message
        assert "Xavier" not in message and "ReLU" in message, message
    message = by_name(diagnose(vanishing, 10, "relu", init="he"))["vanishing_gradients"].message
    assert "He init" not in message and "fewer layers" in message
    assert "He init" in by_name(diagnose(vanishing, 10, "relu", init="small"))["vanishing_gradients"].message
