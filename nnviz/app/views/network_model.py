"""The network view's model, without Qt: which units are drawn where, the edges between them, what the
pointer is over, and the user's interventions (knocked-out units, edited weights) applied to a snapshot.

Layers are counted as in the network: 0 is the input, 1..L-1 the hidden layers, L the output.
Weight layer l (`weights[l]`, shape (d_l, d_l+1)) joins layer l to layer l + 1.
"""

from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from nnviz.app.runtime.snapshot import Snapshot
from nnviz.core.ablation import ablated_copy, unit_counts

MAX_UNITS = 16        # units drawn per layer; a wider layer shows its strongest and "+N more"
TILE = 1.0            # a node's side, in scene units
UNIT_PITCH = 1.15     # distance between two nodes of a layer
LAYER_PITCH = 3.2     # least distance between two layer columns
WRAPPED_PITCH = 2.4   # ... when layers wrap into columns side by side (the view is short: the nodes need the width)
ASPECT = 0.28         # layer columns at least this share of the tallest column apart (edges stay readable)
IMAGE_TILE = 5.0      # side of the input drawn as one image (MNIST's 784 inputs)
MAX_SUB_COLUMNS = 3   # a tall layer wraps into at most this many columns side by side in a wide view
WRAP_GAIN = 1.2       # ... only when that draws the nodes at least this much larger
EDGE_PICK = 0.12      # how close (scene units) the pointer must be to an edge to read it
LABEL_GAP = 2.0       # pixels kept free between two labels' boxes side by side (beyond their margins)


def layer_name(layer, n_layers):
    """"input", "hidden l" or "output" for layer `layer` of a network with n_layers weight layers."""
    return "input" if layer == 0 else "output" if layer == n_layers else f"hidden {layer}"


def short_layer_name(layer, n_layers):
    """"in", "h<l>" or "out": `layer_name` where the view has no room for it."""
    return "in" if layer == 0 else "out" if layer == n_layers else f"h{layer}"


def _width(weights, layer):
    return weights[layer].shape[0] if layer < len(weights) else weights[-1].shape[1]


def unit_importance(weights, layer):
    """(d_layer,) √(‖incoming weights‖² + ‖outgoing weights‖²) of every unit of `layer`."""
    total = np.zeros(_width(weights, layer))
    if layer > 0:
        total += np.sum(np.square(weights[layer - 1], dtype=np.float64), axis=0)
    if layer < len(weights):
        total += np.sum(np.square(weights[layer], dtype=np.float64), axis=1)
    return np.sqrt(total)


def shown_units(weights, layer, max_units=MAX_UNITS):
    """Indices (ascending) of the units of `layer` to draw: all, or the max_units most important."""
    if _width(weights, layer) <= max_units:
        return np.arange(_width(weights, layer))
    return np.sort(np.argsort(-unit_importance(weights, layer), kind="stable")[:max_units])


def top_units(weights, layer, k):
    """The k most important units of hidden layer `layer` (by `unit_importance`), as (layer, unit)."""
    order = np.argsort(-unit_importance(weights, layer), kind="stable")[:k]
    return [(layer, int(u)) for u in order]


@dataclass(frozen=True, eq=False)
class Layout:
    """Where each drawn node sits. units[l]: the unit indices drawn for layer l; centres[l]: their
    (k, 2) scene positions; hidden[l]: how many units of layer l are not drawn; image_input: the
    input is drawn as one image of side IMAGE_TILE centred at centres[0][0]; sides[l]: the side of
    layer l's nodes (TILE unless make_layout was told otherwise)."""

    sizes: tuple
    units: tuple
    centres: tuple
    hidden: tuple
    image_input: bool
    sides: tuple

    def half_side(self, layer):
        return self.sides[layer] / 2

    def node_at(self, x, y):
        """(layer, unit) of the node under scene point (x, y), or None (also over the input image)."""
        for layer, (units, centres) in enumerate(zip(self.units, self.centres)):
            inside = np.all(np.abs(centres - (x, y)) <= self.half_side(layer), axis=1)
            if inside.any():
                return None if self.image_input and layer == 0 else (layer, int(units[np.argmax(inside)]))
        return None

    def centre(self, layer, unit):
        """Scene position of a drawn unit (None when it is not drawn)."""
        where = np.flatnonzero(self.units[layer] == unit)
        return self.centres[layer][where[0]] if where.size else None

    def edges(self, weights):
        """Drawn edges: (starts (m, 2), ends (m, 2), values (m,), keys (m, 3) rows (l, i, j)).

        An edge of weight layer l runs from the right side of unit i of layer l to the left side of
        unit j of layer l + 1. No edges leave an input drawn as an image (its first-layer nodes show
        their incoming weights instead)."""
        starts, ends, keys = self._edge_places
        values = [np.asarray(weights[l])[keys[rows, 1], keys[rows, 2]] for l, rows in self._edge_layers]
        return starts, ends, np.concatenate(values) if values else np.zeros(0), keys

    @cached_property
    def _edge_places(self):
        """(starts, ends, keys) of the drawn edges: they depend on the layout only, not the weights."""
        starts, ends, keys = [], [], []
        for l in range(len(self.sizes) - 1):
            if l == 0 and self.image_input:
                continue
            a, b = self.units[l], self.units[l + 1]
            ia, ib = (g.ravel() for g in np.meshgrid(np.arange(len(a)), np.arange(len(b)), indexing="ij"))
            starts.append(self.centres[l][ia] + (self.half_side(l), 0))
            ends.append(self.centres[l + 1][ib] - (self.half_side(l + 1), 0))
            keys.append(np.column_stack([np.full(len(ia), l), a[ia], b[ib]]))
        if not starts:
            return np.zeros((0, 2)), np.zeros((0, 2)), np.zeros((0, 3), dtype=np.int64)
        return np.vstack(starts), np.vstack(ends), np.vstack(keys).astype(np.int64)

    @cached_property
    def _edge_layers(self):
        """[(l, rows of the edge keys in weight layer l)] in key order."""
        keys = self._edge_places[2]
        return [(int(l), np.flatnonzero(keys[:, 0] == l)) for l in np.unique(keys[:, 0])]


def _rows(drawn, image_input, aspect):
    """Nodes a layer column holds before the layer wraps into a column beside it: the count that draws
    the nodes largest in a view of this aspect (width / height). A 16-unit layer in a short, wide view
    (a 1280x720 window) wraps into two columns of 8, and its maps are ~40 px rather than ~24. Layers
    after an input image stay single columns: the image and the captions need the width."""
    tallest = max(drawn)
    best_scale, best_rows = 0.0, tallest
    for columns in range(1, MAX_SUB_COLUMNS + 1) if aspect and not image_input else ():
        rows = -(-tallest // columns)
        height = rows * UNIT_PITCH
        wraps = sum(-(-n // rows) - 1 for n in drawn) * UNIT_PITCH
        width = max(WRAPPED_PITCH if columns > 1 else LAYER_PITCH, ASPECT * height) * (len(drawn) - 1) + wraps + TILE
        scale = min(1 / height, aspect / width)          # px per scene unit, up to the view's size
        if scale > best_scale * WRAP_GAIN:
            best_scale, best_rows = scale, rows
    return best_rows


def make_layout(weights, image_input, max_units=MAX_UNITS, aspect=None, chosen=None, min_pitch=None, sides=None):
    """The Layout of a network with these weights: a column of nodes per layer (wrapped into columns side
    by side when that draws them larger, see _rows), centred on y = 0.

    chosen: {layer: unit indices} drawn in that order, top first, in place of `shown_units` (a
    convolution's most active maps). min_pitch: the least distance between two layer columns, in place
    of LAYER_PITCH and the ASPECT rule (many short columns). sides: {layer: its nodes' side} in place of
    TILE (a convolution's maps drawn larger than units); a column's gaps grow with its nodes.

    aspect: the view's width / height; a view wider than the graph spreads the columns until the graph
    has this aspect, no further (the nodes stay as large as the height allows, and the captions of
    neighbouring columns get room; wider, the width would limit the nodes' size)."""
    sizes = (weights[0].shape[0], *(W.shape[1] for W in weights))
    units, centres, hidden = [], [], []
    chosen, sides = chosen or {}, sides or {}
    side = [IMAGE_TILE if image_input and layer == 0 else sides.get(layer, TILE) for layer in range(len(sizes))]
    scale = [s / TILE for s in side]              # a layer's node pitch is UNIT_PITCH · scale
    counts = [len(chosen[layer]) if layer in chosen else min(width, max_units) for layer, width in enumerate(sizes)]
    drawn_counts = counts[int(image_input):]
    rows = _rows(drawn_counts, image_input, aspect)
    columns = range(int(image_input), len(sizes))
    tallest = max(min(counts[l], rows) * UNIT_PITCH * scale[l] for l in columns)
    extent_y = max(max((min(counts[l], rows) - 1) * UNIT_PITCH * scale[l] + side[l] for l in columns),
                   IMAGE_TILE * image_input)
    wraps = [(-(-count // rows) - 1) * UNIT_PITCH * k for count, k in zip(counts, scale)]
    if image_input:
        wraps[0] = 0.0
    gaps = len(sizes) - 1
    pitch = max(LAYER_PITCH if rows == max(drawn_counts) else WRAPPED_PITCH, ASPECT * tallest) \
        if min_pitch is None else min_pitch
    if aspect:   # the graph's extent: x Σ sides + gaps·(pitch − TILE) + Σ wraps, y that of the tallest column
        pitch = max(pitch, (aspect * extent_y - sum(side) - sum(wraps)) / gaps + TILE)
    x = 0.0
    for layer, width in enumerate(sizes):
        if layer > 0:        # the gap between two columns' nodes is pitch − TILE, whatever their sides
            x += wraps[layer - 1] + (side[layer - 1] + side[layer]) / 2 - TILE + pitch
        if image_input and layer == 0:
            units.append(np.arange(width))
            centres.append(np.zeros((1, 2)))
            hidden.append(0)
            continue
        drawn = np.asarray(chosen[layer]) if layer in chosen else shown_units(weights, layer, max_units)
        column, row = np.divmod(np.arange(len(drawn)), rows)
        in_column = np.minimum(len(drawn) - column * rows, rows)          # nodes in each node's column
        step = UNIT_PITCH * scale[layer]
        ys = -(row - (in_column - 1) / 2) * step                          # unit 0 on top
        units.append(drawn)
        centres.append(np.column_stack([x + column * step, ys]))
        hidden.append(width - len(drawn))
    return Layout(sizes, tuple(units), tuple(centres), tuple(hidden), image_input, tuple(side))


def nearest_edge(starts, ends, point, tolerance=EDGE_PICK):
    """Index of the segment (starts[i], ends[i]) closest to `point` when within `tolerance`, else None."""
    if not len(starts):
        return None
    d = ends - starts
    t = np.einsum("ij,ij->i", np.asarray(point) - starts, d) / np.maximum(np.einsum("ij,ij->i", d, d), 1e-12)
    distance = np.linalg.norm(starts + np.clip(t, 0, 1)[:, None] * d - point, axis=1)
    best = int(np.argmin(distance))
    return best if distance[best] <= tolerance else None


def fit_labels(xs, ys, widths, height, gap=LABEL_GAP):
    """Which of its texts every label of a row shows, and how many lines it moves out, so that none overlap.

    xs, ys: (n,) where each label's text is anchored, in pixels (bottom centre, y outwards); widths:
    (n, v) the pixel width of each label's v texts, longest first; height: a line's height in pixels.
    Returns (level, lines): all labels show their text number `level`, the longest with which no two
    overlap (boxes [x ∓ w/2 ∓ gap/2] × [y, y + height]); when even the shortest texts overlap, lines
    (n,) says how many lines (height + gap) each label moves out: left to right, each takes the first
    line where it overlaps none of the labels before it."""
    xs, ys, widths = np.asarray(xs, float), np.asarray(ys, float), np.asarray(widths, float)
    for level in range(widths.shape[1]):
        if not _overlapping(xs, ys, widths[:, level], height, gap).any():
            return level, np.zeros(len(xs), dtype=int)
    w = widths[:, -1]
    lines = np.zeros(len(xs), dtype=int)
    placed = []
    for i in np.argsort(xs, kind="stable"):
        while any(_overlapping(xs[[i, j]], ys[[i, j]] + (height + gap) * lines[[i, j]], w[[i, j]], height, gap)[0, 1]
                  for j in placed):
            lines[i] += 1
        placed.append(i)
    return widths.shape[1] - 1, lines


def _overlapping(xs, ys, widths, height, gap):
    """(n, n) bool: labels i < j whose boxes overlap."""
    near_x = np.abs(xs[:, None] - xs[None, :]) < (widths[:, None] + widths[None, :]) / 2 + gap
    near_y = np.abs(ys[:, None] - ys[None, :]) < height + gap
    return np.triu(near_x & near_y, k=1)


@dataclass(frozen=True)
class Interventions:
    """What the user changed in the evaluated copy of the network (never in the trained weights).

    ablated: (layer, unit) hidden units whose output is held at 0; weights: (l, i, j) -> value of
    weights[l][i, j]; biases: (l, j) -> value of biases[l][j] (l: weight layer)."""

    ablated: frozenset = frozenset()
    weights: dict = field(default_factory=dict)
    biases: dict = field(default_factory=dict)

    def __bool__(self):
        return bool(self.ablated or self.weights or self.biases)

    def toggled(self, units):
        """Knock out the given units, or bring them back when all of them already are."""
        units = frozenset(units)
        return replace(self, ablated=self.ablated - units if units <= self.ablated else self.ablated | units)

    def with_weight(self, key, value):
        return replace(self, weights={**self.weights, tuple(int(k) for k in key): float(value)})

    def with_bias(self, key, value):
        return replace(self, biases={**self.biases, tuple(int(k) for k in key): float(value)})

    def without_edits(self):
        return replace(self, weights={}, biases={})

    def apply(self, snapshot):
        """The snapshot with these interventions: a new Snapshot, or the same one when there are none.

        Units and weights the snapshot's network does not have (a new architecture) are ignored."""
        if not self or snapshot is None:
            return snapshot
        net = snapshot.network()
        hidden = unit_counts(net)
        units = [(l, u) for l, u in self.ablated if 1 <= l <= len(hidden) and u < hidden[l - 1]]
        net = ablated_copy(net, units) if units else net      # network() is already a copy
        for (l, i, j), value in self.weights.items():
            if l < net.n_layers and net.weights[l].ndim == 2 and i < net.weights[l].shape[0] and \
                    j < net.weights[l].shape[1]:
                net.weights[l][i, j] = value
        for (l, j), value in self.biases.items():
            if l < net.n_layers and j < len(net.biases[l]):
                net.biases[l][j] = value
        return Snapshot.of(net, snapshot.epoch, snapshot.step)
