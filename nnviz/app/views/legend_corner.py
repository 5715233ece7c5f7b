"""Where a plot's legend covers the fewest data points: the emptiest of its four corners."""

import numpy as np

# Corners as (x side, y side): 1 is right/top, 0 is left/bottom; the first is the usual place.
CORNERS = ((1, 1), (0, 1), (1, 0), (0, 0))


def corner_counts(x, y, x_range, y_range, fraction):
    """{corner: how many of the points (x, y) a legend-sized box in that corner covers}.

    x_range, y_range: the visible (low, high) in data coordinates; fraction: the legend's share
    (width, height) of the plot.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    shown = np.isfinite(x) & np.isfinite(y)
    x, y = x[shown], y[shown]
    (x0, x1), (y0, y1) = x_range, y_range
    fx, fy = (min(max(f, 0.05), 1.0) for f in fraction)
    right, top = x >= x1 - fx * (x1 - x0), y >= y1 - fy * (y1 - y0)
    left, bottom = x <= x0 + fx * (x1 - x0), y <= y0 + fy * (y1 - y0)
    return {(1, 1): np.count_nonzero(right & top), (0, 1): np.count_nonzero(left & top),
            (1, 0): np.count_nonzero(right & bottom), (0, 0): np.count_nonzero(left & bottom)}


def emptiest_corner(x, y, x_range, y_range, fraction, prefer=(1, 1)):
    """The corner whose legend-sized box holds the fewest of the points (x, y) (see corner_counts).
    The legend stays at `prefer` unless another corner holds fewer points, so it does not hop
    between equally empty corners."""
    counts = corner_counts(x, y, x_range, y_range, fraction)
    best = min(CORNERS, key=lambda c: counts[c])
    return prefer if counts[prefer] <= counts[best] else best


def best_placement(x, y, x_range, y_range, entry_fraction, n_entries, columns, prefer=(1, 1)):
    """(columns, corner) of the legend covering the fewest points: entries side by side make a short
    legend, stacked a narrow one; when the current shape covers points somewhere every corner, a
    narrower or wider one may not. entry_fraction: one entry's share (width, height) of the plot."""
    def placed(columns):
        rows = -(-n_entries // columns)
        fraction = (entry_fraction[0] * columns, entry_fraction[1] * rows)
        corner = emptiest_corner(x, y, x_range, y_range, fraction, prefer)
        return corner_counts(x, y, x_range, y_range, fraction)[corner], columns, corner

    best = placed(columns)
    for other in range(1, n_entries + 1):
        if best[0] == 0:
            break
        best = min(best, placed(other), key=lambda p: p[0])
    return best[1], best[2]
