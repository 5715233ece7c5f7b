"""Checks: each metric read off a hand-made measured state, and the little condition language."""

import numpy as np
import pytest

from nnviz.core import Network
from nnviz.lessons import holds, parse_condition
from nnviz.lessons.conditions import explain
from nnviz.lessons.measure import Measured


def state(**values):
    base = dict(losses=(1.0, 0.5, 0.2, 0.05), accuracies=(0.3, 0.6, 0.9, 1.0), first_ratios=(250.0, 3.0, 1.0),
                dead=(0.1, 0.6), diverged=False, train_accuracy=0.98, test_accuracy=0.80, test_loss=0.4,
                network=None, X_test=None, y_test=None)
    return Measured(**{**base, **values})

@pytest.mark.parametrize("text, expected", [
    ("test_accuracy >= 0.8", True), ("test_accuracy > 0.8", False),
    ("gap > 0.17 and gap < 0.19", True),                   # 0.98 − 0.80
    ("loss < 0.06", True), ("epochs == 4", True),
    ("epochs_to_loss[0.5] == 2", True), ("epochs_to_loss[0.01] == inf", True),
    ("epochs_to_accuracy[0.9] <= 3", True),
    ("dead_fraction > 0.5", True), ("dead_fraction[1] > 0.5", False),
    ("gradient_ratio >= 100", True), ("gradient_ratio[2] >= 100", False),
    ("not diverged", True), ("diverged", False),
])
def test_each_metric_reads_the_measured_state(text, expected):
    assert holds(parse_condition(text), state()) is expected

def test_explain_shows_each_value_and_whether_it_passes():
    line = explain(parse_condition("test_accuracy >= 0.95 and not diverged"), state())
    assert line == "test_accuracy = 0.8 (needs >= 0.95 ✗); diverged = 0 (needs == 0 ✓)"

@pytest.mark.parametrize("text, words", [
    ("acuracy > 1", "unknown metric"), ("test_accuracy", "compare test_accuracy with a number"),
    ("test_accuracy[2] > 1", "takes no [argument]"), ("epochs_to_loss < 3", "needs an [argument]"),
    ("test_accuracy >= high", "is not METRIC OP NUMBER"), ("", "must be a condition"),
    ("not test_accuracy > 0.5", "only before diverged"),
])
def test_a_bad_condition_says_why(text, words):
    with pytest.raises(ValueError, match=words.replace("[", r"\[").replace("]", r"\]")):
        parse_condition(text)

def test_knockout_share_compares_the_chosen_unit_with_the_largest_drop():
    # Hand-built 2-2-2 network: the output copies hidden unit 0 to class 0 and hidden unit 1 to class 1,
    # with unit 0 four times as strong. Points on the x1 axis are class 0, on the x2 axis class 1.
    net = Network([2, 2, 2], hidden="relu", output="softmax", loss="cross_entropy", seed=0, dtype=np.float64)
    net.weights[0][...] = np.eye(2)
    net.biases[0][...] = 0
    net.weights[1][...] = [[4.0, 0.0], [0.0, 1.0]]
    net.biases[1][...] = [0.0, 0.5]
    X = np.array([[1.0, 0], [2.0, 0], [0, 1.0], [0, 2.0]])
    y = np.array([0, 0, 1, 1])
    # intact: class 0 points: 4x vs 0.5 -> right; class 1 points: 0 vs x2 + 0.5 -> right (100%).
    # without unit 0, the class-0 points score 0 vs 0.5: wrong (drop 0.5); without unit 1 the class-1
    # points score 0 vs 0.5: still right (drop 0).
    measured = state(network=net, X_test=X, y_test=y)
    assert measured.unit_drops() == {(1, 0): 0.5, (1, 1): 0.0}
    assert holds(parse_condition("knockout_share >= 1"), measured.knock_out("most"))
    assert measured.knock_out("most").knocked_out == (1, 0)
    assert holds(parse_condition("knockout_share == 0 and knockout_drop == 0"), measured.knock_out("1:1"))
