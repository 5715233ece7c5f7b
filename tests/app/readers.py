"""Test helpers that read what the widgets hold: a plot curve's points, every live plot's point counts,
the health dock's history lines."""

import numpy as np

from nnviz.app.views.live_plots import PLOTS


def curve_data(item):
    """(x, y) of a PlotDataItem as float arrays (empty before any data)."""
    x, y = item.getData()
    return (np.array([]), np.array([])) if x is None else (np.asarray(x, float), np.asarray(y, float))


def point_counts(plots):
    """{plot name: {curve name: number of points}} that a LivePlots holds (what its CSV export writes)."""
    return {name: {curve: len(x) for curve, (x, _) in plots.data(name).items()} for name in PLOTS}


def history_lines(health):
    """The health dock's history list, oldest line first."""
    return [health.log.item(row).text() for row in range(health.log.count())]
