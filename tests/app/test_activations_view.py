"""ActivationsView shows exactly the core's activations of the probe set and the first-layer weights."""

import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtWidgets import QApplication

from nnviz.app.runtime.snapshot import Snapshot
from nnviz.app.views.activations_view import MAX_TILES, MAX_UNITS, TILE_PAD, ActivationsView
from nnviz.core import Network

RNG = np.random.default_rng(0)
PROBE = RNG.random((12, 64)).astype(np.float32)     # 12 "images" of 8x8
LABELS = np.arange(12) % 10


@pytest.fixture
def view(qtbot):
    widget = ActivationsView()
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_probe(PROBE, LABELS, (8, 8))
    return widget


def hover(qtbot, view, plot, x, y):
    """Move the mouse over the point (x, y) of a plot's data coordinates (once the layout has settled),
    by a pixel to and fro until the readout answers: the pointer may be there already (no move then), and
    pyqtgraph drops a move that follows another within a few ms."""
    QApplication.processEvents()
    target = view.plots.mapFromScene(plot.vb.mapViewToScene(QPointF(x, y)))
    idle, nudges = view.readout.text(), iter(range(10 ** 6))

    def answered():
        qtbot.mouseMove(view.plots.viewport(), target + QPoint(next(nudges) % 2, 0))
        return view.readout.text() != idle

    qtbot.waitUntil(answered)


@pytest.mark.parametrize("hidden, levels", [("relu", None), ("sigmoid", (0, 1)), ("tanh", (-1, 1))])
def test_heatmaps_hold_the_probe_activations_of_each_hidden_layer(view, hidden, levels):
    net = Network([64, 20, 7, 10], hidden=hidden, seed=3)
    view.set_snapshot(Snapshot.of(net))
    activations = net.forward(PROBE)
    assert len(view.layer_images) == 2
    for item, a in zip(view.layer_images, activations[1:-1]):
        np.testing.assert_array_equal(item.image, a)        # rows: probe images, columns: units
        expected = levels or (0, a.max())
        np.testing.assert_allclose(item.levels, expected, rtol=1e-6)


def test_a_new_snapshot_updates_the_same_items(view):
    net = Network([64, 20, 10], seed=1)
    view.set_snapshot(Snapshot.of(net))
    item = view.layer_images[0]
    net.weights[0] *= 2
    view.set_snapshot(Snapshot.of(net))
    assert view.layer_images[0] is item
    np.testing.assert_array_equal(item.image, net.forward(PROBE)[1])


def test_weight_tiles_are_first_layer_columns_reshaped_to_the_image(view):
    net = Network([64, 20, 10], seed=2)
    view.set_snapshot(Snapshot.of(net))
    grid = view.tile_image.image
    W = net.weights[0]
    cols = math.ceil(math.sqrt(20))
    for j in range(20):
        top, left = (j // cols) * (8 + TILE_PAD), (j % cols) * (8 + TILE_PAD)
        np.testing.assert_array_equal(grid[top:top + 8, left:left + 8], W[:, j].reshape(8, 8))
    assert np.isnan(grid).sum() == grid.size - W[:, :20].size     # only gaps besides the tiles
    m = np.abs(W).max()
    np.testing.assert_allclose(view.tile_image.levels, (-m, m), rtol=1e-6)


def test_many_units_are_capped_and_the_view_says_so(view):
    net = Network([64, MAX_UNITS + 40, 10], seed=0)
    view.set_snapshot(Snapshot.of(net))
    np.testing.assert_array_equal(view.layer_images[0].image, net.forward(PROBE)[1][:, :MAX_UNITS])
    assert f"first {MAX_UNITS}" in view.note.text()
    assert view.tile_image.image.shape == (8 * 9 - 1, 8 * 9 - 1)       # 64 tiles in an 8x8 grid
    assert f"first {MAX_TILES} of {MAX_UNITS + 40}" in view.note.text()


def test_a_network_without_hidden_layers_gets_a_note_and_its_output_templates(view):
    net = Network([64, 10], seed=0)
    view.set_snapshot(Snapshot.of(net))
    assert view.layer_images == []
    assert "no hidden layers" in view.note.text()
    np.testing.assert_array_equal(view.tile_image.image[:8, :8], net.weights[0][:, 0].reshape(8, 8))


def test_point_data_shows_heatmaps_without_tiles(view):
    X = RNG.normal(size=(6, 2)).astype(np.float32)
    view.set_probe(X, np.array([0, 1, 0, 1, 0, 1]), None)
    net = Network([2, 5, 2], hidden="tanh", seed=0)
    view.set_snapshot(Snapshot.of(net))
    assert view.tile_image is None
    np.testing.assert_array_equal(view.layer_images[0].image, net.forward(X)[1])


def test_hovering_a_cell_reads_out_unit_image_and_value(qtbot, view):
    net = Network([64, 16, 10], seed=4)
    view.set_snapshot(Snapshot.of(net))
    value = net.forward(PROBE)[1][5, 9]
    hover(qtbot, view, view.layer_plots[0], 9, 5)
    text = view.readout.text()
    assert "unit 9" in text and "probe image 5" in text and f"label {LABELS[5]}" in text
    assert f"{value:.4g}" in text


def test_hovering_a_tile_reads_out_the_weight(qtbot, view):
    net = Network([64, 16, 10], seed=4)
    view.set_snapshot(Snapshot.of(net))
    # unit 5 sits in tile row 1, column 1 of a 4-column grid; pixel (2, 3) of it
    hover(qtbot, view, view.tile_plot, (8 + TILE_PAD) + 3.5, (8 + TILE_PAD) + 2.5)
    text = view.readout.text()
    assert "unit 5" in text and "pixel (2, 3)" in text
    assert f"{net.weights[0][2 * 8 + 3, 5]:.4g}" in text


def test_no_snapshot_clears_the_view(view):
    view.set_snapshot(Snapshot.of(Network([64, 8, 10])))
    view.set_snapshot(None)
    assert view.layer_images == [] and view.tile_image is None
    assert "No network" in view.note.text()


def test_a_hidden_view_draws_the_latest_snapshot_when_shown(view):
    view.hide()
    net = Network([64, 6, 10], seed=7)
    view.set_snapshot(Snapshot.of(net))
    assert view.layer_images == []
    view.show()
    np.testing.assert_array_equal(view.layer_images[0].image, net.forward(PROBE)[1])


def test_the_note_calls_2d_probe_rows_points_and_image_probe_rows_images(qtbot, view):
    view.set_snapshot(Snapshot.of(Network([64, 5, 10], seed=0)))
    assert "12 probe images" in view.note.text()
    points = RNG.random((20, 2)).astype(np.float32)
    view.set_probe(points, np.arange(20) % 2, None)
    view.set_snapshot(Snapshot.of(Network([2, 8, 2], hidden="tanh", seed=0)))
    assert "20 probe points" in view.note.text()
    assert view.describe(1, 3, 0).startswith("hidden layer 1, unit 0, probe point 3 ")


def drawn_labels(axis):
    """The tick labels an axis draws, level by level (after a paint)."""
    return [[text for _, text in level] for level in axis._tickLevels]


def test_short_colour_bars_label_their_ends_and_the_class_axis_has_few_first_level_labels(qtbot, view):
    view.resize(430, 240)                       # the dock at 1280x720
    net = Network([64, 20, 7, 10], hidden="relu", seed=3)
    view.set_snapshot(Snapshot.of(net))
    view.grab()
    high = net.forward(PROBE)[1].max()
    assert drawn_labels(view._layer_bars[0].axis)[0] == ["0", f"{high:.2g}"]
    m = np.abs(net.weights[0]).max()
    assert drawn_labels(view._tile_bar.axis)[0] == [f"{-m:.2g}", f"{m:.2g}"]
    # twelve probe rows (classes 0-9, 0, 1): the always-drawn first level names every fifth row
    assert drawn_labels(view.layer_plots[0].getAxis("left"))[0] == ["0", "5", "0"]


def test_ten_layers_scroll_in_the_activations_and_two_fit_without_scrolling(qtbot):
    """Ten sigmoid layers' heatmaps were squeezed to a few pixels each in the dock."""
    from nnviz.app.views.activations_view import LAYER_MIN_HEIGHT
    view = ActivationsView()
    qtbot.addWidget(view)
    view.resize(420, 300)
    view.show()
    X = np.random.default_rng(0).normal(size=(20, 4)).astype(np.float32)
    view.set_probe(X, np.arange(20) % 2, None, ("a", "b"))
    bar = view.plots_area.verticalScrollBar()
    view.set_snapshot(Snapshot.of(Network([4, 6, 6, 2], seed=0)))
    qtbot.wait(10)
    assert bar.maximum() == 0 and len(view.layer_plots) == 2
    view.set_snapshot(Snapshot.of(Network([4] + [6] * 10 + [2], seed=0)))
    qtbot.wait(10)
    assert len(view.layer_plots) == 10 and view.plots.height() >= 10 * LAYER_MIN_HEIGHT and bar.maximum() > 0


def test_the_weight_tiles_of_ten_layers_stay_in_sight_beside_the_first_heatmaps(qtbot):
    """Spanning all ten scrolling rows, the tiles were centred ~450 px down, out of the dock's view."""
    view = ActivationsView()
    qtbot.addWidget(view)
    view.resize(440, 300)
    view.show()
    qtbot.waitExposed(view)
    rng = np.random.default_rng(0)
    view.set_probe(rng.random((20, 64)).astype(np.float32), np.arange(20) % 10, (8, 8))
    view.set_snapshot(Snapshot.of(Network([64] + [10] * 10 + [10], seed=0)))
    view.grab()
    image = view.tile_image
    tiles = view.plots.mapFromScene(image.mapRectToScene(image.boundingRect())).boundingRect()
    visible = view.plots_area.viewport().rect().translated(0, view.plots_area.verticalScrollBar().value())
    assert tiles.height() > 20 and visible.contains(tiles)
