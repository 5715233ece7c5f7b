"""The status bar, the finish line, the smoothed loss and the Runs table say what really happens
(issue 22, items 7-8): the paced rate, the test accuracy, a smoothed loss that follows a small
dataset's loss, the training ratio; and Auto paces image runs to about a minute."""

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.app.run_controls import RUNNING
from nnviz.app.runs.runs_dock import RunsDock
from nnviz.app.runtime.pace import WATCH_IMAGES_SECONDS, WATCHABLE, watchable_pace
from nnviz.app.views.live_plots import LivePlots
from nnviz.core import BatchEnd, TrainData, accuracy
from nnviz.io import ExperimentConfig
from nnviz.prepare import prepare

from .conftest import tiny_spirals
from .test_diagnostics_integration import train_to_the_end
from .test_runs_dock import _run as run_record


def test_at_10_batches_a_second_the_status_shows_that_rate_and_its_eta(make_window):
    """Batches of 32 trained at 3,200 a second (training time), held to 10 a second by the pace:
    320 samples/s; 100 epochs of 10 batches with 20 done leave 980 batches, 98 s at 10 a second."""
    controls = make_window().controls
    controls.set_state(RUNNING, can_train=True, has_network=True)
    batch = BatchEnd(epoch=2, batch=10, batches_per_epoch=10, step=20, loss=0.5, learning_rate=0.1,
                     samples_seen=640, elapsed=20 / 3200)
    controls.show_progress(batch, ExperimentConfig(epochs=100).train_config(), pace=10.0,
                           clock=lambda: 1000.0)
    assert controls.speed_label.text() == "320 samples/s"
    assert controls.eta_label.text() == "ETA 1:38"
    controls.show_progress(batch, ExperimentConfig(epochs=100).train_config(), pace=0.0, clock=lambda: 1000.0)
    assert controls.speed_label.text() == "102.4k samples/s"           # full speed: the training rate


def test_a_paced_run_in_the_window_reports_its_paced_rate(qtbot, make_window):
    window = make_window(tiny_spirals(epochs=1000, batch_size=20))
    box = window.controls.pace_box
    box.setCurrentIndex(box.findData(10.0))
    qtbot.mouseClick(window.controls.toolbar.widgetForAction(window.controls.train), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window._last_batch is not None and window._last_batch.step >= 2, timeout=20000)
    assert window.controls.speed_label.text() == "200 samples/s"       # 10 batches of 20 a second
    window.stop_training()
    qtbot.waitUntil(lambda: not window._runner.active, timeout=20000)


def test_the_finish_line_shows_the_test_accuracy(qtbot, make_window):
    config = tiny_spirals(epochs=5, validation_split=0.25)
    window = make_window(config)
    box = window.controls.pace_box
    box.setCurrentIndex(box.findData(0.0))
    train_to_the_end(qtbot, window)
    ds = window.session.run_data.dataset
    expected = accuracy(ds.y_test, window.session.snapshot.network().predict(ds.X_test))
    assert window.controls.state_label.text() == f"Finished · test accuracy {expected:.1%}"
    assert window.diagnostics.runs.runs[-1].final_metrics["test_accuracy"] == expected


def test_the_smoothed_loss_follows_the_loss_of_a_dataset_of_two_batches(qtbot):
    """Loss 0.9 for 10 epochs, then 0.02: two epochs later the smoothed curve is within 0.02·(1 ± 5%)
    ((1 − w)⁴ of the step remains, w = 1/2), where the old weight 0.05 left 0.9·0.95⁴ ≈ 0.73."""
    plots = LivePlots()
    qtbot.addWidget(plots)
    plots.set_layers(2)
    losses = [0.9] * 20 + [0.02] * 4
    plots.add_batches([BatchEnd(i // 2 + 1, i % 2 + 1, 2, i + 1, loss, 0.1, 8 * (i + 1), 0.01 * i)
                       for i, loss in enumerate(losses)])
    plots.refresh()
    y = plots._curves["loss"]["batch (smoothed)"][0].yData
    assert y[-1] == pytest.approx(0.02 + 0.88 * 0.5 ** 4)
    assert y[-1] < 0.08


def test_the_runs_table_shows_the_training_ratio_not_the_test_share(qtbot):
    dock = RunsDock()
    qtbot.addWidget(dock)
    dock.resize(900, 600)
    for fraction in (0.2, 0.3):
        dock.add_run(run_record(f"ratio {fraction}", 0.1, [1.0, 0.5], dataset="spirals", test_fraction=fraction))
    headers = [dock.table.horizontalHeaderItem(c).text() for c in range(dock.table.columnCount())]
    column = headers.index("Training ratio")
    assert [dock.table.item(r, column).text() for r in range(2)] == ["80% train · 20% test",
                                                                      "70% train · 30% test"]


def test_auto_paces_mnist_presets_to_about_a_minute_with_full_speed_one_click_away(make_window, qtbot):
    window = make_window()
    next(a for a in window.panel.presets_menu.actions() if a.text().endswith("[mnist-mlp]")).trigger()
    box = window.controls.pace_box
    assert box.currentData() == WATCHABLE and box.currentText() == "Auto: watchable (~60 s a run)"
    # mnist-mlp: 54,000 training images (60,000 less 10% for validation) in batches of 64, 10 epochs
    digits = prepare(ExperimentConfig(dataset="digits8x8", train_subset=64))
    config = window.panel.config().train_config()
    mnist_size = replace(digits, train_data=TrainData(np.zeros((54_000, 64)), np.zeros(54_000)), train_config=config)
    assert (config.batch_size, config.epochs) == (64, 10)
    assert watchable_pace(mnist_size) == pytest.approx(844 * 10 / WATCH_IMAGES_SECONDS)   # ~141 batches/s
    qtbot.mouseClick(window.controls.toolbar.widgetForAction(window.controls.full_speed), Qt.MouseButton.LeftButton)
    assert box.currentText() == "Full speed" and window._runner.pace == 0.0


