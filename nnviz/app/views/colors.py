"""The palette: class colours (every view draws class k in `class_colors(n)[k]`, regions in its paler
`region_colors`), run colours, colormaps and heatmap levels (display scaling only)."""

import numpy as np
import pyqtgraph as pg

# Tableau 10: distinct on both dark and light backgrounds; cycled for more than ten classes.
_CLASS_RGB = np.array([
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
], dtype=np.uint8)

# Runs: Tableau 10, then ten more picked greedily for the largest smallest CIELAB distance to the
# others (≥ 27 ΔE between any two of the twenty; colours too light for a white plot left out).
_RUN_RGB = np.concatenate([_CLASS_RGB, np.array([
    (0, 0, 221), (0, 0, 0), (0, 0, 117), (240, 50, 230), (149, 181, 120),
    (107, 0, 79), (188, 183, 255), (121, 0, 0), (0, 87, 89), (145, 30, 180),
], dtype=np.uint8)])

# Levels for activations whose range is known in advance; the others get [min(0, lowest), highest].
_BOUNDED_LEVELS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "softmax": (0.0, 1.0)}


def class_colors(n_classes):
    """(n_classes, 3) uint8 RGB colours, one per class."""
    return _CLASS_RGB[np.arange(n_classes) % len(_CLASS_RGB)]


def class_brushes(n_classes, alpha=255):
    """One QBrush per class in its colour. Classes of one colour share one brush object: pyqtgraph renders
    a scatter symbol once per distinct brush, and 1,000 classes (ten colours) took 1,000 renders."""
    return list(_shared(n_classes, lambda rgb: pg.mkBrush(*rgb, alpha)))


def class_pens(n_classes, width=1.0):
    """One QPen per class in its colour, shared like `class_brushes`."""
    return list(_shared(n_classes, lambda rgb: pg.mkPen(*rgb, width=width)))


def _shared(n_classes, make):
    """[make(rgb) for each class's colour], made once per distinct colour."""
    made = {}
    for c in class_colors(n_classes):
        rgb = tuple(int(v) for v in c)
        if rgb not in made:
            made[rgb] = make(rgb)
        yield made[rgb]


NEUTRAL = np.array([0.93, 0.93, 0.93])    # colour of "no confidence" (probability 1/k), RGB in [0, 1]
REGION_STRENGTH = 0.55   # how much of a class colour its region gets at full confidence


def region_colors(rgb):
    """Class colours (k, 3) uint8 → paler RGB in [0, 1] for regions, so that points of the same class stand out."""
    return 1 - REGION_STRENGTH * (1 - rgb / 255)


def run_color(index):
    """(r, g, b) of the run colour `index`: twenty distinct colours, then they repeat."""
    return tuple(int(v) for v in _RUN_RGB[index % len(_RUN_RGB)])


N_RUN_COLORS = len(_RUN_RGB)


# Layers: distinct colours up to eight layers; deeper networks get a sequential ramp, first layer dark to
# last layer light, so that no two layers share a colour and the order of the curves reads at a glance.
_LAYER_RGB = _CLASS_RGB[[0, 1, 2, 3, 4, 5, 6, 9]]
LAYER_RAMP_END = 0.85    # of "plasma": its last, pale yellow stretch vanishes on a white plot


def layer_colors(n_layers):
    """(n_layers, 3) uint8 RGB colours, layer 1 first."""
    if n_layers <= len(_LAYER_RGB):
        return _LAYER_RGB[:n_layers]
    ramp = pg.colormap.get("plasma").map(np.linspace(0.0, LAYER_RAMP_END, n_layers), mode="byte")
    return np.asarray(ramp)[:, :3].astype(np.uint8)


def heatmap_colormap():
    """Sequential colormap for activations and counts."""
    return pg.colormap.get("viridis")


def diverging_colormap():
    """Blue-white-red colormap for signed values (weights) centred on 0."""
    return pg.colormap.get("CET-D1")


def activation_levels(name, A):
    """(low, high) levels for activations A computed by the activation called `name`.

    sigmoid [0, 1], tanh [-1, 1]; ReLU-like functions are unbounded above, so they get
    [min(0, min A), max A] from the data (never an empty range).
    """
    if name in _BOUNDED_LEVELS:
        return _BOUNDED_LEVELS[name]
    finite = A[np.isfinite(A)] if A.size else A
    low = min(0.0, float(finite.min())) if finite.size else 0.0
    high = float(finite.max()) if finite.size else 1.0
    return low, max(high, low + 1e-6)


def symmetric_levels(A):
    """(-m, m) with m = max |A| (ignoring NaN), so that 0 sits at a diverging colormap's centre."""
    finite = np.abs(A[np.isfinite(A)])
    m = float(finite.max()) if finite.size else 1.0
    return -max(m, 1e-6), max(m, 1e-6)


def set_bar_levels(bar, levels):
    """Set a colour bar's (low, high) and label its ends (and its middle when there is room):
    pyqtgraph's own ticks pile up five labels on a bar a few dozen pixels tall."""
    low, high = levels
    bar.setLevels((low, high))
    middle = (low + high) / 2
    bar.axis.setTicks([[(low, f"{low:.2g}"), (high, f"{high:.2g}")], [(middle, f"{middle:.2g}")]])
