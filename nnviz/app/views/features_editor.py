"""The experiment form's input-feature picker: one check box per feature of a 2-D point (x1, x2, x1², …)."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QWidget

from nnviz.core.features import DISPLAY_NAMES, FEATURES

COLUMNS = 2                      # three would clip "sin x₁" in a 300 px wide form


class FeaturesEditor(QWidget):
    """Check boxes for nnviz.core.features.FEATURES; `changed` when one is toggled by the user."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        self.boxes = {}
        for n, name in enumerate(FEATURES):
            box = QCheckBox(DISPLAY_NAMES[name], toolTip=f"feed {name} to the network")
            box.setObjectName(f"feature {name}")
            box.toggled.connect(self.changed)
            grid.addWidget(box, n // COLUMNS, n % COLUMNS)
            self.boxes[name] = box

    def set_features(self, names):
        for name, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(name in names)
            box.blockSignals(False)

    def features(self):
        """The checked features, in FEATURES' order."""
        return [name for name, box in self.boxes.items() if box.isChecked()]
