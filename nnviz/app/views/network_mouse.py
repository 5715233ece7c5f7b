"""The network view's pointer: hover reads a weight or unit, click selects, Shift+click knocks out."""

import numpy as np
from PySide6.QtCore import QEvent, Qt

from nnviz.app.views.network_conv import map_layers, summarised
from nnviz.app.views.network_model import layer_name, nearest_edge

EDIT_DECIMALS = 4          # of a weight or bias typed in by hand


def _changed(value, shown):
    """Did the user type a new value (None: cancelled)? The dialog rounds what it shows to EDIT_DECIMALS,
    so OK on the value as shown is no edit."""
    return value is not None and round(value, EDIT_DECIMALS) != round(shown, EDIT_DECIMALS)


class NetworkMouse:
    """The mouse handling of NetworkView, double-click edits included (a mixin: uses its view, graph,
    layout model and snapshot)."""

    def _scene_point(self, scene_pos):
        p = self.view.mapSceneToView(scene_pos)
        return p.x(), p.y()

    def describe(self, x, y):
        """What is under scene point (x, y): a unit's bias or an edge's weight, as text ("" for nothing)."""
        if self.layout_model is None or self._shown is None:
            return ""
        n_layers = len(self._shown.sizes) - 1
        maps = map_layers(self._shown.weights)
        node = self.layout_model.node_at(x, y)
        if node is not None:
            layer, unit = node
            name = f"{layer_name(layer, n_layers)} {'filter' if layer in maps else 'unit'} {unit}"
            if layer == 0:
                feature = self._shown.features[unit] if self._shown.features else f"x{unit + 1}"
                return f"{name}: input feature {feature}"
            bias = float(self._shown.biases[layer - 1][unit])
            state = " (knocked out)" if node in self.interventions.ablated else ""
            return f"{name}{state}: bias b = {bias:.4f}"
        starts, ends, values, keys = self._edges
        edge = nearest_edge(starts, ends, np.array([x, y]))
        if edge is None:
            return ""
        l, i, j = keys[edge]
        if summarised(self._shown.weights, l):
            kinds = ["filter" if n in maps else "unit" for n in (l, l + 1)]
            return (f"Σ of the weights from {layer_name(l, n_layers)} {kinds[0]} {i} to {layer_name(l + 1, n_layers)} "
                    f"{kinds[1]} {j}: Σw = {values[edge]:.4f}")
        return (f"weight from {layer_name(l, n_layers)} unit {i} to {layer_name(l + 1, n_layers)} unit {j}: "
                f"w = {values[edge]:.4f}")

    def _on_mouse_moved(self, scene_pos):
        x, y = self._scene_point(scene_pos)
        self.hover_text = self.describe(x, y)
        self.readout.setText(self.hover_text or self.idle_text)
        self.graph.setToolTip(self.hover_text)      # Qt shows it when the pointer rests

    def _on_mouse_clicked(self, event):
        if self.layout_model is None or event.button() != Qt.MouseButton.LeftButton:
            return
        x, y = self._scene_point(event.scenePos())
        node = self.layout_model.node_at(x, y)
        if node is None or event.double():
            return
        modifiers = event.modifiers()
        if modifiers & Qt.KeyboardModifier.ShiftModifier:
            self.select(*node)
            self.knock_out([node])
        else:
            self.select(*node, add=bool(modifiers & Qt.KeyboardModifier.ControlModifier))

    def eventFilter(self, watched, event):
        if (watched is self.graph.viewport() and event.type() == QEvent.Type.MouseButtonDblClick
                and event.button() == Qt.MouseButton.LeftButton and self.layout_model is not None):
            x, y = self._scene_point(self.graph.mapToScene(event.position().toPoint()))
            self._edit_at(x, y, self.layout_model.node_at(x, y))
            return True
        return super().eventFilter(watched, event)

    def _edit_at(self, x, y, node):
        """Double-click: edit the bias of the unit, or the weight of the edge, under (x, y)."""
        if node is not None and node[0] > 0:
            layer, unit = node
            shown = float(self._shown.biases[layer - 1][unit])
            value = self.ask_value(f"Bias of {layer_name(layer, len(self._shown.sizes) - 1)} unit {unit}", shown)
            if _changed(value, shown):
                self.edit_bias(layer - 1, unit, value)
            return
        starts, ends, values, keys = self._edges
        edge = nearest_edge(starts, ends, np.array([x, y]))
        if edge is not None and not summarised(self._shown.weights, int(keys[edge][0])):   # one weight each
            l, i, j = (int(k) for k in keys[edge])
            value = self.ask_value(f"Weight from unit {i} to unit {j}", float(values[edge]))
            if _changed(value, float(values[edge])):
                self.edit_weight(l, i, j, value)

