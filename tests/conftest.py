"""Test-wide settings: Qt runs offscreen, float warnings are errors (pyproject's filterwarnings), the
user's data and settings folders are temporary ones, and NNVIZ_CLOCK_ORIGIN=<seconds> runs the suite
as if the monotonic clock started there (0: a machine just booted; 1e9: one up for decades), to show
that no code compares a clock reading to a constant.
"""

import atexit
import os
import shutil
import tempfile
import time

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Nothing a test does (a window's remembered layout, a finished run, a saved drawing) may land in the
# user's own folders: QStandardPaths and QSettings follow these variables (read at first use, so set
# before Qt is imported), and so do the subprocesses tests start.
USER_FOLDERS = tempfile.mkdtemp(prefix="nnviz-tests-")
atexit.register(shutil.rmtree, USER_FOLDERS, ignore_errors=True)
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = os.path.join(USER_FOLDERS, _name.lower())


class _ShiftedClock:
    """time.<name> read as if it had started at `origin`. It pickles as the real time.<name> (a job sent to
    a training process carries its clock by name, and that process keeps the machine's own clock)."""

    def __init__(self, name, origin):
        self._real = getattr(time, name)
        self._offset = origin - self._real()
        self.__module__ = "time"
        self._name = name

    def __call__(self):
        return self._real() + self._offset

    def __reduce__(self):
        return self._name


def _shift_clocks(origin):
    for name in ("perf_counter", "monotonic"):
        setattr(time, name, _ShiftedClock(name, origin))


if os.environ.get("NNVIZ_CLOCK_ORIGIN"):
    _shift_clocks(float(os.environ["NNVIZ_CLOCK_ORIGIN"]))


@pytest.fixture(scope="session")
def mnist_model(tmp_path_factory):
    """A small MNIST network (784-64-10, 4,000 training digits, 3 epochs; ~93% test) saved as .npz."""
    from nnviz.core import train
    from nnviz.io import ExperimentConfig, save_model
    from nnviz.prepare import prepare

    config = ExperimentConfig(dataset="mnist", train_subset=4000, validation_split=0.0, hidden_layers=[64],
                              epochs=3, batch_size=32, learning_rate=0.1)
    job = prepare(config)
    for _ in train(job.network, job.train_data, job.train_config):
        pass
    path = tmp_path_factory.mktemp("mnist_model") / "mnist.npz"
    save_model(path, job.network, config)
    return path
