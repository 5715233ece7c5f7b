"""A new user's first minutes: a quick preset on first launch, Help, messages naming the file once, no noise."""

import os
import subprocess
import sys

from PySide6.QtWidgets import QApplication

from nnviz.app.file_actions import naming
from nnviz.io import list_presets


def test_first_launch_with_empty_settings_opens_a_quick_preset(make_window):
    window = make_window(restore=True)
    assert window.panel.config() == dict(list_presets())["mnist-mlp"]


def test_help_lists_the_shortcuts_and_about_without_blocking(make_window, qtbot):
    window = make_window()
    window.shortcuts_action.trigger()
    text = window.help_box.text()
    assert "F5" in text and "Train" in text and "Ctrl+R" in text
    assert QApplication.activeModalWidget() is None
    window.about_action.trigger()
    assert "nnviz" in window.help_box.text()
    window.help_box.close()


def test_every_shortcut_of_the_window_is_bound_once(make_window):
    """Ctrl+L was both Load model and Find learning rate: Qt fired neither ("Ambiguous shortcut overload")."""
    from collections import Counter

    from PySide6.QtGui import QAction, QKeySequence
    window = make_window()
    keys = Counter(key.toString(QKeySequence.SequenceFormat.PortableText)
                   for action in window.findChildren(QAction) for key in action.shortcuts())
    assert {"Ctrl+L", "Ctrl+Shift+L", "F5", "Ctrl+R"} <= set(keys)
    assert [key for key, n in keys.items() if n > 1] == []
    assert window.files.load_action.shortcut().toString() == "Ctrl+L"
    assert window.lr_finder.action.shortcut().toString() == "Ctrl+Shift+L"


def test_a_file_error_names_the_path_once():
    assert naming("/tmp/x.json", "Cannot open", ValueError("/tmp/x.json: not JSON")) == \
        "Cannot open: /tmp/x.json: not JSON"
    assert naming("/tmp/x.json", "Cannot open", ValueError("not JSON")) == "Cannot open /tmp/x.json: not JSON"


def test_an_experiment_saved_and_opened_says_so_in_the_status_bar(make_window, tmp_path):
    window = make_window()
    path = tmp_path / "e.json"
    window.files.open_experiment(str(tmp_path / "missing.json"))
    assert window.banner.text().count(str(tmp_path / "missing.json")) == 1 and not window.banner_box.boxes
    from nnviz.io import save_experiment
    save_experiment(window.panel.config(), path)
    window.files.open_experiment(str(path))
    assert window.statusBar().currentMessage() == f"Experiment opened from {path}"


PLOT_WIDGET = """
import sys
from PySide6.QtWidgets import QApplication
import pyqtgraph as pg
from nnviz.app.__main__ import quiet_pyqtgraph_connect_warnings
if sys.argv[1] == "quiet":
    quiet_pyqtgraph_connect_warnings()
app = QApplication([])
widget = pg.GraphicsLayoutWidget()
"""


def test_plot_widgets_make_no_qstylehints_connect_warnings_once_quieted(tmp_path):
    # In a fresh process each, as the app starts: the warning Qt prints without the filter, and none with it.
    def stderr(mode):
        result = subprocess.run([sys.executable, "-c", PLOT_WIDGET, mode], capture_output=True, text=True,
                                timeout=120, cwd=tmp_path, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        assert result.returncode == 0, result.stderr
        return result.stderr

    assert "QObject::connect(QStyleHints, QStyleHints): unique connections require" in stderr("loud")
    assert "QStyleHints" not in stderr("quiet")


def test_file_dialogs_open_in_the_folder_last_used_for_their_kind_else_documents(make_window, tmp_path, monkeypatch):
    """Every dialog opened in the folder the app was started from."""
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QFileDialog

    from nnviz.io import save_experiment
    window = make_window()
    (tmp_path / "exp").mkdir()
    save_experiment(window.panel.config(), tmp_path / "exp" / "e.json")
    asked = []

    def ask(parent, title, start, filter_):
        asked.append(start)
        return (str(tmp_path / "exp" / "e.json"), filter_) if "Open" in title else ("", filter_)

    monkeypatch.setattr(QFileDialog, "getOpenFileName", ask)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    window.files.open_experiment()                       # first time: Documents
    window.files.save_experiment()                       # then where the last experiment came from
    window.files.load()                                  # models: a kind of their own, not used yet
    assert asked == [documents, str(tmp_path / "exp" / "experiment.json"), documents]
