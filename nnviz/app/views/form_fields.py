"""The experiment panel's editors: a field with its error line, a slider with its value, the hidden
layers' list of widths."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.views.wheel_guard import guard_wheel

ERROR_STYLE = "color: #c62828; font-size: 11px;"
MAX_WIDTH = 100_000        # units a hidden layer may have in the form (training checks the memory it needs)


class Field(QWidget):
    """An editor and its error line (hidden while the value is fine); its tooltip is the field's help, or
    the error while there is one. The form puts `error` on a row of its own under the field, as wide as
    the form: in the field's column a sentence was cut to a few words a line."""

    def __init__(self, editor, help_text=""):
        super().__init__()
        self.editor, self.help = editor, help_text
        editor.setToolTip(help_text)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(editor)

    def set_error(self, text):
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.editor.setProperty("invalid", bool(text))
        target = {"layers": "QSpinBox", "layer_list": "QListWidget"}.get(self.editor.kind,
                                                                           f"#{self.editor.objectName()}")
        self.editor.setStyleSheet(f"{target} {{ border: 1px solid #c62828; }}" if text else "")
        self.editor.setToolTip(text or self.help)


class HiddenLayersEditor(QWidget):
    """The hidden layers as a list of widths: add a layer (as wide as the last one, or `first_width`
    units when there is none), remove one, set its units."""

    changed = Signal()

    def __init__(self):
        super().__init__()
        self._rows = QVBoxLayout()
        self._rows.setSpacing(2)
        self.spins = []
        self.first_width = 32
        self.add_button = QPushButton("+ Add layer")
        self.add_button.clicked.connect(
            lambda: self._append(self.spins[-1].value() if self.spins else self.first_width, True))
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(self._rows)
        box.addWidget(self.add_button)

    def layers(self):
        return [spin.value() for spin in self.spins]

    def set_layers(self, widths):
        while self.spins:
            self._remove(self.spins[-1], notify=False)
        for width in widths:
            self._append(width, notify=False)

    def _append(self, width, notify):
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        spin = QSpinBox()
        spin.setRange(0, MAX_WIDTH)
        spin.setValue(width)
        spin.setSuffix(" units")
        spin.valueChanged.connect(self.changed)
        guard_wheel(spin)
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip("Remove this layer")
        remove.clicked.connect(lambda: self._remove(spin, notify=True))
        number = QLabel(f"{len(self.spins) + 1}.")
        number.setMinimumWidth(18)
        line.addWidget(number)
        line.addWidget(spin, 1)
        line.addWidget(remove)
        spin._row = row
        self.spins.append(spin)
        self._rows.addWidget(row)
        if notify:
            self.changed.emit()

    def _remove(self, spin, notify):
        index = self.spins.index(spin)
        self.spins.pop(index)
        spin._row.setParent(None)
        spin._row.deleteLater()
        for i, other in enumerate(self.spins):
            other._row.layout().itemAt(0).widget().setText(f"{i + 1}.")
        if notify:
            self.changed.emit()


class SliderEditor(QWidget):
    """A number on a slider from `low` to `high` in `step`s, its value written beside it by `text(value)`.

    `value()` is the number last set, exactly (even between the slider's steps or beyond its ends),
    until the user moves the slider; None means "the default", shown at `set_default`'s value.
    `inverted`: the slider grows to the left (a training ratio slider that edits the test share).
    """

    changed = Signal()

    def __init__(self, low, high, step, text, inverted=False):
        super().__init__()
        self.low, self.step, self._text = low, step, text
        self._value, self._default = None, low
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, round((high - low) / step))
        self.slider.setInvertedAppearance(inverted)
        self.slider.setInvertedControls(inverted)
        self.slider.valueChanged.connect(self._moved)
        self.readout = QLabel(wordWrap=True)
        column = QVBoxLayout(self)        # the readout under the slider: a long one cannot squeeze it
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.slider)
        column.addWidget(self.readout)

    def value(self):
        return self._value

    def set_value(self, value):
        self._value = value
        self._place()

    def set_default(self, default):
        self._default = default
        self._place()

    def _place(self):
        shown = self._default if self._value is None else self._value
        self.slider.blockSignals(True)
        self.slider.setValue(round((shown - self.low) / self.step))     # QSlider clamps to its range
        self.slider.blockSignals(False)
        self.readout.setText(self._text(shown) + (" (default)" if self._value is None else ""))

    def _moved(self, position):
        self._value = round(self.low + position * self.step, 6)
        self._place()
        self.changed.emit()
