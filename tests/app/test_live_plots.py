"""Live plots: the dead-units legend stays off the curves it labels."""

import pytest

from nnviz.app.views.live_plots import LivePlots
from nnviz.core.events import EpochEnd, LayerStats


def epoch(n, dead):
    hidden = LayerStats(0.1, 1.0, 1e-3, dead, 0.0, 0.5, 0.2)
    output = LayerStats(0.1, 1.0, 1e-3, 0.0, 0.0, 0.1, 0.3)
    return EpochEnd(n, 10, 0.5, 0.8, None, None, 0.1, (hidden, hidden, output), float(n), 1.0, 1000.0)


@pytest.fixture
def plots(qtbot):
    plots = LivePlots()
    qtbot.addWidget(plots)
    plots.resize(900, 700)
    plots.show()
    plots.set_layers(3)
    return plots


def legend_in_upper_half(plots, qtbot):
    plot = plots._plots["dead_units"]
    qtbot.wait(10)
    legend, box = plot.legend.sceneBoundingRect(), plot.getViewBox().sceneBoundingRect()
    return legend.center().y() < box.center().y()


@pytest.mark.parametrize("dead, upper", [(0.05, True), (0.95, False)])
def test_the_dead_units_legend_sits_where_the_curves_are_not(plots, qtbot, dead, upper):
    plots.add_epochs([epoch(n, dead) for n in range(1, 4)])
    plots.refresh()
    assert legend_in_upper_half(plots, qtbot) == upper


def test_the_legend_moves_down_when_units_die_during_the_run(plots, qtbot):
    plots.add_epochs([epoch(1, 0.1)])
    plots.refresh()
    assert legend_in_upper_half(plots, qtbot)
    plots.add_epochs([epoch(2, 0.9)])
    plots.refresh()
    assert not legend_in_upper_half(plots, qtbot)
