"""The Network view of a network with convolutions, driven as a user would: each convolution a column of
its most active maps on the probe image with "+N more", pooling and flattening captioned, and a
Shift+click on a map knocking out its whole filter, the accuracy shown being the independent one."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from nnviz.app.runtime.snapshot import Snapshot
from nnviz.app.views.network_conv import MAP_SIDE
from nnviz.app.views.network_nodes import CONV_SAMPLE
from nnviz.app.views.network_view import NetworkView
from nnviz.core import Network, TrainConfig, train
from nnviz.data import load_dataset

from .test_network_view import label_overlaps

LAYERS = [{"conv": 8, "kernel": 3, "padding": "same"}, {"maxpool": 2}, {"conv": 4, "kernel": 3}, {"dense": 12}]


@pytest.fixture(scope="module")
def digits():
    """8x8 digits and a small conv network trained on 400 of them for a few epochs (most test images right)."""
    ds = load_dataset("digits8x8", seed=0)
    net = Network([64, 10], hidden="relu", init="he", layers=LAYERS, image_shape=(8, 8), seed=0)
    config = TrainConfig(optimizer="adam", learning_rate=0.01, epochs=8, batch_size=32)
    list(train(net, (ds.X_train[:400], ds.y_train[:400]), config))
    return ds, net


@pytest.fixture
def view(qtbot, digits):
    widget = NetworkView()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    ds, net = digits
    widget.set_dataset(ds)
    widget.set_snapshot(Snapshot.of(net))
    widget.grab()
    return widget


def node_point(view, layer, unit):
    QApplication.processEvents()
    return view.graph.mapFromScene(view.view.mapViewToScene(QPointF(*view.layout_model.centre(layer, unit))))


def shown_labels(view):
    return [item.toPlainText() for item in view.labels.items if item.isVisible()]


def test_each_convolution_is_a_stack_of_its_most_active_maps_with_the_rest_counted(view, digits):
    ds, net = digits
    probe = net.forward(ds.X_test[:1])                     # the first test image through the network
    conv1 = probe[1][0].mean(axis=(1, 2))                  # (8,) each map's mean activation
    top6 = list(np.argsort(-conv1, kind="stable")[:6])
    assert list(view.layout_model.units[1]) == top6
    assert list(view.layout_model.units[2]) == list(np.argsort(-probe[2][0].mean(axis=(1, 2)), kind="stable"))
    # tiles: the probe image, 6 + 4 maps, 10 of the 12 dense units, 10 outputs
    assert view.tiles.count == 1 + 6 + 4 + 10 + 10
    assert view._maps[(1, int(top6[0]))].shape == (8, 8, 4)       # a map is drawn as its 8x8 pixels
    sides = view.layout_model.sides                        # maps drawn larger than a unit's colour
    assert sides[1] == sides[2] == MAP_SIDE and sides[3] == sides[4] == 1.0
    starts, ends, _, keys = view._edges                    # edges meet each node at its side
    into = ends[keys[:, 0] == 1]                           # conv 1 → conv 2: at conv 2's maps' left edges
    np.testing.assert_allclose(into[:, 0], view.layout_model.centres[2][0, 0] - MAP_SIDE / 2)
    labels = shown_labels(view)
    more = [item for item in view.labels.items if item.isVisible() and item.toPlainText().startswith("+")]
    assert [item.toPlainText().split()[0] for item in more] == ["+2", "+2"]   # conv 1: 8 maps, 6 drawn; dense 12
    for item, layer in zip(more, (1, 3)):                  # each under its own column
        assert item.pos().x() == pytest.approx(view.layout_model.centres[layer][:, 0].mean())
    assert any(text.startswith("conv 1") for text in labels)
    assert any("maxpool 2" in text or text.startswith("pool") for text in labels)
    assert any("flatten" in text or "flat" in text for text in labels)
    assert label_overlaps(view) == []


def test_the_strongest_map_is_drawn_bluest(view, digits):
    ds, net = digits
    maps = net.forward(ds.X_test[:1])[1][0]                # (8, 8, 8), ReLU: ≥ 0, blue where large
    f = int(view.layout_model.units[1][0])
    tile = view._maps[(1, f)][::-1]                        # drawn bottom row first
    bright, dark = maps[f] >= 0.8 * maps[f].max(), maps[f] == 0
    assert bright.any() and dark.any()
    assert (tile[bright][:, 0] < 100).all() and (tile[dark][:, :3] >= 250).all()   # blue vs white


def test_shift_click_on_a_map_knocks_out_its_filter_and_the_accuracy_is_the_independent_one(qtbot, view, digits):
    ds, net = digits
    X, y = ds.X_test[:CONV_SAMPLE], ds.y_test[:CONV_SAMPLE]
    intact = np.mean(net.predict(X) == y)
    assert view.accuracy_label.text() == f"Test accuracy {intact:.1%} on {len(X)} test samples"
    f = int(view.layout_model.units[2][0])                 # conv 2's most active map
    qtbot.mouseClick(view.graph.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     node_point(view, 2, f))
    assert view.interventions.ablated == {(2, f)}
    # Independently: conv 2's map f held at 0 is the dense layer's rows f, f + 4, ... zeroed (flatten (h, w, c)).
    A2 = net.forward(X)[2].copy()
    A2[:, f] = 0
    h = np.maximum(A2.transpose(0, 2, 3, 1).reshape(len(X), -1) @ net.weights[2] + net.biases[2], 0)
    expected = np.mean((h @ net.weights[3] + net.biases[3]).argmax(axis=1) == y)
    assert expected != intact
    assert view.accuracy_label.text() == (f"Test accuracy {expected:.1%} with 1 filter(s) knocked out "
                                          f"(intact {intact:.1%}) on {len(X)} test samples")
    assert view.describe(*view.layout_model.centre(2, f)).startswith(f"hidden 2 filter {f} (knocked out)")
    qtbot.mouseClick(view.restore_button, Qt.MouseButton.LeftButton)
    assert view.accuracy_label.text() == f"Test accuracy {intact:.1%} on {len(X)} test samples"


def test_knock_out_top_k_on_a_map_takes_the_k_most_active_maps(qtbot, view, digits):
    f = int(view.layout_model.units[1][-1])                # the least active map drawn
    qtbot.mouseClick(view.graph.viewport(), Qt.MouseButton.LeftButton, pos=node_point(view, 1, f))
    assert view.detail.title.text().startswith(f"hidden layer 1, filter {f}: its 9 most activating test images")
    view.top_k.setValue(3)
    qtbot.mouseClick(view.top_button, Qt.MouseButton.LeftButton)
    assert view.interventions.ablated == {(1, int(f)) for f in view.layout_model.units[1][:3]}
    assert "3 filter(s) knocked out" in view.accuracy_label.text()


def test_an_edge_between_maps_reads_the_sum_of_its_kernel_and_cannot_be_edited(qtbot, view, digits):
    _, net = digits
    starts, ends, values, keys = view._edges
    n = int(np.flatnonzero(keys[:, 0] == 1)[0])            # an edge of conv 2: map i of conv 1 to map j
    l, i, j = keys[n]
    assert values[n] == pytest.approx(float(net.weights[1][j, i].sum()), rel=1e-5)
    x, y = starts[n] + (ends[n] - starts[n]) / 3
    assert view.describe(x, y) == (f"Σ of the weights from hidden 1 filter {i} to hidden 2 filter {j}: "
                                   f"Σw = {values[n]:.4f}")
    asked = []
    view.ask_value = lambda title, value: asked.append(title) or 1.0
    view._edit_at(x, y, None)
    assert asked == [] and not view.interventions


def test_in_the_window_the_stacks_follow_the_users_drawing(qtbot, make_window):
    from nnviz.app.run_controls import IDLE

    from .conftest import tiny_digits
    from .test_main_window import SEVEN, draw, train_until_epochs

    layers = [{"conv": 8, "kernel": 3, "padding": "same"}, {"maxpool": 2}, {"dense": 16}]
    window = make_window(tiny_digits(layers=layers))
    train_until_epochs(qtbot, window, 1)
    window.controls.stop.trigger()
    qtbot.waitUntil(lambda: window.controls.state == IDLE)
    window.docks["network"].raise_()
    view, panel = window.network_view, window.draw_panel
    draw(qtbot, panel.canvas, SEVEN)
    x = panel.network_input().reshape(1, -1)

    def most_active(image):
        """The 6 most active maps of the first convolution on `image`, by the weights the panel shows now
        (the run's very last snapshot may still arrive after Stop)."""
        maps = panel.snapshot.network().forward(image)[1][0]      # (8, 8, 8)
        return list(np.argsort(-maps.mean(axis=(1, 2)), kind="stable")[:6])

    qtbot.waitUntil(lambda: "your drawing" in view.readout.text()
                    and list(view.layout_model.units[1]) == most_active(x))
    image, tile = x.reshape(8, 8)[::-1], view._maps[(0, 0)]   # the input tile is the drawing (bottom row first)
    assert (tile[image > 0.5][:, 0] < 150).all() and (tile[image == 0][:, 0] > 240).all()
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    first = window.session.run_data.dataset.X_test[:1]
    qtbot.waitUntil(lambda: "first test image" in view.readout.text()
                    and list(view.layout_model.units[1]) == most_active(first))


@pytest.mark.parametrize("size", [(435, 258), (557, 462), (962, 822)])   # docked at 1280x720 … 1920x1080
def test_captions_and_counts_of_a_conv_network_never_overlap(qtbot, digits, size):
    ds, net = digits
    widget = NetworkView()
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_dataset(ds)
    widget.set_snapshot(Snapshot.of(net))
    qtbot.wait(150)                                       # laid out again once the resizing pauses
    widget.grab()
    assert len(shown_labels(widget)) == 5 + 4              # five captions; two "+N more", two steps
    assert label_overlaps(widget) == []
