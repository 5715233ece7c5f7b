"""Live plots: curves made once and fed with setData; legends above the data, never on it."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt

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


def data_bounds(plot, x, y):
    """The rectangle a curve's points span, in the plot's view coordinates (decades on a log axis)."""
    y = np.log10(y) if plot.ctrl.logYCheck.isChecked() else y
    return QRectF(QPointF(x.min(), y.min()), QPointF(x.max(), y.max()))


@pytest.mark.parametrize("width", [480, 900])
def test_no_legend_covers_a_curve_or_leaves_its_plot_however_the_curves_fill_it(plots, qtbot, width):
    """vanishing-sigmoid: the loss plateau ran under the loss legend, and "W3" was cut at the plot's edge.
    Here the noisy batch loss and eleven layers' curves fill every corner of plots as narrow as the grid
    makes them (480 px: two columns of the narrowest cells); each legend sits above its data."""
    plots.resize(width, 640)
    plots.set_layers(11)
    plots.begin_run(20)
    rng = np.random.default_rng(0)
    for n in range(1, 21):
        plots.add_batches([BatchEnd(n, b, 50, (n - 1) * 50 + b, float(rng.uniform(0.05, 2.4)), 0.1, 32 * b,
                                    0.01 * b, 0.5) for b in range(1, 51)])
        layers = tuple(LayerStats(10.0 ** rng.uniform(-6, 1), 1.0, 1e-3, rng.uniform(0, 1), 0.0, 0.5, 0.2)
                       for _ in range(11))
        plots.add_epochs([EpochEnd(n, 20, 1.0, rng.uniform(0, 1), 1.1, rng.uniform(0, 1), 0.1, layers, float(n),
                                   1.0, 1000.0)])
    plots.refresh()
    qtbot.wait(10)
    for name in PLOTS:
        plot = plots.plot(name)
        legend, box = plot.legend.sceneBoundingRect(), plot.getViewBox()
        assert plot.legend.items and plot.sceneBoundingRect().contains(legend), name
        in_view = box.mapSceneToView(legend.adjusted(1, 1, -1, -1)).boundingRect()     # not touching it
        (x0, x1), (y0, y1) = box.viewRange()
        shown = QRectF(QPointF(x0, y0), QPointF(x1, y1))
        for curve, (x, y) in plots.data(name).items():
            assert not in_view.intersects(data_bounds(plot, x, y).intersected(shown)), (name, curve)


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


@pytest.mark.parametrize("width", [240, 900])
def test_the_log_scale_box_sits_in_the_loss_plots_title_row_clear_of_title_and_legend(plots, qtbot, width):
    plots.resize(width, 700)
    plots.add_epochs([epoch(1, 0.1)])
    plots.refresh()
    qtbot.wait(10)
    loss = plots.plot("loss")
    widget = loss.getViewWidget()
    box = plots.log_loss
    assert box.isVisible() and box.parent() is widget and widget.rect().contains(box.geometry())
    for item in (loss.titleLabel.item, loss.legend):               # the title's text, the legend's entries
        drawn = widget.mapFromScene(item.mapRectToScene(item.boundingRect())).boundingRect()
        assert drawn.width() > 0 and not drawn.intersects(box.geometry()), (item, drawn, box.geometry())


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
    for kind in (pg.PlotDataItem, pg.PlotCurveItem):         # curves with markers, bare lines
        monkeypatch.setattr(kind, "setData", lambda self, *args, original=kind.setData, **kwargs:
                            calls.append(self) or original(self, *args, **kwargs))
    for n in range(2, 7):                                 # five more epochs, each drawn
        plots.add_batches(batches(n))
        plots.add_epochs([epoch(n, 0.1)])
        plots.refresh()
    assert {name: list(plots.plot(name).listDataItems()) for name in PLOTS} == items   # the same objects
    assert sum(len(plots.plot(name).scene().items()) for name in PLOTS) == scene_items  # nothing added
    assert {id(c) for c in calls} >= {id(items["loss"][0]), id(items["accuracy"][0])}
    assert point_counts(plots)["loss"]["batch"] == 6 * 5


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
