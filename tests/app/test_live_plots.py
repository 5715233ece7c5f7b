"""Live plots: curves made once and fed with setData; the dead-units legend stays off the curves."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt

from nnviz.app.views.live_plots import PLOTS, LivePlots
from nnviz.core.events import BatchEnd, EpochEnd, LayerStats

from .readers import point_counts


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


def points_under_legend(plots, name, qtbot):
    """How many of the plot's data points (and points on the lines between them) the legend covers."""
    plot = plots.plot(name)
    qtbot.wait(10)
    legend, box = plot.legend.sceneBoundingRect(), plot.getViewBox()
    covered = 0
    for x, y in plots.data(name).values():
        y = np.log10(y) if plot.ctrl.logYCheck.isChecked() else y      # a log axis's view is in decades
        for t in np.linspace(0, 1, 50) if len(x) > 1 else [0]:
            px = x[0] + t * (x[-1] - x[0])
            covered += legend.contains(box.mapViewToScene(QPointF(px, np.interp(px, x, y))))
    return covered


@pytest.mark.parametrize("dead, upper", [(0.05, True), (0.95, False)])
def test_the_dead_units_legend_sits_where_the_curves_are_not(plots, qtbot, dead, upper):
    plots.add_epochs([epoch(n, dead) for n in range(1, 4)])
    plots.refresh()
    assert legend_in_upper_half(plots, qtbot) == upper
    assert points_under_legend(plots, "dead_units", qtbot) == 0


def test_the_legend_leaves_the_curves_when_units_die_during_the_run(plots, qtbot):
    plots.add_epochs([epoch(1, 0.1)])
    plots.refresh()
    assert legend_in_upper_half(plots, qtbot)
    plots.add_epochs([epoch(2, 0.9)])
    plots.refresh()
    assert points_under_legend(plots, "dead_units", qtbot) == 0


def legend_labels(plots, name):
    return [label.text for _, label in plots.plot(name).legend.items]


def test_a_curve_without_data_has_no_legend_entry(plots):
    plots.add_epochs([epoch(1, 0.1)])          # no validation split: val_loss is None
    plots.refresh()
    assert legend_labels(plots, "accuracy") == ["train"]
    assert "validation (epoch)" not in legend_labels(plots, "loss")
    plots.set_layers(3)
    assert legend_labels(plots, "accuracy") == []


def test_the_loss_axis_turns_logarithmic(plots, qtbot):
    plots.add_epochs([epoch(1, 0.1)])
    plots.refresh()
    qtbot.mouseClick(plots.log_loss, Qt.MouseButton.LeftButton)
    assert plots.plot("loss").getAxis("left").logMode
    low, high = plots.plot("loss").getViewBox().viewRange()[1]
    assert low <= np.log10(0.5) <= high           # the train loss 0.5 is on the log axis


def batches(epoch_number, n=5):
    return [BatchEnd(epoch_number, b, n, (epoch_number - 1) * n + b, 1.0 / b, 0.1, 32 * b, 0.01 * b, 0.5)
            for b in range(1, n + 1)]


def test_curves_are_created_once_and_updated_with_set_data(plots, qtbot, monkeypatch):
    plots.add_batches(batches(1))
    plots.add_epochs([epoch(1, 0.1)])
    plots.refresh()
    items = {name: list(plots.plot(name).listDataItems()) for name in PLOTS}
    scene_items = sum(len(plots.plot(name).scene().items()) for name in PLOTS)
    calls = []
    original = pg.PlotDataItem.setData
    monkeypatch.setattr(pg.PlotDataItem, "setData",
                        lambda self, *args, **kwargs: calls.append(self) or original(self, *args, **kwargs))
    for n in range(2, 7):                                 # five more epochs, each drawn
        plots.add_batches(batches(n))
        plots.add_epochs([epoch(n, 0.1)])
        plots.refresh()
    assert {name: list(plots.plot(name).listDataItems()) for name in PLOTS} == items   # the same objects
    assert sum(len(plots.plot(name).scene().items()) for name in PLOTS) == scene_items  # nothing added
    assert {id(c) for c in calls} >= {id(items["loss"][0]), id(items["accuracy"][0])}
    assert point_counts(plots)["loss"]["batch"] == 6 * 5


def test_a_wide_legend_turns_narrow_when_the_curves_fill_both_bands_of_a_short_plot(plots, qtbot):
    """Gradient norms at 1280x720: three layers' curves far apart on the log axis fill the top and the
    bottom of the first 80 of 300 planned epochs; a legend of three entries side by side covers them
    in every corner, a column of three fits in the empty right."""
    plots.resize(535, 590)
    rng = np.random.default_rng(0)
    plots.begin_run(300)
    for n in range(1, 81):
        norms = (50.0, 1.0, 0.02) * np.exp(rng.normal(0, 0.1, 3))
        layers = tuple(LayerStats(g, 1.0, 1e-3, 0.0, 0.0, 0.5, 0.2) for g in norms)
        plots.add_epochs([EpochEnd(n, 10, 0.5, 0.8, None, None, 0.1, layers, float(n), 1.0, 1000.0)])
    plots.refresh()
    assert points_under_legend(plots, "grad_norm", qtbot) == 0


def test_a_legend_stays_put_while_new_data_keep_out_of_its_corner_and_moves_when_they_come(plots, qtbot,
                                                                                          monkeypatch):
    plots.begin_run(epochs=10)                            # the x axis spans the run: it stays 0-10
    plots.add_epochs([epoch(1, 0.1)])
    plots.refresh()
    legend = plots.plot("dead_units").legend
    offsets = []
    original = legend.setOffset
    monkeypatch.setattr(legend, "setOffset", lambda offset: offsets.append(offset) or original(offset))
    for n in range(2, 8):                                 # low curves: the legend at the top stays
        plots.add_epochs([epoch(n, 0.1)])
        plots.refresh()
    assert offsets == [] and legend_in_upper_half(plots, qtbot)
    plots.add_epochs([epoch(n, 0.9) for n in range(8, 11)])   # the curves climb into its corner
    plots.refresh()
    assert len(offsets) == 1 and points_under_legend(plots, "dead_units", qtbot) == 0


def test_a_deep_networks_layer_legends_name_the_first_and_last_two_layers_only(plots):
    """Ten sigmoid layers: eleven entries covered the plateau they should reveal."""
    hidden = LayerStats(0.1, 1.0, 1e-3, 0.0, 0.0, 0.5, 0.2)
    plots.set_layers(11)
    plots.add_epochs([EpochEnd(1, 10, 0.5, 0.8, None, None, 0.1, (hidden,) * 11, 1.0, 1.0, 1000.0)])
    plots.refresh()
    assert legend_labels(plots, "grad_norm") == ["W1", "W2", "W10", "W11"]
    assert legend_labels(plots, "dead_units") == ["hidden 1", "hidden 2", "hidden 9", "hidden 10"]
    assert len(plots.plot("grad_norm").listDataItems()) == 11          # every layer still drawn
    # each layer its own colour (eight colours cycled gave W2 and W10 the same orange), darkest first
    for name, n in (("grad_norm", 11), ("dead_units", 10)):
        colours = [item.opts["pen"].color() for item in plots.plot(name).listDataItems()]
        assert len({c.rgb() for c in colours}) == n
        assert colours[0].lightness() < colours[-1].lightness()
    plots.set_layers(3)                                                 # a shallow network: all named
    plots.add_epochs([epoch(1, 0.1)])
    plots.refresh()
    assert legend_labels(plots, "grad_norm") == ["W1", "W2", "W3"]


def test_the_epoch_axis_fits_a_few_steps_and_spans_the_plan_once_the_run_is_under_way(plots):
    """Ten F10 steps of a 10-epoch MNIST run (844 batches an epoch) were a 2 px sliver."""
    plots.begin_run(10)
    plots.refresh()
    assert plots.plot("loss").getViewBox().viewRange()[0][1] >= 10          # nothing yet: the plan
    steps = [BatchEnd(1, b, 844, b, 1.0, 0.1, 64 * b, 0.01, 0.5) for b in range(1, 11)]
    plots.add_batches(steps)
    plots.refresh()
    right = plots.plot("loss").getViewBox().viewRange()[0][1]
    assert 10 / 844 < right <= 0.1 * 1.03, right                            # the ten steps fill a tenth of it
    plots.add_batches([BatchEnd(1, 844, 844, 844, 0.5, 0.1, 64 * 844, 0.01, 0.5)])   # an epoch done
    plots.refresh()
    assert 10 <= plots.plot("loss").getViewBox().viewRange()[0][1] < 10.5
