"""The Help menu: every keyboard shortcut of the window, and About."""

from importlib.metadata import PackageNotFoundError, version

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

ABOUT = ("<b>nnviz {version}</b><br>A desktop laboratory for small neural networks: a from-scratch NumPy "
         "multilayer perceptron that you train, watch learn (and fail) live, and question by drawing.<br><br>"
         "Qt (PySide6) and pyqtgraph draw it; MNIST and the UCI 8x8 digits ship with it.")


def shortcut_rows(window):
    """[(shortcut, what it does)] of every action of the window that has a shortcut, sorted by name."""
    rows = {}
    for action in window.findChildren(QAction):
        key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if key:
            rows[key] = action.text().replace("&", "").rstrip("…")
    return sorted(rows.items(), key=lambda row: row[1].lower())


def _version():
    try:
        return version("nnviz")
    except PackageNotFoundError:
        return "(from a checkout)"


def add_help_menu(window):
    """Help → Keyboard shortcuts, About nnviz; the message boxes are not modal."""
    menu = window.menuBar().addMenu("&Help")

    def show(title, text):
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Close, window)
        box.setModal(False)
        box.show()
        window.help_box = box             # kept, and readable by tests

    def shortcuts():
        table = "".join(f"<tr><td><b>{key}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>"
                        for key, what in shortcut_rows(window))
        show("Keyboard shortcuts", f"<table>{table}</table>")

    window.shortcuts_action = menu.addAction("&Keyboard shortcuts", shortcuts)
    window.shortcuts_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    window.about_action = menu.addAction("&About nnviz", lambda: show("About nnviz", ABOUT.format(version=_version())))
    return menu
