"""The Model menu: save and load trained networks (.npz) and evaluate one on the test set."""

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog

from nnviz.io import check_compatible, load_model, save_model
from nnviz.prepare import prepare

from nnviz.app.evaluation_dialog import EvaluationDialog

MODEL_FILTER = "nnviz model (*.npz)"


class ModelActions:
    """Save model…, Load model… and Evaluate on test set… for a MainWindow."""

    def __init__(self, window):
        self.window = window
        self.dialogs = []
        self.save_action = self._action("&Save model…", "Ctrl+Shift+S", self.save)
        self.load_action = self._action("&Load model…", "Ctrl+L", self.load)
        self.evaluate_action = self._action("&Evaluate on test set…", "Ctrl+E", self.evaluate)

    def _action(self, text, shortcut, slot):
        action = self.window.addAction(text)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda: slot())
        return action

    def add_menu(self, bar):
        menu = bar.addMenu("&Model")
        menu.addActions([self.save_action, self.load_action])
        menu.addSeparator()
        menu.addAction(self.evaluate_action)
        return menu

    def save(self, path=None):
        w = self.window
        session = w.session
        if session is None or session.snapshot is None:
            return w.show_message("Nothing to save yet: train or load a network first.", "info")
        if not path:
            path, _ = QFileDialog.getSaveFileName(w, "Save model", "model.npz", MODEL_FILTER)
        if not path:
            return
        path = path if str(path).endswith(".npz") else f"{path}.npz"
        try:
            save_model(path, session.snapshot.network(), session.config, session.metrics())
        except (OSError, ValueError) as error:
            return w.show_message(f"Cannot save the model: {error}", box=True)
        w.statusBar().showMessage(f"Model saved to {path}", 8000)

    def load(self, path=None):
        """Stop any run, read the model, load its dataset and make it the current network."""
        w = self.window
        if not path:
            path, _ = QFileDialog.getOpenFileName(w, "Load model", "", MODEL_FILTER)
        if not path or not w.confirm_stop("load a model"):
            return
        w.shutdown()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            loaded = load_model(path)
            net = loaded.network
            config = replace(loaded.config or w.panel.config(), hidden_layers=list(net.sizes[1:-1]),
                             activation=net.hidden_name, output=net.output_name, loss=net.loss_name)
            job = prepare(config)
            check_compatible(net, job.dataset.n_features, job.dataset.n_classes, job.dataset.name)
        except (OSError, ValueError) as error:
            return w.show_message(f"Cannot load the model {path}: {error}", box=True)
        finally:
            QGuiApplication.restoreOverrideCursor()
        w.adopt(config, replace(job, network=net), loaded.metrics)
        w.statusBar().showMessage(f"Model loaded from {path}", 8000)

    def evaluate(self):
        w = self.window
        session = w.session
        if session is None or session.snapshot is None:
            return w.show_message("Nothing to evaluate yet: train or load a network first.", "info")
        net = session.snapshot.network()
        dataset = session.job.dataset
        dialog = EvaluationDialog(net, dataset, w)
        dialog.finished.connect(lambda _: self.dialogs.remove(dialog) if dialog in self.dialogs else None)
        self.dialogs.append(dialog)
        dialog.show()
        return dialog
