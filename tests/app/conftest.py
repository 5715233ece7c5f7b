"""Fixtures for driving the main window as a user would: tiny experiments, isolated settings."""

import pytest
from PySide6.QtCore import QSettings

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
    from nnviz.app.diagnostics import runs_dock

    folder = tmp_path / "runs"
    monkeypatch.setattr(runs_dock, "runs_folder", lambda: folder)
    return folder


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, settings):
    """make_window(config=None, restore=False) -> a shown MainWindow; closed (and its worker joined) at the end."""
    from nnviz.app.main_window import MainWindow

    windows = []

    def make(config=None, restore=False):
        window = MainWindow(settings=settings, restore=restore)
        qtbot.addWidget(window)
        if config is not None:
            window.set_experiment(config)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        assert not window._runner.active


@pytest.fixture
def window(make_window):
    return make_window(tiny_digits())
