"""Where a file dialog opens: the folder last used for that kind of file (experiments, models, data,
images, exports), remembered in the window's settings, else the user's Documents folder, never the
folder the app happened to be started from."""

from pathlib import Path

from PySide6.QtCore import QStandardPaths


class DialogFolders:
    """`start(kind, name)`: the path a dialog for `kind` opens at (`name` suggested in it);
    `used(kind, path)`: remember the folder of a file (or the folder) the user chose."""

    def __init__(self, settings):
        self.settings = settings

    def start(self, kind, name=""):
        folder = self.settings.value(f"folders/{kind}") or \
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(Path(folder) / name) if name else str(folder)

    def used(self, kind, path, folder=False):
        if path:
            self.settings.setValue(f"folders/{kind}", str(Path(path) if folder else Path(path).parent))
