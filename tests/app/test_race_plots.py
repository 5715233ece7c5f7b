"""The race's curves: smoothed loss per batch, accuracy per epoch, axes in round steps up to the planned epochs."""

import pytest

from nnviz.app.runs.race_plots import RacePlots
from nnviz.app.views.live_plots import smoothed
from nnviz.core import BatchEnd, EpochEnd


def epoch_events(epoch, loss, accuracy, batches=4):
    return ([BatchEnd(epoch, b, batches, (epoch - 1) * batches + b, loss, 0.1, 0, 0.0) for b in range(1, batches + 1)],
            [EpochEnd(epoch, 300, loss, accuracy, None, None, 0.1, (), 0.0, 0.0, 0.0)])


@pytest.fixture
def plots(qtbot):
    widget = RacePlots()
    qtbot.addWidget(widget)
    widget.begin(["sgd η 0.1", "adam η 0.001"], epochs=300)
    return widget


def test_the_loss_is_an_exponential_moving_average_that_skips_nan():
    values, last = smoothed([2.0, 1.0, float("nan"), 0.0])
    assert list(values[:2]) == [2.0, 2.0 + 0.05 * (1.0 - 2.0)] and values[2] == values[1]
    assert last == values[3] == values[1] + 0.05 * (0.0 - values[1])


def test_each_contestant_has_its_own_curves_at_fractional_epochs(plots):
    for epoch in (1, 2):
        plots.add(0, *epoch_events(epoch, 1.0, 0.5))
    plots.add(1, *epoch_events(1, 3.0, 0.25))
    plots.refresh()
    x, y = plots.curves[0].loss_item.getData()
    assert list(x) == [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0] and list(y) == [1.0] * 8
    assert list(plots.curves[1].accuracy_item.getData()[1]) == [25.0]
    assert plots.plots["accuracy"].titleLabel.text == "accuracy (training)"


def shown(plot, axis):
    """The (low, high) a plot shows on an axis, without the 2 % padding on either side."""
    low, high = plot.viewRange()[axis]
    pad = (high - low) * 0.02 / 1.04
    return pytest.approx(low + pad), pytest.approx(high - pad)


def test_the_epoch_axis_grows_in_round_steps_up_to_the_planned_epochs(plots):
    plots.add(0, *epoch_events(157, 1.0, 0.5))
    plots.refresh()
    loss, accuracy = plots.plots["loss"], plots.plots["accuracy"]
    assert shown(loss, 0) == (0, 200) and shown(accuracy, 0) == (0, 200)    # one epoch axis
    assert shown(loss, 1) == (0, 1.2) and shown(accuracy, 1) == (50, 100)
    plots.add(0, *epoch_events(290, 1.0, 0.5))
    plots.refresh()
    assert shown(loss, 0) == (0, 300)                           # not 400: the race ends at 300
