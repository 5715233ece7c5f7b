"""Your drawings as data, driven with the mouse: draw, choose the label, add, evaluate."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.app.views import my_digits
from nnviz.data import load_csv_dataset, load_image_file, load_image_folder, preprocess_drawing
from tests.app.test_draw_panel import SEVEN, draw_stroke

ONE = [(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)]
ZERO = [(0.5, 0.15), (0.3, 0.35), (0.3, 0.65), (0.5, 0.85), (0.7, 0.65), (0.7, 0.35), (0.5, 0.15)]


@pytest.fixture
def folder(my_digits_folder):
    """The personal set (tests/app/conftest.py redirects it from the user's data folder to tmp_path)."""
    assert my_digits.my_digits_folder() == my_digits_folder
    return my_digits_folder


def add(qtbot, panel, stroke, label):
    draw_stroke(qtbot, panel.canvas, stroke)
    drawn = panel.canvas.image_array()
    panel.my_digits.label_choice.setCurrentText(label)
    qtbot.mouseClick(panel.my_digits.add_button, Qt.MouseButton.LeftButton)
    return drawn


def test_drawings_are_saved_by_label_and_evaluated_as_the_network_predicts_them(qtbot, panel, folder, trained):
    net = trained
    assert [panel.my_digits.label_choice.itemText(i) for i in range(10)] == [str(k) for k in range(10)]
    qtbot.mouseClick(panel.my_digits.evaluate_button, Qt.MouseButton.LeftButton)
    assert "No drawings yet" in panel.my_digits.result.text()
    drawn = add(qtbot, panel, ONE, "1")
    assert panel.canvas.is_empty() and "Saved as “1” (1 drawing of 1)" in panel.my_digits.result.text()
    (saved,) = (folder / "1").glob("*.png")
    np.testing.assert_array_equal((load_image_file(saved) * 255).round(), drawn)     # the canvas, losslessly
    add(qtbot, panel, SEVEN, "7")
    add(qtbot, panel, ZERO, "0")
    add(qtbot, panel, ONE, "1")
    files = sorted(folder.glob("*/*.png"))
    assert [f.parent.name for f in files] == ["0", "1", "1", "7"]
    X = np.array([preprocess_drawing(load_image_file(f), size=8).ravel() for f in files])
    labels, predicted = np.array([int(f.parent.name) for f in files]), net.predict(X)
    right = int((predicted == labels).sum())
    qtbot.mouseClick(panel.my_digits.evaluate_button, Qt.MouseButton.LeftButton)
    text = panel.my_digits.result.text()
    assert text.startswith(f"Accuracy on my digits: {right / 4:.1%} ({right} of 4)")
    for t, p in zip(labels, predicted):                   # each miss is named
        assert (f"{t} read as {p}" in text) == (t != p)
    dataset = load_image_folder(folder, image_size=8, test_fraction=0.25)     # also an ordinary images: set
    assert dataset.class_names == ("0", "1", "7") and len(dataset.X_train) + len(dataset.X_test) == 4


def test_the_misses_are_listed_commonest_first():
    names = [str(k) for k in range(10)]
    y, predicted = np.array([7, 7, 4, 1, 2, 3]), np.array([1, 1, 9, 1, 5, 8])
    assert my_digits.missed(y, predicted, names) == " · missed: 7 read as 1 ×2, 4 read as 9, 2 read as 5, 3 read as 8"
    assert my_digits.missed(y, predicted, names, most=2) == " · missed: 7 read as 1 ×2, 4 read as 9, +2 more"
    assert my_digits.missed(y, y, names) == ""


def test_an_empty_canvas_is_not_added(qtbot, panel, folder):
    qtbot.mouseClick(panel.my_digits.add_button, Qt.MouseButton.LeftButton)
    assert "Draw a digit first" in panel.my_digits.result.text() and not folder.exists()


def test_a_traversal_label_from_a_csv_writes_nothing_outside_my_digits(qtbot, panel, folder, tmp_path):
    """Class names come from a CSV's label column; '../../escaped' or '/abs' must not become a folder."""
    csv = tmp_path / "hostile.csv"
    csv.write_text("x,y,label\n" + "".join(f"{i},{i % 3},{label}\n" for i, label in
                                          enumerate(["../../escaped", f"{tmp_path}/abs", "fine"] * 4)))
    names = load_csv_dataset(csv).class_names
    panel.set_dataset((8, 8), names)
    before = sorted(tmp_path.rglob("*"))
    for label in names[:2]:
        assert label in [panel.my_digits.label_choice.itemText(i) for i in range(len(names))]
        add(qtbot, panel, ONE, label)
        message = panel.my_digits.result.text()
        assert message.startswith(f"Cannot save the drawing: the label {label[:20]!r}"[:-1])
        assert message.endswith("holds '/' or '\\', so it is not a single folder or file name")
        assert not panel.canvas.is_empty()          # the drawing is kept for another label
        panel.canvas.clear()
    assert sorted(tmp_path.rglob("*")) == before and not folder.exists()
    add(qtbot, panel, ONE, "fine")
    assert [p.relative_to(folder).parts[0] for p in folder.rglob("*.png")] == ["fine"]


def test_a_label_with_a_nul_byte_is_a_message_not_an_exception(qtbot, panel, folder):
    panel.set_dataset((8, 8), ("a\0b", "c"))
    add(qtbot, panel, ONE, "a\0b")
    assert "the label 'a\\x00b' holds a NUL" in panel.my_digits.result.text() and not folder.exists()
    qtbot.mouseClick(panel.my_digits.evaluate_button, Qt.MouseButton.LeftButton)       # reads nothing outside
    assert "No drawings yet" in panel.my_digits.result.text()
