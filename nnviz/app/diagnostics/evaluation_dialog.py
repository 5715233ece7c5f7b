"""Test-set evaluation: accuracy, then tabs for the confusion matrix (click a cell for its images), the
mistakes ranked by confidence, per-class accuracy, robustness to noise and rotation (computed in the
background when its tab opens), and the saliency of the drawing or the first test image at first, of
any test image double-clicked in a gallery after."""

import numpy as np
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTabWidget, QVBoxLayout

from nnviz.app.diagnostics.evaluation_views import ConfusionView, MistakesGallery, PerClassView
from nnviz.app.diagnostics.robustness_view import RobustnessView
from nnviz.app.diagnostics.saliency_view import SaliencyView
from nnviz.app.runtime.snapshot import Snapshot
from nnviz.evaluation import evaluate_test_set


class EvaluationDialog(QDialog):
    """Evaluates `network` on `dataset`'s test set (in the constructor, and again on `evaluate`) and shows
    the results.

    Attributes: results (nnviz.evaluation.EvaluationResults), predictions (n,), confusion (k, k)
    with C[true, predicted], accuracy (float), per_class (k,) accuracy per true class (NaN for a
    class without test samples); source: the Snapshot evaluated, when known; the views confusion_view,
    mistakes_view, per_class_view, robustness_view and (image datasets) saliency_view in `tabs`. The
    saliency view first explains `drawing` ((h, w) in [0, 1], the user's drawing) or, without one, the
    first test image.
    """

    def __init__(self, network, dataset, parent=None, drawing=None, source=None):
        super().__init__(parent)
        self.setWindowTitle(f"Evaluation on the {dataset.name} test set")
        self.dataset = dataset
        self.summary_label = QLabel()
        font = QFont(self.summary_label.font())
        font.setPointSize(font.pointSize() + 3)
        self.summary_label.setFont(font)
        self.moment_label = QLabel()

        self.confusion_view = ConfusionView()
        self.mistakes_view = MistakesGallery()
        self.per_class_view = PerClassView()
        self.robustness_view = RobustnessView()
        self.tabs = QTabWidget()
        for view, title in ((self.confusion_view, "Confusion"), (self.mistakes_view, "Mistakes"),
                            (self.per_class_view, "Per class"), (self.robustness_view, "Robustness")):
            self.tabs.addTab(view, title)
        self.saliency_view = None
        if dataset.image_shape is not None:
            self.saliency_view = SaliencyView()
            self.saliency_view.set_class_names(dataset.class_names)
            self.tabs.addTab(self.saliency_view, "Saliency")
            for view in (self.confusion_view, self.mistakes_view):
                view.gallery.activated.connect(self.explain)
        self._drawing = drawing

        # The confusion heatmap and the per-class table, under the names they have always had.
        self.plot_widget = self.confusion_view.plot_widget
        self.heatmap_plot = self.confusion_view.plot
        self.heatmap = self.confusion_view.heatmap
        self.cell_texts = self.confusion_view.cell_texts
        self.table = self.per_class_view.table

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.moment_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(980, 640)
        self.evaluate(network, source)

    def evaluate(self, network, source=None):
        """Evaluate `network` (of the Snapshot `source`, when given: its epoch and step are named) on the
        dialog's dataset and show the results in every tab."""
        dataset = self.dataset
        self.source = source
        self.results = evaluate_test_set(network, dataset)
        self.predictions = self.results.predicted
        self.confusion = self.results.confusion
        self.accuracy = self.results.accuracy
        self.per_class = self.results.per_class
        correct, total = int(np.trace(self.confusion)), int(self.confusion.sum())
        self.summary_label.setText(f"Test accuracy: <b>{100 * self.accuracy:.2f} %</b> "
                                   f"({correct:,} of {total:,} {dataset.name} test samples correct)")
        self.moment_label.setText("" if source is None else
                                  f"The weights of epoch {source.epoch}, step {source.step} of the run")
        self.moment_label.setVisible(source is not None)
        for view in (self.confusion_view, self.mistakes_view, self.per_class_view):
            view.set_results(self.results)
        self.shares = self.confusion_view.shares
        self.cell_texts = self.confusion_view.cell_texts
        self.robustness_view.set_model(network, dataset)
        if self.saliency_view is not None:
            self._snapshot = Snapshot.of(network)
            if self._drawing is not None:
                self.saliency_view.set_input(self._drawing, self._snapshot, "your drawing (double-click a "
                                             "test image in Confusion or Mistakes for another)")
            elif len(self.results.y):
                self.explain(0, switch=False)

    def explain(self, index, switch=True):
        """Show the saliency of test sample `index` in the Saliency tab (and, with switch, that tab)."""
        if self.saliency_view is None:
            return
        r = self.results
        self.saliency_view.set_input(r.X[index].reshape(r.image_shape), self._snapshot,
                                     f"test sample #{index}, true {r.class_names[r.y[index]]}")
        if switch:
            self.tabs.setCurrentWidget(self.saliency_view)

    def done(self, result):
        """Closing stops a robustness computation still going."""
        self.robustness_view.cancel()
        super().done(result)
