"""Colours of the network view's nodes: each unit's activation over the input plane, or its incoming
weights as an image, turned into RGBA tiles with one look-up per layer (display scaling only)."""

from functools import lru_cache

import numpy as np
import pyqtgraph as pg

from nnviz.app.views.colors import NEUTRAL, activation_levels, class_colors, region_colors, symmetric_levels

# Playground's colours: orange for negative, blue for positive, white at 0.
NEGATIVE, POSITIVE = (245, 147, 34), (8, 119, 189)
LUT_SIZE = 256


def _made_once(make):
    """`make(*args)` computed once per args (LUTs are built at every frame otherwise), read-only."""
    @lru_cache(maxsize=64)
    def cached(*args):
        table = make(*args)
        table.flags.writeable = False
        return table
    return cached


@_made_once
def diverging_lut():
    """(256, 4) uint8: orange at the low end, white in the middle, blue at the high end."""
    cmap = pg.ColorMap([0.0, 0.5, 1.0], [NEGATIVE, (255, 255, 255), POSITIVE])
    return cmap.getLookupTable(0.0, 1.0, LUT_SIZE, alpha=True)


def ramp_lut(rgb01):
    """(256, 4) uint8 from the boundary view's neutral grey to the colour rgb01 (3,) in [0, 1]."""
    return _ramp_lut(tuple(float(c) for c in rgb01))


@_made_once
def _ramp_lut(rgb01):
    cmap = pg.ColorMap([0.0, 1.0], [NEUTRAL * 255, np.asarray(rgb01) * 255])
    return cmap.getLookupTable(0.0, 1.0, LUT_SIZE, alpha=True)


@_made_once
def two_class_lut(n_classes=2):
    """P(class 1): class 0's region colour at 0, neutral at 0.5, class 1's at 1 (as the boundary view)."""
    colors = region_colors(class_colors(max(n_classes, 2)))
    cmap = pg.ColorMap([0.0, 0.5, 1.0], np.vstack([colors[0], NEUTRAL, colors[1]]) * 255)
    return cmap.getLookupTable(0.0, 1.0, LUT_SIZE, alpha=True)


def to_rgba(values, levels, lut):
    """values (k, ...) → (k, ..., 4) uint8 through `lut` (256, 4), `levels` (low, high) to its ends.

    One gather of 32-bit words (a colour each) rather than of 4-byte rows: ~10x faster."""
    low, high = levels
    index = (np.asarray(values, np.float32) - low) * np.float32((LUT_SIZE - 1) / max(high - low, 1e-12))
    np.clip(index, 0, LUT_SIZE - 1, out=index)
    words = np.ascontiguousarray(lut, dtype=np.uint8).view(np.uint32).ravel()
    return words[index.astype(np.uint8)].view(np.uint8).reshape(*index.shape, 4)


def layer_levels(layer, n_layers, activations, hidden_name):
    """Levels (−m, m) for layer `layer`'s values (n, width), so that 0 is white: m = max |value| for
    the inputs (features), the hidden activation's bound (or largest value), 1 for the outputs."""
    if layer == 0:
        return symmetric_levels(activations)
    if layer == n_layers:
        return -1.0, 1.0
    m = max(abs(v) for v in activation_levels(hidden_name, activations))
    return -m, m


def output_tiles(P, n_classes):
    """Output units' maps P (n_grid, k) → (k, n_grid, 4): with one or two outputs every unit's map is
    the boundary's P(class 1) map; with k classes unit c fades from neutral to class c's colour."""
    k = P.shape[1]
    if k <= 2:
        p1 = P[:, -1] if k == 2 else P[:, 0]
        return np.repeat(to_rgba(p1[None], (0.0, 1.0), two_class_lut(n_classes)), k, axis=0)
    colors = region_colors(class_colors(max(k, n_classes)))
    return np.stack([to_rgba(P[:, c], (0.0, 1.0), ramp_lut(colors[c])) for c in range(k)])
