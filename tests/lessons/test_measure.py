"""The measured state of a headless lesson run, against a hand computation (Nielsen's one neuron)."""

import math

import pytest

from nnviz.guard import UserError
from nnviz.lessons.measure import measure, start_config, step_start
from nnviz.lessons.model import Start

NEURON = Start("nielsen-sigmoid", {"hidden_layers": [], "validation_split": 0.0, "restore_best": False,
                                   "batch_size": 1, "epochs": 3, "learning_rate": 0.15},
               points=((1.0,),), labels=(0,), weights=(((2.0,),),), biases=((2.0,),))


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def test_one_sigmoid_neuron_learns_as_the_hand_computed_steps_say():
    # C = (a − y)²/2 with a = σ(wx + b), x = 1, y = 0: ∂C/∂w = ∂C/∂b = a σ'(z) = a²(1 − a).
    w = b = 2.0
    losses = []
    for _ in range(3):
        a = sigmoid(w + b)
        losses.append(a * a / 2)
        step = 0.15 * a * a * (1 - a)
        w, b = w - step, b - step
    measured = measure(start_config(NEURON, {"loss": "quadratic"}), NEURON)
    assert measured.losses == pytest.approx(losses, rel=1e-5)
    assert measured.accuracies == (0.0, 0.0, 0.0)          # a > 0.5 throughout: wrong
    assert measured.test_accuracy == measured.train_accuracy == 0.0
    assert measured.test_loss == pytest.approx(sigmoid(w + b) ** 2 / 2, rel=1e-5)
    assert not measured.diverged and measured.dead == ()


def test_hand_made_false_trains_on_the_presets_data_instead():
    start = step_start(NEURON, {"hand_made": False})
    assert start.points is None and start.weights is None
    assert step_start(NEURON, {}) is NEURON


def test_hand_set_weights_of_the_wrong_shape_are_a_clear_error():
    start = Start(NEURON.preset, NEURON.settings, NEURON.points, NEURON.labels, (((2.0, 1.0),),), ((2.0,),))
    with pytest.raises(UserError, match=r"start.weights: layer 1 needs a \(1, 1\) matrix .* gives \(1, 2\)"):
        measure(start_config(start), start)
