"""Fixtures for driving the main window as a user would: tiny experiments, isolated settings."""

import pytest
import shiboken6
from PySide6.QtCore import QSettings

from nnviz.app.runtime.snapshot import Snapshot
from nnviz.core import Network, TrainConfig, TrainData, train
from nnviz.data import load_dataset
from nnviz.io import ExperimentConfig


def tiny_digits(**overrides):
    """8x8 digits, 320 training images, one small hidden layer: hundreds of batches a second."""
    values = dict(title="tiny digits", dataset="digits8x8", train_subset=320, validation_split=0.25,
                  hidden_layers=[16], activation="relu", init="he", learning_rate=0.1, batch_size=16,
                  epochs=2000)
    values.update(overrides)
    return ExperimentConfig(**values)


def tiny_spirals(**overrides):
    values = dict(title="tiny spirals", dataset="spirals", n_samples=200, validation_split=0.0,
                  hidden_layers=[16, 16], activation="tanh", init="xavier", optimizer="adam",
                  learning_rate=0.01, batch_size=20, epochs=2000)
    values.update(overrides)
    return ExperimentConfig(**values)


@pytest.fixture(autouse=True)
def runs_folder(tmp_path, monkeypatch):
    """The app keeps its runs in tmp_path/runs, never in the user's data folder."""
    from nnviz.app.runs import runs_dock

    folder = tmp_path / "runs"
    monkeypatch.setattr(runs_dock, "runs_folder", lambda: folder)
    return folder


@pytest.fixture(autouse=True)
def my_digits_folder(tmp_path, monkeypatch):
    """The personal drawings go to tmp_path/my_digits, never to the user's data folder."""
    from nnviz.app.views import my_digits

    folder = tmp_path / "my_digits"
    monkeypatch.setattr(my_digits, "my_digits_folder", lambda: folder)
    return folder


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def add_window(request, window):
    """Close `window` at the end of the test unless it is closed (and so deleted: WA_DeleteOnClose) by then;
    qtbot.addWidget would close it a second time."""
    request.addfinalizer(lambda: shiboken6.isValid(window) and window.close())


@pytest.fixture
def make_window(qtbot, settings):
    """make_window(config=None, restore=False) -> a shown MainWindow; closed (and its worker joined) at the end."""
    from nnviz.app.main_window import MainWindow

    windows = []

    def make(config=None, restore=False):
        # Not given to qtbot.addWidget: closing deletes the window (WA_DeleteOnClose), which qtbot
        # would then close again; the loop below closes the windows still open.
        window = MainWindow(settings=settings, restore=restore)
        if config is not None:
            window.set_experiment(config)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        if shiboken6.isValid(window):     # a window the test closed is deleted already (WA_DeleteOnClose)
            window.close()
        assert not window._runner.active


@pytest.fixture
def window(make_window):
    return make_window(tiny_digits())


# -- a draw panel on 8x8 digits with a small trained network (test_draw_panel, test_my_digits) --

@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits8x8")


@pytest.fixture(scope="module")
def trained(digits):
    net = Network([64, 24, 12, 10], seed=0)
    for _ in train(net, TrainData(digits.X_train, digits.y_train), TrainConfig(epochs=3, learning_rate=0.1)):
        pass
    return net


@pytest.fixture
def panel(qtbot, digits, trained):
    from nnviz.app.views.draw_panel import DrawPanel

    widget = DrawPanel()
    qtbot.addWidget(widget)
    widget.resize(800, 450)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_dataset(digits.image_shape, digits.class_names)
    widget.set_snapshot(Snapshot.of(trained))
    return widget
