"""The main window, driven as a user would: edit, Train, Pause, Step, Stop, draw, save and load."""

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from nnviz.app.run_controls import IDLE, PAUSED, RUNNING
from nnviz.app.runtime.worker import PAUSED as WORKER_PAUSED
from nnviz.data import preprocess_drawing
from nnviz.io import load_model, save_experiment

from .conftest import add_window, tiny_digits, tiny_spirals
from .readers import point_counts


def click(qtbot, window, action):
    button = window.controls.toolbar.widgetForAction(action)
    assert button.isEnabled(), action.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def batches_drawn(window):
    return point_counts(window.plots)["loss"]["batch"]


def every_plot_has_data(window):
    window.redraw()
    counts = point_counts(window.plots)
    return all(curves and max(curves.values()) > 0 for curves in counts.values())


def draw(qtbot, canvas, points):
    """One stroke through `points` given as fractions of the canvas."""
    w, h = canvas.width(), canvas.height()
    at = [QPoint(int(x * w), int(y * h)) for x, y in points]
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=at[0])
    for point in at[1:]:
        qtbot.mouseMove(canvas, point)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=at[-1])


SEVEN = [(0.3, 0.25), (0.5, 0.25), (0.7, 0.25), (0.6, 0.45), (0.5, 0.65), (0.45, 0.8)]


def train_until_epochs(qtbot, window, epochs=2):
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window.session is not None and window.session.epochs_done >= epochs, timeout=30000)


def test_launch_offers_presets_and_a_train_button(make_window):
    window = make_window(restore=True)
    assert [a.text() for a in window.panel.presets_menu.actions()]
    assert window.panel.config().title               # the first preset is loaded for a first-time user
    assert window.controls.train.isEnabled()
    assert not window.controls.stop.isEnabled()


def test_invalid_values_disable_train_and_show_the_reason(qtbot, window):
    lr = window.panel.editors["learning_rate"]
    lr.selectAll()
    qtbot.keyClicks(lr, "fast")
    assert not window.controls.train.isEnabled()
    assert "not a number" in window.panel.fields["learning_rate"].error.text()
    window.panel.editors["output"].setCurrentIndex(window.panel.editors["output"].findData("sigmoid"))
    assert "does not go with output" in window.panel.fields["loss"].error.text()
    lr.selectAll()
    qtbot.keyClicks(lr, "0.05")
    window.panel.editors["loss"].setCurrentIndex(window.panel.editors["loss"].findData("binary_cross_entropy"))
    assert window.panel.valid and window.controls.train.isEnabled()


def test_train_fills_every_plot_then_pause_step_advances_exactly_one_batch_then_stop(qtbot, window):
    click(qtbot, window, window.controls.train)
    assert not window.controls.train.isEnabled()     # no second run while one is going
    qtbot.waitUntil(lambda: window.session is not None and window.session.epochs_done >= 2, timeout=30000)
    qtbot.waitUntil(lambda: every_plot_has_data(window))
    assert window.controls.position_label.text().startswith("epoch")
    assert "samples/s" in window.controls.speed_label.text()
    assert window.controls.progress.value() >= 0

    click(qtbot, window, window.controls.pause)
    assert window.controls.state == PAUSED
    qtbot.waitUntil(lambda: window.worker_state == WORKER_PAUSED)
    n = batches_drawn(window)
    for expected in (n + 1, n + 2):
        click(qtbot, window, window.controls.step)
        qtbot.waitUntil(lambda: window.session.snapshot.step == window._last_batch.step
                        and window.worker_state == WORKER_PAUSED and batches_drawn(window) == expected)
        window.redraw()
        assert batches_drawn(window) == expected
    click(qtbot, window, window.controls.pause)       # resume
    assert window.controls.state == RUNNING
    qtbot.waitUntil(lambda: batches_drawn(window) > n + 10)
    click(qtbot, window, window.controls.stop)
    qtbot.waitUntil(lambda: window.controls.state == IDLE)
    assert not window._runner.active
    assert window.controls.train.isEnabled()
    assert "Stopped" in window.controls.state_label.text()


def test_train_again_continues_the_same_network_and_reset_starts_afresh(qtbot, window):
    train_until_epochs(qtbot, window, 1)
    click(qtbot, window, window.controls.stop)
    session, done = window.session, window.session.epochs_done
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window.session.epochs_done > done, timeout=30000)
    assert window.session is session and session.run == window._runner.run_id == 2
    click(qtbot, window, window.controls.reset)     # reset during training stops cleanly
    assert not window._runner.active and window.session is None
    assert batches_drawn(window) == 0


def probabilities_by_hand(snapshot, canvas, side=8):
    """Softmax of a ReLU MLP written out: the canvas prepared like MNIST, then a = max(a·W + b, 0) per
    hidden layer and softmax(a·W + b) at the output, with the snapshot's weights in float64."""
    a = preprocess_drawing(canvas.image_array(), size=side).reshape(1, -1).astype(np.float64)
    for W, b in zip(snapshot.weights[:-1], snapshot.biases[:-1]):
        a = np.maximum(a @ W + b, 0)
    z = a @ snapshot.weights[-1] + snapshot.biases[-1]
    e = np.exp(z - z.max())
    return (e / e.sum())[0]


def test_a_drawing_is_predicted_by_the_snapshots_network_and_the_bars_show_it(qtbot, window):
    train_until_epochs(qtbot, window, 1)
    click(qtbot, window, window.controls.stop)
    panel = window.draw_panel
    with qtbot.waitSignal(panel.predicted, timeout=5000) as signal:
        draw(qtbot, panel.canvas, SEVEN)
    expected = probabilities_by_hand(panel.snapshot, panel.canvas)
    np.testing.assert_allclose(signal.args[0], expected, atol=1e-5)
    np.testing.assert_allclose(panel.bars.opts["height"], expected, atol=1e-5)
    assert panel.class_label.text() == str(int(expected.argmax()))


def test_drawing_while_training_predicts_with_the_latest_weights(qtbot, window):
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window.controls.state == RUNNING and window.session is not None)
    panel = window.draw_panel
    with qtbot.waitSignal(panel.predicted, timeout=5000) as first:
        draw(qtbot, panel.canvas, SEVEN)
    np.testing.assert_allclose(first.args[0], probabilities_by_hand(panel.snapshot, panel.canvas), atol=1e-5)
    first_step = panel.snapshot.step
    qtbot.waitUntil(lambda: panel.snapshot.step > first_step, timeout=30000)     # a newer snapshot re-predicts
    np.testing.assert_allclose(panel.probabilities(), probabilities_by_hand(panel.snapshot, panel.canvas), atol=1e-5)


def test_closing_the_window_during_training_joins_the_worker(qtbot, make_window, qtlog):
    window = make_window(tiny_digits())
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: batches_drawn(window) > 0 or window.session is not None and
                    window.session.snapshot.step > 0)
    window.close()
    assert not window._runner.active
    assert not any("Destroyed while thread" in r.message for r in qtlog.records)


def test_a_model_saved_through_the_menu_loads_back(qtbot, window, tmp_path, monkeypatch):
    train_until_epochs(qtbot, window, 1)
    click(qtbot, window, window.controls.stop)
    path = tmp_path / "digits.npz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.files.save_action.trigger()
    saved = load_model(path)
    assert saved.config.title == "tiny digits" and saved.metrics["epochs"] >= 1
    weights = [W.copy() for W in window.session.snapshot.weights]

    click(qtbot, window, window.controls.reset)
    click(qtbot, window, window.controls.train)      # loading a model stops a run (after asking)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.files.load_action.trigger()
    assert not window._runner.active
    assert all(np.array_equal(a, b) for a, b in zip(window.session.snapshot.weights, weights))
    assert window.panel.config().hidden_layers == [16]
    with qtbot.waitSignal(window.draw_panel.predicted, timeout=5000):
        draw(qtbot, window.draw_panel.canvas, SEVEN)


def test_a_broken_model_file_is_a_message_not_a_crash(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "broken.npz"
    path.write_bytes(b"not a model")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.files.load_action.trigger()
    assert "Cannot load the model" in window.banner.text()
    assert window.banner_box.isVisible()


def test_an_experiment_json_opens_from_the_file_menu(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "spirals.json"
    save_experiment(tiny_spirals(learning_rate=0.02), path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    open_action = next(a for a in window.file_menu.actions() if "Open" in a.text())
    open_action.trigger()
    config = window.panel.config()
    assert (config.dataset, config.learning_rate, config.hidden_layers) == ("spirals", 0.02, [16, 16])
    (tmp_path / "bad.json").write_text("{ not json")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "bad.json"), ""))
    open_action.trigger()
    assert "bad.json" in window.banner.text()


def test_a_two_d_dataset_shows_the_decision_boundary_updated_live(qtbot, make_window):
    window = make_window(tiny_spirals())
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window.session is not None and window.session.epochs_done >= 3, timeout=30000)
    window.redraw()
    assert window.predict_stack.currentWidget() is window.boundary
    assert window.docks["predict"].windowTitle() == "Decision boundary"
    assert window.boundary._snapshot is window.session.snapshot


def test_a_learning_rate_edit_during_a_run_applies_at_a_later_batch_without_a_dialog(qtbot, window):
    boxes = []
    window.show_message = lambda *args, **kwargs: boxes.append(args)
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window._last_batch is not None, timeout=30000)
    editor = window.panel.editors["learning_rate"]
    editor.selectAll()
    qtbot.keyClicks(editor, "0.025")                       # typed as a user would, key by key
    qtbot.waitUntil(lambda: window._last_batch.learning_rate == 0.025, timeout=30000)
    assert window.controls.state == RUNNING and window.session.run == window._runner.run_id
    assert editor.text() == "0.025" and not QApplication.activeModalWidget()
    assert window.plots.markers("learning_rate") == ["η 0.1→0.025"]
    assert not boxes


def test_an_architecture_edit_during_a_run_is_pending_until_train(qtbot, window):
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window._last_batch is not None, timeout=30000)
    window.panel.editors["seed"].setValue(5)
    qtbot.wait(400)
    assert window.controls.state == RUNNING                 # the run goes on, with its network
    assert "previous run" in window.plots.plot("loss").titleLabel.text
    assert "new network" in window.banner.text()
    click(qtbot, window, window.controls.stop)
    qtbot.waitUntil(lambda: window.controls.state == IDLE)
    click(qtbot, window, window.controls.train)            # Train builds the new network
    qtbot.waitUntil(lambda: window.session.config.seed == 5, timeout=30000)
    assert "previous run" not in window.plots.plot("loss").titleLabel.text


def test_choosing_a_preset_clears_the_previous_runs_views(qtbot, window):
    train_until_epochs(qtbot, window, 2)
    click(qtbot, window, window.controls.stop)
    qtbot.waitUntil(lambda: window.controls.state == IDLE)
    window.load_preset("xor")
    assert window.session is None
    assert all(n == 0 for curves in point_counts(window.plots).values() for n in curves.values())
    assert window.controls.position_label.text() == "" and "xor" in window.controls.state_label.text()
    assert window.draw_panel.snapshot is None


def test_a_bad_idx_folder_is_reported_in_the_window(qtbot, make_window, tmp_path):
    window = make_window(tiny_digits(dataset=f"idx:{tmp_path}"))
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window.controls.state == IDLE, timeout=30000)
    assert "Training failed" in window.banner.text() and str(tmp_path) in window.banner.text()
    assert window.session is None


def test_evaluate_and_export_plots(qtbot, window, tmp_path, monkeypatch):
    train_until_epochs(qtbot, window, 2)
    dialog = window.files.evaluate()
    assert dialog is not None and dialog.isVisible()
    dialog.close()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    window.files.export_action.trigger()
    assert (tmp_path / "loss.png").stat().st_size > 0
    header = (tmp_path / "accuracy.csv").read_text().splitlines()[0]
    assert header == 'epoch,"train","validation"'


def test_the_window_remembers_its_experiment_and_layout(qtbot, make_window):
    first = make_window(tiny_digits(learning_rate=0.0375))
    first.docks["activations"].hide()
    first.close()
    second = make_window(restore=True)
    assert second.panel.config().learning_rate == 0.0375
    assert not second.docks["activations"].isVisible()


def test_screenshot_mode_trains_saves_the_window_and_quits(qtbot, tmp_path, request):
    from nnviz.app.__main__ import open_window, parse_args

    experiment = tmp_path / "tiny.json"
    save_experiment(tiny_digits(), experiment)
    shot = tmp_path / "shot.png"
    ended = []

    def done(code):      # the window has just closed: read it before its deferred deletion
        ended.append((code, window.session.snapshot.step, window.isVisible(), window._runner.active))

    window, run = open_window(parse_args(["--experiment", str(experiment), "--train-seconds", "0.5",
                                          "--screenshot", str(shot), "--size", "1200x800", "--dock", "health"]),
                              done)
    add_window(request, window)
    qtbot.waitUntil(lambda: bool(ended), timeout=30000)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    [(code, step, visible, training)] = ended
    assert code == 0 and step > 0 and not visible and not training


def test_a_scripted_run_leaves_the_users_runs_store_and_settings_alone(qtbot, tmp_path, request, runs_folder,
                                                                     settings):
    """`--train-seconds N` trains a run to its end, yet the Runs store the app uses (here the fixture's
    folder, standing in for the user's) gets no file and the remembered experiment is unchanged."""
    from nnviz.app.__main__ import open_window, parse_args
    from nnviz.app.main_window import MainWindow

    experiment = tmp_path / "tiny.json"
    save_experiment(tiny_digits(epochs=2, title="scripted"), experiment)
    codes = []
    window, run = open_window(parse_args(["--experiment", str(experiment), "--train-seconds", "3"]), codes.append)
    add_window(request, window)
    qtbot.waitUntil(lambda: window.worker_state == "finished", timeout=30000)
    qtbot.waitUntil(lambda: len(window.diagnostics.runs.runs) == 1, timeout=10000)   # the run was recorded ...
    qtbot.waitUntil(lambda: codes == [0], timeout=30000)
    assert not runs_folder.exists() or not any(runs_folder.iterdir())      # ... but not in the user's store
    later = MainWindow(settings=None, restore=True)        # the user's settings: not the scripted experiment
    add_window(request, later)
    assert later.panel.config().title != "scripted" and not later.diagnostics.runs.runs


def test_tests_keep_the_users_folders_out_of_reach():
    from PySide6.QtCore import QSettings, QStandardPaths

    from tests.conftest import USER_FOLDERS

    data = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    assert data.startswith(USER_FOLDERS) and QSettings("nnviz", "nnviz").fileName().startswith(USER_FOLDERS)


def test_a_bad_command_line_is_reported_without_opening_a_window(capsys):
    from nnviz.app.__main__ import open_window, parse_args

    assert open_window(parse_args(["--preset", "no-such-preset"])) == (None, None)
    assert "no-such-preset" in capsys.readouterr().err
    assert open_window(parse_args(["--dock", "no-such-dock"])) == (None, None)
    assert "no-such-dock" in capsys.readouterr().err


def test_an_unexpected_error_in_a_slot_is_shown_in_the_window(window, capsys):
    from nnviz.app.__main__ import report_error

    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        report_error(window, RuntimeError, error, error.__traceback__)
    assert "boom" in window.banner.text() and "boom" in capsys.readouterr().err


def test_step_with_no_run_trains_exactly_one_batch_then_waits(qtbot, window):
    click(qtbot, window, window.controls.step)
    qtbot.waitUntil(lambda: window.worker_state == WORKER_PAUSED and window._last_batch is not None,
                    timeout=30000)            # a training process may have to start first
    window.redraw()
    assert batches_drawn(window) == 1 and window.controls.state == PAUSED
    click(qtbot, window, window.controls.step)
    qtbot.waitUntil(lambda: window.redraw() or batches_drawn(window) == 2)
    click(qtbot, window, window.controls.stop)
    assert not window._runner.active
