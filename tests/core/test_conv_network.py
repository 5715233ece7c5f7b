"""Networks built from layer lists with convolutions: shapes, gradients, initialisation, training, copies."""

import pickle

import numpy as np
import pytest

from nnviz.core import Network, TrainConfig, gradient_check, train
from nnviz.core.conv_net import layer_shapes
from nnviz.core.gradcheck import move_off_kinks
from nnviz.core.layer_list import LayerError, check_layers

LENET = [{"conv": 6, "kernel": 5, "padding": "same"}, {"maxpool": 2}, {"conv": 16, "kernel": 5}, {"maxpool": 2},
         {"dense": 120}, {"dense": 84}]
SMALL = [{"conv": 3, "kernel": 3, "padding": "same"}, {"maxpool": 2},
         {"conv": 4, "kernel": 3, "stride": 2, "padding": "same"}, {"avgpool": 2, "stride": 1}, {"dense": 5}]


def lenet(**kw):
    return Network([784, 10], layers=LENET, image_shape=(28, 28), **kw)


def test_lenet_has_the_shapes_of_lenet_5():
    net = lenet()
    assert net.sizes == [784, 6 * 14 * 14, 16 * 5 * 5, 120, 84, 10]
    assert [W.shape for W in net.weights] == [(6, 1, 5, 5), (16, 6, 5, 5), (400, 120), (120, 84), (84, 10)]
    assert [b.shape for b in net.biases] == [(6,), (16,), (120,), (84,), (10,)]
    assert net.flat_params().size == 61_706
    acts = net.forward(np.zeros((3, 784), np.float32))
    assert [a.shape for a in acts] == [(3, 784), (3, 6, 28, 28), (3, 16, 10, 10), (3, 120), (3, 84), (3, 10)]


def test_forward_feature_maps_are_the_convolution_of_the_image():
    """A single 1x1 filter of weight 2 and bias 1 with a linear-looking ReLU: the map is 2x + 1."""
    net = Network([16, 2], layers=[{"conv": 1, "kernel": 1}], image_shape=(4, 4), seed=0)
    net.weights[0][...] = 2.0
    net.biases[0][...] = 1.0
    X = np.arange(32, dtype=np.float32).reshape(2, 16) / 32
    maps = net.forward(X)[1]
    np.testing.assert_allclose(maps, (2 * X + 1).reshape(2, 1, 4, 4), rtol=1e-6)


@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid", "elu", "leaky_relu"])
@pytest.mark.parametrize("l2,l1", [(0.0, 0.0), (0.3, 0.05)])
def test_backprop_through_convolutions_matches_finite_differences(hidden, l2, l1):
    rng = np.random.default_rng(3)
    net = Network([64, 4], layers=SMALL, image_shape=(8, 8), hidden=hidden, init="xavier", seed=1,
                  dtype=np.float64)
    for b in net.biases:                       # off ReLU's kink at z = 0
        b += rng.uniform(-0.5, 0.5, b.shape)
    X, y = rng.random((5, 64)), rng.integers(0, 4, 5)
    errors = gradient_check(net, X, y, l2=l2)
    assert len(errors) == 4 and max(errors) <= 1e-6, errors
    if l1:
        grads = net.gradients(X, y, l2=l2, l1=l1)
        plain = net.gradients(X, y, l2=l2)
        np.testing.assert_allclose(grads[0][0] - plain[0][0], l1 * np.sign(net.weights[0]), atol=1e-12)


def test_lenet_backprop_matches_finite_differences_on_images():
    rng = np.random.default_rng(0)
    net = lenet(dtype=np.float64)
    X = np.zeros((3, 784))
    X[:, 300:500] = rng.random((3, 200))        # blank borders as in MNIST: units on the kink
    y = np.array([1, 7, 3])
    assert move_off_kinks(net, X)
    errors = gradient_check(net, X, y, max_entries=12)
    assert max(errors) <= 1e-6, errors


def test_a_blank_patch_puts_fresh_convolutions_on_relus_kink_and_moving_the_biases_takes_them_off():
    net = lenet(dtype=np.float64)
    X = np.zeros((2, 784))
    assert move_off_kinks(net, X) is True
    assert all(np.all(Z != 0) for Z in net.forward_cache(X)[0][:-1])
    assert move_off_kinks(net, X) is False


def test_he_initialisation_uses_the_filters_fan_in():
    net = Network([32 * 32 * 6, 2], layers=[{"conv": 64, "kernel": 5}], image_shape=(6, 32, 32), init="he")
    std = float(np.std(net.weights[0]))
    assert std == pytest.approx(np.sqrt(2 / (6 * 5 * 5)), rel=0.05)


def test_xavier_initialisation_uses_fan_in_and_fan_out_times_the_kernel_area():
    net = Network([16 * 16 * 8, 2], layers=[{"conv": 16, "kernel": 3}], image_shape=(8, 16, 16), init="xavier")
    limit = np.sqrt(6 / ((8 + 16) * 9))
    W = net.weights[0]
    assert W.max() <= limit and W.min() >= -limit and W.max() > 0.95 * limit


def test_a_layer_list_of_dense_entries_is_the_same_mlp_as_the_sizes():
    by_list = Network([64, 10], layers=[{"dense": 32}, {"dense": 16}], seed=4)
    by_sizes = Network([64, 32, 16, 10], seed=4)
    assert by_list.plan is None and by_list.sizes == by_sizes.sizes
    np.testing.assert_array_equal(by_list.flat_params(), by_sizes.flat_params())


def test_training_a_small_convnet_learns_a_pattern_it_could_not_guess():
    """Vertical against horizontal bars in 8x8 images: chance is 50%, 15 epochs give ≥ 95%."""
    rng = np.random.default_rng(0)
    n = 400
    y = rng.integers(0, 2, n)
    X = np.zeros((n, 8, 8), np.float32)
    where = rng.integers(1, 7, n)
    for i in range(n):
        if y[i]:
            X[i, :, where[i]] = 1
        else:
            X[i, where[i], :] = 1
    X += 0.2 * rng.random(X.shape).astype(np.float32)
    net = Network([64, 2], layers=[{"conv": 4, "kernel": 3}, {"maxpool": 2}, {"dense": 8}], image_shape=(8, 8),
                  seed=0)
    X = X.reshape(n, 64)
    for _ in train(net, (X[:300], y[:300]), TrainConfig(optimizer="adam", learning_rate=0.01, epochs=15,
                                                      batch_size=16, dropout=0.1, input_dropout=0.1)):
        pass
    assert np.mean(net.predict(X[300:]) == y[300:]) >= 0.95


def test_copies_train_independently_and_pickle_without_buffers():
    net = lenet(seed=2)
    X = np.random.default_rng(0).random((4, 784)).astype(np.float32)
    net.forward(X)
    clone = net.copy()
    assert clone.plan.stages[0].layer is not net.plan.stages[0].layer
    clone.weights[0][...] = 0
    assert np.any(net.weights[0] != 0)
    again = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(again.predict_proba(X), net.predict_proba(X))
    assert len(pickle.dumps(net)) < 2 * net.flat_params().nbytes + 50_000


def test_from_params_rebuilds_a_conv_network():
    net = lenet(seed=3)
    X = np.random.default_rng(1).random((2, 784)).astype(np.float32)
    rebuilt = Network.from_params(net.weights, net.biases, layers=net.layer_list, image_shape=net.image_shape)
    np.testing.assert_array_equal(rebuilt.predict_proba(X), net.predict_proba(X))
    with pytest.raises(ValueError, match=r"weights: layer 1 should be \(6, 1, 5, 5\)"):
        Network.from_params([np.zeros((6, 1, 3, 3))] + net.weights[1:], net.biases, layers=LENET,
                            image_shape=(28, 28))


def test_predicting_many_rows_in_chunks_matches_one_batch():
    net = lenet(seed=1)
    X = np.random.default_rng(2).random((net.plan.predict_rows() + 7, 784)).astype(np.float32)
    whole = net.predict_proba(X)
    np.testing.assert_allclose(whole[-7:], net.predict_proba(X[-7:]), rtol=1e-5, atol=1e-6)


def test_layer_shapes_are_each_entrys_output_on_the_images():
    """LeNet by hand: 28 "same" → 28, pool 2 → 14, 5x5 "valid" → 14 − 5 + 1 = 10, pool → 5, then
    flat; a stride-2 "same" convolution gives ⌈28/2⌉ = 14, flatten 14·14·3 = 588."""
    assert layer_shapes((28, 28), LENET) == [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16), (120,), (84,)]
    assert layer_shapes((1, 28, 28), [{"conv": 3, "kernel": 5, "stride": 2, "padding": "same"},
                                      {"flatten": True}, {"dense": 7}]) == [(14, 14, 3), (588,), (7,)]


@pytest.mark.parametrize("layers,index", [
    ([{"conv": 2, "kernel": 3}, {"maxpool": 2}, {"conv": 2, "kernel": 5}], 2),     # 8 → 6 → 3: no room for 5
    ([{"conv": 2, "kernel": 3}, {"maxpool": 7}], 1),
    ([{"dense": 4}, {"conv": 2}], 1),
])
def test_a_layer_that_cannot_work_carries_its_index(layers, index):
    with pytest.raises(LayerError) as error:
        layer_shapes((8, 8), layers)
    assert error.value.index == index and error.value.field == "layers"
    assert str(error.value).startswith(f"layers[{index}]")


@pytest.mark.parametrize("layers,image_shape,message", [
    ([{"conv": 2, "kernel": 5}], (4, 4), r"layers\[0\]: conv: kernel 5 on a 4x4 map"),
    ([{"conv": 2, "kernel": 3}, {"maxpool": 3}], (4, 4), r"layers\[1\]: maxpool: size 3 on a 2x2 map"),
    ([{"conv": 2, "kernel": 3}], None, r"image_shape: a network with convolutions needs"),
    ([{"conv": 2, "kernel": 3}], (5, 5), r"image_shape: \(5, 5\) does not hold the 16 inputs"),
])
def test_impossible_networks_are_refused_naming_the_layer(layers, image_shape, message):
    with pytest.raises(ValueError, match=message):
        Network([16, 2], layers=layers, image_shape=image_shape)


@pytest.mark.parametrize("layers,message", [
    ([{"dense": 10}, {"conv": 2, "kernel": 3}], r"layers\[1\]: conv after a dense or flatten layer"),
    ([{"conv": 2}], r"layers\[0\]: a conv layer needs a \"kernel\""),
    ([{"conv": 2, "kernel": 3, "strides": 2}], r"layers\[0\]: unknown key 'strides' for a conv layer"),
    ([{"conv": 2, "kernel": 3, "stride": 3}], r"layers\[0\].stride: 3 is not allowed; allowed: 1, 2"),
    ([{"maxpool": 0}], r"layers\[0\].maxpool: 0 is not allowed"),
    ([{"conv": 2, "dense": 3}], r"layers\[0\]: .* must name exactly one of"),
    ([5], r"layers\[0\]: 5 is not a layer"),
])
def test_bad_layer_lists_are_refused_naming_the_entry(layers, message):
    with pytest.raises(ValueError, match=message):
        check_layers(layers)


def test_saliency_of_a_conv_network_is_the_gradient_of_the_logit_with_respect_to_the_pixels():
    from nnviz.core.saliency import input_gradients
    rng = np.random.default_rng(6)
    net = Network([64, 4], layers=[{"maxpool": 2, "stride": 1}, *SMALL], image_shape=(8, 8), hidden="tanh",
                  dtype=np.float64, seed=2)
    X = rng.random((2, 64))
    grads = input_gradients(net, X, classes=[1, 3])
    for row, c in enumerate([1, 3]):
        x = X[row:row + 1].copy()
        numeric = np.empty(64)
        for i in range(64):
            saved = x[0, i]
            x[0, i] = saved + 1e-6
            plus = net.forward_cache(x)[0][-1][0, c]
            x[0, i] = saved - 1e-6
            minus = net.forward_cache(x)[0][-1][0, c]
            x[0, i] = saved
            numeric[i] = (plus - minus) / 2e-6
        np.testing.assert_allclose(grads[row], numeric, rtol=1e-5, atol=1e-8)


def test_backward_of_a_cached_pass_is_right_after_another_forward_reused_the_buffers():
    net = lenet(seed=4)
    rng = np.random.default_rng(7)
    X1, X2 = rng.random((5, 784)).astype(np.float32), rng.random((5, 784)).astype(np.float32)
    y = np.array([0, 1, 2, 3, 4])
    expected = net.gradients(X1, y)
    Zs, As, Ds = net.forward_cache(X1)
    net.forward_cache(X2)                          # overwrites the im2col buffers and pooling traces
    again = net.backward(Zs, As, Ds, net.targets(y, 5))
    for (dW, db), (eW, eb) in zip(again, expected):
        np.testing.assert_array_equal(dW, eW)
        np.testing.assert_array_equal(db, eb)


def test_knocking_out_dense_units_of_a_conv_network_equals_zeroing_their_outgoing_weights():
    from nnviz.core.ablation import ablated_copy, ablation_masks
    net = lenet(seed=5)
    X = np.random.default_rng(8).random((6, 784)).astype(np.float32)
    units = [(3, 0), (3, 5), (4, 7)]
    np.testing.assert_allclose(net.predict_proba(X, ablation_masks(net, units)),
                               ablated_copy(net, units).predict_proba(X), rtol=1e-5, atol=1e-7)
