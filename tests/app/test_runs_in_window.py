"""The Runs dock in the main window: runs survive a restart, “Repeat with seeds” trains N fresh runs."""

import numpy as np
from PySide6.QtCore import Qt

from nnviz.core import accuracy, train
from nnviz.core.health import diagnose
from nnviz.io.run_store import RunStore
from nnviz.prepare import prepare

from .conftest import tiny_digits
from .readers import curve_data, history_lines
from .test_diagnostics_integration import click, train_to_the_end


def test_finished_runs_survive_a_restart(qtbot, make_window, runs_folder):
    window = make_window(tiny_digits(epochs=2))
    train_to_the_end(qtbot, window)
    record = window.diagnostics.runs.runs[0]
    window.close()
    assert (runs_folder / f"{record.run_id}.json").exists()
    again = make_window(tiny_digits(epochs=2))
    runs = again.diagnostics.runs
    assert runs.runs == [record] and runs.table.rowCount() == 1
    assert runs.table.item(0, 0).text() == "tiny digits #1" and again.docks["runs"].windowTitle() == "Runs (1)"


def test_repeat_with_three_seeds_trains_three_fresh_runs_shown_as_one_row(qtbot, make_window):
    config = tiny_digits(epochs=2, seed=4)
    window = make_window(config)
    runs = window.diagnostics.runs
    runs.seeds.setValue(3)
    qtbot.mouseClick(runs.repeat_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(runs.runs) == 3 and not window.diagnostics.queue.active, timeout=60000)
    assert [r.config["seed"] for r in runs.runs] == [4, 5, 6]
    assert len({r.group for r in runs.runs}) == 1 and runs.table.rowCount() == 1
    assert window.panel.config().seed == 4                       # the form is given back as it was
    # Each seed's run is the experiment trained from scratch with that seed.
    tests = []
    for seed in (4, 5, 6):
        prepared = prepare(config.__class__(**{**config.to_dict(), "seed": seed}))
        for _ in train(prepared.network, prepared.train_data, prepared.train_config):
            pass
        tests.append(accuracy(prepared.dataset.y_test, prepared.network.predict(prepared.dataset.X_test)))
    assert [r.final_metrics["test_accuracy"] for r in runs.runs] == tests
    col = [runs.table.horizontalHeaderItem(c).text() for c in range(runs.table.columnCount())].index("test accuracy")
    assert runs.table.item(0, col).text() == f"{100 * np.mean(tests):.2f} ± {100 * np.std(tests, ddof=1):.2f} %"
    assert runs.curves(0, "accuracy")[2].isVisible()              # the band


def test_a_saved_run_replays_after_a_restart(qtbot, make_window, runs_folder):
    from .test_replay import scrub

    window = make_window(tiny_digits(epochs=2))
    train_to_the_end(qtbot, window)
    kept = [s.step for s in window.replay.history.snapshots]
    window.close()
    again = make_window(tiny_digits(epochs=5, learning_rate=0.3))
    runs = again.diagnostics.runs
    runs.table.selectRow(0)
    qtbot.mouseClick(runs.replay_button, Qt.MouseButton.LeftButton)
    history = again.replay.history
    assert [s.step for s in history.snapshots] == kept
    assert again.panel.config().epochs == 2 and again.panel.config().learning_rate == 0.1   # its experiment
    saved = runs.store.snapshots(runs.runs[0].run_id)
    scrub(qtbot, again, 2)
    shown = again.draw_panel.snapshot
    flat = np.concatenate([a.ravel() for pair in zip(shown.weights, shown.biases) for a in pair])
    np.testing.assert_array_equal(flat, saved["params"][2])
    # The health lights of a saved run's moment judge the epochs it had completed, from its record.
    scrub(qtbot, again, history.positions.index(1.0))
    stuck = again.diagnostics.health.message("stuck_at_chance")
    assert f"ccuracy {runs.runs[0].curves['train_accuracy'][0]:.1%}" in stuck


def test_continue_is_explicit_and_extends_the_same_run(qtbot, make_window):
    """Train after a finished run once continued it silently, as a second run plotted from epoch 1."""
    window = make_window(tiny_digits(epochs=2))
    train = window.controls.train
    assert train.text() == "Train"
    train_to_the_end(qtbot, window)
    assert train.text() == "Continue" and "Continue training this network" in train.toolTip()
    train_to_the_end(qtbot, window)                          # the same button: continues, two more epochs
    runs = window.diagnostics.runs
    record = runs.runs[0]
    assert len(runs.runs) == 1 and runs.table.rowCount() == 1 and window.docks["runs"].windowTitle() == "Runs (1)"
    assert record.curves["epoch"] == [1, 2, 3, 4] and record.final_metrics["epochs"] == 4
    live_x, live_loss = window.plots.data("loss")["train (epoch)"]
    np.testing.assert_array_equal(live_x, [1, 2, 3, 4])                     # curves go on, not from epoch 1
    x, y = curve_data(runs.curves(0, "loss")[0])
    np.testing.assert_array_equal(x, [1, 2, 3, 4])
    np.testing.assert_allclose(y, live_loss)
    assert RunStore(runs.store.folder).load()[0] == [record]                 # one file, the longer run
    window.panel.editors["hidden_layers"].spins[0].setValue(24)      # another network: Train again
    assert train.text() == "Train"
    click(qtbot, window, window.controls.reset)
    assert train.text() == "Train"


def _flat(snapshot):
    return np.concatenate([a.ravel() for pair in zip(snapshot.weights, snapshot.biases) for a in pair])


def test_a_saved_run_replays_after_a_restart_with_its_curves_health_history_and_final_weights(qtbot, make_window):
    """Replaying a saved run once showed empty curves, the slider at step 0 and "no alarm yet"."""
    window = make_window(tiny_digits(epochs=3, activation="sigmoid", init="small", learning_rate=0.01))
    train_to_the_end(qtbot, window)
    live = {name: window.plots.data(name) for name in ("loss", "accuracy", "grad_norm")}
    final = _flat(window.session.snapshot)
    assert any(" vanishing gradients " in line for line in history_lines(window.diagnostics.health))
    window.close()

    again = make_window(tiny_digits())                            # a restart: a new window over the store
    runs = again.diagnostics.runs
    record = runs.runs[0]
    runs.table.selectRow(0)
    qtbot.mouseClick(runs.replay_button, Qt.MouseButton.LeftButton)
    again.redraw()
    slider = again.replay.bar.slider
    assert slider.maximum() > 0 and slider.value() == slider.maximum()          # at the end: the final weights
    assert again.replay.bar.label.text() == f"end of the saved run · {slider.maximum() + 1} snapshots kept"
    progress = again.controls.progress                               # it completed: the bar says so
    assert progress.value() == progress.maximum() and "Replaying the saved run" in again.controls.state_label.text()
    np.testing.assert_array_equal(_flat(again.draw_panel.snapshot), final)
    # The curves: read from the plot items, equal to what the live run drew per epoch.
    for plot, curve, label in (("loss", "train (epoch)", "train (epoch)"),
                               ("loss", "validation (epoch)", "validation (epoch)"), ("accuracy", "train", "train"),
                               ("accuracy", "validation", "validation"), ("grad_norm", "layer 1", "W1"),
                               ("grad_norm", "layer 2", "W2")):
        item = next(i for i in again.plots.plot(plot).listDataItems() if i.label == label)
        x, y = item.getData()
        np.testing.assert_array_equal(x, live[plot][curve][0])
        np.testing.assert_allclose(10 ** y if plot == "grad_norm" else y, live[plot][curve][1], rtol=1e-12)  # log axis
    item = next(i for i in again.plots.plot("learning_rate").listDataItems() if i.label == "learning rate")
    np.testing.assert_array_equal(item.getData()[1], [0.01] * 3)
    # The health history: judged on the saved epochs (with their layer numbers), as the detectors
    # judge them independently here.
    health = again.diagnostics.health
    epochs = record.epoch_events()
    first = diagnose(epochs[:1], 10, "sigmoid")
    vanishing = next(f for f in first if f.detector == "vanishing_gradients")
    assert vanishing.level == "alarm"
    epoch_1 = [line for line in history_lines(health) if line.startswith("epoch 1: ")]
    assert f"epoch 1: vanishing gradients alarm: {vanishing.message.split(' — ')[0]}" in epoch_1
    assert len(epoch_1) == sum(f.level != "ok" for f in first)        # one line per finding, no more
    assert health.level("vanishing_gradients") == next(
        f.level for f in diagnose(epochs, 10, "sigmoid") if f.detector == "vanishing_gradients")
    assert again.docks["health"].windowTitle().startswith("Training health (")


def test_a_saved_run_with_damaged_snapshots_says_so_and_keeps_the_window_as_it_was(qtbot, make_window, runs_folder):
    window = make_window(tiny_digits(epochs=1))
    train_to_the_end(qtbot, window)
    record = window.diagnostics.runs.runs[0]
    npz = runs_folder / f"{record.run_id}.npz"
    npz.write_bytes(npz.read_bytes()[:200])                     # cut short, as by a full disk
    session = window.session
    runs = window.diagnostics.runs
    runs.table.selectRow(0)
    qtbot.mouseClick(runs.replay_button, Qt.MouseButton.LeftButton)
    assert window.banner.text() == f"Cannot replay “{record.name}”: {npz}: damaged or truncated run snapshot " \
                                   f"file (the archive's directory is missing)"
    assert window.session is session and runs.runs == [record]
