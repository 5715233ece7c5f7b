"""Race from the same start, driven as a user: tick optimisers, start, watch the curves, stop; runs in the Runs dock."""

import dataclasses

import numpy as np
from PySide6.QtCore import Qt

from nnviz.app.views.live_plots import SMOOTHING
from nnviz.core import BatchEnd, EpochEnd, accuracy, train
from nnviz.prepare import prepare

from .conftest import tiny_digits


def open_race(qtbot, window, ticked, rates=None):
    """Open the dialog from the Runs dock's Race… button, tick `ticked` (with `rates`), press Start."""
    qtbot.mouseClick(window.diagnostics.runs.race_button, Qt.MouseButton.LeftButton)
    dialog = window.race.dialog
    assert dialog.isVisible()
    for name in ticked:
        dialog.checks[name].setChecked(True)
    for name, text in (rates or {}).items():
        dialog.rates[name].setText(text)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    return dialog


def wait_for_the_end(qtbot, window, n_runs):
    qtbot.waitUntil(lambda: not window.race.active and len(window.diagnostics.runs.runs) == n_runs, timeout=60000)
    window.redraw()


def alone(config):
    """The contestant trained on its own, headless: (batch losses, epoch events, test accuracy)."""
    prepared = prepare(config)
    events = list(train(prepared.network, prepared.train_data, prepared.train_config))
    ds = prepared.dataset
    return ([e.loss for e in events if isinstance(e, BatchEnd)], [e for e in events if isinstance(e, EpochEnd)],
            accuracy(ds.y_test, prepared.network.predict(ds.X_test)))


def ema(losses, batches_per_epoch=15):
    """The smoothed loss: weight max(SMOOTHING, 1 / batches an epoch) on the newest batch."""
    w = max(SMOOTHING, 1 / batches_per_epoch)
    m = losses[0]
    for value in losses[1:]:
        m = m + w * (value - m)
    return m


def test_a_race_trains_the_ticked_optimisers_together_from_identical_weights(qtbot, make_window):
    config = tiny_digits(epochs=5, optimizer="sgd", learning_rate=0.1)
    window = make_window(config)
    window.race.update_rate = 1e9                 # a report after every batch: every moment of the race is seen
    dialog = open_race(qtbot, window, ["momentum", "adam"], {"adam": "0.01"})
    assert dialog.checks["sgd"].isChecked()       # the form's optimiser came ticked
    seen = []                                     # epochs each contestant had reported, and who had ended, per report
    window.race.progressed.connect(
        lambda: seen.append(([len(e) for e in window.race.epochs], [r is not None for r in window.race.results])))
    wait_for_the_end(qtbot, window, 3)
    race = window.race
    variants = [("sgd", 0.1), ("momentum", 0.05), ("adam", 0.01)]
    assert [(c.optimizer, c.learning_rate) for c in race.configs] == variants

    # Identical initial weights: each other's, and the seed's initialisation.
    fresh = config.build_network(64, 10).flat_params()
    for snapshot in race.initial:
        flat = np.concatenate([a.ravel() for pair in zip(snapshot.weights, snapshot.biases) for a in pair])
        np.testing.assert_array_equal(flat, fresh)

    # Side by side: mid-race every contestant had reported epochs and none had ended; never did one
    # run more than an epoch ahead of another.
    assert any(min(epochs) >= 1 and not any(ended) for epochs, ended in seen)
    assert all(max(epochs) - min(epochs) <= 1 for epochs, _ in seen)
    first_end = next(epochs for epochs, ended in seen if any(ended))
    assert min(first_end) >= config.epochs - 1

    # One overlaid series per contestant, named in the legend, each as the contestant trains alone.
    curves = dialog.plots.curves
    assert [label.text for _, label in dialog.plots.legend.items] == [f"{o} η {eta:g}" for o, eta in variants]
    assert len({c.loss_item.opts["pen"].color().name() for c in curves}) == 3
    runs = window.diagnostics.runs
    for (optimizer, eta), c, record in zip(variants, curves, runs.runs):
        losses, epochs, test = alone(dataclasses.replace(config, optimizer=optimizer, learning_rate=eta))
        x, y = c.loss_item.getData()
        assert len(y) == len(losses) == 5 * 15 and y[-1] == ema(losses)
        assert list(c.accuracy_item.getData()[1]) == [100 * e.val_accuracy for e in epochs]
        assert record.curves["train_loss"] == [e.train_loss for e in epochs]
        assert record.final_metrics["test_accuracy"] == test
        assert record.race == race.race_id and record.config["optimizer"] == optimizer
    # Their replay snapshots are saved with them: from the same start (step 0) to weights of their own.
    saved = [runs.store.snapshots(r.run_id) for r in runs.runs]
    assert all(s["steps"][0] == 0 for s in saved) and len({s["params"][-1].tobytes() for s in saved}) == 3
    for s in saved:
        np.testing.assert_array_equal(s["params"][0], fresh)
    status = [runs.table.horizontalHeaderItem(c).text() for c in range(runs.table.columnCount())].index("status")
    assert [runs.table.item(row, status).text() for row in range(3)] == ["race"] * 3
    assert "done" in dialog.status.text() and dialog.start_button.isEnabled()


def test_the_same_race_twice_gives_the_same_numbers(qtbot, make_window):
    window = make_window(tiny_digits(epochs=2))
    runs = window.diagnostics.runs
    for n in (2, 4):
        open_race(qtbot, window, ["adam"] if n == 2 else [])
        wait_for_the_end(qtbot, window, n)
    first, second = runs.runs[:2], runs.runs[2:]
    numbers = [{k: v for k, v in r.curves.items() if k != "elapsed"} for r in runs.runs]   # all but the clock
    assert numbers[:2] == numbers[2:] and numbers[0] != numbers[1]
    assert [r.final_metrics["test_accuracy"] for r in first] == [r.final_metrics["test_accuracy"] for r in second]
    assert first[0].race != second[0].race


def test_stop_ends_every_contestant_as_a_stopped_run_of_the_race(qtbot, make_window):
    window = make_window(tiny_digits(epochs=100000))
    dialog = open_race(qtbot, window, ["nesterov", "rmsprop"])
    assert not dialog.start_button.isEnabled() and not dialog.checks["adam"].isEnabled()
    qtbot.waitUntil(lambda: bool(window.race.epochs) and min(map(len, window.race.epochs)) >= 2, timeout=60000)
    qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
    wait_for_the_end(qtbot, window, 3)
    runs = window.diagnostics.runs.runs
    assert [r.final_metrics["finish_reason"] for r in runs] == ["stopped"] * 3
    assert all(r.final_metrics["test_accuracy"] is not None for r in runs)
    assert dialog.start_button.isEnabled() and dialog.checks["adam"].isEnabled()


def test_bad_choices_are_named_in_the_dialog_and_start_waits_for_good_ones(qtbot, make_window):
    window = make_window(tiny_digits(optimizer="sgd", learning_rate=0.1))
    qtbot.mouseClick(window.diagnostics.runs.race_button, Qt.MouseButton.LeftButton)
    dialog = window.race.dialog
    assert not dialog.start_button.isEnabled() and "Tick 2 to 4" in dialog.note.text()   # one is no race
    dialog.rates["sgd"].setText("0.1, 1")                                                  # one optimiser, two η
    assert dialog.start_button.isEnabled() and dialog.choices() == [("sgd", 0.1), ("sgd", 1.0)]
    dialog.rates["sgd"].setText("0.1, fast")
    assert not dialog.start_button.isEnabled() and "'fast' is not a number > 0" in dialog.note.text()
    dialog.rates["sgd"].setText("0.1, 0.1")
    assert not dialog.start_button.isEnabled() and "0.1 is there twice" in dialog.note.text()


def test_a_race_waits_for_the_windows_own_training_run_to_stop(qtbot, make_window):
    window = make_window(tiny_digits(epochs=100000))
    window.start_training()
    dialog = open_race(qtbot, window, ["adam"])
    assert not window.race.active and "Stop the training run first" in dialog.status.text()
    window.stop_training()
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert window.race.active
    window.race.stop()
    wait_for_the_end(qtbot, window, 2)


def test_each_contestant_has_the_same_colour_in_the_race_and_in_the_runs_dock(qtbot, make_window):
    window = make_window(tiny_digits(epochs=2))
    window.start_training()                              # a run of the window's own comes first...
    runs = window.diagnostics.runs
    qtbot.waitUntil(lambda: not window._runner.active and len(runs.runs) == 1, timeout=30000)
    dialog = open_race(qtbot, window, ["momentum", "adam"])
    wait_for_the_end(qtbot, window, 4)                   # ...so the race's colours are not the first ones
    race_colors = [c.loss_item.opts["pen"].color().getRgb()[:3] for c in dialog.plots.curves]
    entries = {entry.records[0].run_id: entry.color for entry in runs.entries}
    assert [entries[record.run_id] for record in runs.runs[1:]] == race_colors
    assert len(set(race_colors)) == 3 and entries[runs.runs[0].run_id] not in race_colors


def test_closing_the_window_mid_race_joins_the_race_thread_and_keeps_its_runs(qtbot, make_window, runs_folder):
    window = make_window(tiny_digits(epochs=100000))
    open_race(qtbot, window, ["adam"])
    qtbot.waitUntil(lambda: bool(window.race.epochs) and min(map(len, window.race.epochs)) >= 1, timeout=60000)
    thread = window.race._thread
    window.close()
    assert thread.isFinished()
    again = make_window()
    assert sorted(r.name for r in again.diagnostics.runs.runs) == ["digits8x8 · adam η 0.001", "digits8x8 · sgd η 0.1"]
    assert {r.final_metrics["finish_reason"] for r in again.diagnostics.runs.runs} == {"stopped"}


def test_a_scripted_race_screenshots_the_race_dialog_and_a_bad_one_is_refused(qtbot, tmp_path, request, capsys):
    from PIL import Image

    from nnviz.app.__main__ import open_window, parse_args
    from nnviz.io import save_experiment

    from .conftest import add_window

    experiment, shot, ended = tmp_path / "tiny.json", tmp_path / "race.png", []
    save_experiment(tiny_digits(epochs=100000), experiment)

    def done(code):      # the window has just closed: read it before its deferred deletion
        ended.append((code, [n for n, c in dialog.checks.items() if c.isChecked()], window.race.names,
                      window.isVisible(), (dialog.width(), dialog.height())))

    window, run = open_window(parse_args(["--experiment", str(experiment), "--race", "sgd:0.1,adam",
                                          "--train-seconds", "0.5", "--screenshot", str(shot)]), done)
    add_window(request, window)
    dialog = window.race.dialog
    qtbot.waitUntil(lambda: bool(ended), timeout=30000)
    [(code, ticked, names, visible, size)] = ended
    assert code == 0 and ticked == ["sgd", "adam"] and not visible
    assert names == ("sgd η 0.1", "adam η 0.001")
    assert Image.open(shot).size == size                                     # the dialog, not the window
    assert open_window(parse_args(["--race", "sgd"])) == (None, None)
    assert "a race needs 2 to 4" in capsys.readouterr().err
