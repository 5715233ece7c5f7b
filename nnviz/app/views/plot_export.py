"""Saving the live plots: each as a PNG image or a CSV table of its data, one at a time or all at once."""

import errno
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters


def _check_writable(path):
    """OSError naming `path` when it is a folder or its folder is missing (before any work is done)."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder; choose a file name", str(path))
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"the folder {path.parent} does not exist", str(path))


class PlotExport:
    """Export for LivePlots: needs its `_plots` ({name: PlotItem}), `data(name)`, `failed` signal and `folders`
    (a DialogFolders)."""

    def export_png(self, name, path, width=900):
        """The plot as a PNG image `width` pixels wide; OSError naming `path` when it cannot be written."""
        _check_writable(path)
        exporter = pg.exporters.ImageExporter(self._plots[name])
        exporter.parameters()["width"] = width
        if not exporter.export(toBytes=True).save(str(path), "PNG"):
            raise OSError(errno.EIO, "cannot write the image there", str(path))

    def export_csv(self, name, path):
        """One row per x value, one column per curve (empty where a curve has no point there).

        Written from the buffers rather than with pyqtgraph's CSVExporter, which exports what is
        displayed: log10 values on the gradient-norm axis, and only the visible, downsampled part.
        """
        _check_writable(path)
        curves = self.data(name)
        xs = np.unique(np.concatenate([x for x, _ in curves.values()] + [np.empty(0)]))
        columns = []
        for x, y in curves.values():
            column = np.full(len(xs), np.nan)
            column[np.searchsorted(xs, x)] = y
            columns.append(column)
        lines = [",".join(["epoch", *(f'"{c}"' for c in curves)])]
        for i, x in enumerate(xs):
            cells = ["" if np.isnan(col[i]) else f"{col[i]:.8g}" for col in columns]
            lines.append(",".join([f"{x:.8g}", *cells]))
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")

    def export_all(self, folder):
        """Every plot as <name>.png and <name>.csv in `folder`; returns the files written."""
        folder = Path(folder)
        written = []
        for name in self._plots:
            for kind, export in (("png", self.export_png), ("csv", self.export_csv)):
                path = folder / f"{name}.{kind}"
                export(name, path)
                written.append(path)
        return written

    def _ask_export(self, name, kind):
        filters = {"png": "PNG image (*.png)", "csv": "CSV table (*.csv)"}
        path = self.folders.save_file(self, "export", f"Save {name.replace('_', ' ')}", f"{name}.{kind}",
                                      filters[kind])
        if not path:
            return
        try:
            (self.export_png if kind == "png" else self.export_csv)(name, path)
        except OSError as error:
            self.failed.emit(f"Cannot save the {name.replace('_', ' ')} plot: {error.filename}: "
                             f"{error.strerror or error}")
