"""One sigmoid output unit means two classes: the rule every front end takes from nnviz.core.classes."""

import numpy as np

from nnviz.core import Network, class_probabilities, n_classes, output_units, predictions


def test_one_output_unit_is_two_classes_and_k_units_are_k():
    assert [n_classes(k) for k in (1, 2, 3, 10)] == [2, 2, 3, 10]
    assert output_units(2, "sigmoid") == 1
    assert output_units(2, "softmax") == 2 and output_units(3, "sigmoid") == 3


def test_a_single_output_is_the_probability_of_class_1():
    P = np.array([[0.2], [0.5], [0.9]])
    np.testing.assert_array_equal(predictions(P), [0, 0, 1])           # 0.5 is not above 0.5
    np.testing.assert_allclose(class_probabilities(P), [[0.8, 0.2], [0.5, 0.5], [0.1, 0.9]])


def test_several_outputs_are_one_column_per_class():
    P = np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]])
    np.testing.assert_array_equal(predictions(P), [1, 0])
    assert class_probabilities(P) is P


def test_the_network_predicts_by_the_same_rule():
    net = Network([2, 3, 1], output="sigmoid", loss="binary_cross_entropy", seed=0)
    X = np.random.default_rng(0).standard_normal((20, 2))
    np.testing.assert_array_equal(net.predict(X), (net.predict_proba(X)[:, 0] > 0.5).astype(int))
