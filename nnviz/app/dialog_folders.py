"""Every file dialog of the app: it opens in the folder last used for that kind of file (experiments,
models, data, images, exports, runs, lessons), remembered in the window's settings, else the user's
Documents folder, never the folder the app happened to be started from."""

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog


class DialogFolders:
    """The app's file dialogs, each opening in the folder last used for its `kind`: `open_file`,
    `save_file` and `folder` ask and remember; `start` and `used` serve a dialog built by hand.
    `settings`: a QSettings to remember in; None remembers for this session only (a widget alone)."""

    def __init__(self, settings=None):
        self.settings = settings
        self._session = {}

    def start(self, kind, name=""):
        """The path a dialog for `kind` opens at (`name` suggested in it)."""
        folder = (self.settings.value(f"folders/{kind}") if self.settings is not None else self._session.get(kind)) \
            or QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(Path(folder) / name) if name else str(folder)

    def used(self, kind, path, folder=False):
        """Remember the folder of a file (or the folder itself) the user chose; nothing when cancelled."""
        if not path:
            return
        chosen = str(Path(path) if folder else Path(path).parent)
        if self.settings is not None:
            self.settings.setValue(f"folders/{kind}", chosen)
        else:
            self._session[kind] = chosen

    def open_file(self, parent, kind, caption, filters):
        """A file to read ("" when cancelled)."""
        path, _ = QFileDialog.getOpenFileName(parent, caption, self.start(kind), filters)
        self.used(kind, path)
        return path

    def save_file(self, parent, kind, caption, name, filters):
        """A file to write, `name` suggested ("" when cancelled)."""
        path, _ = QFileDialog.getSaveFileName(parent, caption, self.start(kind, name), filters)
        self.used(kind, path)
        return path

    def folder(self, parent, kind, caption):
        """A folder ("" when cancelled)."""
        path = QFileDialog.getExistingDirectory(parent, caption, self.start(kind))
        self.used(kind, path, folder=True)
        return path
