"""Run → Find learning rate…: the curve of the form's experiment, the suggestion and one click to use it."""

from functools import partial

import numpy as np
from PySide6.QtCore import Qt

from nnviz.core import lr_range_test
from nnviz.prepare import prepare

from .conftest import tiny_digits
from .training_jobs import EndlessRangeTest


def test_the_range_test_plots_its_curve_and_applies_the_suggestion_to_the_form(qtbot, make_window):
    config = tiny_digits(learning_rate=0.5)
    window = make_window(config)
    finder = window.lr_finder
    finder.action.trigger()
    dialog = finder.dialog
    qtbot.waitUntil(lambda: dialog.result is not None and finder._job is None, timeout=30000)
    prepared = prepare(config)
    expected = lr_range_test(prepared.network, prepared.train_data, prepared.train_config)
    x, y = dialog.smoothed.getData()
    np.testing.assert_allclose(x, np.log10(expected.learning_rates))      # a log axis holds log10 η
    np.testing.assert_allclose(y, expected.smoothed, rtol=1e-6)
    assert dialog.marker.value() == np.log10(expected.suggestion)
    assert f"Suggested η = {expected.suggestion:.3g}" in dialog.reason.text()
    assert dialog.apply_button.text() == f"Use η = {expected.suggestion:.3g}"
    # The legend sat in the top-left corner, where the loss starts: now a row above the data.
    legend, box = dialog.plot.legend.sceneBoundingRect(), dialog.plot.getViewBox().sceneBoundingRect()
    assert [label.text for _, label in dialog.plot.legend.items] == ["loss per batch", "smoothed"]
    assert dialog.plot.sceneBoundingRect().contains(legend) and not legend.adjusted(1, 1, -1, -1).intersects(box)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert window.panel.config().learning_rate == float(f"{expected.suggestion:.3g}")


def test_closing_the_window_stops_a_running_range_test(qtbot, make_window, monkeypatch, tmp_path):
    from nnviz.app.runs import lr_finder_dialog

    # The range test runs in a training process: this one marks files there as it starts and stops.
    monkeypatch.setattr(lr_finder_dialog, "RangeTestJob", partial(EndlessRangeTest, str(tmp_path)))
    window = make_window(tiny_digits())
    finder = window.lr_finder
    finder.action.trigger()
    qtbot.waitUntil((tmp_path / "running").exists, timeout=30000)
    job, process = finder._job, finder._job.process
    window.close()
    assert (tmp_path / "stopped").exists() and job.isFinished()
    assert process.ending is None                   # it stopped when asked: not ended by force
    assert finder.dialog.result is None             # a stopped test reports nothing
