"""The events the training generator yields: small frozen records, safe to hand to another thread."""

from dataclasses import dataclass


def run_position(epoch, batches_done, batches_per_epoch):
    """The run's position in epochs: epoch − 1 + batches_done / batches_per_epoch.

    epoch is 1-based, batches_done the batches of that epoch trained so far, batches_per_epoch that
    epoch's own count. Each epoch spans exactly 1, whatever its batch size, so the position survives a
    live batch-size change. The one home of this quantity: curves, replay, races, pacing and the
    schedules all use it.
    """
    return epoch - 1 + batches_done / batches_per_epoch


@dataclass(frozen=True)
class LayerStats:
    """Health numbers for one weight layer at the end of an epoch.

    grad_norm: mean of ‖∂C/∂W‖_F over ~32 evenly spaced batches of the epoch; weight_norm: ‖W‖_F;
    update_ratio: ‖ΔW‖_F / ‖W‖_F of the epoch's last step; dead_fraction / saturated_fraction:
    share of the layer's units that output exactly 0 on every probe sample / sit where σ'(z) < 5%
    of its peak on ≥ 90% of probe samples (hidden layers; 0 for the output layer);
    activation_mean / activation_std over the probe set.
    """

    grad_norm: float
    weight_norm: float
    update_ratio: float
    dead_fraction: float
    saturated_fraction: float
    activation_mean: float
    activation_std: float


@dataclass(frozen=True)
class BatchEnd:
    epoch: int              # 1-based
    batch: int              # 1-based within the epoch
    batches_per_epoch: int
    step: int               # batches done since the start of this run
    loss: float             # mean loss of this batch (with L2 and dropout as trained)
    learning_rate: float
    samples_seen: int
    elapsed: float          # seconds of training so far
    accuracy: float = 0.0   # share of this batch classified right (as trained)

    @property
    def position(self):
        """The run's position after this batch, in epochs (`run_position`)."""
        return run_position(self.epoch, self.batch, self.batches_per_epoch)

    @property
    def epochs_completed(self):
        """Whole epochs trained after this batch (an epoch counts once its last batch is trained): the
        one definition, also `Finished.epochs_completed`'s."""
        return self.epoch - (self.batch < self.batches_per_epoch)


@dataclass(frozen=True)
class EpochEnd:
    epoch: int
    epochs: int
    train_loss: float       # mean of the epoch's batch losses
    train_accuracy: float   # on the epoch's batches, as trained
    val_loss: float | None
    val_accuracy: float | None
    learning_rate: float
    layers: tuple           # LayerStats per weight layer
    elapsed: float
    epoch_seconds: float
    samples_per_second: float

    @property
    def grad_norms(self):
        return tuple(s.grad_norm for s in self.layers)

    @property
    def dead_fractions(self):
        """Dead-unit fraction of each hidden layer."""
        return tuple(s.dead_fraction for s in self.layers[:-1])


@dataclass(frozen=True)
class Diverged:
    epoch: int
    batch: int
    loss: float
    message: str            # what happened and that the last good weights were restored


@dataclass(frozen=True)
class Finished:
    reason: str             # "completed", "early_stopping", "time_budget", "stopped" or "diverged"
    epochs_completed: int   # whole epochs trained (see BatchEnd.epochs_completed); a cut-short one is not
    best_epoch: int | None  # the best-validation epoch whose weights were restored; None: final weights
    elapsed: float
    samples_per_second: float
