"""Training hyperparameters (`TrainConfig`) and the data a run trains on (`TrainData`)."""

from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from .fields import choice, number, reject, whole
from .optimizers import OPTIMIZERS
from .schedules import SCHEDULES

EARLY_STOPPING_METRICS = ("val_loss", "val_accuracy")


@dataclass
class TrainConfig:
    """Everything `train` needs besides the network and the data.

    l2 is λ in the penalty (λ/2) Σ‖W‖² and l1 is λ₁ in λ₁ Σ|W| (it drives small weights to 0);
    dropout is the drop probability of hidden units (inverted
    dropout, training only) and input_dropout that of input pixels; clip_norm > 0 rescales the
    gradients whenever their global norm exceeds it; early_stopping > 0 is the patience in epochs;
    time_budget > 0 stops training after that many seconds of training time (time the consumer
    holds the run paused does not count; the schedule's progress follows it too); restore_best
    keeps the best-validation weights at the end (early stopping always does).
    """

    optimizer: str = "sgd"
    learning_rate: float = 0.1
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    rho: float = 0.9
    epsilon: float = 1e-8
    schedule: str = "constant"
    step_epochs: int = 10
    step_gamma: float = 0.5
    min_learning_rate: float = 0.0
    warmup: float = 0.0
    batch_size: int = 32
    epochs: int = 10
    l2: float = 0.0
    l1: float = 0.0
    dropout: float = 0.0
    input_dropout: float = 0.0
    clip_norm: float = 0.0
    early_stopping: int = 0
    early_stopping_metric: str = "val_loss"
    restore_best: bool = False
    time_budget: float = 0.0
    seed: int = 0
    probe_size: int = 256

    def validate(self):
        """Raise FieldError (a ValueError) naming the first bad field, its value and what is allowed."""
        choice("optimizer", self.optimizer, tuple(OPTIMIZERS))
        choice("schedule", self.schedule, SCHEDULES)
        choice("early_stopping_metric", self.early_stopping_metric, EARLY_STOPPING_METRICS)
        number("learning_rate", self.learning_rate, 0, None, low_open=True)
        for name in ("momentum", "beta1", "beta2", "rho"):
            number(name, getattr(self, name), 0, 1, high_open=True)
        number("epsilon", self.epsilon, 0, None, low_open=True)
        whole("step_epochs", self.step_epochs, 1)
        number("step_gamma", self.step_gamma, 0, 1, low_open=True)
        number("min_learning_rate", self.min_learning_rate, 0, None)
        number("warmup", self.warmup, 0, 1, high_open=True)
        whole("batch_size", self.batch_size, 1)
        whole("epochs", self.epochs, 1)
        number("l2", self.l2, 0, None)
        number("l1", self.l1, 0, None)
        number("dropout", self.dropout, 0, 1, high_open=True)
        number("input_dropout", self.input_dropout, 0, 1, high_open=True)
        number("clip_norm", self.clip_norm, 0, None)
        whole("early_stopping", self.early_stopping, 0)
        number("time_budget", self.time_budget, 0, None)
        whole("seed", self.seed, 0)
        whole("probe_size", self.probe_size, 1)
        if not isinstance(self.restore_best, bool):
            reject("restore_best", self.restore_best, "must be true or false")
        return self

    @classmethod
    def field_names(cls):
        return tuple(f.name for f in fields(cls))


@dataclass
class TrainData:
    """X_train (n, d_in); y_train integer labels (n,) or targets (n, k); optional validation set;
    augment(X_batch, rng) -> X_batch, applied to each training batch."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    augment: Callable | None = None

    @property
    def has_validation(self):
        return self.X_val is not None and len(self.X_val) > 0
