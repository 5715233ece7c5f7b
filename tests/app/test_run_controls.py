"""The status bar: one cumulative epoch count, a time budget as time, no estimate while paused; the pace rule."""

from dataclasses import replace

import numpy as np
import pytest

from nnviz.app.run_controls import PAUSED, RUNNING
from nnviz.app.runtime.pace import WATCH_IMAGES_SECONDS, WATCH_SECONDS, WATCHABLE, watchable_pace
from nnviz.core import BatchEnd, TrainConfig, TrainData
from nnviz.io import ExperimentConfig
from nnviz.prepare import prepare


def batch(epoch=3, elapsed=33.0, step=30, in_epoch=5):
    return BatchEnd(epoch, in_epoch, 10, step, 0.5, 0.1, 640, elapsed)


@pytest.fixture
def controls(make_window):
    return make_window().controls


def test_a_continued_run_counts_epochs_on_from_the_earlier_ones(controls):
    controls.set_state(RUNNING, can_train=True, has_network=True)
    controls.show_progress(batch(epoch=3), TrainConfig(epochs=10), epochs_before=10)
    assert controls.position_label.text() == "epoch 13/20 · batch 5/10"


def test_lowering_the_epochs_below_the_one_running_never_shows_an_epoch_past_the_total(controls):
    controls.set_state(RUNNING, can_train=True, has_network=True)
    controls.show_progress(batch(epoch=176), TrainConfig(epochs=150))       # "epoch 176/150" once
    assert controls.position_label.text() == "epoch 176/176 · batch 5/10"


def test_a_continued_runs_eta_counts_its_training_time_not_the_idle_time_before_it(controls):
    controls.set_state(RUNNING, can_train=True, has_network=True)
    controls.show_progress(batch(epoch=10, in_epoch=10, step=100, elapsed=10.0), TrainConfig(epochs=10),
                           clock=lambda: 100.0)
    controls.begin_run()                                 # Continue, after 900 s of idling
    # 5 of 10 batches of its first epoch in 2 s: 0.25 epochs a second, 9.5 epochs to go: 38 s.
    controls.show_progress(batch(epoch=1, in_epoch=5, step=5, elapsed=2.0), TrainConfig(epochs=10),
                           epochs_before=10, clock=lambda: 1000.0)
    assert controls.eta_label.text() == "ETA 0:38"


def test_a_time_budget_shows_time_spent_of_time_allowed_and_no_eta_while_paused(controls):
    controls.set_state(RUNNING, can_train=True, has_network=True)
    controls.show_progress(batch(elapsed=33.0), TrainConfig(epochs=1000, time_budget=60.0))
    assert controls.position_label.text() == "epoch 3 · 0:33 / 1:00"
    assert controls.progress.value() == 550 and controls.eta_label.text() == "ETA 0:27"
    controls.set_state(PAUSED, can_train=True, has_network=True)
    controls.show_progress(batch(elapsed=33.0), TrainConfig(epochs=1000, time_budget=60.0))
    assert controls.eta_label.text() == ""
    controls.show_finished("Time is up", complete=True)
    assert controls.progress.value() == controls.progress.maximum()


def test_the_watchable_pace_spreads_a_toy_run_over_the_watch_time_and_an_image_run_over_a_minute():
    spirals = prepare(ExperimentConfig(dataset="spirals", n_samples=200, batch_size=20, epochs=300,
                                       validation_split=0.0))
    assert len(spirals.train_data.X_train) == 160                # 200 points, a fifth held out for testing
    assert watchable_pace(spirals) == pytest.approx(8 * 300 / WATCH_SECONDS)      # 8 batches an epoch
    digits = prepare(ExperimentConfig(dataset="digits8x8", train_subset=64, batch_size=32, epochs=30))
    assert watchable_pace(digits) == 0.0                          # a small image set: full speed
    mnist_size = replace(digits, train_data=TrainData(np.zeros((12_800, 64)), np.zeros(12_800)))
    assert watchable_pace(mnist_size) == pytest.approx(400 * 30 / WATCH_IMAGES_SECONDS)    # 400 batches an epoch
    budget = replace(mnist_size, train_config=replace(digits.train_config, time_budget=5.0))
    assert watchable_pace(budget) == 0.0
    assert watchable_pace(replace(spirals, train_config=replace(spirals.train_config, epochs=1))) == 1.0


def test_the_speed_box_sets_the_pace_of_the_next_and_the_running_run(make_window):
    window = make_window()
    box = window.controls.pace_box
    assert box.currentData() == WATCHABLE and window._runner.pace is watchable_pace
    box.setCurrentIndex(box.findData(10.0))
    assert window._runner.pace == 10.0


def test_the_eta_follows_the_wall_clock_so_a_slow_pace_lengthens_it(controls):
    controls.set_state(RUNNING, can_train=True, has_network=True)
    config = TrainConfig(epochs=10)                 # 10 batches an epoch: 100 steps
    controls.show_progress(batch(3, step=30, elapsed=33.0, in_epoch=10), config, clock=lambda: 100.0)
    # 3 epochs in 33 s of training: the run began at 67 s on the wall clock. At 130 s, 6 epochs are
    # done (the pace held it back): 6 epochs in 63 s, so the last 4 take 42 s.
    controls.show_progress(batch(6, step=60, elapsed=40.0, in_epoch=10), config, clock=lambda: 130.0)
    assert controls.eta_label.text() == "ETA 0:42"


def _choose_preset(window, name):
    """Presets → `name`, as a user picks it from the menu."""
    next(a for a in window.panel.presets_menu.actions() if a.text().endswith(f"[{name}]")).trigger()


def test_the_speed_box_says_what_its_default_does_for_the_experiments_data(make_window, qtbot):
    window = make_window()
    box = window.controls.pace_box
    _choose_preset(window, "mnist-mlp")
    assert box.currentData() == WATCHABLE and box.currentText() == "Auto: watchable (~60 s a run)"
    _choose_preset(window, "spirals")
    assert box.currentData() == WATCHABLE and box.currentText() == "Auto: watchable (~20 s a run)"
    dataset = window.panel.editors["dataset"]
    dataset.setCurrentIndex(dataset.findData("digits8x8"))        # the form's dataset, changed by hand
    assert box.currentText() == "Auto: full speed (small images)"
    assert [box.itemText(i) for i in range(1, box.count())] == \
        ["Full speed", "1000 batches/s", "100 batches/s", "30 batches/s", "10 batches/s", "1 batch/s"]


def test_a_toy_preset_trains_at_the_watchable_pace_by_default(make_window, qtbot):
    window = make_window()
    _choose_preset(window, "spirals")
    window.controls.train.trigger()
    updates = []
    window._runner.worker.updated.connect(lambda run, update: updates.append(update))
    qtbot.waitUntil(lambda: window.session is not None and bool(updates), timeout=30000)
    job = window.session.run_data
    batches = -(-len(job.train_data.X_train) // job.train_config.batch_size) * job.train_config.epochs
    assert updates[-1].pace == pytest.approx(batches / WATCH_SECONDS)      # the run takes ~20 s
    window.controls.stop.trigger()
