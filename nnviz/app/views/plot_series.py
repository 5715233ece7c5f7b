"""Growing curve buffers for the live plots, drawn through a peak-preserving decimation.

A live curve grows by thousands of points a second (spirals trains ~4,000 batches/s) and a plot is
a few hundred pixels wide. Handing pyqtgraph the whole curve at every frame costs O(n) (bounds,
clipping, its own downsampling) and grows without end; `Series.shown()` instead keeps, for each
bucket of k consecutive points, its lowest and its highest point (in their order), made as points
arrive and merged in pairs when there are more than `buckets` (k doubles). Drawing then costs
O(buckets + k) whatever n is, and a one-batch spike (a divergence) is always among the points drawn.
"""

import numpy as np

DISPLAY_BUCKETS = 1024          # a long curve is drawn as ≤ 2 points for each of at most this many buckets


def peaks(x, y, k):
    """For each complete group of k consecutive points of (x, y), its lowest and highest point in
    their order: ((2·⌊n/k⌋,), (2·⌊n/k⌋,)). NaN is neither lowest nor highest unless all are NaN."""
    m = len(y) // k * k
    X, Y = x[:m].reshape(-1, k), y[:m].reshape(-1, k)
    missing = np.isnan(Y)
    low = np.where(missing, np.inf, Y).argmin(axis=1)
    high = np.where(missing, -np.inf, Y).argmax(axis=1)
    pick = np.column_stack([np.minimum(low, high), np.maximum(low, high)])
    rows = np.arange(len(Y))[:, None]
    return X[rows, pick].ravel(), Y[rows, pick].ravel()


class Series:
    """A growing (x, y) buffer that doubles its capacity, so appending is amortised O(1)."""

    def __init__(self, buckets=DISPLAY_BUCKETS):
        self.buckets = buckets
        self._x = np.empty(256)
        self._y = np.empty(256)
        self.n = 0
        self.clear()

    def extend(self, x, y):
        x, y = np.asarray(x, float), np.asarray(y, float)
        need = self.n + len(x)
        if need > len(self._x):
            size = max(need, 2 * len(self._x))
            self._x = np.resize(self._x, size)
            self._y = np.resize(self._y, size)
        self._x[self.n:need], self._y[self.n:need] = x, y
        self.n = need
        self.finite = self.finite and bool(np.isfinite(y).all())

    def clear(self):
        self.n = 0
        self.finite = True                           # no NaN or infinite y (a diverged loss): lines need no check
        self._k = 1                                  # points per bucket; 1: not decimated yet
        self._done = 0                               # points summarised in buckets so far
        self._peak_x = self._peak_y = np.empty(0)    # the buckets' lowest and highest points

    @property
    def x(self):
        return self._x[:self.n]

    @property
    def y(self):
        return self._y[:self.n]

    def shown(self):
        """(x, y) to draw: every point while there are at most 2·buckets, else the buckets' peaks
        followed by the points not yet in a complete bucket, and always the newest point last (the
        curve ends where training is). x stays ascending when it was."""
        if self._k == 1:
            if self.n <= 2 * self.buckets:
                return self.x, self.y
            self._k = 2
            while self.n > self._k * self.buckets:
                self._k *= 2
        complete = (self.n - self._done) // self._k * self._k
        if complete:
            end = self._done + complete
            x, y = peaks(self._x[self._done:end], self._y[self._done:end], self._k)
            self._peak_x, self._peak_y = np.concatenate([self._peak_x, x]), np.concatenate([self._peak_y, y])
            self._done = end
        while len(self._peak_x) > 2 * self.buckets:   # too many buckets: merge them in pairs
            merged, rest = peaks(self._peak_x, self._peak_y, 4), len(self._peak_x) // 4 * 4
            self._peak_x = np.concatenate([merged[0], self._peak_x[rest:]])
            self._peak_y = np.concatenate([merged[1], self._peak_y[rest:]])
            self._k *= 2
        x = np.concatenate([self._peak_x, self._x[self._done:self.n]])
        y = np.concatenate([self._peak_y, self._y[self._done:self.n]])
        if self._done == self.n and x[-1] != self._x[self.n - 1]:     # the curve ends at the newest point
            x, y = np.append(x, self._x[self.n - 1]), np.append(y, self._y[self.n - 1])
        return x, y
