"""Jobs the window sends to a training process (`ProcessJob`) whose computation has no module of its own
there: the learning-rate range test of the form's experiment and the backprop inspector's gradient check.

Like every job (a race's `RaceJob`, `OpenDataset`, `RobustnessJob`, a lesson's `HandMadeRun`) they
live in modules that import no Qt: unpickling a job imports its module in the training process.
"""

from dataclasses import dataclass

import numpy as np

from nnviz.core import lr_range_test
from nnviz.core.inspector import check_batch
from nnviz.io import ExperimentConfig
from nnviz.prepare import prepare


@dataclass(frozen=True)
class RangeTestJob:
    """Prepares the experiment and runs the range test: the RangeTest, or None once asked to stop."""

    config: ExperimentConfig

    def __call__(self, context):
        prepared = prepare(self.config)
        with np.errstate(all="ignore"):
            result = lr_range_test(prepared.network, prepared.train_data, prepared.train_config,
                                   should_stop=context.stopping.is_set)
        return None if context.stopping.is_set() else result


@dataclass(frozen=True)
class GradientCheckJob:
    """`check_batch` of a network on a batch: the relative error per layer."""

    net: object
    X: np.ndarray
    y: np.ndarray
    l2: float
    max_entries: int

    def __call__(self, context):
        with np.errstate(all="ignore"):
            return check_batch(self.net, self.X, self.y, l2=self.l2, max_entries=self.max_entries)
