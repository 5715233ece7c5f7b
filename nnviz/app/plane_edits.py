"""Your own points on the plane: clicks on the decision boundary add or remove training points of the
current network's data (used from the next Train), and the points shown are saved as a CSV dataset."""

from dataclasses import replace

from PySide6.QtCore import QObject

from nnviz.app.run_controls import IDLE
from nnviz.data.point_edits import add_point, points_csv, remove_nearest
from nnviz.io.atomic import atomic_write_text

REMOVE_RADIUS = 0.03      # Shift+click removes the nearest point within this share of the view's width


class PlaneEdits(QObject):
    """Connects the window's boundary view to its session's training data."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        window.boundary.pointAdded.connect(self.add)
        window.boundary.pointRemoved.connect(self.remove)
        window.boundary.saveRequested.connect(self.save)

    def _data(self):
        session = self.window.session
        if self.window.data_preview.active:
            self.window.show_message("These points preview the experiment's data: press Train to train on "
                                     "them, then click to add points", "info")
            return None
        if session is None:
            self.window.show_message("Train or load a network first: clicked points go into its training data",
                                     "info")
            return None
        data = session.run_data.train_data
        if data.X_train.shape[1] != 2:
            self.window.show_message("Points can be added on 2-D data only", "info")
            return None
        return data

    def _set(self, X, y):
        session = self.window.session
        run_data = session.run_data
        session.run_data = replace(run_data, train_data=replace(run_data.train_data, X_train=X, y_train=y))
        self.window.boundary.set_points(X, y, session.run_data.dataset.class_names, refit=False)
        if self.window.controls.state != IDLE:
            self.window.show_message("The edited points are trained on from the next Train", "info")

    def add(self, x, y, label):
        data = self._data()
        if data is not None:
            self._set(*add_point(data.X_train, data.y_train, (x, y), label))

    def remove(self, x, y):
        data = self._data()
        if data is None:
            return
        (x0, x1), _ = self.window.boundary.plot.vb.viewRange()
        X, labels, index = remove_nearest(data.X_train, data.y_train, (x, y), REMOVE_RADIUS * (x1 - x0))
        if index is not None:
            self._set(X, labels)

    def save(self):
        """Every point the boundary shows (training, validation and test) to a CSV file (x1, x2, label),
        which Dataset → CSV opens again."""
        X, y, class_names = self.window.boundary.shown_points()
        if not len(X):
            self.window.show_message("No points to save", "info")
            return
        path = self.window.folders.save_file(self.window, "data", "Save points as a CSV dataset", "points.csv",
                                             "CSV files (*.csv)")
        if not path:
            return
        try:
            atomic_write_text(path, points_csv(X, y, class_names))
        except OSError as error:
            self.window.show_message(f"Cannot save {path}: {error.strerror or error}")
            return
        self.window.show_message(f"Saved {len(X)} points to {path}: open it as a CSV dataset", "info")
