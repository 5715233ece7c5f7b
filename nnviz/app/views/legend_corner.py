"""Where a plot's legend covers the fewest data points: the emptiest of its four corners."""

import numpy as np

# Corners as (x side, y side): 1 is right/top, 0 is left/bottom; the first is the usual place.
CORNERS = ((1, 1), (0, 1), (1, 0), (0, 0))


def emptiest_corner(x, y, x_range, y_range, fraction, prefer=(1, 1)):
    """The corner whose legend-sized box holds the fewest of the points (x, y).

    x_range, y_range: the visible (low, high) in data coordinates; fraction: the legend's share
    (width, height) of the plot. The legend stays at `prefer` unless another corner holds fewer
    points, so it does not hop between equally empty corners.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    shown = np.isfinite(x) & np.isfinite(y)
    x, y = x[shown], y[shown]
    (x0, x1), (y0, y1) = x_range, y_range
    fx, fy = (min(max(f, 0.05), 1.0) for f in fraction)
    right, top = x >= x1 - fx * (x1 - x0), y >= y1 - fy * (y1 - y0)
    left, bottom = x <= x0 + fx * (x1 - x0), y <= y0 + fy * (y1 - y0)
    counts = {(1, 1): np.count_nonzero(right & top), (0, 1): np.count_nonzero(left & top),
              (1, 0): np.count_nonzero(right & bottom), (0, 0): np.count_nonzero(left & bottom)}
    best = min(CORNERS, key=lambda c: counts[c])
    return prefer if counts[prefer] <= counts[best] else best
