"""Axis ranges of the live plots that grow in round steps, so ticks are not rebuilt at every frame."""

import numpy as np


def nice_ceiling(x):
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k that is ≥ x."""
    scale = 10.0 ** np.floor(np.log10(x))
    return next(m * scale for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * scale >= x)


class StepRanges:
    """Range steps for LivePlots: needs its `_plots` ({name: PlotItem}), `_curves` and `_y_tops` ({name: range})."""

    def _accuracy_steps(self):
        values = [s.shown()[1] for _, s in self._curves["accuracy"].values() if s.n]
        low = min((float(np.nanmin(v)) for v in values), default=0.0)
        bottom = max(0.0, np.floor(low * 10 - 0.25) / 10) if np.isfinite(low) else 0.0
        if bottom != self._y_tops.get("accuracy"):
            self._y_tops["accuracy"] = bottom
            self._plots["accuracy"].setYRange(bottom, 1.0, padding=0.02)

    def _log_steps(self, name, arrays):
        """Whole decades around the (positive, finite) data on a log axis."""
        values = np.concatenate([np.empty(0), *arrays])
        values = values[np.isfinite(values) & (values > 0)]
        if not len(values):
            values = np.array([1e-3, 1.0])          # an empty log axis still reads in decades
        logs = np.log10(values)
        low, high = float(np.floor(logs.min())), float(np.ceil(logs.max()))
        span = (low, high)
        if span[1] == span[0]:
            span = (span[0], span[0] + 1)
        if span != self._y_tops.get(name):
            self._y_tops[name] = span
            self._plots[name].setYRange(*span, padding=0.02)
            decades = range(int(span[0]), int(span[1]) + 1)       # label the decades only
            self._plots[name].getAxis("left").setTicks([
                [(d, f"{10.0 ** d:g}") for d in decades],
                [(d + np.log10(m), "") for d in decades[:-1] for m in range(2, 10)]])

    def _y_steps(self, name, arrays, headroom=1.05):
        """y from 0 to a round number above the data (× headroom), changed only when the data outgrow it."""
        finite = [a[np.isfinite(a)] for a in arrays if len(a)]
        top = max((float(a.max()) for a in finite if len(a)), default=0.0)
        top = nice_ceiling(top * headroom) if top > 0 else 1.0
        if top != self._y_tops.get(name):
            self._y_tops[name] = top
            self._plots[name].setYRange(0, top, padding=0)
