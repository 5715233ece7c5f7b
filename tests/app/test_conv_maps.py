"""The activations dock of a network with convolutions: the tiles hold each convolution's feature maps
of the probe image and of the drawing (checked against convolutions written out as loops), the first
layer's filters, and their gradients (checked against finite differences)."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.app.run_controls import IDLE
from nnviz.app.runtime.snapshot import Snapshot
from nnviz.app.views.conv_maps import GRADIENT_ROWS, ConvMaps
from nnviz.app.views.tiles import TILE_PAD
from nnviz.core import Network

from .conftest import tiny_digits
from .test_main_window import SEVEN, click, draw, train_until_epochs

CONV = [{"conv": 4, "kernel": 3, "padding": "same"}, {"maxpool": 2}, {"conv": 3, "kernel": 3}, {"dense": 16}]


def conv_loop(x, W, b, pad):
    """ReLU of the convolution of x (C, H, W) with filters W (F, C, k, k), b (F,), `pad` zeros each side."""
    F, C, k, _ = W.shape
    x = np.pad(x.astype(np.float64), ((0, 0), (pad, pad), (pad, pad)))
    H, W_ = x.shape[1] - k + 1, x.shape[2] - k + 1
    out = np.zeros((F, H, W_))
    for f in range(F):
        for i in range(H):
            for j in range(W_):
                total = b[f]
                for c in range(C):
                    for p in range(k):
                        for q in range(k):
                            total += x[c, i + p, j + q] * W[f, c, p, q]
                out[f, i, j] = total
    return np.maximum(out, 0)


def maxpool_loop(x, size):
    C, H, W = x.shape
    out = np.zeros((C, H // size, W // size))
    for c in range(C):
        for i in range(H // size):
            for j in range(W // size):
                out[c, i, j] = x[c, i * size:(i + 1) * size, j * size:(j + 1) * size].max()
    return out


def tiles(grid, n, shape, cols=None):
    """The n tiles of shape (h, w) at their places in a grid of `cols` columns (default: n, one row),
    TILE_PAD gaps."""
    h, w = shape
    cols = cols or n
    return np.array([grid[(j // cols) * (h + TILE_PAD):(j // cols) * (h + TILE_PAD) + h,
                          (j % cols) * (w + TILE_PAD):(j % cols) * (w + TILE_PAD) + w] for j in range(n)])


def expected_maps(image, snapshot):
    """[maps of conv 1, maps of conv 2] of an (8, 8) image, by loops."""
    first = conv_loop(image[None], snapshot.weights[0], snapshot.biases[0], pad=1)
    second = conv_loop(maxpool_loop(first, 2), snapshot.weights[1], snapshot.biases[1], pad=0)
    return [first, second]


def test_the_dock_shows_the_feature_maps_of_the_probe_image_then_of_the_drawing_as_it_is_drawn(qtbot, make_window):
    window = make_window(tiny_digits(layers=CONV))
    train_until_epochs(qtbot, window, 2)
    click(qtbot, window, window.controls.stop)
    qtbot.waitUntil(lambda: window.controls.state == IDLE)
    window.docks["activations"].raise_()
    window.redraw()
    maps = window.activations.conv_maps
    qtbot.waitUntil(lambda: maps.isVisible() and len(maps.map_images) == 2)
    snapshot = window.draw_panel.snapshot

    assert maps.shown == "probe" and maps.source_box.currentText() == "probe image"     # nothing drawn yet
    probe = tiles(maps.input_image.image, 1, (8, 8))[0]
    np.testing.assert_array_equal(probe, window.activations._X[0].reshape(8, 8))
    for item, expected in zip(maps.map_images, expected_maps(probe, snapshot)):
        np.testing.assert_allclose(tiles(item.image, len(expected), expected.shape[1:]), expected, atol=1e-5)

    with qtbot.waitSignal(window.draw_panel.drawn, timeout=5000):
        draw(qtbot, window.draw_panel.canvas, SEVEN)
    assert maps.shown == "drawing" and maps.source_box.currentText() == "your drawing"
    drawing = window.draw_panel.network_input()
    np.testing.assert_array_equal(tiles(maps.input_image.image, 1, (8, 8))[0], drawing)
    for item, expected in zip(maps.map_images, expected_maps(drawing, snapshot)):
        assert expected.max() > 0                                          # the maps are not all dark
        np.testing.assert_allclose(tiles(item.image, len(expected), expected.shape[1:]), expected, atol=1e-5)
    assert [item.image.shape for item in maps.map_images] == [(8, 35), (2, 8)]   # rows of 4 and 3 maps
    # the draw panel's hidden rows are the dense layers only (the maps are here): layer 3, 16 units
    assert len(window.draw_panel.hidden_images) == 1
    dense = snapshot.network().forward(drawing.reshape(1, -1))[3]
    np.testing.assert_allclose(window.draw_panel.hidden_images[0].image, dense, rtol=1e-6)

    maps.source_box.setCurrentIndex(1)                                     # the user picks the probe image again
    np.testing.assert_array_equal(tiles(maps.input_image.image, 1, (8, 8))[0], probe)
    maps.source_box.setCurrentIndex(0)
    window.draw_panel.clear_button.click()                                 # cleared: the probe image's maps
    assert maps.shown == "probe"
    np.testing.assert_array_equal(tiles(maps.input_image.image, 1, (8, 8))[0], probe)


def test_the_maps_of_lenet_fill_the_dock_in_rows_one_per_convolution(qtbot):
    """LeNet's 6 maps of 28x28 in one row, its 16 of 10x10 in two rows of 8: at the activations dock's
    size on a 1280x720 screen (440x200 px) a conv-1 map is drawn at least 32 px tall (2x2 grids of
    the maps of the probe and the drawing side by side left it ~20 px)."""
    from nnviz.io import load_preset

    maps = ConvMaps()
    qtbot.addWidget(maps)
    maps.resize(440, 230)
    maps.show()
    qtbot.waitExposed(maps)
    net = Network([784, 10], layers=load_preset("lenet").layers, image_shape=(28, 28), seed=0)
    X = np.random.default_rng(0).random((4, 784)).astype(np.float32)
    maps.set_probe(X, np.arange(4))
    maps.show_snapshot(Snapshot.of(net))
    maps.grab()
    assert [item.image.shape for item in maps.map_images] == [(28, 6 * 29 - 1), (2 * 11 - 1, 8 * 11 - 1)]
    first = maps.map_images[0]
    on_screen = maps.plots.mapFromScene(first.mapRectToScene(first.boundingRect())).boundingRect()
    assert on_screen.height() >= 32 and on_screen.right() <= maps.plots.width()


@pytest.fixture
def conv_maps(qtbot):
    widget = ConvMaps()
    qtbot.addWidget(widget)
    widget.resize(500, 600)
    widget.show()
    return widget


def test_filters_and_their_gradients_on_probe_images_are_tiles_with_colour_bars(conv_maps):
    rng = np.random.default_rng(0)
    X, y = rng.random((40, 64)).astype(np.float32), np.arange(40) % 10
    net = Network([64, 10], layers=CONV, image_shape=(8, 8), seed=1)
    conv_maps.set_probe(X, y)
    conv_maps.show_snapshot(Snapshot.of(net))
    W = net.weights[0]
    np.testing.assert_array_equal(tiles(conv_maps.filter_image.image, 4, (3, 3)), W[:, 0])    # one row
    m = np.abs(W).max()
    np.testing.assert_allclose(conv_maps.filter_image.levels, (-m, m), rtol=1e-6)

    rows = slice(None, None, len(X) // GRADIENT_ROWS)             # every other image: 20 of the 40
    exact = Network.from_params([w.astype(np.float64) for w in net.weights],
                                [b.astype(np.float64) for b in net.biases], layers=CONV, image_shape=(8, 8))
    shown = tiles(conv_maps.gradient_image.image, 4, (3, 3))
    for f, p, q in ((0, 0, 0), (1, 1, 2), (3, 2, 1)):
        h = 1e-6
        exact.weights[0][f, 0, p, q] += h
        up = exact.loss(X[rows].astype(np.float64), y[rows])
        exact.weights[0][f, 0, p, q] -= 2 * h
        down = exact.loss(X[rows].astype(np.float64), y[rows])
        exact.weights[0][f, 0, p, q] += h
        assert shown[f, p, q] == pytest.approx((up - down) / (2 * h), rel=1e-3, abs=1e-6)


def test_the_probe_image_box_picks_the_image_whose_maps_are_shown(qtbot, conv_maps):
    rng = np.random.default_rng(1)
    X, y = rng.random((5, 64)).astype(np.float32), np.array([3, 1, 4, 1, 5])
    net = Network([64, 10], layers=CONV, image_shape=(8, 8), seed=2)
    conv_maps.set_probe(X, y, [f"class {c}" for c in range(10)])
    snapshot = Snapshot.of(net)
    conv_maps.show_snapshot(snapshot)
    for _ in range(2):
        qtbot.keyClick(conv_maps.probe_box, Qt.Key.Key_Up)
    assert conv_maps.probe_label.text() == "label class 4"
    expected = expected_maps(X[2].reshape(8, 8), snapshot)
    assert conv_maps.shown == "probe"
    np.testing.assert_allclose(tiles(conv_maps.map_images[0].image, 4, (8, 8)), expected[0], atol=1e-5)


def test_a_new_datasets_probe_before_its_network_leaves_the_maps_as_they_were(conv_maps):
    """lenet, then a 2-D preset: the draw panel's clearing (show_drawing(None)) came with 2-D probe points
    and the lenet snapshot still shown, and its forward pass raised 'X: expected shape (n, 64)'."""
    X = np.random.default_rng(3).random((5, 64)).astype(np.float32)
    net = Network([64, 10], layers=CONV, image_shape=(8, 8), seed=2)
    conv_maps.set_probe(X, np.arange(5))
    conv_maps.show_snapshot(Snapshot.of(net))
    shown = conv_maps.map_images[0].image.copy()
    conv_maps.set_probe(np.zeros((4, 2), np.float32), np.arange(4) % 2)
    conv_maps.show_drawing(None)
    conv_maps.show_snapshot(Snapshot.of(net))
    np.testing.assert_array_equal(conv_maps.map_images[0].image, shown)
