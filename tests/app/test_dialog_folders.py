"""Every file dialog opens in the folder last chosen in it (remembered in the window's settings), not in
the folder the app was started from."""

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from nnviz.app.lessons.dock import _bundled
from nnviz.app.views.experiment_form import OPEN_IDX

from .conftest import tiny_spirals


class FakeDialogs:
    """QFileDialog's static functions, answering `answer` and noting the folder each dialog opened at."""

    def __init__(self, monkeypatch):
        self.opened_at, self.answer = [], ""
        for name in ("getOpenFileName", "getSaveFileName"):
            monkeypatch.setattr(QFileDialog, name, self._file)
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", self._folder)

    def _file(self, parent, caption, start, filters="", *args, **kwargs):
        self.opened_at.append(Path(start))
        return self.answer, filters

    def _folder(self, parent, caption, start, *args, **kwargs):
        self.opened_at.append(Path(start))
        return self.answer


def save_plot_menu(window):
    """The loss plot's right-click menu entry "Save plot as PNG…"."""
    menu = window.plots.plot("loss").getViewBox().menu
    return next(a for a in menu.actions() if a.text() == "Save plot as PNG…").trigger


def idx_folder_choice(window):
    combo = window.panel.editors["dataset"]
    return lambda: combo.setCurrentIndex(combo.findData(OPEN_IDX))


DIALOGS = {   # name: (opens it as a user would, what the dialog answers: a file or a folder)
    "open experiment": (lambda w: w.files.open_experiment, "file"),
    "save experiment": (lambda w: w.files.save_experiment, "file"),
    "open dataset (CSV)": (lambda w: w.files.open_dataset, "file"),
    "open image folder": (lambda w: w.files.open_image_folder, "folder"),
    "open IDX folder": (idx_folder_choice, "folder"),
    "load model": (lambda w: w.files.load, "file"),
    "export plots": (lambda w: w.files.export_plots, "folder"),
    "save one plot": (save_plot_menu, "file"),
    "save runs": (lambda w: w.diagnostics.runs.save, "file"),
    "load runs": (lambda w: w.diagnostics.runs.load, "file"),
    "export runs as CSV": (lambda w: w.diagnostics.runs.export_csv, "file"),
    "save points": (lambda w: w.plane_edits.save, "file"),
    "open lesson": (lambda w: w.lessons.ask_open, "file"),
    "export lesson summary": (lambda w: w.lessons.panel.ask_export, "file"),
}


@pytest.mark.parametrize("name", DIALOGS)
def test_a_file_dialog_opens_in_the_folder_chosen_in_it_last_time(make_window, qtbot, monkeypatch, tmp_path, name):
    window = make_window(tiny_spirals())
    monkeypatch.setattr(window.files, "_use_dataset", lambda dataset: None)     # the dialog is the point here
    if name == "export lesson summary":
        window.lessons.open_lesson_argument(_bundled()[0].name)
    if name == "save points":
        qtbot.waitUntil(lambda: len(window.boundary.shown_points()[0]) > 0)
    open_dialog, answers = DIALOGS[name]
    dialogs = FakeDialogs(monkeypatch)
    chosen = tmp_path / "chosen here"
    chosen.mkdir()
    dialogs.answer = str(chosen if answers == "folder" else chosen / "file.json")
    open_dialog(window)()
    dialogs.answer = ""                                           # the second time the user cancels
    open_dialog(window)()
    first, second = dialogs.opened_at
    assert chosen not in (first, first.parent)
    assert chosen in (second, second.parent)                      # a save dialog opens at folder/suggested name
