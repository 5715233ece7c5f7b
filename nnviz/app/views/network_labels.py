"""The network view's captions ("hidden 1 (128)") and "+N more" labels, worded and placed so none overlap."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF

from nnviz.app.views.network_model import LABEL_GAP, fit_labels, layer_name, short_layer_name
from nnviz.core.features import DISPLAY_NAMES


class LayerLabels:
    """Pooled text items in a view box: `show(layout, snapshot)` captions each layer column above and
    counts its undrawn units below, each row in the longest wording that keeps its labels apart at the
    view's scale (labels moved a line out where even the shortest would touch: see fit_labels); the
    view box's resizes and zooms place them again. `hide()` hides them all; `set_font(font)` (None: the
    default) sets their type."""

    def __init__(self, view):
        self.view = view
        self.font = None
        self.items = []
        self._shown = None               # show's arguments: what the labels are placed for
        view.sigTransformChanged.connect(self._refit)

    def show(self, layout, snapshot, wordings=None, steps=None):
        """wordings: per layer its caption's texts, longest first (default: "hidden 1 (16)", "h1 (16)");
        steps: {l: [texts]} captions under the gap between layer l and l + 1 (pooling, flattening)."""
        self._shown = (layout, snapshot, wordings, steps)
        n_layers = len(snapshot.sizes) - 1
        captions, more = [], []
        tops = [centres[:, 1].max() + layout.half_side(layer) + 0.2 for layer, centres in enumerate(layout.centres)]
        for layer, centres in enumerate(layout.centres):
            name, size, x = layer_name(layer, n_layers), snapshot.sizes[layer], centres[:, 0].mean()
            texts = [f"{name} ({size})", f"{short_layer_name(layer, n_layers)} ({size})"]
            if layer == 0 and snapshot.features:
                features = ", ".join(DISPLAY_NAMES[f] for f in snapshot.features)
                texts.insert(0, f"{name}: {features} ({size})")
            captions.append((wordings[layer] if wordings else texts, x, tops[layer]))
            if layout.hidden[layer]:
                hidden, bottom = layout.hidden[layer], centres[:, 1].min() - layout.half_side(layer)
                more.append(([f"+{hidden} more", f"+{hidden}"], x, bottom - 0.2))
        bottoms = [c[:, 1].min() - layout.half_side(layer) - 0.2 for layer, c in enumerate(layout.centres)]
        for layer, texts in (steps or {}).items():    # under the gap between two columns, beside "+N more"
            left = layout.centres[layer][:, 0].max() + layout.half_side(layer)
            right = layout.centres[layer + 1][:, 0].min() - layout.half_side(layer + 1)
            text = " + ".join(texts)
            short = "+".join("pool" if "pool" in t else "flat" for t in texts)
            more.append(([text, short], (left + right) / 2, min(bottoms[layer], bottoms[layer + 1])))
        n = self._place_row(captions, 0, above=True)
        n = self._place_row(more, n, above=False)
        for item in self.items[n:]:
            item.hide()

    def set_font(self, font):
        self.font = font
        for item in self.items:
            item.textItem.setFont(font if font is not None else pg.QtGui.QFont())
        self._refit()

    def hide(self):
        self._shown = None
        for item in self.items:
            item.hide()

    def _refit(self):
        if self._shown is not None:
            self.show(*self._shown)

    def _item(self, n):
        while len(self.items) <= n:
            item = pg.TextItem(color=(40, 40, 40), anchor=(0.5, 1.0))
            if self.font is not None:
                item.textItem.setFont(self.font)
            self.view.addItem(item)
            self.items.append(item)
        return self.items[n]

    def _place_row(self, row, n, above):
        """Place the labels of `row` [(texts longest first, x, y)] from pooled item n on; the next free n."""
        if not row:
            return n
        text_item = self._item(n).textItem
        metrics, margin = QFontMetricsF(text_item.font()), 2 * text_item.document().documentMargin()
        levels = max(len(texts) for texts, *_ in row)       # a label with fewer texts repeats its last
        widths = np.array([[metrics.horizontalAdvance(texts[min(i, len(texts) - 1)]) + margin
                            for i in range(levels)] for texts, *_ in row])
        height = metrics.height() + margin
        sx, sy = self.view.viewPixelSize()
        xs, ys = np.array([x for _, x, _ in row]), np.array([y for *_, y in row])
        out = 1 if above else -1                # captions move up, "+N more" down
        if sx > 0 and sy > 0 and np.isfinite(sx * sy):
            level, lines = fit_labels(xs / sx, out * ys / sy, widths, height)
        else:                                   # not laid out yet: placed again once it is
            level, lines = 0, np.zeros(len(row), dtype=int)
        line = (height + LABEL_GAP) * sy * out
        for (texts, x, y), away in zip(row, lines):
            item = self._item(n)
            item.setAnchor((0.5, 1.0 if above else 0.0))
            item.setText(texts[min(level, len(texts) - 1)])
            item.setPos(float(x), float(y + line * away))
            item.show()
            n += 1
        return n
