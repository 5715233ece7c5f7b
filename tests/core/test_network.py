"""The Network contract of DESIGN.md: shapes, dtypes, predictions, losses and clear errors."""

import numpy as np
import pytest

from nnviz.core import Network


@pytest.fixture
def net():
    return Network([784, 16, 8, 10], hidden="relu", output="softmax", loss="cross_entropy",
                   init="he", seed=0)


def test_contract_shapes_and_float32_default(net):
    X = np.random.default_rng(0).random((5, 784))
    P = net.predict_proba(X)
    assert P.shape == (5, 10) and P.dtype == np.float32
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(net.predict(X), P.argmax(axis=1))
    acts = net.forward(X)
    assert [a.shape for a in acts] == [(5, 784), (5, 16), (5, 8), (5, 10)]
    assert [W.shape for W in net.weights] == [(784, 16), (16, 8), (8, 10)]
    assert all(W.dtype == np.float32 for W in net.weights)


def test_float64_on_request():
    net = Network([3, 2], output="sigmoid", loss="binary_cross_entropy", dtype=np.float64)
    assert net.weights[0].dtype == np.float64
    assert net.predict_proba(np.ones((1, 3))).dtype == np.float64


def test_loss_with_labels_equals_loss_with_one_hot(net):
    rng = np.random.default_rng(1)
    X, y = rng.random((20, 784)), rng.integers(0, 10, 20)
    assert net.loss(X, y) == pytest.approx(net.loss(X, np.eye(10)[y]), rel=1e-6)


def test_cross_entropy_loss_by_hand():
    net = Network([2, 3], output="softmax", loss="cross_entropy", dtype=np.float64)
    net.weights[0][...] = np.eye(2, 3)
    net.biases[0][...] = 0.0
    X = np.array([[1.0, 2.0]])                  # logits (1, 2, 0)
    expected = -np.log(np.exp(2.0) / (np.exp(1.0) + np.exp(2.0) + 1.0))
    assert net.loss(X, np.array([1])) == pytest.approx(expected)


def test_l2_adds_half_lambda_sum_of_squared_weights():
    net = Network([2, 2, 1], hidden="tanh", output="linear", loss="quadratic", dtype=np.float64)
    X, y = np.ones((3, 2)), np.zeros(3)
    squares = sum(np.sum(W ** 2) for W in net.weights)
    assert net.loss(X, y, l2=0.2) - net.loss(X, y) == pytest.approx(0.1 * squares)


def test_single_sigmoid_output_predicts_zero_one():
    net = Network([2, 1], output="sigmoid", loss="binary_cross_entropy", dtype=np.float64)
    net.weights[0][...] = [[1.0], [0.0]]
    net.biases[0][...] = 0.0
    np.testing.assert_array_equal(net.predict(np.array([[2.0, 0], [-2.0, 0]])), [1, 0])


@pytest.mark.parametrize("output,loss", [("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy"),
                                         ("softmax", "quadratic"), ("sigmoid", "quadratic")])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_logits_give_finite_loss_and_gradients(output, loss, dtype):
    net = Network([2, 3], hidden="relu", output=output, loss=loss, dtype=dtype)
    net.weights[0][...] = [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]]
    net.biases[0][...] = 0.0
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    Y = np.array([[0, 1, 0], [1, 0, 0]], dtype=float)   # the wrong class gets +1000
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = net.loss(X, Y)
        grads = net.gradients(X, Y)
    assert np.isfinite(value)
    if loss == "cross_entropy":
        assert value == pytest.approx(2000.0, rel=1e-3)   # logsumexp(1000, -1000, 0) − (−1000)
    assert all(np.all(np.isfinite(dW)) and np.all(np.isfinite(db)) for dW, db in grads)
    assert np.all(np.isfinite(net.predict_proba(X)))


@pytest.mark.parametrize("kwargs,field", [
    ({"hidden": "swish"}, "hidden"), ({"output": "tanh"}, "output"), ({"loss": "hinge"}, "loss"),
    ({"init": "zeros"}, "init"), ({"output": "linear", "loss": "cross_entropy"}, "loss"),
])
def test_bad_names_raise_value_error_naming_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field) as err:
        Network([2, 3, 2], **kwargs)
    assert "allowed" in str(err.value)


@pytest.mark.parametrize("sizes", [[3], [3, 0, 2], [3, 2.5, 2], [3, -1]])
def test_bad_sizes_raise(sizes):
    with pytest.raises(ValueError, match="sizes"):
        Network(sizes)


def test_wrong_input_shape_is_reported(net):
    with pytest.raises(ValueError, match=r"\(n, 784\)"):
        net.predict(np.zeros((2, 64)))


def test_labels_out_of_range_are_reported(net):
    with pytest.raises(ValueError, match="labels"):
        net.loss(np.zeros((2, 784)), np.array([0, 10]))


def test_same_seed_same_weights_different_seed_different():
    a, b, c = (Network([5, 4, 2], seed=s) for s in (7, 7, 8))
    assert all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights))
    assert not np.array_equal(a.weights[0], c.weights[0])


@pytest.mark.parametrize("init,std", [("normal", 1.0), ("scaled_normal", 1 / np.sqrt(400)),
                                      ("small", 0.01), ("he", np.sqrt(2 / 400)),
                                      ("xavier", np.sqrt(2 / (400 + 300)))])
def test_initialisers_have_their_spread(init, std):
    W = Network([400, 300], init=init, seed=0).weights[0]
    assert np.std(W) == pytest.approx(std, rel=0.02)
    assert abs(np.mean(W)) < 0.05 * std


def test_from_params_and_copy_are_independent(net):
    clone = net.copy()
    clone.weights[0] += 1
    assert not np.array_equal(clone.weights[0], net.weights[0])
    rebuilt = Network.from_params(net.weights, net.biases, "relu", "softmax", "cross_entropy")
    X = np.random.default_rng(0).random((3, 784))
    np.testing.assert_array_equal(rebuilt.predict_proba(X), net.predict_proba(X))
    with pytest.raises(ValueError, match="weights"):
        Network.from_params([np.zeros((3, 2))], [np.zeros(3)])


def test_parameters_are_views_of_one_vector_in_layer_order():
    net = Network([3, 4, 2], seed=1)
    flat = net.flat_params()
    expected = np.concatenate([net.weights[0].ravel(), net.biases[0], net.weights[1].ravel(), net.biases[1]])
    np.testing.assert_array_equal(flat, expected)
    flat[0] = 42.0
    assert net.weights[0][0, 0] == 42.0


def test_from_params_copies_the_arrays_into_its_own_parameter_vector():
    W = [np.ones((2, 3), np.float32), np.full((3, 1), 2.0, np.float32)]
    b = [np.zeros(3, np.float32), np.ones(1, np.float32)]
    net = Network.from_params(W, b, "relu", "sigmoid", "binary_cross_entropy")
    flat = net.flat_params()
    assert flat.size == 6 + 3 + 3 + 1
    np.testing.assert_array_equal(net.weights[1], W[1])
    assert all(np.shares_memory(p, flat) for p in net.params())
    assert not any(np.shares_memory(p, flat) for p in W + b)
    W[0][0, 0] = 7.0                                    # the caller's arrays stay the caller's
    assert net.weights[0][0, 0] == 1.0


def test_a_network_from_read_only_arrays_can_be_changed_and_trained():
    W = [np.ones((2, 3), np.float32), np.ones((3, 2), np.float32)]
    b = [np.zeros(3, np.float32), np.zeros(2, np.float32)]
    for p in W + b:
        p.setflags(write=False)                         # as in a snapshot
    net = Network.from_params(W, b)
    net.set_params([2 * w for w in W], b)
    assert net.weights[0][0, 0] == 2.0 and W[0][0, 0] == 1.0
    net.flat_params()[:] = 0.0
    assert not np.any(net.weights[1]) and np.all(W[1] == 1.0)


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_scaled_backward_gives_the_gradients_of_the_scaled_cost(l2):
    net = Network([5, 4, 3], hidden="tanh", seed=2, dtype=np.float64)
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((6, 5)), rng.integers(0, 3, 6)
    T = net.targets(y, 6)
    plain = net.gradients(X, y, l2)
    Zs, As, Ds = net.forward_cache(X)
    scaled = net.backward(Zs, As, Ds, T, l2, scale=0.25)
    for (dW, db), (sW, sb) in zip(plain, scaled):
        np.testing.assert_allclose(sW, 0.25 * dW, rtol=1e-12)
        np.testing.assert_allclose(sb, 0.25 * db, rtol=1e-12)


def test_forward_cost_equals_the_loss_from_a_separate_softmax():
    net = Network([4, 6, 5], seed=4, dtype=np.float64)
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((7, 4)), rng.integers(0, 5, 7)
    Zs, As, _, cost = net.forward_cost(X, net.targets(y, 7))
    Z = Zs[-1]
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(As[-1], P, rtol=1e-12)
    np.testing.assert_allclose(cost, -np.mean(np.log(P[np.arange(7), y])), rtol=1e-12)


def test_an_unpickled_network_trains_exactly_as_the_original():
    """The training process receives networks pickled: weights must stay views of the flat parameters."""
    import pickle

    from nnviz.core import TrainConfig, TrainData, train

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((64, 4)).astype(np.float32), rng.integers(0, 3, 64)
    original = Network([4, 8, 3], hidden="tanh", seed=2)
    copy = pickle.loads(pickle.dumps(original))
    assert all(np.shares_memory(W, copy.flat_params()) for W in copy.weights + copy.biases)
    for net in (original, copy):
        for _ in train(net, TrainData(X, y), TrainConfig(epochs=2, batch_size=16, optimizer="adam")):
            pass
    for a, b in zip(original.params(), copy.params()):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(original.weights[0], Network([4, 8, 3], hidden="tanh", seed=2).weights[0])
