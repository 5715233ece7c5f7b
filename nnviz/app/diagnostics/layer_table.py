"""The health dock's per-layer table: dead and saturated shares, gradients, update ratios, activations.

The numbers and thresholds come from `nnviz.core.health`; a cell past a threshold is tinted.
"""

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from nnviz.core.health import (
    DEAD,
    EXPLODING,
    SATURATED,
    SATURATING,
    UPDATE_RATIO,
    VANISHING,
    health_ratios,
    threshold_level,
)

CELL_TINT = {"warning": QColor(240, 165, 0, 70), "alarm": QColor(214, 39, 40, 80)}
COLUMNS = ("dead", "saturated", "grad norm", "ratio to output", "update ratio", "act mean", "act std")


class LayerTable(QTableWidget):
    """One row per weight layer, one column per COLUMNS entry; read-only."""

    def __init__(self, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def show_layers(self, layers, activation):
        """Fill the table from LayerStats (one per weight layer); `activation` (the hidden layers') says
        whether dead units (ReLU) or saturation (SATURATING) apply."""
        ratios = health_ratios(layers)
        hidden = len(layers) - 1
        self.setRowCount(len(layers))
        self.setVerticalHeaderLabels([f"layer {l}" if l <= hidden else f"output ({l})"
                                      for l in range(1, len(layers) + 1)])
        for r, (s, ratio) in enumerate(zip(layers, ratios)):
            out = r == hidden
            dead = None if out or activation != "relu" else s.dead_fraction
            sat = None if out or activation not in SATURATING else s.saturated_fraction
            cells = (
                (_number(dead, "{:.0%}"), threshold_level(dead, DEAD)),
                (_number(sat, "{:.0%}"), threshold_level(sat, SATURATED)),
                (_number(s.grad_norm), "ok"),
                (_number(ratio), "ok" if out else max(threshold_level(ratio, VANISHING, above=False),
                                                      threshold_level(ratio, EXPLODING), key=_severity)),
                (_number(s.update_ratio, "{:.2g}"), threshold_level(s.update_ratio, UPDATE_RATIO)),
                (_number(s.activation_mean), "ok"),
                (_number(s.activation_std), "ok"),
            )
            for c, (text, level) in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if level in CELL_TINT:
                    item.setBackground(QBrush(CELL_TINT[level]))
                self.setItem(r, c, item)


def _number(value, fmt="{:.3g}"):
    return "—" if value is None or not math.isfinite(value) else fmt.format(value)


def _severity(level):
    return ("ok", "warning", "alarm").index(level)
