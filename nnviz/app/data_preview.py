"""The decision boundary's points: the run's, or a preview of the experiment's 2-D toy set as the form changes.

Training points are filled, the points not trained on (the validation split, then the test set) hollow.
While no run is going and the experiment's toy set is not the shown network's, moving the noise or
training-ratio slider (or the points, classes, seed…) redraws the points the next Train will use.
"""

import numpy as np
from PySide6.QtCore import QObject, QTimer

from nnviz.app.run_controls import IDLE
from nnviz.app.runtime.session import model_key
from nnviz.data import TOY_DATASETS, TOY_DEFAULTS
from nnviz.guard import UserError
from nnviz.prepare import load_config_dataset, training_split

PREVIEW_DELAY_MS = 60            # one preview per burst of slider moves
MAX_PREVIEW_POINTS = 20_000      # a larger set is generated at Train, in the training process


def held_out(dataset, X_val, y_val):
    """The points not trained on, (X (m, d), y (m,)): the validation split (if any), then the test set."""
    if X_val is None:
        return dataset.X_test, dataset.y_test
    return np.vstack([X_val, dataset.X_test]), np.concatenate([y_val, dataset.y_test])


def show_points(boundary, dataset, X_train, y_train, X_val, y_val):
    """Put a dataset's training points and held-out points on the boundary view."""
    boundary.set_points(X_train, y_train, dataset.class_names)
    boundary.set_test_points(*held_out(dataset, X_val, y_val))


class DataPreview(QObject):
    """Keeps the window's boundary view on the points of the run, or of the experiment about to be run."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.active = False          # the boundary shows the form's data, not the network's
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        window.panel.changed.connect(self._timer.start)

    def show_run(self, run_data):
        """The run's points (a RunData): its training data, validation split and test set."""
        data = run_data.train_data
        show_points(self.window.boundary, run_data.dataset, data.X_train, data.y_train, data.X_val, data.y_val)
        self.active = False

    def _wanted(self):
        """The form's experiment when its toy set should be previewed, else None."""
        w = self.window
        if w.controls.state != IDLE or not w.panel.valid:
            return None
        config = w.panel.config()
        if config.dataset not in TOY_DATASETS or (config.n_samples or TOY_DEFAULTS[config.dataset][0]) > \
                MAX_PREVIEW_POINTS:
            return None
        if w.session is not None and model_key(config) == model_key(w.session.config):
            return None
        return config

    def refresh(self):
        config, w = self._wanted(), self.window
        if config is None:
            if self.active and w.session is not None:
                self.show_run(w.session.run_data)
            self.active = False
            return
        try:
            dataset = load_config_dataset(config)
            show_points(w.boundary, dataset, *training_split(config, dataset))
        except UserError:            # the form was valid, the data not (e.g. too few points): Train says why
            return
        self.active = True
        if w.session is None or w.session.run_data.dataset.image_shape is not None:
            w.predict_stack.setCurrentWidget(w.boundary)
            w.docks["predict"].setWindowTitle("Decision boundary")
