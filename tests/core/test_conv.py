"""Convolution and pooling layers against hand-computed cases, direct loops and finite differences."""

import numpy as np
import pytest

from nnviz.core.conv import AvgPool2D, Conv2D, Flatten, MaxPool2D, channels_first

# -- hand-computed -------------------------------------------------------------------------------

X4 = np.arange(16, dtype=np.float64).reshape(1, 4, 4, 1)          # X[r, c] = 4r + c
W3 = np.zeros((1, 1, 3, 3))
W3[0, 0, 0, 1], W3[0, 0, 2, 2] = 1.0, 2.0                          # z = X[i, j+1] + 2 X[i+2, j+2] + b


def test_a_3x3_convolution_computed_by_hand():
    conv = Conv2D((4, 4, 1), filters=1, kernel=3)
    Z = conv.forward(X4, W3, np.array([0.5]))
    assert Z.shape == (1, 2, 2, 1)
    np.testing.assert_array_equal(Z[0, :, :, 0], [[1 + 20 + 0.5, 2 + 22 + 0.5], [5 + 28 + 0.5, 6 + 30 + 0.5]])


def test_a_3x3_convolution_backward_computed_by_hand():
    conv = Conv2D((4, 4, 1), filters=1, kernel=3)
    conv.forward(X4, W3, np.zeros(1))
    delta = np.array([[1.0, 0.0], [0.0, 2.0]]).reshape(1, 2, 2, 1)
    dW, db = np.empty((1, 1, 3, 3)), np.empty(1)
    conv.parameter_gradients(X4, delta, dW, db)
    # ∂C/∂W[p, q] = Σ δᵢⱼ X[i+p, j+q] = X[p, q] + 2 X[p+1, q+1] = 3(4p + q) + 10
    np.testing.assert_array_equal(dW[0, 0], [[10, 13, 16], [22, 25, 28], [34, 37, 40]])
    assert db[0] == 3.0
    # ∂C/∂X[r, c] = Σ δᵢⱼ W[r−i, c−j]: W's two taps placed at (0, 0) and, twice, at (1, 1)
    expected = np.zeros((4, 4))
    expected[0, 1], expected[2, 2], expected[1, 2], expected[3, 3] = 1, 2, 2, 4
    np.testing.assert_array_equal(conv.input_gradient(delta, W3)[0, :, :, 0], expected)


POOL_IN = np.array([[1, 3, 2, 2],
                    [4, 0, 2, 1],
                    [0, 0, 5, 6],
                    [0, -1, 7, 6]], dtype=np.float64).reshape(1, 4, 4, 1)
D_OUT = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)


def test_max_pooling_computed_by_hand_sends_a_tie_to_its_first_maximum():
    pool = MaxPool2D((4, 4, 1), 2)
    np.testing.assert_array_equal(pool.forward(POOL_IN)[0, :, :, 0], [[4, 2], [0, 7]])
    grad = pool.backward(POOL_IN, D_OUT)[0, :, :, 0]
    expected = np.zeros((4, 4))
    # the top-right window holds 2, 2, 2, 1 and the bottom-left 0, 0, 0, −1: the first one wins
    expected[1, 0], expected[0, 2], expected[2, 0], expected[3, 2] = 1, 2, 3, 4
    np.testing.assert_array_equal(grad, expected)
    assert grad.sum() == D_OUT.sum()            # nothing counted twice


def test_average_pooling_computed_by_hand():
    pool = AvgPool2D((4, 4, 1), 2)
    np.testing.assert_array_equal(pool.forward(POOL_IN)[0, :, :, 0], [[2.0, 1.75], [-0.25, 6.0]])
    grad = pool.backward(POOL_IN, D_OUT)[0, :, :, 0]
    np.testing.assert_array_equal(grad, np.kron([[1, 2], [3, 4]], np.ones((2, 2))) / 4)


# -- against direct loops --------------------------------------------------------------------------

def direct_convolution(D, W, b, stride, padding):
    """Z[n, i, j, f] = Σ_c,p,q D_padded[n, s·i + p, s·j + q, c] W[f, c, p, q] + b[f], one pixel at a time."""
    k = W.shape[2]
    if padding == "same":
        D = np.pad(D, ((0, 0), ((k - 1) // 2, k // 2), ((k - 1) // 2, k // 2), (0, 0)))
    out_h, out_w = (D.shape[1] - k) // stride + 1, (D.shape[2] - k) // stride + 1
    Z = np.empty((len(D), out_h, out_w, len(W)))
    for i in range(out_h):
        for j in range(out_w):
            patch = D[:, stride * i:stride * i + k, stride * j:stride * j + k, :]
            Z[:, i, j, :] = np.einsum("npqc,fcpq->nf", patch, W) + b
    return Z


CASES = [(padding, stride, kernel) for padding in ("valid", "same") for stride in (1, 2) for kernel in (3, 4)]


@pytest.mark.parametrize("padding,stride,kernel", CASES)
def test_convolution_matches_a_direct_loop(padding, stride, kernel):
    rng = np.random.default_rng(stride * 10 + kernel)
    D = rng.standard_normal((3, 7, 6, 2))
    W, b = rng.standard_normal((4, 2, kernel, kernel)), rng.standard_normal(4)
    conv = Conv2D((7, 6, 2), filters=4, kernel=kernel, stride=stride, padding=padding)
    Z = conv.forward(D, W, b)
    expected = direct_convolution(D, W, b, stride, padding)
    assert Z.shape == expected.shape == (3, *conv.out_shape)
    np.testing.assert_allclose(Z, expected, rtol=1e-12, atol=1e-12)


def test_same_padding_keeps_the_size_at_stride_1_and_halves_it_rounding_up_at_stride_2():
    assert Conv2D((28, 28, 1), 6, 5, padding="same").out_shape == (28, 28, 6)
    assert Conv2D((7, 6, 1), 2, 3, stride=2, padding="same").out_shape == (4, 3, 2)
    assert Conv2D((14, 14, 6), 16, 5).out_shape == (10, 10, 16)


# -- finite differences -------------------------------------------------------------------------

def relative_error(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


def numerical_gradient(f, x, eps=1e-6):
    """Central differences of the scalar f() with respect to every entry of x (changed in place)."""
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        plus = f()
        flat[i] = saved - eps
        minus = f()
        flat[i] = saved
        gflat[i] = (plus - minus) / (2 * eps)
    return grad


@pytest.mark.parametrize("padding,stride", [(p, s) for p in ("valid", "same") for s in (1, 2)])
def test_convolution_gradients_match_finite_differences(padding, stride):
    rng = np.random.default_rng(stride)
    D = rng.standard_normal((2, 6, 5, 2))
    W, b = rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3)
    conv = Conv2D((6, 5, 2), filters=3, kernel=3, stride=stride, padding=padding)
    R = rng.standard_normal((2, *conv.out_shape))         # C = Σ R ⊙ Z, so δ = R

    def cost():
        return float(np.sum(R * conv.forward(D, W, b)))

    dW, db = np.empty_like(W), np.empty_like(b)
    conv.forward(D, W, b)
    conv.parameter_gradients(D, R, dW, db)
    dD = conv.input_gradient(R, W)
    assert relative_error(dW, numerical_gradient(cost, W)) <= 1e-6
    assert relative_error(db, numerical_gradient(cost, b)) <= 1e-6
    assert relative_error(dD, numerical_gradient(cost, D)) <= 1e-6


@pytest.mark.parametrize("pool_class,size,stride", [(MaxPool2D, 2, 2), (MaxPool2D, 3, 2), (MaxPool2D, 3, 3),
                                                     (AvgPool2D, 2, 2), (AvgPool2D, 3, 2)])
def test_pooling_gradients_match_finite_differences(pool_class, size, stride):
    rng = np.random.default_rng(size)
    A = rng.permutation(2 * 7 * 7 * 3).reshape(2, 7, 7, 3) * 0.01    # distinct values: no ties
    pool = pool_class((7, 7, 3), size, stride)
    R = rng.standard_normal((2, *pool.out_shape))

    def cost():
        return float(np.sum(R * pool.forward(A)))

    assert relative_error(pool.backward(A, R), numerical_gradient(cost, A)) <= 1e-6


def test_max_pooling_of_relu_ties_matches_finite_differences_through_the_convolution():
    """Negative pre-activations make ReLU windows of tied zeros (what pooling sees in practice): the
    first zero gets the gradient and ReLU's derivative 0 stops it, as finite differences agree."""
    rng = np.random.default_rng(5)
    D = rng.standard_normal((2, 6, 6, 1))
    W, b = rng.standard_normal((2, 1, 3, 3)), np.array([-1.5, 0.3])   # filter 0 mostly negative: ties
    conv, pool = Conv2D((6, 6, 1), 2, 3, padding="same"), MaxPool2D((6, 6, 2), 2)
    R = rng.standard_normal((2, *pool.out_shape))

    def cost():
        return float(np.sum(R * pool.forward(np.maximum(conv.forward(D, W, b), 0))))

    Z = conv.forward(D, W, b).copy()
    A = np.maximum(Z, 0)
    windows = A[..., 0].reshape(2, 3, 2, 3, 2)
    assert np.sum(np.all(windows == 0, axis=(2, 4))) >= 3          # windows of four tied zeros
    delta = pool.backward(A, R) * (Z > 0)
    dW, db = np.empty_like(W), np.empty_like(b)
    conv.parameter_gradients(D, delta, dW, db)
    assert relative_error(dW, numerical_gradient(cost, W)) <= 1e-6
    assert relative_error(db, numerical_gradient(cost, b)) <= 1e-6


# -- buffers, shapes, errors --------------------------------------------------------------------

def test_gradients_use_the_batch_asked_for_even_after_another_forward():
    rng = np.random.default_rng(0)
    conv = Conv2D((5, 5, 1), 2, 3)
    W, b = rng.standard_normal((2, 1, 3, 3)), np.zeros(2)
    first, second = rng.standard_normal((2, 5, 5, 1)), rng.standard_normal((2, 5, 5, 1))
    delta = rng.standard_normal((2, 3, 3, 2))
    conv.forward(first, W, b)
    expected = np.empty_like(W)
    conv.parameter_gradients(first, delta, expected, np.empty(2))
    conv.forward(second, W, b)                      # overwrites the reused im2col buffer
    again = np.empty_like(W)
    conv.parameter_gradients(first, delta, again, np.empty(2))
    np.testing.assert_array_equal(again, expected)


def test_channels_first_is_a_view_of_the_maps():
    A = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    view = channels_first(A)
    assert view.shape == (2, 5, 3, 4) and np.shares_memory(view, A)
    assert view[1, 4, 2, 3] == A[1, 2, 3, 4]


def test_flatten_is_a_reshape_in_h_w_c_order_and_back():
    A = np.arange(24.0).reshape(2, 2, 3, 2)
    flat = Flatten((2, 3, 2)).forward(A)
    assert flat.shape == (2, 12) and flat[1, 5] == A[1, 0, 2, 1]
    np.testing.assert_array_equal(Flatten((2, 3, 2)).backward(A, flat), A)


@pytest.mark.parametrize("make,message", [
    (lambda: Conv2D((4, 4, 1), 2, 5), "conv: kernel 5 on a 4x4 map"),
    (lambda: Conv2D((4, 4, 1), 2, 3, stride=3), "conv: stride 3 is not allowed"),
    (lambda: Conv2D((4, 4, 1), 2, 3, padding="full"), "conv: padding 'full' is not allowed"),
    (lambda: MaxPool2D((2, 2, 1), 3), "maxpool: size 3 on a 2x2 map"),
    (lambda: AvgPool2D((5, 3, 1), 4), "avgpool: size 4 on a 5x3 map"),
])
def test_impossible_shapes_are_refused_with_a_clear_message(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_same_padding_allows_a_kernel_larger_than_the_map():
    assert Conv2D((4, 4, 1), 2, 5, padding="same").out_shape == (4, 4, 2)


def test_a_wrong_input_shape_is_refused():
    with pytest.raises(ValueError, match=r"conv: expected inputs of shape \(n, 5, 5, 1\), got \(2, 5, 5, 3\)"):
        Conv2D((5, 5, 1), 2, 3).forward(np.zeros((2, 5, 5, 3)), np.zeros((2, 1, 3, 3)), np.zeros(2))
