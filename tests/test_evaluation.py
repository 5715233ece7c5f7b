"""Robustness curves, mistakes ranked by confidence and confusion-cell examples, on hand cases and 8x8 digits."""

import math

import numpy as np
import pytest

from nnviz.core import Network, TrainConfig, TrainData, accuracy, train
from nnviz.data import Dataset, load_dataset
from nnviz.evaluation import (
    DEFAULT_LEVELS,
    class_examples,
    evaluate_test_set,
    mistakes,
    mistakes_from_outputs,
    perturb,
    predictions_and_confidence,
    robustness_curve,
)


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits8x8")


@pytest.fixture(scope="module")
def net(digits):
    net = Network([64, 32, 10], seed=0)
    config = TrainConfig(epochs=5, learning_rate=0.1)
    for _ in train(net, TrainData(digits.X_train, digits.y_train), config):
        pass
    return net


# -- mistakes and confusion cells ------------------------------------------------------------------

def test_mistakes_are_the_wrong_predictions_most_confident_first():
    P = np.array([[0.9, 0.1],     # 0: predicts 0, label 0: right
                  [0.3, 0.7],     # 1: predicts 1 (0.7), label 0: wrong
                  [0.95, 0.05],   # 2: predicts 0 (0.95), label 1: wrong
                  [0.2, 0.8],     # 3: predicts 1, label 1: right
                  [0.4, 0.6]])    # 4: predicts 1 (0.6), label 0: wrong
    y = np.array([0, 0, 1, 1, 0])
    m = mistakes_from_outputs(P, y)
    np.testing.assert_array_equal(m.indices, [2, 1, 4])
    np.testing.assert_array_equal(m.predicted, [0, 1, 1])
    np.testing.assert_allclose(m.confidence, [0.95, 0.7, 0.6])
    np.testing.assert_array_equal(mistakes_from_outputs(P, y, limit=2).indices, [2, 1])


def test_equally_confident_mistakes_keep_the_sample_order():
    P = np.array([[0.2, 0.8]] * 3)
    np.testing.assert_array_equal(mistakes_from_outputs(P, np.zeros(3, int)).indices, [0, 1, 2])


def test_one_sigmoid_output_is_confident_in_whichever_class_it_predicts():
    predicted, confidence = predictions_and_confidence(np.array([[0.9], [0.2], [0.5]]))
    np.testing.assert_array_equal(predicted, [1, 0, 0])
    np.testing.assert_allclose(confidence, [0.9, 0.8, 0.5])


def test_mistakes_of_a_network_match_its_predictions(net, digits):
    m = mistakes(net, digits.X_test, digits.y_test)
    predicted = net.predict(digits.X_test)
    np.testing.assert_array_equal(np.sort(m.indices), np.flatnonzero(predicted != digits.y_test))
    np.testing.assert_array_equal(m.predicted, predicted[m.indices])
    assert np.all(np.diff(m.confidence) <= 0)


def test_class_examples_are_the_samples_of_one_confusion_cell():
    y_true = np.array([3, 5, 3, 3, 5, 1])
    y_pred = np.array([5, 5, 3, 5, 3, 1])
    np.testing.assert_array_equal(class_examples(y_true, y_pred, 3, 5), [0, 3])
    np.testing.assert_array_equal(class_examples(y_true, y_pred, 5, 3), [4])
    assert class_examples(y_true, y_pred, 1, 3).size == 0


def test_test_set_results_of_a_hand_set_network_are_counted_by_hand():
    # logits = (10 x1, 10 x2, 5): class 0 where x1 leads, 1 where x2 leads, 2 near the origin.
    net = Network([2, 3], output="softmax", dtype=np.float64)
    net.weights[0][...] = [[10, 0, 0], [0, 10, 0]]
    net.biases[0][...] = [0, 0, 5]
    X = np.array([[1, 0], [0, 1], [0, 0], [1, 0.2], [0.2, 1]])
    y = np.array([0, 1, 1, 2, 1])                         # predicted 0, 1, 2, 0, 1: samples 2 and 3 wrong
    dataset = Dataset("hand", X, y, X, y, 3, None, ("a", "b", "c"))
    r = evaluate_test_set(net, dataset)

    def softmax_top(*z):
        return max(math.exp(v) for v in z) / sum(math.exp(v) for v in z)

    np.testing.assert_array_equal(r.predicted, [0, 1, 2, 0, 1])
    np.testing.assert_allclose(r.confidence, [softmax_top(10, 0, 5), softmax_top(0, 10, 5), softmax_top(0, 0, 5),
                                              softmax_top(10, 2, 5), softmax_top(2, 10, 5)])
    np.testing.assert_array_equal(r.confusion, [[1, 0, 0], [0, 2, 1], [1, 0, 0]])   # rows true, columns predicted
    assert r.accuracy == pytest.approx(3 / 5)
    np.testing.assert_allclose(r.per_class, [1, 2 / 3, 0])
    np.testing.assert_array_equal(r.cell(1, 2), [2])
    np.testing.assert_array_equal(r.cell(2, 0), [3])
    # Sample 3 (e^10 / (e^10 + e^2 + e^5) = 0.9966) is a surer mistake than sample 2 (e^5 / (2 + e^5) = 0.987).
    np.testing.assert_array_equal(r.mistakes().indices, [3, 2])
    assert r.class_names == ("a", "b", "c") and r.image_shape is None and r.dataset_name == "hand"


# -- perturbations ---------------------------------------------------------------------------------

def test_rotation_by_90_degrees_turns_each_image_a_quarter_either_way():
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 1, (40, 5, 5)).astype(np.float32)
    turned = perturb(images.reshape(40, 25), "rotation", 90, (5, 5), np.random.default_rng(1)).reshape(40, 5, 5)
    left = [np.allclose(t, np.rot90(a, 1), atol=1e-5) for t, a in zip(turned, images)]
    right = [np.allclose(t, np.rot90(a, -1), atol=1e-5) for t, a in zip(turned, images)]
    assert all(l or r for l, r in zip(left, right))
    assert any(left) and any(right)


def test_noise_is_gaussian_of_the_level_and_clipped_to_the_pixel_range():
    X = np.full((200, 64), 0.5, np.float32)
    noisy = perturb(X, "noise", 0.1, (8, 8), np.random.default_rng(0))
    assert noisy.dtype == np.float32 and noisy.shape == X.shape
    assert np.std(noisy - X) == pytest.approx(0.1, rel=0.05)
    heavy = perturb(X, "noise", 3.0, (8, 8), np.random.default_rng(0))
    assert heavy.min() == 0 and heavy.max() == 1


def test_level_zero_leaves_the_data_alone():
    X = np.random.default_rng(0).uniform(0, 1, (3, 4))
    for kind in ("noise", "rotation"):
        assert perturb(X, kind, 0, (2, 2), np.random.default_rng(0)) is X


@pytest.mark.parametrize("kind,level,shape,field", [("blur", 1, (2, 2), "kind"), ("noise", -1, (2, 2), "levels"),
                                                    ("rotation", 200, (2, 2), "levels"),
                                                    ("rotation", 10, None, "rotation")])
def test_bad_perturbations_are_value_errors_naming_the_field(kind, level, shape, field):
    with pytest.raises(ValueError, match=field):
        perturb(np.zeros((2, 4), np.float32), kind, level, shape, np.random.default_rng(0))


# -- robustness curves -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["noise", "rotation"])
def test_robustness_starts_at_the_clean_accuracy_and_falls(net, digits, kind):
    levels, accuracies = robustness_curve(net, digits, kind, seed=0)
    np.testing.assert_array_equal(levels, DEFAULT_LEVELS[kind])
    clean = accuracy(digits.y_test, net.predict(digits.X_test))
    assert clean > 0.8
    assert accuracies[0] == clean
    assert accuracies[-1] < clean - 0.3


def test_heavy_noise_brings_accuracy_towards_chance(net, digits):
    _, accuracies = robustness_curve(net, digits, "noise", levels=[0, 0.05, 2.0], seed=1)
    assert accuracies[1] > accuracies[0] - 0.1
    assert accuracies[2] < 0.4


def test_robustness_uses_a_seeded_subset_of_at_most_max_samples(net, digits):
    a = robustness_curve(net, digits, "noise", levels=[0, 0.3], seed=3, max_samples=50)[1]
    b = robustness_curve(net, digits, "noise", levels=[0, 0.3], seed=3, max_samples=50)[1]
    np.testing.assert_array_equal(a, b)
    assert np.all(np.round(a * 50) == a * 50)            # accuracies of 50 samples


def test_noise_on_point_datasets_is_not_clipped():
    X = np.array([[3.0, 2.0], [2.0, 3.0]], np.float32)       # both would clip to (1, 1)
    points = Dataset("points", X, np.array([0, 1]), X, np.array([0, 1]), 2, None, ("a", "b"))
    net = Network([2, 2], output="linear", loss="quadratic", seed=0)
    net.weights[0][...] = [[1, -1], [-1, 1]]                 # z = (x₀ − x₁, x₁ − x₀)
    net.biases[0][...] = 0
    levels, accuracies = robustness_curve(net, points, "noise", levels=[0, 0.01])
    np.testing.assert_array_equal(accuracies, [1.0, 1.0])
