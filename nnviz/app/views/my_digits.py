"""Your drawings as data: save the canvas with its label into a personal image-folder dataset, and test on it.

The set lives in the app's data folder (QStandardPaths.AppDataLocation)/my_digits/<label>/, one PNG
per drawing, so it is also an ordinary `images:` dataset you can train on.
"""

from collections import Counter
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QStandardPaths
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from nnviz.core import accuracy
from nnviz.data import read_labelled_images
from nnviz.guard import UserError, path_component
from nnviz.io import atomic_write

MISSES_LISTED = 6         # kinds of misses named under the accuracy


def my_digits_folder():
    """Where the personal drawings go: "my_digits" in the app's data folder (tests redirect it)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "my_digits"


def missed(y, predicted, names, most=MISSES_LISTED):
    """" · missed: 7 read as 1 ×2, 4 read as 9" for the drawings of class y[i] predicted as predicted[i],
    commonest first (at most `most` kinds, then "+N more"); "" when none was missed."""
    pairs = Counter((int(t), int(p)) for t, p in zip(y, predicted) if t != p)
    if not pairs:
        return ""
    listed = [f"{names[t]} read as {names[p]}" + (f" ×{n}" if n > 1 else "") for (t, p), n in pairs.most_common(most)]
    if len(pairs) > most:
        listed.append(f"+{len(pairs) - most} more")
    return " · missed: " + ", ".join(listed)


class MyDigits(QWidget):
    """A label chooser, "Add to my digits" and "Evaluate on my digits" under a DrawPanel's canvas."""

    def __init__(self, panel, parent=None):
        super().__init__(parent)
        self.panel = panel
        self.label_choice = QComboBox(toolTip="The digit you drew")
        self.add_button = QPushButton("Add to my digits", toolTip="Save this drawing with its label")
        self.add_button.clicked.connect(self.add_drawing)
        self.evaluate_button = QPushButton("Evaluate on my digits",
                                           toolTip="Accuracy of the current network on your saved drawings")
        self.evaluate_button.clicked.connect(self.evaluate)
        self.result = QLabel(wordWrap=True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Label"))
        row.addWidget(self.label_choice)
        row.addWidget(self.add_button)
        row.addWidget(self.evaluate_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.result)
        self.set_class_names([str(k) for k in range(10)])

    def set_class_names(self, names):
        """The labels offered (the dataset's class names), keeping the current choice when it still exists."""
        current = self.label_choice.currentText()
        self.label_choice.clear()
        self.label_choice.addItems(list(names))
        if current in names:
            self.label_choice.setCurrentText(current)

    def add_drawing(self):
        """Save the canvas as <folder>/<label>/<time>.png; returns the path (None when nothing is drawn)."""
        canvas = self.panel.canvas
        if canvas.is_empty():
            self.result.setText("Draw a digit first")
            return None
        label = self.label_choice.currentText()
        try:
            folder = my_digits_folder() / path_component(label, "label")
        except UserError as error:
            self.result.setText(f"Cannot save the drawing: {error}")
            return None
        path = folder / f"{datetime.now():%Y%m%d-%H%M%S-%f}.png"
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        canvas.picture().save(buffer, "PNG")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, lambda f: f.write(bytes(buffer.data())))
        except OSError as error:
            self.result.setText(f"Cannot save the drawing: {error.strerror or error}")
            return None
        count = sum(1 for _ in path.parent.glob("*.png"))
        self.result.setText(f"Saved as “{label}” ({count} drawing{'s' * (count != 1)} of {label})")
        canvas.clear()
        return path

    def evaluate(self):
        """Predict every saved drawing whose label is one of the network's classes; show the accuracy."""
        snapshot, side = self.panel.snapshot, self.panel.input_side()
        if snapshot is None or side is None:
            self.result.setText("No network for images yet: train or load one")
            return None
        names = self.panel.class_names or tuple(str(k) for k in range(snapshot.sizes[-1]))
        try:
            X, y = read_labelled_images(my_digits_folder(), names, side)
        except ValueError as error:
            self.result.setText(f"Cannot read my digits: {error}")
            return None
        if len(X) == 0:
            self.result.setText("No drawings yet: draw a digit, choose its label and press “Add to my digits”")
            return None
        predicted = snapshot.network().predict(X)
        rate = accuracy(y, predicted)
        text = f"Accuracy on my digits: {rate:.1%} ({round(rate * len(y))} of {len(y)})"
        self.result.setText(text + missed(y, predicted, names))
        return rate
