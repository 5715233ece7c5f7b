"""Runs for the training process in tests: picklable setups (module-level functions, called there)."""

import sys
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from nnviz.core import Network, TrainConfig, TrainData
from nnviz.io import ConfigError

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 4, dtype=np.float32)
XOR_Y = np.array([0, 1, 1, 0] * 4)


def xor_job(epochs=50, batch_size=2, learning_rate=0.5, **config):
    net = Network([2, 8, 2], hidden="tanh", init="xavier", seed=1)
    return SimpleNamespace(dataset=None, network=net, train_data=TrainData(XOR_X, XOR_Y),
                           train_config=TrainConfig(epochs=epochs, batch_size=batch_size,
                                                    learning_rate=learning_rate, **config))


def diverging_xor_job():
    """Plain SGD at η = 10⁶ on a linear-output ReLU network: the loss blows up in the first epoch."""
    job = xor_job(epochs=50, learning_rate=1e6, optimizer="sgd")
    job.network = Network([2, 8, 2], hidden="relu", output="linear", loss="quadratic", seed=0)
    return job


def invalid_setup():
    raise ConfigError("dataset: 'nope' is not allowed")


def buggy_setup():
    raise KeyError("x")


def prepare_with_available_memory(available, config):
    """`nnviz.prepare.prepare` as on a machine with `available` bytes of memory free."""
    from nnviz.guard import memory
    from nnviz.prepare import prepare

    measured = memory.available_bytes
    memory.available_bytes = lambda: available
    try:
        return prepare(config)
    finally:
        memory.available_bytes = measured


def chatty_xor_job(epochs=3):
    """A setup that prints (as a user's own code might): the training process's reports must survive it."""
    print("preparing the XOR run" * 100)
    return xor_job(epochs=epochs)


def never_ready():
    """A setup that never returns (as a 200 MB CSV still being read)."""
    import threading

    threading.Event().wait()


def announcing(length):
    """A setup whose process announces a report of `length` bytes and never sends it (a garbled or
    stuck stream), then trains XOR."""
    import gc

    from nnviz.app.runtime.training_process import HEADER, Channel

    channel = next(obj for obj in gc.get_objects() if isinstance(obj, Channel))
    channel._writing.write(HEADER.pack(length))
    channel._writing.flush()
    return xor_job(epochs=100000)


class EndlessRangeTest:
    """A range test job that only ends when asked to (or, failing that, after a minute); it marks
    `folder`/running as it starts and `folder`/stopped when asked to stop."""

    def __init__(self, folder, config):
        self.folder, self.config = folder, config

    def __call__(self, context):
        from pathlib import Path

        Path(self.folder, "running").touch()
        if context.stopping.wait(60):
            Path(self.folder, "stopped").touch()


class OnePointPerStop:
    """A robustness computation that reports one point of `kinds`' first level, then the next only once
    asked to stop (so a test can cancel it in the middle, whatever the machine's speed)."""

    def __init__(self, kinds):
        self.kinds = kinds

    def __call__(self, context):
        from nnviz.evaluation import robustness_levels

        for kind in self.kinds:
            for level in robustness_levels(kind):
                if context.stopping.is_set():
                    return
                context.report("point", kind, float(level), 0.5)
                context.stopping.wait(30)


@dataclass(frozen=True)
class QtModulesAfter:
    """Runs these jobs here (unpickling this job imported their modules), then returns the Qt and
    pyqtgraph modules this process has imported."""

    jobs: tuple

    def __call__(self, context):
        for job in self.jobs:
            job(context)
        return sorted(name for name in sys.modules if name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"))
