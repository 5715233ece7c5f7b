"""DrawPanel, driven with the mouse as a user would, checked against the core computing independently."""

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from nnviz.app.runtime.snapshot import Snapshot
from nnviz.core import Network
from nnviz.data import preprocess_drawing

SEVEN = [(0.3, 0.25), (0.7, 0.25), (0.55, 0.5), (0.45, 0.8)]   # fractions of the canvas side


def canvas_point(canvas, x, y):
    """Widget position of the point (x, y), given as fractions of the visible square picture."""
    side = min(canvas.width(), canvas.height())
    return QPoint(round(canvas.width() / 2 + (x - 0.5) * side), round(canvas.height() / 2 + (y - 0.5) * side))


def draw_stroke(qtbot, canvas, points):
    """Press the left button at the first point, move through the others holding it, release at the last.

    In Qt 6 QTest.mouseMove keeps the pressed buttons, so qtbot's mouse helpers are enough.
    """
    positions = [canvas_point(canvas, x, y) for x, y in points]
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=positions[0])
    for pos in positions[1:]:
        qtbot.mouseMove(canvas, pos)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=positions[-1])


def test_empty_canvas_asks_for_a_drawing(panel):
    assert panel.canvas.is_empty()
    assert panel.probabilities() is None and panel.predicted_class() is None
    assert "Draw a digit" in panel.message_label.text()
    assert panel.class_label.text() == ""


def test_a_stroke_paints_ink_where_the_mouse_went(qtbot, panel):
    draw_stroke(qtbot, panel.canvas, SEVEN)
    image = panel.canvas.image_array()
    side = image.shape[0]
    assert image[round(0.25 * side), round(0.5 * side)] > 200     # on the top bar of the 7
    assert image[round(0.9 * side), round(0.1 * side)] == 0       # far from the stroke


def test_a_stroke_predicts_what_the_network_computes(qtbot, panel, trained):
    with qtbot.waitSignal(panel.predicted) as signal:
        draw_stroke(qtbot, panel.canvas, SEVEN)
    probabilities = signal.args[0]
    assert abs(probabilities.sum() - 1) < 1e-5
    expected_input = preprocess_drawing(panel.canvas.image_array(), size=8)
    np.testing.assert_array_equal(panel.network_input(), expected_input)
    np.testing.assert_allclose(probabilities, trained.predict_proba(expected_input.reshape(1, -1))[0], rtol=1e-6)
    np.testing.assert_array_equal(panel.probabilities(), probabilities)
    best = int(np.argmax(probabilities))
    assert panel.predicted_class() == best
    assert panel.class_label.text() == str(best)
    assert f"{100 * probabilities[best]:.1f} %" in panel.message_label.text()
    np.testing.assert_allclose(panel.bars.opts["height"], probabilities)
    np.testing.assert_array_equal(panel.input_image.image, expected_input)


def test_hidden_rows_show_the_drawings_activations(qtbot, panel, trained):
    draw_stroke(qtbot, panel.canvas, SEVEN)
    activations = trained.forward(panel.network_input().reshape(1, -1))
    assert len(panel.hidden_images) == 2
    for item, a in zip(panel.hidden_images, activations[1:-1]):
        np.testing.assert_allclose(item.image, a, rtol=1e-6)


def test_prediction_updates_while_dragging(qtbot, panel, trained):
    canvas = panel.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=canvas_point(canvas, 0.3, 0.3))
    with qtbot.waitSignal(panel.predicted) as signal:
        qtbot.mouseMove(canvas, canvas_point(canvas, 0.7, 0.7))
    # The button is still down: the prediction is of the diagonal drawn so far.
    drawn = canvas.image_array()
    side = drawn.shape[0]
    assert drawn[side // 2, side // 2] > 200 and drawn[round(0.2 * side), round(0.8 * side)] == 0
    expected = trained.predict_proba(preprocess_drawing(drawn, size=8).reshape(1, -1))[0]
    np.testing.assert_allclose(signal.args[0], expected, rtol=1e-6)
    np.testing.assert_allclose(panel.bars.opts["height"], expected, rtol=1e-6)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=canvas_point(canvas, 0.7, 0.7))


@pytest.mark.parametrize("how", ["button", "right_click", "escape", "delete"])
def test_clearing_shows_nothing_drawn_and_no_prediction(qtbot, panel, how):
    draw_stroke(qtbot, panel.canvas, SEVEN)
    assert panel.probabilities() is not None
    if how == "button":
        qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    elif how == "right_click":
        qtbot.mouseClick(panel.canvas, Qt.MouseButton.RightButton, pos=canvas_point(panel.canvas, 0.5, 0.5))
    else:
        qtbot.keyClick(panel.canvas, Qt.Key.Key_Escape if how == "escape" else Qt.Key.Key_Delete)
    assert panel.canvas.is_empty() and not panel.canvas.image_array().any()
    assert panel.probabilities() is None and panel.network_input() is None
    assert "Draw a digit" in panel.message_label.text()
    assert not np.any(panel.bars.opts["height"])


def test_a_new_snapshot_changes_the_prediction_of_the_same_drawing(qtbot, panel, trained):
    draw_stroke(qtbot, panel.canvas, SEVEN)
    before = panel.predicted_class()
    other = trained.copy()
    target = (before + 1) % 10
    other.biases[-1][target] += 100.0      # the output unit of `target` now wins whatever the input
    with qtbot.waitSignal(panel.predicted):
        panel.set_snapshot(Snapshot.of(other))
    assert panel.predicted_class() == target
    assert panel.class_label.text() == str(target)
    np.testing.assert_allclose(panel.probabilities(),
                               other.predict_proba(panel.network_input().reshape(1, -1))[0], rtol=1e-6)


def test_snapshots_of_the_same_architecture_reuse_the_plot_items(qtbot, panel, trained):
    draw_stroke(qtbot, panel.canvas, SEVEN)
    items = list(panel.hidden_images)
    panel.set_snapshot(Snapshot.of(trained))
    assert panel.hidden_images == items
    panel.set_snapshot(Snapshot.of(Network([64, 5, 10])))
    assert len(panel.hidden_images) == 1 and panel.hidden_images[0].image.shape == (1, 5)


def test_without_a_snapshot_the_drawing_is_shown_but_not_predicted(qtbot, panel):
    panel.set_snapshot(None)
    draw_stroke(qtbot, panel.canvas, SEVEN)
    assert panel.probabilities() is None
    assert "No network" in panel.message_label.text()
    assert panel.network_input().shape == (8, 8)


def test_mnist_sized_network_sees_a_28_by_28_input(qtbot, panel):
    net = Network([784, 16, 10], seed=1)
    panel.set_dataset((28, 28), [str(i) for i in range(10)])
    panel.set_snapshot(Snapshot.of(net))
    draw_stroke(qtbot, panel.canvas, SEVEN)
    x = preprocess_drawing(panel.canvas.image_array(), size=28)
    np.testing.assert_array_equal(panel.network_input(), x)
    np.testing.assert_allclose(panel.probabilities(), net.predict_proba(x.reshape(1, -1))[0], rtol=1e-6)


def test_point_datasets_disable_drawing(panel):
    panel.set_dataset(None, ["0", "1"])
    assert not panel.canvas.isEnabled()
    assert "image dataset" in panel.message_label.text()


def test_brush_slider_sets_the_pen_width(qtbot, panel):
    panel.brush_slider.setValue(8)
    assert panel.canvas.brush_width == 8
    draw_stroke(qtbot, panel.canvas, [(0.5, 0.2), (0.5, 0.8)])
    ink_columns = np.flatnonzero(panel.canvas.image_array()[140] > 0)
    assert 6 <= len(ink_columns) <= 11


# --- image files dropped on the canvas ---

def save_digit(path, digits, i):
    """Test digit i as a 64x64 picture, dark ink on white (as a scan)."""
    pixels = (digits.X_test[i].reshape(8, 8) * 255).round().astype(np.uint8)
    Image.fromarray(255 - np.kron(pixels, np.ones((8, 8), np.uint8))).save(path)


def drop(widget, path):
    """Drag a file over the widget and drop it, as the window system delivers it; True if both were accepted.

    (QApplication.sendEvent does not deliver a drop outside a real drag, so the handlers are called.)
    """
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    at, buttons, keys = QPointF(widget.width() / 2, widget.height() / 2), Qt.MouseButton.LeftButton, \
        Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(at.toPoint(), Qt.DropAction.CopyAction, mime, buttons, keys)
    widget.dragEnterEvent(enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(at, Qt.DropAction.CopyAction, mime, buttons, keys)
    widget.dropEvent(event)
    return event.isAccepted()


def test_an_image_dropped_on_the_canvas_is_predicted_like_the_digit_itself(qtbot, tmp_path, panel, digits, trained):
    confident = [i for i, p in enumerate(trained.predict_proba(digits.X_test[:50])) if p.max() > 0.8]
    i = confident[0]
    save_digit(tmp_path / "scan.png", digits, i)
    with qtbot.waitSignal(panel.predicted) as signal:
        assert drop(panel.canvas, tmp_path / "scan.png")
    assert not panel.canvas.is_empty()
    expected = trained.predict_proba(preprocess_drawing(panel.canvas.image_array(), size=8).reshape(1, -1))[0]
    np.testing.assert_allclose(signal.args[0], expected, rtol=1e-6)
    assert panel.class_label.text() == str(trained.predict(digits.X_test[i:i + 1])[0])


def test_a_dropped_file_that_is_not_an_image_is_a_message(tmp_path, panel):
    (tmp_path / "notes.png").write_text("shopping list")
    assert drop(panel.canvas, tmp_path / "notes.png")
    assert "notes.png: not an image file" in panel.message_label.text()
    assert panel.probabilities() is None and panel.canvas.is_empty()
    mime = QMimeData()
    mime.setText("just text")
    enter = QDragEnterEvent(QPointF(5, 5).toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    enter.ignore()
    panel.canvas.dragEnterEvent(enter)
    assert not enter.isAccepted()
