"""Where each live plot's legend sits: it lists the curves with data and moves to the emptiest corner."""

import numpy as np

from nnviz.app.views.legend_corner import best_placement, corner_counts

LEGEND_SAMPLES = 64                  # points along each curve checked for lying under a legend
LEGEND_STEPS = 8                     # points along each new segment checked for lying under the legend
LEGEND_MARGIN = 15                   # px: the legend's offset from the corner and the markers' size


class LegendPlacement:
    """Legends for LivePlots: needs its `_plots` ({name: PlotItem}) and `_curves` ({name: {curve: (item, Series)}})."""

    def _update_entries(self, name):
        """List exactly the curves of plot `name` that have data; True when that changed."""
        legend, changed = self._plots[name].legend, False
        for item, series in self._curves[name].values():
            if item.listed and (series.n > 0) != item.in_legend:
                if item.in_legend:
                    legend.removeItem(item)
                else:
                    legend.addItem(item, item.label)
                item.in_legend, changed = not item.in_legend, True
        return changed

    def _shown_y(self, plot, y):
        """y as the view box holds it (log10 on a log axis)."""
        if plot.ctrl.logYCheck.isChecked():
            with np.errstate(all="ignore"):
                return np.log10(y)
        return y

    def _under_legend(self, name):
        """Do the points added to plot `name` since its legend was placed, or the lines to them,
        lie under the legend?"""
        plot = self._plots[name]
        corner = getattr(plot.legend, "corner", None)
        if corner is None or not plot.legend.isVisible():
            return False
        box = plot.getViewBox()
        for item, series in self._curves[name].values():
            seen = getattr(item, "_legend_seen", 0)
            if series.n <= seen:
                continue
            x, y = series.x[max(seen - 1, 0):], self._shown_y(plot, series.y[max(seen - 1, 0):])
            if len(x) > 1:                       # the segments between the points, sampled
                t = np.linspace(0.0, 1.0, LEGEND_STEPS)
                x = (x[:-1, None] + np.diff(x)[:, None] * t).ravel()
                y = (y[:-1, None] + np.diff(y)[:, None] * t).ravel()
            item._legend_seen = series.n
            if corner_counts(x, y, *box.viewRange(), plot.legend.fraction)[corner]:
                return True
        return False

    def _move_legend(self, name):
        """Put plot `name`'s legend in the corner where its curves are not (hidden while none has data)."""
        plot = self._plots[name]
        filled = [s for _, s in self._curves[name].values() if s.n]
        plot.legend.setVisible(bool(filled))          # no empty box while nothing is drawn
        for item, series in self._curves[name].values():
            item._legend_seen = series.n
        if not filled:
            return
        box, size = plot.getViewBox(), plot.legend.boundingRect()
        (x0, x1), (y0, y1) = box.viewRange()
        width, height = max(box.width(), 1.0), max(box.height(), 1.0)
        xs, ys = [], []
        for s in filled:                     # the points drawn and the lines between them
            sx, sy = s.shown()
            between = np.linspace(sx[0], sx[-1], LEGEND_SAMPLES)
            xs += [sx, between]
            ys += [sy, np.interp(between, sx, sy)]
        x, y = np.concatenate(xs), self._shown_y(plot, np.concatenate(ys))
        legend, n = plot.legend, len(filled)
        columns = min(legend.columnCount, n)
        entry = ((size.width() / columns + LEGEND_MARGIN / columns) / width,
                 (size.height() / -(-n // columns) + LEGEND_MARGIN) / height)
        columns, corner = best_placement(x, y, (x0, x1), (y0, y1), entry, n, columns,
                                         prefer=getattr(legend, "corner", (1, 1)))
        if columns != legend.columnCount:
            legend.setColumnCount(columns)
        legend.corner, legend.fraction = corner, (entry[0] * columns, entry[1] * -(-n // columns))
        plot.legend.setOffset((10 if corner[0] == 0 else -10, -10 if corner[1] == 0 else 10))
