"""The Network view driven as a user would: hover reads a weight, Shift+click knocks a unit out and the
accuracy shown is what an independent computation gives, double-click edits a weight, clicks select."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from nnviz.app.runtime.snapshot import Snapshot
from nnviz.app.views.network_view import NetworkView
from nnviz.core import Network, train
from nnviz.data import load_dataset


@pytest.fixture(scope="module")
def circles():
    """Circles and a 2-4-2 tanh network trained on them (most test points right)."""
    ds = load_dataset("circles", n_samples=200, seed=0)
    net = Network([2, 4, 2], hidden="tanh", init="xavier", seed=0)
    from nnviz.core import TrainConfig
    list(train(net, (ds.X_train, ds.y_train), TrainConfig(optimizer="adam", learning_rate=0.05, epochs=60)))
    return ds, net


@pytest.fixture
def view(qtbot, circles):
    widget = NetworkView()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    ds, net = circles
    widget.set_dataset(ds)
    widget.set_snapshot(Snapshot.of(net))
    widget.grab()                      # one paint: the view's range is final, as when a user points
    return widget


def widget_point(view, x, y):
    QApplication.processEvents()
    return view.graph.mapFromScene(view.view.mapViewToScene(QPointF(x, y)))


def unit_point(view, layer, unit):
    return widget_point(view, *view.layout_model.centre(layer, unit))


def edge_point(view, l, i, j):
    """A point a third of the way along the edge (edges of a symmetric layout cross at their middles)."""
    starts, ends, _, keys = view._edges
    n = int(np.flatnonzero((keys == (l, i, j)).all(axis=1))[0])
    return widget_point(view, *(starts[n] + (ends[n] - starts[n]) / 3))


def accuracy_without(net, ds, units):
    """Test accuracy with hidden units' outgoing weights zeroed by hand."""
    W = [w.copy() for w in net.weights]
    for layer, unit in units:
        W[layer][unit, :] = 0
    h = np.tanh(ds.X_test @ W[0] + net.biases[0])
    return np.mean((h @ W[1] + net.biases[1]).argmax(axis=1) == ds.y_test)


def test_hovering_an_edge_shows_its_weight(qtbot, view, circles):
    _, net = circles
    qtbot.mouseMove(view.graph.viewport(), edge_point(view, 1, 2, 1))
    assert view.readout.text() == (f"weight from hidden 1 unit 2 to output unit 1: w = {net.weights[1][2, 1]:.4f}")
    assert view.graph.toolTip() == view.readout.text()


def test_hovering_a_unit_shows_its_bias(qtbot, view, circles):
    _, net = circles
    qtbot.mouseMove(view.graph.viewport(), unit_point(view, 1, 3))
    assert view.readout.text() == f"hidden 1 unit 3: bias b = {net.biases[0][3]:.4f}"


def test_shift_click_knocks_a_unit_out_and_the_accuracy_is_the_independent_one(qtbot, view, circles):
    ds, net = circles
    intact = np.mean(net.predict(ds.X_test) == ds.y_test)
    assert view.accuracy_label.text() == f"Test accuracy {intact:.1%} on {len(ds.X_test)} test samples"
    qtbot.mouseClick(view.graph.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     unit_point(view, 1, 1))
    assert view.interventions.ablated == {(1, 1)}
    expected = accuracy_without(net, ds, [(1, 1)])
    assert view.accuracy_label.text() == (f"Test accuracy {expected:.1%} with 1 unit(s) knocked out "
                                          f"(intact {intact:.1%}) on {len(ds.X_test)} test samples")
    qtbot.mouseClick(view.restore_button, Qt.MouseButton.LeftButton)
    assert view.accuracy_label.text() == f"Test accuracy {intact:.1%} on {len(ds.X_test)} test samples"


def test_knock_out_top_k_takes_the_strongest_units_of_the_selected_layer(qtbot, view, circles):
    ds, net = circles
    qtbot.mouseClick(view.graph.viewport(), Qt.MouseButton.LeftButton, pos=unit_point(view, 1, 0))
    view.top_k.setValue(2)
    qtbot.mouseClick(view.top_button, Qt.MouseButton.LeftButton)
    norms = np.sqrt((net.weights[0] ** 2).sum(axis=0) + (net.weights[1] ** 2).sum(axis=1))
    strongest = {(1, int(u)) for u in np.argsort(-norms)[:2]}
    assert view.interventions.ablated == strongest
    assert f"{accuracy_without(net, ds, strongest):.1%} with 2 unit(s)" in view.accuracy_label.text()


def test_clicking_a_unit_selects_it_and_shows_it_large(qtbot, view):
    with qtbot.waitSignal(view.unitSelected) as selected:
        qtbot.mouseClick(view.graph.viewport(), Qt.MouseButton.LeftButton, pos=unit_point(view, 1, 2))
    assert selected.args == [1, 2] and view.selected == [(1, 2)]
    assert view.detail.isVisible() and view.detail.title.text() == "hidden layer 1, unit 2"
    assert view.detail.tile_image.image.shape == (64, 64, 4)


def test_double_clicking_an_edge_edits_that_weight_in_the_evaluated_copy_only(qtbot, view, circles):
    _, net = circles
    asked = []
    view.ask_value = lambda title, value: asked.append((title, value)) or 3.25
    with qtbot.waitSignal(view.interventionsChanged):
        qtbot.mouseDClick(view.graph.viewport(), Qt.MouseButton.LeftButton, pos=edge_point(view, 0, 1, 2))
    assert asked == [("Weight from unit 1 to unit 2", pytest.approx(float(net.weights[0][1, 2])))]
    shown = view.evaluated(Snapshot.of(net))
    assert shown.weights[0][1, 2] == 3.25 and net.weights[0][1, 2] != 3.25
    qtbot.mouseClick(view.reset_button, Qt.MouseButton.LeftButton)
    assert view.evaluated(Snapshot.of(net)).weights[0][1, 2] == net.weights[0][1, 2]


def test_every_node_shows_its_units_output_over_the_plane(view, circles):
    ds, net = circles
    from nnviz.app.views.network_view import MAP_GRID
    assert set(view._maps) == {(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (1, 3), (2, 0), (2, 1)}
    assert all(tile.shape == (MAP_GRID, MAP_GRID, 4) for tile in view._maps.values())
    # each hidden map is blue where its tanh is near +1 and orange where near -1
    acts = net.forward(view._grid)[1]
    for unit in range(4):
        tile, a = view._maps[(1, unit)].reshape(-1, 4), acts[:, unit]
        np.testing.assert_array_equal(tile[a > 0.9][:, 2] > tile[a > 0.9][:, 0], True)
        np.testing.assert_array_equal(tile[a < -0.9][:, 0] > tile[a < -0.9][:, 2], True)
    assert (acts > 0.9).any() and (acts < -0.9).any()


def test_in_the_window_an_edited_weight_and_a_knocked_out_unit_change_the_boundary(qtbot, make_window):
    from nnviz.prepare import prepare

    from .conftest import tiny_spirals
    config = tiny_spirals(hidden_layers=[4])
    window = make_window(config)
    job = prepare(config)
    window.adopt(config, job)
    window.docks["network"].raise_()
    qtbot.waitUntil(lambda: window.network_view.layout_model is not None)
    window.network_view.grab()
    view, boundary = window.network_view, window.boundary
    before = boundary.probabilities.copy()
    view.ask_value = lambda title, value: 4.0
    qtbot.mouseDClick(view.graph.viewport(), Qt.MouseButton.LeftButton, pos=edge_point(view, 1, 2, 1))
    window.redraw()
    edited = job.network.copy()
    edited.weights[1][2, 1] = 4.0
    np.testing.assert_allclose(boundary.probabilities, edited.predict_proba(boundary.grid_points), rtol=1e-5)
    assert np.abs(boundary.probabilities - before).max() > 0.01
    qtbot.mouseClick(view.graph.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     unit_point(view, 1, 0))
    window.redraw()
    edited.weights[1][0, :] = 0
    np.testing.assert_allclose(boundary.probabilities, edited.predict_proba(boundary.grid_points), rtol=1e-5)
    assert job.network.weights[1][2, 1] != 4.0 and job.network.weights[1][0, 0] != 0    # trained weights untouched


def test_checking_input_features_in_the_form_changes_the_networks_input_size(qtbot, make_window):
    from .conftest import tiny_spirals
    window = make_window(tiny_spirals(dataset="circles", hidden_layers=[]))
    boxes = window.panel.editors["input_features"].boxes
    assert boxes["x1"].isVisible() and boxes["x1"].isChecked() and not boxes["x1^2"].isChecked()
    for name in ("x1", "x2", "x1^2", "x2^2", "x1*x2"):
        qtbot.mouseClick(boxes[name], Qt.MouseButton.LeftButton)
    assert window.panel.config().input_features == ["x1^2", "x2^2", "x1*x2"]
    window.docks["network"].raise_()
    window.step_batch()
    qtbot.waitUntil(lambda: window.session is not None and window.session.snapshot.step >= 1, timeout=20000)
    snapshot = window.session.snapshot
    assert snapshot.sizes == (3, 2) and snapshot.features == ("x1^2", "x2^2", "x1*x2")
    window.redraw()
    qtbot.waitUntil(lambda: window.network_view.layout_model is not None)
    assert len(window.network_view.layout_model.units[0]) == 3      # three input nodes drawn
    captions = [item.toPlainText() for item in window.network_view.labels.items if item.isVisible()]
    assert "input: x₁², x₂², x₁·x₂ (3)" in captions                   # named as the form's check boxes are
    np.testing.assert_allclose(window.boundary.probabilities,                 # the boundary goes through them
                               snapshot.network().predict_proba(window.boundary.grid_points), rtol=1e-6)


def test_a_unit_clicked_in_the_network_view_is_framed_in_the_heatmap_the_tiles_and_the_draw_panel(qtbot, make_window):
    from nnviz.prepare import prepare

    from .conftest import tiny_digits
    config = tiny_digits(hidden_layers=[16, 8])
    window = make_window(config)
    job = prepare(config)
    window.adopt(config, job)
    window.docks["network"].raise_()
    qtbot.waitUntil(lambda: window.network_view.layout_model is not None)
    view = window.network_view
    view.grab()
    qtbot.mouseClick(view.graph.viewport(), Qt.MouseButton.LeftButton, pos=unit_point(view, 1, 5))
    activations = window.activations
    assert activations.selected == (1, 5) and window.draw_panel.selected == (1, 5)
    n_probe = len(activations._X)
    assert activations.column_marker.rect == (4.5, -0.5, 1.0, n_probe)       # heatmap column of unit 5
    assert activations.tile_marker.rect == (1 * 9, 1 * 9, 8.0, 8.0)          # 16 tiles in 4 columns: row 1, col 1
    assert window.draw_panel.unit_marker.rect == (5.0, 0.0, 1.0, 1.0)        # its bar in the hidden row
    qtbot.mouseClick(view.graph.viewport(), Qt.MouseButton.LeftButton, pos=unit_point(view, 2, 3))
    assert activations.column_marker.rect == (2.5, -0.5, 1.0, n_probe) and activations.tile_marker.rect is None
    assert window.draw_panel.unit_marker.container is window.draw_panel._hidden_widgets[3]


def label_overlaps(view):
    """Pairs of shown captions / "+N more" labels whose boxes (in view pixels) intersect, and the labels
    not wholly inside the view."""
    rects = [(item.toPlainText(), item.sceneBoundingRect()) for item in view.labels.items if item.isVisible()]
    inside = view.view.sceneBoundingRect()
    return ([(a, b) for n, (a, ra) in enumerate(rects) for b, rb in rects[n + 1:] if ra.intersects(rb)]
            + [(a, "outside") for a, ra in rects if not inside.contains(ra)])


@pytest.mark.parametrize("size", [(435, 258), (464, 282), (600, 438), (300, 500), (900, 600)])  # the Network dock
def test_layer_labels_never_overlap_however_wide_the_layers(qtbot, size):  # at 1280x720, 1366x768, 1920x1080, …
    from nnviz.data import Dataset
    widget = NetworkView()
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    images = np.zeros((4, 784), dtype=np.float32)
    widget.set_dataset(Dataset("mnist", images, np.arange(4), images, np.arange(4), 10, (28, 28),
                               tuple("0123456789")))
    for sizes in ([784, 128, 64, 10], [784, 300, 200, 100, 10]):
        widget.set_snapshot(Snapshot.of(Network(sizes, seed=0)))
        widget.grab()
        shown = [item.toPlainText() for item in widget.labels.items if item.isVisible()]
        assert len(shown) == 2 * len(sizes) - 2 and any("+112" in t or "+284" in t for t in shown)
        assert label_overlaps(widget) == []


def digits_view_with_unit_5_clicked(qtbot, width):
    """A view `width` px wide of a 64-12-10 ReLU network on the 8x8 digits, hidden unit 5 clicked."""
    ds = load_dataset("digits8x8")
    net = Network([64, 12, 10], hidden="relu", seed=0, dtype=np.float64)
    widget = NetworkView()
    qtbot.addWidget(widget)
    widget.resize(width, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_dataset(ds)
    widget.set_snapshot(Snapshot.of(net))
    widget.grab()
    qtbot.mouseClick(widget.graph.viewport(), Qt.MouseButton.LeftButton, pos=unit_point(widget, 1, 5))
    return ds, net, widget


def test_a_hidden_unit_of_an_image_network_shows_its_top_9_test_images_and_its_class_means(qtbot):
    from nnviz.app.views.colors import class_colors
    ds, net, widget = digits_view_with_unit_5_clicked(qtbot, width=900)
    detail = widget.detail
    a = np.maximum(ds.X_test @ net.weights[0] + net.biases[0], 0)[:, 5]      # unit 5 by hand (all 360 tests)
    top = np.argsort(-a, kind="stable")[:9]
    mosaic = np.block([[ds.X_test[top[3 * r + c]].reshape(8, 8) for c in range(3)] for r in range(3)])
    np.testing.assert_allclose(detail.top_image.image, mosaic[::-1], rtol=1e-6)   # drawn with row 0 at the top
    assert "its 9 most activating test images" in detail.title.text()
    means = [a[ds.y_test == c].mean() for c in range(10)]
    np.testing.assert_allclose(detail.class_bars.opts["height"], means, rtol=1e-6)
    assert [b.color().getRgb()[:3] for b in detail.class_bars.opts["brushes"]] == \
        [tuple(int(v) for v in c) for c in class_colors(10)]
    from nnviz.app.views.colors import NEUTRAL, region_colors
    P = net.predict_proba(ds.X_test).mean(axis=0)          # output node k: from neutral to class k's region colour
    P /= P.max()                                             # by its mean output, the largest at full colour
    regions = region_colors(class_colors(10))
    for k in range(10):
        np.testing.assert_allclose(widget._maps[(2, k)].reshape(4)[:3], 255 * (NEUTRAL + (regions[k] - NEUTRAL) * P[k]),
                                   atol=2)
    detail.sort.setCurrentText("mean activation")                                # the layer's map, sorted
    A = np.maximum(ds.X_test @ net.weights[0] + net.biases[0], 0)
    layer = np.array([[A[ds.y_test == c, u].mean() for c in range(10)] for u in range(12)])
    np.testing.assert_allclose(detail.layer_image.image, layer[np.argsort(-layer.mean(axis=1))], rtol=1e-6)


def test_in_a_narrow_view_the_unit_panel_keeps_all_its_plots_in_sight(qtbot):
    """At 1366x768 the docked view gave the panel ~155 px while its plots' titles and axes needed
    ~275: the class bars were cut off after class 4 and the unit × class map's right half was gone."""
    _, _, widget = digits_view_with_unit_5_clicked(qtbot, width=600)
    plots = widget.detail.plots
    qtbot.waitUntil(lambda: plots.isVisible())
    widget.grab()
    for plot in (widget.detail.class_plot, widget.detail.layer_plot):
        right = plot.mapRectToScene(plot.boundingRect()).right()
        assert right <= plots.viewport().width() + 1, f"{plot.titleLabel.text} ends at {right:.0f} px " \
            f"of a {plots.viewport().width()} px panel"
    assert widget.graph.width() > widget.detail.width()           # the network stays the larger part


def test_ok_on_the_value_as_shown_is_no_edit_and_restore_all_undoes_edits_too(qtbot, view, circles):
    """The dialog shows 4 decimals: OK without typing counted as "1 value(s) edited"; Restore all kept
    the hand edits."""
    _, net = circles
    view.ask_value = lambda title, value: round(value, 4)               # the user presses OK
    qtbot.mouseDClick(view.graph.viewport(), Qt.MouseButton.LeftButton, pos=edge_point(view, 0, 1, 2))
    qtbot.mouseDClick(view.graph.viewport(), Qt.MouseButton.LeftButton, pos=unit_point(view, 1, 1))
    assert not view.interventions and "edited" not in view.accuracy_label.text()
    view.ask_value = lambda title, value: 3.25                          # a real edit, and a unit knocked out
    qtbot.mouseDClick(view.graph.viewport(), Qt.MouseButton.LeftButton, pos=edge_point(view, 0, 1, 2))
    qtbot.mouseClick(view.graph.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     unit_point(view, 1, 1))
    assert view.interventions.weights == {(0, 1, 2): 3.25} and view.interventions.ablated == {(1, 1)}
    qtbot.mouseClick(view.restore_button, Qt.MouseButton.LeftButton)
    assert not view.interventions
    np.testing.assert_array_equal(view.evaluated(Snapshot.of(net)).weights[0], net.weights[0])
