"""InspectorView draws exactly the core's z, a, δ, ∂C/∂b, ∂C/∂W, steps by −η∂C/∂W and checks the gradients."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.app.diagnostics.inspector_view import (
    KINDS,
    MAX_INPUTS,
    MAX_SAMPLES,
    MAX_UNITS,
    InspectorView,
    equation,
    pick_batch,
)
from nnviz.app.runtime.snapshot import Snapshot
from nnviz.core import Network
from nnviz.core.gradcheck import PASS_TOLERANCE
from nnviz.core.inspector import inspect_batch

RNG = np.random.default_rng(0)
X = RNG.standard_normal((5, 4))
LABELS = np.array([0, 1, 2, 1, 0])


@pytest.fixture
def view(qtbot):
    widget = InspectorView()
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_heatmaps_hold_the_cores_arrays_titled_with_equation_and_shape(view):
    net = Network([4, 6, 5, 3], hidden="tanh", seed=1, dtype=np.float64)
    view.set_network(net, X, LABELS)
    expected = inspect_batch(net, X, LABELS)
    for l, trace in enumerate(expected.layers, start=1):
        np.testing.assert_array_equal(view.shown(l, "z"), trace.z)
        np.testing.assert_array_equal(view.shown(l, "a"), trace.a)
        np.testing.assert_array_equal(view.shown(l, "delta"), trace.delta)
        np.testing.assert_array_equal(view.shown(l, "db"), trace.db[None, :])
        np.testing.assert_array_equal(view.shown(l, "dW"), trace.dW)
    assert "δ² = (δ³ W³ᵀ) ⊙ σ'(z²)" in view.titles[(2, "delta")] and "BP2" in view.titles[(2, "delta")]
    assert "(5×5)" in view.titles[(2, "delta")]
    assert "δ³ = (a³ − y) / n" in view.titles[(3, "delta")] and "BP1" in view.titles[(3, "delta")]
    assert "∂C/∂W² = a¹ᵀ δ²" in view.titles[(2, "dW")] and "(6×5)" in view.titles[(2, "dW")]
    assert "∂C/∂b¹ = Σₓ δ¹" in view.titles[(1, "db")] and "BP3" in view.titles[(1, "db")]
    assert len(view.images) == 3 * len(KINDS)


def test_equations_follow_the_loss_and_the_l2_term():
    quadratic = Network([4, 6, 2], hidden="relu", output="linear", loss="quadratic")
    assert equation(quadratic, 2, "delta") == "δ² = ∇ₐC ⊙ σ'(z²)   BP1"
    assert equation(quadratic, 1, "a") == "a¹ = relu(z¹)"
    assert equation(quadratic, 2, "a") == "a² = linear(z²)"
    assert equation(quadratic, 1, "dW", l2=0.1) == "∂C/∂W¹ = a⁰ᵀ δ¹ + λW¹   BP4"


def test_step_moves_the_copy_by_minus_lr_times_the_gradient_and_leaves_the_snapshot_alone(view, qtbot):
    net = Network([4, 6, 3], hidden="sigmoid", seed=2, dtype=np.float64)
    snapshot = Snapshot.of(net)
    view.set_network(snapshot, X, LABELS, learning_rate=0.5)
    before = view.inspection
    weights = [W.copy() for W in view.net.weights]
    biases = [b.copy() for b in view.net.biases]
    with qtbot.waitSignal(view.stepped) as signal:
        qtbot.mouseClick(view.step_button, Qt.MouseButton.LeftButton)
    for W, W0, b, b0, t in zip(view.net.weights, weights, view.net.biases, biases, before.layers):
        np.testing.assert_allclose(W, W0 - 0.5 * t.dW)
        np.testing.assert_allclose(b, b0 - 0.5 * t.db)
    for W, W_snap in zip(net.weights, snapshot.weights):
        np.testing.assert_array_equal(W, W_snap)                      # the run's weights are untouched
    after = signal.args[0]
    assert after is view.inspection and after.loss < before.loss
    np.testing.assert_array_equal(view.shown(1, "delta"), after.layers[0].delta)
    assert f"was {before.loss:.5g}" in view.summary.text()


def test_gradient_check_labels_show_tiny_errors_in_green(view, qtbot):
    view.set_network(Network([4, 6, 5, 3], hidden="tanh", seed=3, dtype=np.float64), X, LABELS)
    with qtbot.waitSignal(view.checked, timeout=60000):     # computed in a training process
        qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    assert len(view.gradcheck_errors) == 3 and max(view.gradcheck_errors) <= PASS_TOLERANCE
    layer_labels = [label for label in view.gradcheck_labels if label.property("level")]
    assert [label.property("level") for label in layer_labels] == ["ok"] * 3
    assert layer_labels[0].text().startswith("layer 1: ") and "✓" in layer_labels[0].text()
    view.step()                                                       # a step makes the check stale
    assert view.gradcheck_errors == []


def test_a_step_while_the_check_runs_discards_its_numbers(view, qtbot):
    view.set_network(Network([4, 6, 5, 3], hidden="tanh", seed=3, dtype=np.float64), X, LABELS)
    qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    assert not view.check_button.isEnabled() and "computing" in view.gradcheck_labels[0].text()
    view.step()                                                       # the weights the check was of are gone
    qtbot.waitUntil(view.check_button.isEnabled, timeout=60000)
    assert view.gradcheck_errors == [] and "press the button" in view.gradcheck_labels[0].text()


def test_big_layers_are_capped_and_the_note_says_so(view):
    X_big = RNG.random((40, 300))
    X_big[:, :100] = 0                                                # like an image's empty border
    net = Network([300, 80, 10], seed=0)
    view.set_network(net, X_big, np.arange(40) % 10)
    trace = view.inspection.layers[0]
    np.testing.assert_array_equal(view.shown(1, "z"), trace.z[:MAX_SAMPLES, :MAX_UNITS])
    np.testing.assert_array_equal(view.shown(1, "dW"), trace.dW[100:100 + MAX_INPUTS, :MAX_UNITS])
    assert view.shown(1, "db").shape == (1, MAX_UNITS)
    assert "showing 32×64" in view.titles[(1, "z")] and "showing 64)" in view.titles[(1, "db")]
    assert f"first {MAX_SAMPLES} of 40 samples" in view.note.text()
    assert "non-zero" in view.note.text()
    assert view.describe(1, "dW", 0, 3) == f"∂C/∂W¹ [input 100, unit 3] = {trace.dW[100, 3]:.4g}"


def test_the_new_batch_button_asks_for_a_batch_and_pick_batch_draws_one(view, qtbot):
    with qtbot.waitSignal(view.batch_requested):
        qtbot.mouseClick(view.batch_button, Qt.MouseButton.LeftButton)
    Xb, yb = pick_batch(X, LABELS, size=3, rng=np.random.default_rng(0))
    assert Xb.shape == (3, 4) and len(yb) == 3
    rows = [int(np.flatnonzero((X == row).all(axis=1))[0]) for row in Xb]
    np.testing.assert_array_equal(yb, LABELS[rows])
    assert len(pick_batch(X, LABELS, size=100)[0]) == 5


def test_signed_maps_have_symmetric_colour_bars_and_titles_clear_of_the_images(view):
    net = Network([4, 6, 5, 3], hidden="tanh", seed=1, dtype=np.float64)
    view.set_network(net, X, LABELS)
    view.grab()                                           # one paint: the layout is final
    for l in (1, 2, 3):
        assert (l, "a") not in view.colorbars             # activations are not signed: no bar
        for kind in ("z", "delta", "db", "dW"):
            low, high = view.colorbars[(l, kind)].levels()
            shown = view.shown(l, kind)
            assert low == -high and high >= np.abs(shown).max() > 0
            assert tuple(view.images[(l, kind)].getLevels()) == (low, high)
        for kind in KINDS:
            plot = view._plots[(l, kind)]
            label = plot.titleLabel.item
            title_bottom = label.mapRectToScene(label.boundingRect()).bottom()
            assert title_bottom <= plot.vb.sceneBoundingRect().top() + 1, (l, kind)


def test_colour_bars_are_as_tall_as_their_images(view):
    net = Network([4, 6, 5, 3], hidden="tanh", seed=1, dtype=np.float64)
    view.set_network(net, X, LABELS)
    view.grab()
    for (l, kind), bar in view.colorbars.items():
        image_area, bar_area = view._plots[(l, kind)].vb.sceneBoundingRect(), bar.vb.sceneBoundingRect()
        assert abs(bar_area.top() - image_area.top()) <= 1 and abs(bar_area.bottom() - image_area.bottom()) <= 1, \
            (l, kind, bar_area, image_area)
        assert bar_area.left() >= image_area.right() - 1             # beside the image, not over it


def test_a_network_with_input_features_is_inspected_on_its_features(view):
    points = RNG.uniform(-1, 1, (5, 2))
    net = Network([4, 6, 3], hidden="tanh", seed=1, dtype=np.float64,
                  features=("x1", "x2", "x1*x2", "sin(x2)"))
    view.set_network(net, points, LABELS)
    features = np.column_stack([points, points[:, 0] * points[:, 1], np.sin(points[:, 1])])
    plain = Network.from_params(net.weights, net.biases, hidden="tanh")
    for l, (dW, _) in enumerate(plain.gradients(features, LABELS), start=1):
        np.testing.assert_allclose(view.shown(l, "dW"), dW, rtol=1e-12)
    assert "(4×6)" in view.titles[(1, "dW")]


def test_in_a_narrow_dock_the_bp4_column_scrolls_into_view_rather_than_being_cut_off(view, qtbot):
    """At 1366 px the ∂C/∂W column (BP4) ran off the dock's right edge with no way to reach it."""
    view.resize(900, 700)
    net = Network([64, 128, 64, 10], seed=0)
    view.set_network(net, RNG.standard_normal((40, 64)), RNG.integers(0, 10, 40))
    qtbot.wait(10)
    plots = view.plots
    for l in (1, 2, 3):                                     # every plot inside the (scrolled) plots widget
        box = view._plots[(l, "dW")].sceneBoundingRect()
        assert box.right() <= plots.width() + 1 and box.left() >= 0, (l, box, plots.width())
