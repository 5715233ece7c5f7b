"""The backprop inspector with a network with convolutions: each conv layer's z, a and δ drawn as the first
sample's maps, ∂C/∂W as its kernels, all the core's numbers (themselves checked against finite differences
in tests/core/test_inspector_conv.py), with the convolution's equations; in the window it opens for one."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.app.diagnostics.inspector_view import InspectorView, equation
from nnviz.core import Network
from nnviz.core.gradcheck import PASS_TOLERANCE
from nnviz.core.inspector import inspect_batch

from .conftest import tiny_digits
from .test_main_window import train_until_epochs

LAYERS = [{"conv": 3, "kernel": 3, "padding": "same"}, {"maxpool": 2}, {"conv": 2, "kernel": 2}, {"dense": 4}]
X = np.random.default_rng(0).random((5, 36))
LABELS = np.array([0, 1, 2, 1, 0])


@pytest.fixture
def net():
    return Network([36, 3], hidden="tanh", layers=LAYERS, image_shape=(6, 6), seed=2, dtype=np.float64)


@pytest.fixture
def view(qtbot):
    widget = InspectorView()
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def tile(grid, n, h, w, cols):
    """Tile n of a tile grid (1-pixel gaps, `cols` tiles a row)."""
    r, c = divmod(n, cols)
    return grid[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w]


def test_a_conv_layers_delta_is_drawn_as_the_first_samples_maps(view, net):
    view.set_network(net, X, LABELS)
    expected = inspect_batch(net, X, LABELS).layers
    delta = view.shown(1, "delta")                                 # 3 maps 6x6: one row of tiles
    assert delta.shape == (6, 20) and np.isnan(delta[:, 6]).all()  # a gap column between two tiles
    same = dict(rtol=1e-6, atol=0)                                 # tiles are drawn in float32
    for f in range(3):
        np.testing.assert_allclose(tile(delta, f, 6, 6, 3), expected[0].delta[0, :, :, f], **same)
        np.testing.assert_allclose(tile(view.shown(1, "a"), f, 6, 6, 3), expected[0].a[0, :, :, f], **same)
    kernels = view.shown(2, "dW")                                  # 2 filters x 3 channels of 2x2, one row
    for f in range(2):
        for c in range(3):
            np.testing.assert_allclose(tile(kernels, 3 * f + c, 2, 2, 6), expected[1].dW[f, c], **same)
    np.testing.assert_array_equal(view.shown(2, "db"), expected[1].db[None, :])
    np.testing.assert_array_equal(view.shown(3, "delta"), expected[2].delta)          # dense rows as before
    value = expected[0].delta[0, 0, 2, 2]                          # grid column 16: the third tile's third
    assert view.describe(1, "delta", 0, 16) == f"δ¹ [sample 0, map 2, pixel (0, 2)] = {value:.4g}"
    assert view.describe(2, "dW", 1, 4) == f"∂C/∂W² [filter 0, channel 1, (1, 1)] = {expected[1].dW[0, 1, 1, 1]:.4g}"
    assert "Layer 1 (convolution, tanh): 1 → 3 maps 6×6" in [item.text for item in view.plots.ci.items
                                                              if hasattr(item, "text")]


def test_the_convolutions_equations(net):
    assert equation(net, 1, "z") == "z¹ = a⁰ ∗ W¹ + b¹"
    assert equation(net, 2, "z") == "z² = D² ∗ W² + b²"
    assert equation(net, 1, "delta") == "δ¹ = pool'(col2im(δ̂²Ŵ²)) ⊙ σ'(z¹)   BP2"
    assert equation(net, 2, "delta") == "δ² = δ³W³ᵀ ⊙ σ'(z²)   BP2"
    assert equation(net, 3, "dW") == "∂C/∂W³ = D³ᵀ δ³   BP4"
    assert equation(net, 2, "dW") == "∂C/∂W² = δ̂²ᵀ X̂²   BP4"
    assert equation(net, 1, "db") == "∂C/∂b¹ = Σₓ,ᵢⱼ δ¹   BP3"
    assert equation(net, 4, "delta") == "δ⁴ = (a⁴ − y) / n   BP1"


def test_step_and_gradient_check_work_on_a_conv_network(view, net, qtbot):
    view.set_network(net, X, LABELS, learning_rate=0.5)
    before = view.inspection
    W0 = [W.copy() for W in view.net.weights]
    with qtbot.waitSignal(view.stepped):
        qtbot.mouseClick(view.step_button, Qt.MouseButton.LeftButton)
    for W, W_old, t in zip(view.net.weights, W0, before.layers):
        np.testing.assert_allclose(W, W_old - 0.5 * t.dW)
    with qtbot.waitSignal(view.checked, timeout=60000):     # computed in a training process
        qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    assert len(view.gradcheck_errors) == 4 and max(view.gradcheck_errors) <= PASS_TOLERANCE


def test_in_the_window_the_inspector_opens_on_a_conv_network(qtbot, make_window):
    window = make_window(tiny_digits(layers=[{"conv": 4, "kernel": 3, "padding": "same"}, {"maxpool": 2},
                                             {"dense": 16}]))
    train_until_epochs(qtbot, window, 1)
    window.diagnostics.inspect_action.trigger()
    inspector = window.diagnostics.inspector
    qtbot.waitUntil(lambda: window.docks["inspector"].isVisible())
    snapshot_net = inspector.net
    trace = inspect_batch(snapshot_net, inspector._X, inspector._y).layers[0]
    assert trace.delta.shape[1:] == (8, 8, 4)
    np.testing.assert_allclose(tile(inspector.shown(1, "delta"), 0, 8, 8, 4), trace.delta[0, :, :, 0],
                               rtol=1e-5, atol=1e-8)         # float32: BLAS may sum in another order
