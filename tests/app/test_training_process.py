"""The training process: isolated from the folder the app was started in, its framing, its lifecycle."""

from functools import partial

from nnviz.app.runtime.runner import TrainingRunner
from nnviz.app.runtime.training_process import TrainingProcess
from tests.app.conftest import tiny_digits
from tests.app.test_main_window import click
from tests.app.training_jobs import xor_job

PLANTED = "raise SystemExit('a planted {name}.py ran in the training process')\n"


def test_modules_in_the_launch_folder_are_never_imported_by_the_training_process(qtbot, make_window, tmp_path,
                                                                                 monkeypatch, capfd):
    launch = tmp_path / "launch"
    launch.mkdir()
    for name in ("queue", "numpy", "struct", "pickle"):        # modules the training process imports
        (launch / f"{name}.py").write_text(PLANTED.format(name=name))
    monkeypatch.chdir(launch)
    TrainingProcess.close_idle()                               # no process started from elsewhere
    window = make_window(tiny_digits(epochs=2))
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window.controls.state == "idle" and window.session is not None, timeout=30000)
    assert window.session.epochs_done == 2
    assert "Finished" in window.controls.state_label.text()
    assert "planted" not in capfd.readouterr().err


def test_a_run_trains_with_a_planted_module_in_the_launch_folder(qtbot, tmp_path, monkeypatch):
    (tmp_path / "queue.py").write_text(PLANTED.format(name="queue"))
    monkeypatch.chdir(tmp_path)
    TrainingProcess.close_idle()
    runner = TrainingRunner()
    finished = []
    runner.start(partial(xor_job, epochs=2), connect=lambda worker: worker.finished.connect(
        lambda run, event: finished.append(event.reason)))
    with qtbot.waitSignal(runner.stopped, timeout=20000):
        pass
    runner.shutdown()
    assert finished == ["completed"]
