"""The lesson panel, used as a student would: predict, sketch, train, knock out, answer, read a hint,
pass the checks, restart the app and find the progress kept."""

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from nnviz.app.lessons import progress as lesson_progress
from nnviz.app.lessons.sketch import compare
from nnviz.app.run_controls import IDLE

from .test_main_window import click

EXAMPLE = (Path(__file__).resolve().parents[2] / "docs" / "lessons.md").read_text(encoding="utf-8")
EXAMPLE = EXAMPLE.split("```toml\n", 1)[1].split("```", 1)[0]


@pytest.fixture(autouse=True)
def progress_folder(tmp_path, monkeypatch):
    """Lesson progress goes to tmp_path/lessons, never to the user's data folder."""
    folder = tmp_path / "lessons"
    monkeypatch.setattr(lesson_progress, "default_folder", lambda: folder)
    return folder


@pytest.fixture
def lesson_file(tmp_path):
    path = tmp_path / "xor-example.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    return path


def press(qtbot, button):
    """Click `button` once it is laid out on screen, as a student would."""
    qtbot.waitUntil(lambda: button.isVisible() and not button.rect().isEmpty())
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def train_to_the_end(qtbot, window):
    window.controls.pace_box.setCurrentIndex(window.controls.pace_box.findData(0.0))     # full speed
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window.controls.state == IDLE and window.session is not None
                    and len(window.diagnostics.network_epochs) == window.panel.config().epochs, timeout=60000)


def train_until_idle(qtbot, window):
    window.controls.pace_box.setCurrentIndex(window.controls.pace_box.findData(0.0))
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window.controls.state == IDLE and window.session is not None, timeout=60000)


def drag(qtbot, plot, points):
    """Press the mouse at the first (epoch, value) of the plot, move through the others, release."""
    vb = plot.plotItem.vb

    def at(x, y):
        return plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))

    qtbot.mousePress(plot.viewport(), Qt.MouseButton.LeftButton, pos=at(*points[0]))
    for x, y in points[1:]:
        qtbot.mouseMove(plot.viewport(), at(x, y))
    qtbot.mouseRelease(plot.viewport(), Qt.MouseButton.LeftButton, pos=at(*points[-1]))


def test_a_student_walks_a_lesson_and_finds_the_progress_after_a_restart(qtbot, make_window, lesson_file,
                                                                          progress_folder, tmp_path):
    window = make_window()
    assert window.lessons.open_file(lesson_file)
    panel, dock = window.lessons.panel, window.lessons.dock
    qtbot.waitUntil(dock.isVisible)
    # The lesson's controls only: hidden_layers shown, the activation hidden (not just disabled), dataset locked.
    form = window.panel
    assert form.fields["hidden_layers"].isVisible() and not form.fields["activation"].isVisible()
    assert form.fields["dataset"].isVisible() and not form.editors["dataset"].isEnabled()
    assert form.config().hidden_layers == [] and form.config().epochs == 1000
    # Step 1: the boundary is the view to watch, in front and outlined.
    assert panel.where.text() == "Step 1 of 3" and "straight line" in panel.text.text()
    assert window.lessons.coach.outlined == ("dock", "predict") and window.docks["predict"].isVisible()

    # Predict before running: Check refuses until the prediction is committed; the feedback comes with it.
    press(qtbot, panel.check_button)
    assert panel.result.text() == "Commit your prediction first: predict, then run."
    press(qtbot, panel.predict_box.buttons[0])                 # "100% with enough epochs": a misconception
    assert panel.predict_box.feedback.text() == ""
    press(qtbot, panel.commit_button)
    assert panel.predict_box.feedback.text().startswith("✗ More epochs do not help")
    assert not panel.predict_box.buttons[1].isEnabled()        # committed: it cannot be changed after the run
    press(qtbot, panel.hint_button)
    assert panel.hints.text() == "Hint 1: Can one straight line separate XOR's two classes?"
    assert not panel.next_button.isEnabled()
    train_to_the_end(qtbot, window)
    press(qtbot, panel.check_button)
    assert panel.result.text().startswith("✓ The check holds: train_accuracy = ")
    press(qtbot, panel.next_button)

    # Step 2: the step sets two hidden units itself; the student sketches the loss with the mouse.
    assert panel.where.text() == "Step 2 of 3" and form.config().hidden_layers == [2]
    assert panel.sketch_box.isVisible() and not panel.predict_box.isVisible()
    drag(qtbot, panel.sketch, [(0, 0.7), (300, 0.65), (600, 0.3), (1000, 0.05)])
    xs, ys = np.array(panel.sketch.points).T
    assert xs.min() == pytest.approx(0, abs=15) and xs.max() == pytest.approx(1000, abs=15)
    assert ys[0] == pytest.approx(0.7, abs=0.05) and ys[-1] == pytest.approx(0.05, abs=0.05)
    press(qtbot, panel.commit_sketch_button)
    train_to_the_end(qtbot, window)
    press(qtbot, panel.check_button)
    assert panel.result.text().startswith("✓ The check holds")
    losses = [e.train_loss for e in window.diagnostics.network_epochs]
    assert panel.comparison.text() == compare(panel.sketch.points, losses, "loss")
    np.testing.assert_allclose(panel.sketch.real_curve.getData()[1], losses)
    press(qtbot, panel.explain_box.buttons[1])                 # "Two different lines": right
    assert panel.explain_box.feedback.text().startswith("✓ Right: the output combines two half-planes")
    press(qtbot, panel.next_button)

    # Step 3: the step sets four hidden units; train, then knock out the unit that matters most (found
    # as a student would: try each, keep the worst).
    assert panel.where.text() == "Step 3 of 3" and window.lessons.coach.outlined == ("dock", "network")
    assert form.config().hidden_layers == [4]
    train_to_the_end(qtbot, window)
    net_view = window.network_view
    drops = {}
    for unit in range(4):
        net_view.select(1, unit)
        press(qtbot, net_view.knock_button)
        measured = window.lessons.coach.measure()
        drops[unit] = measured.unit_drops()[(1, unit)]
        press(qtbot, net_view.restore_button)
    worst, least = max(drops, key=drops.get), min(drops, key=drops.get)
    assert drops[least] < 0.95 * drops[worst]          # with four units one matters clearly less (seed 0)
    net_view.select(1, least)
    press(qtbot, net_view.knock_button)
    press(qtbot, panel.check_button)
    assert panel.result.text().startswith("✗ Not yet: knockout_share")
    press(qtbot, net_view.restore_button)
    net_view.select(1, worst)
    press(qtbot, net_view.knock_button)
    press(qtbot, panel.check_button)
    assert panel.result.text() == "✓ The check holds: knockout_share = 1 (needs >= 0.95 ✓)"
    press(qtbot, panel.next_button)
    assert panel.where.text() == "Challenge"
    saved = lesson_progress.ProgressStore(progress_folder).load("xor-example")
    assert saved.step == 3 and saved.passed == ["step 1", "step 2", "step 3"]
    assert saved.predictions["step 1"] == {"choice": 0, "text": "100% with enough epochs", "right": False}
    assert saved.answers["step 2"]["right"] and saved.hints == {"step 1": 1}
    window.close()

    # A restart: a new window, the same lesson file, the student is where they left off.
    window = make_window()
    assert window.lessons.open_file(lesson_file)
    panel = window.lessons.panel
    assert panel.where.text() == "Challenge"
    item = panel.list.currentItem()
    assert item.text() == "XOR needs a hidden layer · 5 min · 3/4"
    for _ in range(3):                                         # back to step 1 to read it again
        press(qtbot, panel.back_button)
    assert panel.where.text() == "Step 1 of 3"
    assert panel.predict_box.buttons[0].isChecked() and not panel.commit_button.isEnabled()
    assert panel.hints.text().startswith("Hint 1:") and panel.next_button.isEnabled()


def test_reset_and_export_summary(qtbot, make_window, lesson_file, tmp_path):
    window = make_window()
    window.lessons.open_file(lesson_file)
    panel = window.lessons.panel
    press(qtbot, panel.predict_box.buttons[1])
    press(qtbot, panel.commit_button)
    out = tmp_path / "summary.txt"
    panel.export_summary(out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("nnviz lesson: XOR needs a hidden layer (xor-example)\n")
    assert 'step 1: predicted "At most 75%" (right); 0 hints; not passed' in text
    assert "predictions right: 1 of 1" in text and "tasks passed: 0 of 4" in text
    press(qtbot, panel.reset_button)
    assert panel.progress.predictions == {} and panel.predict_box.buttons[1].isEnabled()
    assert not panel.predict_box.buttons[1].isChecked()


def test_a_bad_lesson_file_is_one_message_naming_file_line_and_field(qtbot, make_window, tmp_path):
    window = make_window()
    path = tmp_path / "bad.toml"
    path.write_text(EXAMPLE.replace('look = "network"\ncheck = "train_accuracy >= 1.0"',
                                    'look = "network"\ncheck = "train_acc >= 1.0"'), encoding="utf-8")
    assert not window.lessons.open_file(path)
    assert window.banner.text().startswith(f"{path}: line ")
    assert "steps[2].check: unknown metric 'train_acc'" in window.banner.text()
    assert not window.lessons.dock.isVisible()


def test_nielsens_neuron_runs_in_the_panel_and_its_curve_meets_the_sketch(qtbot, make_window, monkeypatch):
    from nnviz.app.runtime.process_job import ProcessJob

    jobs, real_start = [], ProcessJob.start
    monkeypatch.setattr(ProcessJob, "start", lambda job: (jobs.append(job), real_start(job)))
    window = make_window()
    window.lessons.open("06-cost-function")
    panel = window.lessons.panel
    assert panel.run_button.isVisible() and panel.sketch.curve == "loss" and panel.sketch.epochs == 300
    assert window.lessons.coach.outlined is None        # the window's loss plot stays empty: the panel draws it
    drag(qtbot, panel.sketch, [(0, 0.5), (100, 0.2), (300, 0.01)])
    press(qtbot, panel.commit_sketch_button)
    press(qtbot, panel.run_button)
    qtbot.waitUntil(lambda: panel.measured is not None, timeout=30000)
    assert len(jobs) == 1 and jobs[0].process.pid != os.getpid()      # trained in a training process
    press(qtbot, panel.check_button)
    # The quadratic cost's slowdown, as the headless lesson check measures it: right only at epoch 233.
    assert panel.result.text() == "✓ The check holds: epochs_to_accuracy[1] = 233 (needs >= 150 ✓)"
    real = panel.sketch.real_curve.getData()[1]
    assert len(real) == 300 and real[0] == pytest.approx(0.98201379 ** 2 / 2, rel=1e-5)   # σ(4)²/2
    assert panel.comparison.text() == compare(panel.sketch.points, real, "loss")
    assert "the real curve was above your sketch" in panel.comparison.text()     # it fell later than drawn
    plot = panel.sketch.getPlotItem()       # its legend sat top right, where an accuracy sketch ends
    legend, box = plot.legend.sceneBoundingRect(), plot.getViewBox().sceneBoundingRect()
    assert [label.text for _, label in plot.legend.items] == ["your sketch", "the run"]
    assert plot.sceneBoundingRect().contains(legend) and not legend.adjusted(1, 1, -1, -1).intersects(box)
    assert window.session is None                       # one input: the window's 2-D views are not given it


def test_closing_the_lessons_dock_gives_every_control_back(qtbot, make_window, lesson_file):
    window = make_window()
    window.lessons.open_file(lesson_file)
    assert not window.panel.fields["activation"].isVisible() and not window.panel.editors["dataset"].isEnabled()
    window.lessons.dock.toggleViewAction().trigger()          # View → Lessons unticked
    qtbot.waitUntil(lambda: window.panel.fields["activation"].isVisible())
    assert window.panel.editors["dataset"].isEnabled() and window.lessons.coach.outlined is None
    window.lessons.dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: not window.panel.fields["activation"].isVisible())


def test_main_py_lesson_opens_a_lesson_and_refuses_a_bad_file_in_one_line(qtbot, lesson_file, tmp_path, capsys):
    import shiboken6

    from nnviz.app.__main__ import open_window, parse_args

    window, _ = open_window(parse_args(["--lesson", str(lesson_file)]))
    try:
        qtbot.waitUntil(window.lessons.dock.isVisible)
        assert window.lessons.panel.lesson.name == "xor-example" and window.panel.config().hidden_layers == []
    finally:
        if shiboken6.isValid(window):
            window.close()
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.replace("minutes = 5", "minutes = 0"), encoding="utf-8")
    assert open_window(parse_args(["--lesson", str(bad)])) == (None, None)
    assert capsys.readouterr().err == (f"nnviz-gui: {bad}: line 3: minutes: 0 is not allowed; "
                                       f"must be a whole number 1-60\n")


DIVERGING = '''\
title = "Too large"
objective = "Blow up."
minutes = 5

[start]
preset = "digits8x8"
settings = { init = "he", epochs = 2, learning_rate = 30.0 }

[[steps]]
text = "Train at η = 30."
check = "diverged"
hints = ["a", "b", "c"]
intended = { learning_rate = 30.0 }
naive = { learning_rate = 0.3 }

[steps.do]
train = true

[[steps]]
text = "B"
hints = ["a", "b", "c"]

[[steps]]
text = "C"
hints = ["a", "b", "c"]
'''


def test_a_run_that_diverges_before_its_first_epoch_ends_passes_a_divergence_check(qtbot, make_window, tmp_path):
    path = tmp_path / "too-large.toml"
    path.write_text(DIVERGING, encoding="utf-8")
    window = make_window()
    window.lessons.open_file(path)
    panel = window.lessons.panel
    train_until_idle(qtbot, window)
    assert window.diagnostics.network_epochs == [] and window.diagnostics.health.divergence is not None
    press(qtbot, panel.check_button)
    assert panel.result.text() == "✓ The check holds: diverged = 1 (needs == 1 ✓)"
    assert panel.next_button.isEnabled()
