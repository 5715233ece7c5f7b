"""The experiment's layer list ("layers") as a list a user edits: one line per layer with the shape it
outputs, add/remove/move, the selected layer's settings below, and the list as JSON text on demand.

Checking is nnviz.core's (check_layers, layer_shapes): a bad entry or a shape that cannot work on the
dataset's images is named as the core names it ("layers[2]: conv: kernel 5 on a 4x4 map; ..."), and
its line turns red.
"""

import json

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.conv import PADDINGS, STRIDES
from nnviz.core.conv_net import layer_shapes
from nnviz.core.fields import FieldError
from nnviz.core.layer_list import KINDS, SPATIAL, LayerError, check_layers, layer_kind

# A layer added of each kind (the user then sets its numbers).
NEW_LAYER = {"conv": {"conv": 8, "kernel": 3, "padding": "same"}, "maxpool": {"maxpool": 2},
             "avgpool": {"avgpool": 2}, "flatten": {"flatten": True}, "dense": {"dense": 64}}
SIZE_LABEL = {"conv": "Filters", "maxpool": "Window", "avgpool": "Window", "dense": "Units"}
MAX_SIZE = 100_000         # filters or units a layer may have in the form (training checks the memory)
MAX_KERNEL = 99
MAX_SHOWN_ROWS = 12        # the list grows with its layers up to this many lines, then scrolls
BAD = QColor("#c62828")
EMPTY_TEXT = "No layers: the Hidden layers above build the network."


def describe(spec, shape=None):
    """One line for a checked entry, e.g. "conv 6 × 5×5 same → 28×28×6", "maxpool 2 → 14×14×6"."""
    kind = layer_kind(spec)
    if kind == "conv":
        text = f"conv {spec['conv']} × {spec['kernel']}×{spec['kernel']} {spec['padding']}"
        text += f", stride {spec['stride']}" if spec["stride"] != 1 else ""
    elif kind in ("maxpool", "avgpool"):
        text = f"{kind} {spec[kind]}" + (f", stride {spec['stride']}" if spec["stride"] != spec[kind] else "")
    elif kind == "flatten":
        text = "flatten"
    else:
        text = f"dense {spec['dense']}"
    if shape is not None and kind != "dense":
        text += " → " + "×".join(map(str, shape))
    return text


class LayerListEditor(QWidget):
    """Edits the experiment's "layers": None (no list: the hidden layers build the network) or a list
    of entries. `value()` gives (the list or None, the reason it cannot be used or None); `changed` is
    emitted after every edit by the user. `set_image_shape((H, W))` lets it check the shapes (None:
    not known before the data are loaded; training checks them then)."""

    changed = Signal()

    def __init__(self):
        super().__init__()
        self.specs = []                    # the entries as the user has them (keys they wrote kept)
        self.image_shape = None
        self._raw_error = None             # the JSON text's problem while it cannot be shown as a list
        self._error, self._bad_index, self._shapes = None, None, None
        self._loading_details = False      # the selected layer's settings being shown, not edited
        self._build()
        self._refresh()

    # -- construction --------------------------------------------------------------------------

    def _build(self):
        self.title = QLabel(wordWrap=True)
        self.json_button = QToolButton(text="JSON", checkable=True)
        self.json_button.setToolTip("Show the list as JSON text, to copy or type it whole")
        self.json_button.toggled.connect(self._show_json)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.json_button)

        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._selected)
        self.empty = QLabel(EMPTY_TEXT, wordWrap=True)

        self.add_kind = QComboBox()
        for kind in KINDS:
            self.add_kind.addItem(kind, kind)
        self.add_kind.setToolTip("The kind of layer + Add inserts after the selected one")
        self.add_button = QToolButton(text="+ Add")
        self.add_button.setToolTip("Insert a layer of the kind on the left after the selected layer "
                                   "(convolutions and pooling before the dense layers)")
        self.add_button.clicked.connect(lambda: self.add(self.add_kind.currentData()))
        self.up_button = self._tool("↑", "Move the selected layer up", lambda: self._move(-1))
        self.down_button = self._tool("↓", "Move the selected layer down", lambda: self._move(1))
        self.remove_button = self._tool("✕", "Remove the selected layer", self._remove)
        buttons = QHBoxLayout()
        for widget in (self.add_kind, self.add_button, self.up_button, self.down_button, self.remove_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)

        self.details = QWidget()
        form = QFormLayout(self.details)
        form.setContentsMargins(12, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.kind_choice = QComboBox()
        for kind in KINDS:
            self.kind_choice.addItem(kind, kind)
        self.kind_choice.currentIndexChanged.connect(self._kind_chosen)
        self.size = self._spin(1, MAX_SIZE, self._size_edited)
        self.kernel = self._spin(1, MAX_KERNEL, lambda v: self._set("kernel", v))
        self.stride = self._spin(1, MAX_KERNEL, lambda v: self._set("stride", v))
        self.padding = QComboBox()
        for padding in PADDINGS:
            self.padding.addItem(padding, padding)
        self.padding.currentIndexChanged.connect(lambda _: self._set("padding", self.padding.currentData()))
        self._form = form
        for label, widget in (("Layer", self.kind_choice), ("Filters", self.size), ("Kernel", self.kernel),
                              ("Stride", self.stride), ("Padding", self.padding)):
            form.addRow(label, widget)

        self.json_line = QLineEdit(placeholderText="none: the hidden layers above")
        self.json_line.textEdited.connect(self._json_edited)
        self.json_line.hide()

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(3)
        column.addLayout(top)
        column.addWidget(self.list)
        column.addWidget(self.empty)
        column.addLayout(buttons)
        column.addWidget(self.details)
        column.addWidget(self.json_line)

    @staticmethod
    def _tool(text, tip, slot):
        button = QToolButton(text=text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    @staticmethod
    def _spin(low, high, slot):
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.valueChanged.connect(slot)
        return spin

    # -- the value -----------------------------------------------------------------------------

    def value(self):
        """(the layer list or None, None) or (None, the reason it cannot be used, naming the layer)."""
        if self._raw_error or self._error:
            return None, self._raw_error or self._error
        return ([dict(spec) for spec in self.specs] if self.specs else None), None

    def set_value(self, layers):
        """Show `layers` (None: no list); what is not a list of entries stays as JSON text, with the
        reason as the value's error."""
        self._raw_error = self._adopt(layers)
        if self._raw_error:
            self.json_line.setText(json.dumps(layers))
            self.json_button.setChecked(True)
        self._refresh(select=0 if self.specs else None, keep_json=bool(self._raw_error))

    def _adopt(self, layers):
        """Take `layers` as the entries and return None, or the reason they are not a list of entries
        (check_layers' words; the entries are then kept as they were)."""
        if layers is not None and not (isinstance(layers, list) and all(isinstance(s, dict) for s in layers)):
            try:
                check_layers(layers)
            except FieldError as error:
                return str(error)
        self.specs = [] if layers is None else [dict(spec) for spec in layers]
        return None

    def set_image_shape(self, image_shape):
        """The dataset's (H, W) images (None: unknown); the shapes are checked and shown for it."""
        if image_shape != self.image_shape:
            self.image_shape = image_shape
            self._refresh()

    # -- editing -------------------------------------------------------------------------------

    def add(self, kind):
        """Insert a new `kind` layer after the selected one, kept among its own (convolutions and
        pooling before the first dense or flatten layer, dense and flatten after the last pooling)."""
        at = self.list.currentRow() + 1 if self.list.currentRow() >= 0 else len(self.specs)
        kinds = [layer_kind(spec) for spec in self.specs]
        if kind in SPATIAL:
            flat = [i for i, k in enumerate(kinds) if k not in SPATIAL]
            at = min([at, *flat[:1]])
        else:
            spatial = [i + 1 for i, k in enumerate(kinds) if k in SPATIAL]
            at = max([at, *spatial[-1:]])
        self.specs.insert(at, dict(NEW_LAYER[kind]))
        self._edited(select=at)

    def _move(self, step):
        row = self.list.currentRow()
        if row < 0 or not 0 <= row + step < len(self.specs):
            return
        self.specs[row], self.specs[row + step] = self.specs[row + step], self.specs[row]
        self._edited(select=row + step)

    def _remove(self):
        row = self.list.currentRow()
        if row < 0:
            return
        del self.specs[row]
        self._edited(select=min(row, len(self.specs) - 1) if self.specs else None)

    def _kind_chosen(self, _):
        row, kind = self.list.currentRow(), self.kind_choice.currentData()
        if row >= 0 and not self._loading_details and kind != _kind_of(self.specs[row]):
            self.specs[row] = dict(NEW_LAYER[kind])
            self._edited(select=row)

    def _size_edited(self, value):
        row = self.list.currentRow()
        if row >= 0 and not self._loading_details:
            self.specs[row][_kind_of(self.specs[row])] = value
            self._edited(select=row)

    def _set(self, key, value):
        row = self.list.currentRow()
        if row >= 0 and not self._loading_details and self.specs[row].get(key) != value:
            self.specs[row][key] = value
            self._edited(select=row)

    def _json_edited(self, text):
        text = text.strip()
        try:
            self._raw_error = self._adopt(json.loads(text) if text else None)
        except json.JSONDecodeError as error:
            self._raw_error = (f"not JSON ({error.msg} at character {error.pos + 1}); "
                               f"e.g. [{{\"conv\": 6, \"kernel\": 5}}]")
        self._refresh(select=0 if self.specs else None, keep_json=True)
        self.changed.emit()

    def _edited(self, select):
        self._raw_error = None             # the rows are the list now; the JSON text follows them
        self._refresh(select=select)
        self.changed.emit()

    # -- showing -------------------------------------------------------------------------------

    def _check(self):
        """(error, index of the bad entry, shapes) of the entries as they are now."""
        if not self.specs:
            return None, None, None
        try:
            checked = check_layers(self.specs)
        except LayerError as error:
            return str(error), error.index, None
        if self.image_shape is None:
            return None, None, None
        try:
            return None, None, layer_shapes(self.image_shape, checked)
        except LayerError as error:          # the layers before the bad one still show their shapes
            return str(error), error.index, layer_shapes(self.image_shape, checked[:error.index])

    def _refresh(self, select=None, keep_json=False):
        self._error, self._bad_index, self._shapes = self._check()
        shown = self.list.currentRow() if select is None else select
        self.list.blockSignals(True)
        self.list.clear()
        for i, spec in enumerate(self.specs):
            self.list.addItem(self._line(i, spec))
        self.list.setCurrentRow(shown if self.specs and shown is not None and shown >= 0 else -1)
        self.list.blockSignals(False)
        rows = max(1, min(len(self.specs), MAX_SHOWN_ROWS))
        self.list.setFixedHeight(rows * self.list.sizeHintForRow(0) + 2 * self.list.frameWidth() + 2
                                 if self.specs else 0)
        self.list.setVisible(bool(self.specs))
        self.empty.setVisible(not self.specs and not self._raw_error)
        if not keep_json and not self._raw_error:
            self.json_line.setText(json.dumps(self.specs, separators=(", ", ": ")) if self.specs else "")
            self.json_line.setCursorPosition(0)
        self._selected(self.list.currentRow())

    def _line(self, i, spec):
        try:
            checked = check_layers([spec])[0]
        except LayerError:
            checked = None
        shape = self._shapes[i] if self._shapes and i < len(self._shapes) else None
        text = f"[{i}] " + (describe(checked, shape) if checked else json.dumps(spec))
        item = QListWidgetItem(text)
        item.setToolTip(text)                     # the whole line, when the list is narrower
        if i == self._bad_index:
            item.setText("⚠ " + text)
            item.setForeground(QBrush(BAD))
            item.setToolTip(self._error)
        return item

    def _selected(self, row):
        """Show the settings of layer `row` (none selected: hide them) and enable the buttons that apply."""
        has = 0 <= row < len(self.specs)
        self.details.setVisible(has)
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < len(self.specs) - 1)
        self.remove_button.setEnabled(has)
        if not has:
            return
        spec = self.specs[row]
        kind = _kind_of(spec)
        self._loading_details = True
        try:
            self.kind_choice.setCurrentIndex(self.kind_choice.findData(kind))
            if kind in SIZE_LABEL:
                self.size.setValue(_whole(spec.get(kind), 1))
                self._form.labelForField(self.size).setText(SIZE_LABEL[kind])
            self.kernel.setValue(_whole(spec.get("kernel"), 1))
            self.stride.setRange(1, max(STRIDES) if kind == "conv" else MAX_KERNEL)
            self.stride.setValue(_whole(spec.get("stride"), 1 if kind == "conv" else _whole(spec.get(kind), 1)))
            self.padding.setCurrentIndex(self.padding.findData(spec.get("padding", "valid")))
        finally:
            self._loading_details = False
        for widget, used in ((self.size, kind in SIZE_LABEL), (self.kernel, kind == "conv"),
                             (self.stride, kind in ("conv", "maxpool", "avgpool")), (self.padding, kind == "conv")):
            self._form.setRowVisible(widget, used)

    def _show_json(self, on):
        self.json_line.setVisible(on)


def _kind_of(spec):
    """The kind an entry names (the first kind key; "dense" when it names none yet)."""
    return next((kind for kind in KINDS if kind in spec), "dense")


def _whole(value, default):
    return value if isinstance(value, int) and not isinstance(value, bool) else default
