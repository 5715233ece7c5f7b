"""Bad input in the window: every action says what is wrong in the window and changes nothing.

Files that are not regular files are refused at once (a FIFO never blocks the UI thread), values
the form cannot hold are refused rather than clamped, plot exports to a folder report the error,
and a closed window is freed.
"""

import gc
import json
import os
import weakref
from dataclasses import asdict
from functools import partial

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from nnviz.app.views.form_fields import MAX_WIDTH
from nnviz.guard.errors import MAX_MESSAGE_CHARS


def fifo(tmp_path, name):
    path = tmp_path / name
    os.mkfifo(path)
    return path


def experiment_file(tmp_path, **settings):
    path = tmp_path / "experiment.json"
    path.write_text(json.dumps({"dataset": "xor", "hidden_layers": [4], **settings}))
    return path


@pytest.mark.parametrize("make, message", [
    (lambda t: fifo(t, "pipe.json"), "pipe.json: is a pipe (FIFO), not a regular file"),
    (lambda t: experiment_file(t, hidden_layers=[2_000_000_000]),
     f"hidden_layers: 2000000000 is beyond what this window's field holds (1 to {MAX_WIDTH:,})"),
    (lambda t: experiment_file(t, seed=2**40), "seed: 1099511627776 is beyond what this window's field holds"),
    (lambda t: experiment_file(t, hidden_layers=[2] * 5000), "hidden_layers: 5,000 layers are not allowed"),
    (lambda t: experiment_file(t, title="x" * 200_000), None),
])
def test_open_experiment_refuses_what_the_form_cannot_show_and_changes_nothing(window, tmp_path, make, message):
    before = asdict(window.panel.config())
    path = make(tmp_path)
    window.files.open_experiment(str(path))
    if message is None:                  # a long title is fine: it is shown, not echoed in a message
        assert window.panel.config().title == "x" * 200_000
        return
    assert message in window.banner.text()
    assert asdict(window.panel.config()) == before


@pytest.mark.parametrize("name", ["model.npz", "zero.npz"])
def test_load_model_refuses_a_fifo_or_a_device(window, tmp_path, name):
    path = fifo(tmp_path, name) if name == "model.npz" else tmp_path / name
    if name == "zero.npz":
        path.symlink_to("/dev/zero")
    window.files.load(str(path))
    assert "not a regular file" in window.banner.text()
    assert window.session is None


def test_runs_load_refuses_a_fifo(window, tmp_path):
    path = fifo(tmp_path, "runs.json")
    window.diagnostics.runs.load(str(path))
    assert "runs.json: is a pipe (FIFO), not a regular file" in window.diagnostics.runs.status.text()


def test_every_preset_fits_the_form(window):
    for _, config in window.presets:
        window.panel.check_fits(config)


def test_a_huge_message_is_one_short_plain_line_in_the_banner(window):
    window.show_message("<b>bold?</b> " + "y" * 200_000)
    text = window.banner.text()
    assert len(text) == MAX_MESSAGE_CHARS and text.startswith("<b>bold?</b> yyy") and text.endswith("…")
    assert window.banner.textFormat() == window.banner.textFormat().PlainText


@pytest.mark.parametrize("kind", ["png", "csv"])
@pytest.mark.parametrize("target", ["folder", "missing/plot"])
def test_saving_a_plot_to_a_folder_or_a_missing_folder_says_so(window, tmp_path, monkeypatch, kind, target):
    (tmp_path / "folder").mkdir()
    path = tmp_path / f"{target}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))
    window.plots._ask_export("loss", kind)
    text = window.banner.text()
    assert text.startswith(f"Cannot save the loss plot: {path}: ")
    assert ("is a folder" in text) if target == "folder" else ("does not exist" in text)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]


def test_a_closed_window_is_freed(qtbot, settings):
    from nnviz.app.main_window import MainWindow

    window = MainWindow(settings=settings, restore=False)
    window.show()
    qtbot.waitExposed(window)
    ref = weakref.ref(window)
    window.close()
    del window
    for _ in range(3):
        QApplication.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
    assert ref() is None


def test_a_network_too_big_for_memory_is_refused_in_the_window(make_window, qtbot, monkeypatch):
    from nnviz.app import main_window
    from tests.app.training_jobs import prepare_with_available_memory

    from .conftest import tiny_spirals

    # The run is prepared in the training process: its setup (not this process) sees 1 GB free.
    monkeypatch.setattr(main_window, "NewRun", lambda config: partial(prepare_with_available_memory, 10**9, config))
    window = make_window(tiny_spirals(hidden_layers=[MAX_WIDTH, MAX_WIDTH]))
    window.start_training()
    qtbot.waitUntil(lambda: "needs about" in window.banner.text(), timeout=10000)
    assert window.banner.text().startswith(f"Training failed: hidden_layers [{MAX_WIDTH}, {MAX_WIDTH}] on 2 inputs "
                                           f"needs about ")
    assert window.banner.text().endswith("of memory; 1 GB is available")
    assert window.session is None
