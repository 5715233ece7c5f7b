"""File → Open dataset (CSV) and Open image folder: the app trains on them and saves the class names with the model."""

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt

from nnviz.app.run_controls import IDLE
from nnviz.io import load_model
from nnviz.resources import resource_path
from tests.app.conftest import tiny_digits
from tests.data.test_image_folder import make_folder

IRIS = resource_path("datasets", "iris", "iris.csv")


def train_for(qtbot, window, epochs):
    window.set_experiment(replace(window.panel.config(), epochs=epochs, validation_split=0.0, hidden_layers=[8],
                                  batch_size=8))
    window.controls.full_speed.trigger()          # not paced to a watchable ~20 s (a busy machine took > 30 s)
    window.controls.train.trigger()
    qtbot.waitUntil(lambda: window.session is not None and window.session.epochs_done >= epochs
                    and window.controls.state == IDLE, timeout=120000)


def test_iris_csv_opens_trains_and_its_model_keeps_the_species_names(qtbot, tmp_path, make_window):
    window = make_window(tiny_digits())
    window.files.open_dataset(str(IRIS))
    qtbot.waitUntil(lambda: not window.files.opener.busy, timeout=30000)
    assert window.panel.config().dataset == f"csv:{IRIS}" and window.panel.valid
    assert "iris: 150 samples, 4 features, classes setosa, versicolor, virginica" in window.statusBar().currentMessage()
    combo = window.panel.editors["dataset"]
    assert combo.currentText() == "CSV: iris.csv"
    assert combo.itemData(combo.currentIndex(), Qt.ItemDataRole.ToolTipRole) == str(IRIS)
    train_for(qtbot, window, 30)
    window.files.save(str(tmp_path / "iris.npz"))
    model = load_model(tmp_path / "iris.npz")
    assert model.class_names == ("setosa", "versicolor", "virginica") and model.input_mean.shape == (4,)
    dataset = window.session.run_data.dataset
    np.testing.assert_allclose(model.input_mean, dataset.input_mean)


def test_a_two_feature_csv_shows_the_decision_boundary(qtbot, tmp_path, make_window):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 2)) * [10, 1000] + [50, 5000]              # unstandardised scales
    labels = np.where(X[:, 0] > 50, "high", "low")
    rows = "\n".join(f"{a:.3f},{b:.3f},{c}" for (a, b), c in zip(X, labels))
    (tmp_path / "two.csv").write_text(f"width,weight,kind\n{rows}\n", encoding="utf-8")
    window = make_window(tiny_digits())
    window.files.open_dataset(str(tmp_path / "two.csv"))
    qtbot.waitUntil(lambda: not window.files.opener.busy, timeout=30000)
    train_for(qtbot, window, 40)
    window.redraw()
    assert window.predict_stack.currentWidget() is window.boundary
    P = window.boundary.probabilities
    assert P is not None and P.shape[1] == 2
    points = window.boundary.grid_points                     # standardised: the grid spans a few σ
    assert np.abs(points).max() < 10


def test_a_bad_csv_or_folder_is_a_message_and_the_experiment_is_unchanged(qtbot, tmp_path, make_window):
    window = make_window(tiny_digits())
    (tmp_path / "bad.csv").write_text("a,b,c\n1,2,x\n3,oops,y\n", encoding="utf-8")
    window.files.open_dataset(str(tmp_path / "bad.csv"))
    qtbot.waitUntil(lambda: not window.files.opener.busy, timeout=30000)
    assert "line 3, column b: 'oops' is not a finite number" in window.banner.text()
    window.files.open_image_folder(str(tmp_path))
    qtbot.waitUntil(lambda: not window.files.opener.busy, timeout=30000)
    assert "needs a subfolder per class" in window.banner.text()
    assert window.panel.config().dataset == "digits8x8"


def test_an_image_folder_opens_and_trains(qtbot, tmp_path, make_window):
    make_folder(tmp_path / "shapes", per_class=4)
    window = make_window(tiny_digits())
    window.files.open_image_folder(str(tmp_path / "shapes"))
    qtbot.waitUntil(lambda: not window.files.opener.busy, timeout=30000)
    assert window.panel.config().dataset == f"images:{tmp_path / 'shapes'}"
    train_for(qtbot, window, 5)
    assert window.predict_stack.currentWidget() is window.draw_panel
    assert window.session.run_data.dataset.class_names == ("bar", "pole", "ring")


def write_table(path, rows):
    """A CSV of `rows` rows: two features and a label, high or low."""
    values = np.random.default_rng(rows).normal(size=(rows, 2))
    path.write_text("a,b,kind\n" + "".join(f"{a:.4f},{b:.4f},{'high' if a > 0 else 'low'}\n" for a, b in values))


class BusyProbe(QObject):
    """Records, when the event loop delivers its event, whether the dataset was still being read."""

    def __init__(self, opener):
        super().__init__()
        self.opener = opener
        self.busy_when_delivered = []

    def event(self, event):
        if event.type() == QEvent.Type.User:
            self.busy_when_delivered.append(self.opener.busy)
            return True
        return super().event(event)


def test_the_window_keeps_running_while_a_dataset_is_read(qtbot, tmp_path, make_window):
    """An event posted before Open is delivered before the reading's answer (the event queue is
    first in, first out), so it meets the dataset still being read, however fast the machine
    reads, unless Open read it in the UI before returning to the event loop."""
    write_table(tmp_path / "table.csv", 20000)
    window = make_window(tiny_digits())
    probe = BusyProbe(window.files.opener)
    QCoreApplication.postEvent(probe, QEvent(QEvent.Type.User))
    window.files.open_dataset(str(tmp_path / "table.csv"))
    assert window.files.opener.progress.isVisible() and window.files.opener.cancel_button.isVisible()
    qtbot.waitUntil(lambda: not window.files.opener.busy, timeout=30000)
    assert probe.busy_when_delivered == [True]                   # the event loop ran while the file was read
    assert window.panel.config().dataset == f"csv:{tmp_path / 'table.csv'}"
    assert window.statusBar().currentMessage() == "Dataset table: 20,000 samples, 2 features, classes high, low"
    assert not window.files.opener.progress.isVisible()


def test_cancel_stops_reading_and_leaves_the_experiment_as_it_was(qtbot, tmp_path, make_window):
    write_table(tmp_path / "table.csv", 20000)
    window = make_window(tiny_digits())
    window.files.open_dataset(str(tmp_path / "table.csv"))
    process = window.files.opener.job.process
    qtbot.mouseClick(window.files.opener.cancel_button, Qt.MouseButton.LeftButton)
    assert not window.files.opener.busy and not window.files.opener.cancel_button.isVisible()
    qtbot.waitUntil(lambda: not process.alive, timeout=10000)
    assert window.panel.config().dataset == "digits8x8"
    assert window.statusBar().currentMessage() == "Opening the dataset was cancelled"
    assert window.banner.text() == ""


def test_an_opened_dataset_is_read_once_the_run_trains_on_what_was_opened(qtbot, tmp_path, make_window):
    path = tmp_path / "table.csv"
    write_table(path, 60)
    window = make_window(tiny_digits())
    window.files.open_dataset(str(path))
    qtbot.waitUntil(lambda: not window.files.opener.busy, timeout=30000)
    write_table(path, 30)                       # changed on disk after it was opened: not read again
    train_for(qtbot, window, 2)
    dataset = window.session.run_data.dataset
    assert len(dataset.X_train) + len(dataset.X_test) == 60
