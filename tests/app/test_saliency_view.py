"""SaliencyView overlays the core's input gradient on the image, for the predicted or a chosen class."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from nnviz.app.diagnostics.saliency_view import SaliencyView
from nnviz.app.runtime.snapshot import Snapshot
from nnviz.app.views.draw_panel import DrawPanel
from nnviz.core import Network, TrainConfig, TrainData, train
from nnviz.core.saliency import input_gradient
from nnviz.data import load_dataset


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits8x8")


@pytest.fixture(scope="module")
def snapshot(digits):
    net = Network([64, 16, 10], seed=0)
    for _ in train(net, TrainData(digits.X_train, digits.y_train), TrainConfig(epochs=3, learning_rate=0.1)):
        pass
    return Snapshot.of(net)


@pytest.fixture
def view(qtbot, digits):
    widget = SaliencyView()
    qtbot.addWidget(widget)
    widget.set_class_names(digits.class_names)
    return widget


def test_the_overlay_is_the_gradient_magnitude_of_the_predicted_class(view, snapshot, digits):
    image = digits.X_test[0].reshape(8, 8)
    view.set_input(image, snapshot)
    net = snapshot.network()
    predicted = int(net.predict(digits.X_test[:1])[0])
    expected = input_gradient(net, digits.X_test[0], predicted)
    assert view.explained_class == predicted
    np.testing.assert_allclose(view.saliency, expected.reshape(8, 8))
    np.testing.assert_allclose(view.overlay.image, np.abs(expected.reshape(8, 8)) / np.abs(expected).max())
    np.testing.assert_array_equal(view.image_item.image, image)
    assert view.overlay.isVisible()
    assert f"Why <b>{predicted}</b>?" in view.caption.text()


def test_another_class_and_the_output_score_can_be_explained(view, snapshot, digits):
    view.set_input(digits.X_test[1].reshape(8, 8), snapshot)
    view.class_combo.setCurrentIndex(view.class_combo.findData(4))
    view.score_combo.setCurrentIndex(view.score_combo.findData("output"))
    assert view.explained_class == 4
    expected = input_gradient(snapshot.network(), digits.X_test[1], 4, score="output")
    np.testing.assert_allclose(view.saliency.ravel(), expected, rtol=1e-5, atol=1e-8)


def test_signed_mode_shows_the_gradient_itself_between_minus_one_and_one(view, snapshot, digits):
    view.set_input(digits.X_test[2].reshape(8, 8), snapshot)
    view.signed_check.setChecked(True)
    g = view.saliency
    np.testing.assert_allclose(view.overlay.image, g / np.abs(g).max())
    assert view.overlay.image.min() < 0 < view.overlay.image.max()
    assert "blue" in view.caption.text()


def test_without_a_network_or_with_the_wrong_size_nothing_is_explained(view, snapshot):
    view.set_input(np.zeros((8, 8)), None)
    assert view.saliency is None and not view.overlay.isVisible()
    assert "No network" in view.caption.text()
    view.set_input(np.zeros((28, 28)), snapshot)
    assert view.saliency is None and "64 inputs" in view.caption.text()
    view.set_input(None, snapshot)
    assert view.saliency is None and view.image_item.image is None


def test_a_drawn_digit_is_explained_when_the_draw_panel_predicts(qtbot, view, snapshot, digits):
    panel = DrawPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 400)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_dataset(digits.image_shape, digits.class_names)
    panel.set_snapshot(snapshot)
    panel.predicted.connect(lambda _: view.set_input(panel.network_input(), panel.snapshot))   # the integration
    canvas = panel.canvas
    side = min(canvas.width(), canvas.height())
    at = [QPoint(round(canvas.width() / 2 + (x - 0.5) * side), round(canvas.height() / 2 + (y - 0.5) * side))
          for x, y in [(0.5, 0.2), (0.5, 0.5), (0.5, 0.8)]]
    with qtbot.waitSignal(panel.predicted):
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=at[0])
        qtbot.mouseMove(canvas, at[1])
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=at[2])
    assert view.explained_class == panel.predicted_class()
    expected = input_gradient(snapshot.network(), panel.network_input().ravel(), panel.predicted_class())
    np.testing.assert_allclose(view.saliency.ravel(), expected)
