"""The convolution step-through: the sum of the products it shows, plus the bias, through the
activation, is the feature map's pixel of the network's forward pass; the keys slide the kernel."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication

from nnviz.app.runtime.snapshot import Snapshot
from nnviz.app.views.conv_maps import ConvMaps
from nnviz.core import Network

from .test_conv_maps import CONV, conv_loop, maxpool_loop

RNG = np.random.default_rng(4)
X = RNG.random((6, 64)).astype(np.float32)


@pytest.fixture
def dialog(qtbot):
    maps = ConvMaps()
    qtbot.addWidget(maps)
    maps.show()
    net = Network([64, 10], layers=CONV, image_shape=(8, 8), seed=5)
    maps.set_probe(X, np.arange(6))
    maps.show_snapshot(Snapshot.of(net))
    qtbot.mouseClick(maps.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitExposed(maps.step_dialog)
    return maps.step_dialog, net


def pre_activation(x, W, b, pad):
    """z of the convolution by loops: conv_loop without its ReLU (a constant shift keeps every z positive)."""
    shift = 1000.0
    return conv_loop(x, W, b + shift, pad) - shift


def test_the_shown_sum_plus_bias_is_the_feature_maps_pixel_and_the_arrows_slide_the_kernel(qtbot, dialog):
    dialog, net = dialog
    assert "probe image 0" in dialog.source_label.text()           # nothing drawn: the probe image
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Down):
        qtbot.keyClick(dialog, key)
    assert (dialog.row_box.value(), dialog.col_box.value()) == (1, 3)
    z = pre_activation(X[0].reshape(1, 8, 8), net.weights[0], net.biases[0], pad=1)
    total, bias, shown_z = dialog.shown
    assert bias == pytest.approx(net.biases[0][0])
    assert total + bias == pytest.approx(z[0, 1, 3], abs=1e-5) and shown_z == pytest.approx(z[0, 1, 3], abs=1e-5)
    feature_map = net.forward(X[:1])[1][0]                           # (C, H, W)
    assert dialog.activation == pytest.approx(feature_map[0, 1, 3], abs=1e-5)
    assert f"{feature_map[0, 1, 3]:.4f}" in dialog.equation.text()
    assert (dialog.field.rect().x(), dialog.field.rect().y()) == (3 - 1, 1 - 1)   # padded by 1: starts above-left
    np.testing.assert_allclose(dialog.products_image.image, dialog.patch_image.image * net.weights[0][0, 0],
                               rtol=1e-6)
    written = [float(label.textItem.toPlainText()) for label in dialog.numbers[dialog.products_plot]]
    np.testing.assert_allclose(written, dialog.products_image.image.ravel(), atol=0.005 + 1e-9)   # 2 decimals


def test_the_second_convolution_sums_over_all_its_input_channels(qtbot, dialog):
    dialog, net = dialog
    dialog.layer_box.setCurrentIndex(1)
    dialog.map_box.setValue(2)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)    # (0, 0) → (0, 1)
    assert (dialog.row_box.value(), dialog.col_box.value()) == (0, 1)
    first = conv_loop(X[0].reshape(1, 8, 8), net.weights[0], net.biases[0], pad=1)
    z = pre_activation(maxpool_loop(first, 2), net.weights[1], net.biases[1], pad=0)
    total, bias, _ = dialog.shown
    assert total + bias == pytest.approx(z[2, 0, 1], abs=1e-5)
    assert "over 4 channels" in dialog.equation.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Right)                          # the last pixel of 2x2 wraps to the next row
    assert (dialog.row_box.value(), dialog.col_box.value()) == (1, 0)


def test_hovering_a_pixel_of_the_drawings_maps_reads_it_and_a_click_opens_the_step_through_there(qtbot):
    maps = ConvMaps()
    qtbot.addWidget(maps)
    maps.resize(600, 500)
    maps.show()
    qtbot.waitExposed(maps)
    net = Network([64, 10], layers=CONV, image_shape=(8, 8), seed=8)
    maps.set_probe(X, np.arange(6))
    maps.show_snapshot(Snapshot.of(net))
    drawing = X[3:4]
    maps.show_drawing(net.forward(drawing))               # what the draw panel sends after a stroke
    # conv 2 has 3 maps of 2x2 in one row: map 2 is the third tile; its pixel (1, 0) is at
    # x 2 * (2 + 1) + 0.5, y 1.5 of the grid
    assert maps.shown == "drawing"                        # a stroke shows the drawing's maps
    view = maps.map_images[1].getViewBox()
    QApplication.processEvents()
    scene = view.mapViewToScene(QPointF(6.5, 1.5))
    first = conv_loop(drawing.reshape(1, 8, 8), net.weights[0], net.biases[0], pad=1)
    z = pre_activation(maxpool_loop(first, 2), net.weights[1], net.biases[1], pad=0)
    target = maps.plots.mapFromScene(scene)
    nudges = iter(range(10 ** 6))

    def hovered():     # pyqtgraph drops a move that follows another within a few ms: move (by a pixel) until read
        qtbot.mouseMove(maps.plots.viewport(), target + QPoint(next(nudges) % 2, 0))
        return maps.readout.text().startswith("your drawing")

    qtbot.waitUntil(hovered)
    assert z[2, 1, 0] > 0 and len(set(np.round(z[2].ravel(), 4))) == 4     # a value no other pixel has
    assert maps.readout.text().startswith(f"your drawing: conv 2, map 2, pixel (1, 0): {max(z[2, 1, 0], 0):.4g}")
    qtbot.mouseClick(maps.plots.viewport(), Qt.MouseButton.LeftButton, pos=maps.plots.mapFromScene(scene))
    dialog = maps.step_dialog
    assert dialog is not None and dialog.isVisible()
    assert "your drawing" in dialog.source_label.text()
    assert (dialog.layer_box.currentIndex(), dialog.map_box.value(), dialog.row_box.value(),
            dialog.col_box.value()) == (1, 2, 1, 0)
    assert dialog.shown[2] == pytest.approx(z[2, 1, 0], abs=1e-5)
