"""The File and Model menus: experiments (JSON), images to predict, plot exports, models (.npz), evaluation."""

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLineEdit

from nnviz.app.dataset_opener import DatasetOpener
from nnviz.app.diagnostics.evaluation_dialog import EvaluationDialog
from nnviz.export import export_numpy, export_onnx
from nnviz.guard import UserError, describe
from nnviz.io import (
    CSV_PREFIX,
    IMAGES_PREFIX,
    ConfigError,
    LoadedModel,
    check_compatible,
    load_experiment,
    load_model,
    save_experiment,
    save_model,
)
from nnviz.prepare import check_openable, prepare

MODEL_FILTER = "nnviz model (*.npz)"
EXPERIMENT_FILTER = "Experiment (*.json)"
CSV_FILTER = "CSV table (*.csv *.txt *.tsv);;All files (*)"
ONNX_FILTER, NUMPY_FILTER = "ONNX model (*.onnx)", "NumPy folder: weights.npz + predict.py (*)"
EXPORT_STEM = "model"
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff *.npy);;All files (*)"


def naming(path, what, error):
    """One message naming the file once: "<what> <path>: <error>", the path left out when the error
    already names it."""
    text = describe(error)
    return f"{what}: {text}" if str(path) in text else f"{what} {path}: {text}"


class FileActions:
    """Everything that reads or writes files for a MainWindow; every failure becomes a message."""

    def __init__(self, window):
        self.window = window
        self.dialogs = []
        self.opener = DatasetOpener(window)
        self.folders = window.folders
        self.open_experiment_action = self._action("&Open experiment…", QKeySequence.StandardKey.Open,
                                                   self.open_experiment)
        self.save_experiment_action = self._action("&Save experiment…", QKeySequence.StandardKey.Save,
                                                   self.save_experiment)
        self.open_dataset_action = self._action("Open &dataset (CSV)…", None, self.open_dataset)
        self.open_image_folder_action = self._action("Open image &folder…", None, self.open_image_folder)
        self.predict_image_action = self._action("&Predict image…", None, self.predict_image)
        self.export_action = self._action("Export plots (PNG + CSV)…", None, self.export_plots)
        self.quit_action = self._action("&Quit", QKeySequence.StandardKey.Quit, window.close)
        self.save_action = self._action("&Save model…", "Ctrl+Shift+S", self.save)
        self.load_action = self._action("&Load model…", "Ctrl+L", self.load)
        self.evaluate_action = self._action("&Evaluate on test set…", "Ctrl+E", self.evaluate)
        self.export_model_action = self._action("E&xport (ONNX or NumPy)…", None, self.export_model)

    def _action(self, text, shortcut, slot):
        action = self.window.addAction(text)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda: slot())
        return action

    def add_file_menu(self, bar):
        menu = bar.addMenu("&File")
        menu.addActions([self.open_experiment_action, self.save_experiment_action])
        menu.addSeparator()
        menu.addActions([self.open_dataset_action, self.open_image_folder_action, self.predict_image_action])
        menu.addAction(self.export_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        return menu

    def add_model_menu(self, bar):
        menu = bar.addMenu("&Model")
        menu.addActions([self.save_action, self.load_action, self.export_model_action])
        menu.addSeparator()
        menu.addAction(self.evaluate_action)
        return menu

    # -- experiments and plots -----------------------------------------------------------------

    def open_experiment(self, path=None):
        w = self.window
        path = path or self.folders.open_file(w, "experiment", "Open experiment", EXPERIMENT_FILTER)
        if not path:
            return
        try:                        # read and check everything before anything changes
            config = load_experiment(path)
            w.panel.check_fits(config)
            check_openable(config)
        except UserError as error:
            return w.show_message(naming(path, "Cannot open the experiment", error))
        if w.confirm_stop("open another experiment"):
            w.set_experiment(config)
            w.statusBar().showMessage(f"Experiment opened from {path}", 8000)

    def save_experiment(self):
        w = self.window
        path = self.folders.save_file(w, "experiment", "Save experiment", "experiment.json", EXPERIMENT_FILTER)
        if not path:
            return
        try:
            save_experiment(w.panel.config(), path)
        except (ConfigError, OSError) as error:
            return w.show_message(naming(path, "Cannot save the experiment", error))
        w.statusBar().showMessage(f"Experiment saved to {path}", 8000)

    def open_dataset(self, path=None):
        """Train on a CSV table (numeric features, the label in the last column): it becomes the dataset."""
        path = path or self.folders.open_file(self.window, "data", "Open a CSV dataset", CSV_FILTER)
        if path:
            self._use_dataset(f"{CSV_PREFIX}{path}")

    def open_image_folder(self, path=None):
        """Train on a folder of images with a subfolder per class: it becomes the dataset."""
        path = path or self.folders.folder(self.window, "data", "Open an image folder (a subfolder per class)")
        if path:
            self._use_dataset(f"{IMAGES_PREFIX}{path}")

    def _use_dataset(self, dataset):
        """Make `dataset` the experiment's, once a training process has read it without error (else a
        message); the UI goes on meanwhile (`DatasetOpener`)."""
        w = self.window
        if w.confirm_stop("open another dataset"):
            self.opener.open(replace(w.panel.config(), dataset=dataset, label_column=None, image_size=None))

    def predict_image(self, path=None):
        """Show an image file on the draw canvas and predict it (any format Pillow reads, or .npy)."""
        w = self.window
        if w.session is None or w.session.run_data.dataset.image_shape is None:
            return w.show_message("Predicting an image needs a network trained on images: train or load one.",
                                  "info")
        path = path or self.folders.open_file(w, "image", "Predict an image", IMAGE_FILTER)
        if not path:
            return
        w.docks["predict"].show()
        w.docks["predict"].raise_()
        if not w.draw_panel.show_image_file(path):
            w.show_message(w.draw_panel.message_label.text())

    def export_plots(self):
        w = self.window
        folder = self.folders.folder(w, "export", "Export the plots to a folder")
        if folder:
            try:
                w.plots.export_all(folder)
            except OSError as error:
                w.show_message(f"Cannot export the plots: {describe(error)}", box=True)

    # -- models --------------------------------------------------------------------------------

    def save(self, path=None):
        w = self.window
        session = w.session
        if session is None or session.snapshot is None:
            return w.show_message("Nothing to save yet: train or load a network first.", "info")
        path = path or self.folders.save_file(w, "model", "Save model", "model.npz", MODEL_FILTER)
        if not path:
            return
        path = path if str(path).endswith(".npz") else f"{path}.npz"
        try:
            dataset = session.run_data.dataset
            save_model(path, session.snapshot.network(), session.config, session.metrics(), dataset.class_names,
                       dataset.standardization)
        except (OSError, ValueError) as error:
            return w.show_message(f"Cannot save the model: {describe(error)}", box=True)
        w.statusBar().showMessage(f"Model saved to {path}", 8000)

    def export_model(self, path=None, kind=None):
        """Export the current network as an ONNX file (kind "onnx") or a NumPy folder (kind "numpy")."""
        w = self.window
        session = w.session
        if session is None or session.snapshot is None:
            return w.show_message("Nothing to export yet: train or load a network first.", "info")
        if not path:
            path, kind = ask_export_path(w, self.folders)
        if not path:
            return
        dataset = session.run_data.dataset
        model = LoadedModel(session.snapshot.network(), session.config, session.metrics(), "",
                            dataset.class_names, dataset.input_mean, dataset.input_std)
        try:
            if kind == "numpy":
                path = str(path).removesuffix(".onnx")      # a folder named model.onnx is never what was meant
                export_numpy(model, path)
            else:
                path = path if str(path).endswith(".onnx") else f"{path}.onnx"
                export_onnx(model, path)
        except (OSError, ValueError) as error:
            return w.show_message(f"Cannot export the model: {describe(error)}", box=True)
        w.statusBar().showMessage(f"Model exported to {path}", 8000)

    def load(self, path=None):
        """Stop any run, read the model, load its dataset and make it the current network."""
        w = self.window
        path = path or self.folders.open_file(w, "model", "Load model", MODEL_FILTER)
        if not path or not w.confirm_stop("load a model"):
            return
        w.shutdown()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            loaded = load_model(path)
            net = loaded.network
            config = replace(loaded.config or w.panel.config(), hidden_layers=list(net.sizes[1:-1]),
                             activation=net.hidden_name, output=net.output_name, loss=net.loss_name)
            w.panel.check_fits(config)
            job = prepare(config)
            check_compatible(net, job.dataset.n_features, job.dataset.n_classes, job.dataset.name)
        except (OSError, ValueError) as error:
            return w.show_message(naming(path, "Cannot load the model", error))
        finally:
            QGuiApplication.restoreOverrideCursor()
        w.adopt(config, replace(job, network=net), loaded.metrics)
        w.statusBar().showMessage(f"Model loaded from {path}", 8000)

    def evaluate(self, snapshot=None):
        """Open an Evaluation dialog on the test set for `snapshot` (default: the latest weights)."""
        w = self.window
        session = w.session
        if session is None or session.snapshot is None:
            return w.show_message("Nothing to evaluate yet: train or load a network first.", "info")
        dataset = session.run_data.dataset
        drawing = w.draw_panel.network_input() if dataset.image_shape is not None else None
        if drawing is not None and drawing.shape != tuple(dataset.image_shape):
            drawing = None
        dialog = EvaluationDialog((snapshot or session.snapshot).network(), dataset, w, drawing=drawing,
                                  source=snapshot)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)   # closed, it goes (with its test set's results)
        dialog.finished.connect(lambda _: self.dialogs.remove(dialog) if dialog in self.dialogs else None)
        self.dialogs.append(dialog)
        dialog.show()
        return dialog

    def light_projection(self, indices):
        """Points selected in the projection: light their cells in the confusion matrix of the weights the
        projection shows. The latest Evaluation dialog is evaluated again for those weights if it shows
        others; with none open, one opens."""
        w = self.window
        snapshot = w.projection.drawn
        if w.session is None or snapshot is None:
            return None
        dataset = w.session.run_data.dataset
        dialog = next((d for d in reversed(self.dialogs) if d.dataset is dataset), None)
        if not len(indices):                  # the selection was cleared: so are the outlines
            return dialog and dialog.confusion_view.light_samples([])
        if dialog is None:
            dialog = self.evaluate(snapshot)
        elif dialog.source is not snapshot:
            dialog.evaluate(snapshot.network(), snapshot)
        dialog.confusion_view.light_samples(indices, "selected in the projection")
        dialog.tabs.setCurrentWidget(dialog.confusion_view)
        dialog.raise_()
        return dialog


def ask_export_path(parent, folders) -> tuple[str, str]:
    """(path, "onnx" or "numpy") from a save dialog whose suggested name follows the chosen type
    (model.onnx for ONNX, the folder "model" for NumPy), opened where models were last saved or
    loaded (`folders`, a DialogFolders); ("", "") when cancelled."""
    dialog = QFileDialog(parent, "Export the model")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDirectory(folders.start("model"))
    dialog.setNameFilters([ONNX_FILTER, NUMPY_FILTER])
    dialog.selectFile(f"{EXPORT_STEM}.onnx")
    dialog.filterSelected.connect(lambda chosen: _name_for_filter(dialog, chosen))
    if not dialog.exec() or not dialog.selectedFiles():
        return "", ""
    folders.used("model", dialog.selectedFiles()[0])
    return dialog.selectedFiles()[0], "numpy" if dialog.selectedNameFilter() == NUMPY_FILTER else "onnx"


def _name_for_filter(dialog, chosen):
    """Keep the name typed so far, with .onnx for an ONNX file and without it for a NumPy folder."""
    edit = dialog.findChild(QLineEdit, "fileNameEdit")
    stem = (edit.text() if edit is not None else "").removesuffix(".onnx") or EXPORT_STEM
    dialog.selectFile(f"{stem}.onnx" if chosen == ONNX_FILTER else stem)
