"""The training loop as a generator of events, driven alike by the CLI, the tests and the GUI worker.

    for event in train(net, data, config):   # BatchEnd, EpochEnd, Diverged, Finished
        ...

Between two events the network's weights are consistent, so the consumer may pause (stop calling
`next`) or stop (`close()` the generator) at any event and keep a usable network. To stop and still
get the end of a run (evaluation, best weights restored, `Finished`), pass `should_stop`, a
callable checked after every batch.

To change training settings while it runs (learning rate, momentum, L2, dropout, schedule, batch
size, …), pass `settings`, a callable checked after every batch that returns a new TrainConfig or
None: the change applies from the next batch (a new batch size from the next epoch), the weights
and the optimiser's state carry on.

Time the consumer spends between events (drawing, or holding the run paused) is not training
time: `elapsed`, the time budget and a schedule that follows the clock all count training time
only, read from `clock` (an injectable monotonic clock, `time.perf_counter` by default).

A divergence restores the weights of the start of the latest epoch whose first batch passed the
divergence check (with one batch an epoch: the weights before the update that diverged). Weights
no check has seen are never kept as good.
"""

import math
import time

import numpy as np

from nnviz.seeds import TRAINING_STREAMS, stream

from .checkpoint import TrainState, optimizer_state, restore_optimizer, streams_from_words, streams_words
from .classes import predictions
from .config import TrainConfig, TrainData
from .diagnostics import frobenius, layer_stats
from .events import BatchEnd, Diverged, EpochEnd, Finished, run_position
from .optimizers import LinearInGradient, make_optimizer
from .regularization import clip_global_norm, dropout_masks
from .schedules import learning_rate
from .training_clock import TrainingClock

# A batch loss above this multiple of max(first batch loss, 1) counts as an explosion.
EXPLOSION_FACTOR = 100.0
# The per-layer gradient norm of an epoch is the mean over about this many evenly spaced batches.
GRAD_NORM_SAMPLES = 32


def _check_batch_finite(Xb):
    """NaN or inf in the inputs would pass for a diverging network; name the real cause."""
    if not np.all(np.isfinite(Xb)):
        raise ValueError("data: training inputs contain NaN or infinite values")


def evaluate(net, X, Y):
    """(mean loss, accuracy) of `net` on X with labels or targets Y, without dropout."""
    T = net.targets(Y, len(X))
    return net.loss(X, T), float(np.mean(net.predict(X) == predictions(T)))


def _check_data(net, data):
    if isinstance(data, tuple):
        data = TrainData(*data)
    X = np.asarray(data.X_train)
    if X.ndim != 2 or X.shape[1] != net.input_width or len(X) == 0:
        raise ValueError(f"data: training inputs must be (n, {net.input_width}) with n ≥ 1, got {X.shape}")
    if len(data.y_train) != len(X):
        raise ValueError(f"data: {len(X)} training inputs but {len(data.y_train)} labels")
    if data.X_val is not None and data.y_val is not None and len(data.X_val) != len(data.y_val):
        raise ValueError(f"data: {len(data.X_val)} validation inputs but {len(data.y_val)} labels")
    return data


def in_feature_space(net, data):
    """(net, data) as the first layer sees them: the points expanded once into their features (by
    `net.inputs`) and the network that takes features and shares `net`'s live weights. A network
    without input features and its data are returned as they are."""
    if net.features is None:
        return net, data
    X_val = None if data.X_val is None else net.inputs(data.X_val)
    return net.feature_space(), TrainData(net.inputs(data.X_train), data.y_train, X_val, data.y_val,
                                          data.augment)


class Training:
    """A run's events (iterate; `close()` stops it) and, between two of them, its exact `state()`."""

    def __init__(self, run, events):
        self._run, self._events = run, events

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._events)

    def close(self):
        self._events.close()

    def state(self):
        """The TrainState to resume from (`train(..., resume=...)`) as the run stands now."""
        return self._run.state()


def train(net, data, config=None, should_stop=None, clock=time.perf_counter, settings=None, resume=None):
    """Train `net` in place on `data` (TrainData or (X, y)) with `config` (TrainConfig); return the
    run's events as a `Training` (an iterator of BatchEnd, EpochEnd, Diverged, Finished).

    should_stop: optional callable; when it returns True after a batch, the run ends as "stopped".
    settings: optional callable returning a new TrainConfig (applied from the next batch) or None.
    clock: monotonic seconds (tests pass a fake one); only differences of its readings are used.
    resume: a TrainState (nnviz.core.checkpoint) to go on from, `config.epochs` being the total.
    """
    config = (config or TrainConfig()).validate()
    data = _check_data(net, data)
    if config.early_stopping and not data.has_validation:
        raise ValueError("early_stopping: needs a validation set (set a validation split > 0)")
    net, data = in_feature_space(net, data)
    run = _Run(net, data, config, clock)
    if resume is not None:
        run.restore(resume)
    return Training(run, _train(run, should_stop or (lambda: False), settings or (lambda: None)))


def _train(run, should_stop, settings):
    epoch, first = run.epochs_done - 1, run.batches_done     # a resumed run may start inside an epoch
    while epoch + 1 < run.config.epochs:        # the number of epochs may change while it runs
        epoch += 1
        if not first:
            run.begin_epoch()
        tally = _EpochTally(run.net.n_layers)
        for b in range(first, run.batches):
            event = run.step(epoch, b, tally)
            yield event
            if isinstance(event, Diverged):
                yield run.finished("diverged")
                return
            run.clock.resume()
            if run.out_of_time():
                run.reason = "time_budget"
                break
            if should_stop():
                run.reason = "stopped"
                break
            changed = settings()
            if changed is not None:
                run.apply(changed)
        first = 0
        yield run.end_epoch(epoch, tally)
        run.clock.resume()
        run.track_best(epoch)
        if run.reason != "completed":
            break
    run.restore_best()
    yield run.finished(run.reason)


class _EpochTally:
    """What an epoch accumulates over its batches."""

    def __init__(self, n_layers):
        self.start = None
        self.loss_sum, self.correct, self.seen = 0.0, 0, 0
        self.grad_norm_sum, self.norm_count = np.zeros(n_layers), 0
        self.update_ratios = np.zeros(n_layers)


class _Run:
    """One training run's state: data in the network's dtype, optimiser, clocks, best weights."""

    def __init__(self, net, data, config, clock):
        self.net, self.config, self.augment = net, config, data.augment
        self.clock = TrainingClock(clock)
        self.streams = {name: stream(config.seed, name) for name in TRAINING_STREAMS}
        self.optimizer = make_optimizer(config.optimizer, config.momentum, config.beta1, config.beta2,
                                        config.rho, config.epsilon)
        self.takes_scaled_gradients = isinstance(self.optimizer, LinearInGradient)
        self.X = np.ascontiguousarray(data.X_train, dtype=net.dtype)
        self.T = net.targets(data.y_train, len(self.X))
        self.labels = predictions(self.T)                 # the targets' classes (one-hot T: the labels)
        self.validation = None
        if data.has_validation:
            X_val = np.asarray(data.X_val, dtype=net.dtype)
            self.validation = (X_val, net.targets(data.y_val, len(X_val)))
        self.X_probe = (self.validation[0] if self.validation else self.X)[:config.probe_size]

        self.begin_epoch()
        # One vector for all parameters and one for all gradients: the optimiser's step is a few
        # whole-vector operations, whatever the depth.
        self.flat = net.flat_params()
        self.params = [self.flat]
        self.flat_grads = np.empty_like(self.flat)
        self.grads = list(zip(*net.layer_views(self.flat_grads)))
        self.before_step = np.empty_like(self.flat)
        self.scheduled = config.schedule != "constant" or config.warmup > 0

        self.last_good, self.last_good_epoch = self.flat.copy(), 1
        self.best, self.best_epoch, self.best_score, self.waited = None, None, None, 0
        self.explosion_limit = None
        self.eval_seconds = 0.0
        self.step_count, self.samples, self.epochs_done, self.batches_done = 0, 0, 0, 0
        self.last_epoch = 0                             # the latest epoch that ended (maybe cut short)
        self.lr = config.learning_rate
        self.reason = "completed"
        self.order = self.epoch_T = self.epoch_labels = None
        self.last_val = (None, None)

    def begin_epoch(self):
        """Batch size and the steps it implies: fixed for an epoch (a live change waits for the next)."""
        self.batch_size = min(self.config.batch_size, len(self.X))
        self.batches = math.ceil(len(self.X) / self.batch_size)
        self.norm_stride = max(1, self.batches // GRAD_NORM_SAMPLES)

    def apply(self, config):
        """Train on with new settings: the same weights; the optimiser keeps its state unless it is
        another optimiser; η follows the new learning rate (or schedule) from the next batch."""
        config = config.validate()
        old, self.config = self.config, config
        if config.optimizer != old.optimizer:
            self.optimizer = make_optimizer(config.optimizer, config.momentum, config.beta1, config.beta2,
                                            config.rho, config.epsilon)
            self.takes_scaled_gradients = isinstance(self.optimizer, LinearInGradient)
        else:
            for name in ("momentum", "beta1", "beta2", "rho", "epsilon"):
                if hasattr(self.optimizer, name):
                    setattr(self.optimizer, name, getattr(config, name))
        self.scheduled = config.schedule != "constant" or config.warmup > 0
        self.lr = config.learning_rate

    def out_of_time(self):
        """Has training time, plus the next epoch's evaluation as long as the last one, used up the budget?"""
        budget = self.config.time_budget
        return bool(budget) and self.clock.elapsed + self.eval_seconds >= budget

    def progress(self, epoch, b):
        """Share of the run done before batch b of epoch (both 0-based): the run's position over its
        epochs (a batch-size change keeps it), or training time over a time budget, whichever is further."""
        by_position = run_position(epoch + 1, b, self.batches) / self.config.epochs
        if self.config.time_budget:
            return max(by_position, self.clock.elapsed / max(self.config.time_budget - self.eval_seconds, 1e-9))
        return by_position

    def state(self):
        """This run's TrainState now (between two batches)."""
        done, b = self.epochs_done, self.batches_done
        if b == self.batches:                  # the epoch's last batch is trained: the epoch is done
            done, b = done + 1, 0
        order = self.order if b else np.zeros(0, np.int64)
        limit = np.nan if self.explosion_limit is None else self.explosion_limit
        return TrainState(done, b, np.array(order), self.batch_size, self.step_count, self.samples,
                          self.clock.total, float(limit), streams_words(self.streams), self.config.optimizer,
                          optimizer_state(self.optimizer))

    def restore(self, state):
        """Go on from `state` (see nnviz.core.checkpoint); the optimiser's arrays only if it is the same one."""
        if state.batches_done:
            if len(state.order) != len(self.X) or state.batch_size < 1:
                raise ValueError(f"resume: the state's epoch visits {len(state.order)} samples in batches "
                                 f"of {state.batch_size}, the data has {len(self.X)}")
            self.order = state.order
            self.epoch_T, self.epoch_labels = self.T[self.order], self.labels[self.order]
            self.batch_size = state.batch_size
            self.batches = math.ceil(len(self.X) / self.batch_size)
            self.norm_stride = max(1, self.batches // GRAD_NORM_SAMPLES)
        self.epochs_done, self.batches_done = state.epochs_done, state.batches_done
        self.last_epoch = state.epochs_done
        self.step_count, self.samples, self.clock.total = state.step, state.samples, state.elapsed
        self.explosion_limit = None if math.isnan(state.explosion_limit) else state.explosion_limit
        self.streams = streams_from_words(state.rng)
        if state.optimizer == self.config.optimizer:
            restore_optimizer(self.optimizer, state.optimizer_state, self.flat.size)

    def step(self, epoch, b, tally):
        """Train on batch b of the epoch; return its BatchEnd, or Diverged (weights rolled back)."""
        net, config = self.net, self.config
        if tally.start is None:
            tally.start = self.clock.elapsed
        if b == 0:
            self.order = self.streams["batch_order"].permutation(len(self.X))
            self.epoch_T, self.epoch_labels = self.T[self.order], self.labels[self.order]
        batch = slice(b * self.batch_size, (b + 1) * self.batch_size)
        idx = self.order[batch]
        Xb, Tb = self.X[idx], self.epoch_T[batch]
        if self.augment is not None:
            Xb = np.asarray(self.augment(Xb, self.streams["augmentation"]), dtype=net.dtype)
        n = len(idx)
        masks = dropout_masks(net, self.streams["dropout"], n, config)
        with np.errstate(all="ignore"):
            Zs, As, Ds, loss = net.forward_cost(Xb, Tb, masks)
            if config.l2 or config.l1:
                loss += net.l2_penalty(config.l2) + net.l1_penalty(config.l1)
            if self.explosion_limit is None:
                self.explosion_limit = EXPLOSION_FACTOR * max(loss, 1.0)
            if not (math.isfinite(loss) and loss <= self.explosion_limit):
                return self.diverged(Xb, loss, epoch, b)
            if b == 0:                  # these weights passed the check: the rollback point
                np.copyto(self.last_good, self.flat)
                self.last_good_epoch = epoch + 1
            batch_correct = int(np.count_nonzero(predictions(As[-1]) == self.epoch_labels[batch]))
            if self.scheduled:
                self.lr = learning_rate(config.schedule, config.learning_rate, progress=self.progress(epoch, b),
                                        epoch=epoch, step_epochs=config.step_epochs,
                                        step_gamma=config.step_gamma, min_lr=config.min_learning_rate,
                                        warmup=config.warmup)
            # With an optimiser that needs only ηg, backprop yields ηg: one pass fewer per step.
            scaled = self.takes_scaled_gradients and self.lr > 0
            scale = self.lr if scaled else 1.0
            net.backward(Zs, As, Ds, Tb, config.l2, masks, self.grads, scale, config.l1)
        tally.loss_sum += loss * n
        tally.correct += batch_correct
        tally.seen += n
        if b % self.norm_stride == 0:
            tally.grad_norm_sum += [frobenius(dW) / scale for dW, _ in self.grads]
            tally.norm_count += 1
        if config.clip_norm:
            clip_global_norm(self.flat_grads, config.clip_norm * scale)
        last_batch = b == self.batches - 1
        if last_batch:
            np.copyto(self.before_step, self.flat)
        if scaled:
            self.optimizer.step_scaled(self.params, [self.flat_grads])
        else:
            self.optimizer.step(self.params, [self.flat_grads], self.lr)
        if last_batch:
            before, _ = net.layer_views(self.before_step)
            tally.update_ratios = np.array([frobenius(W - W0) / max(frobenius(W), 1e-12)
                                            for W, W0 in zip(net.weights, before)])
        self.step_count += 1
        self.batches_done = b + 1
        self.samples += n
        self.clock.pause()
        return BatchEnd(epoch + 1, b + 1, self.batches, self.step_count, loss, self.lr, self.samples,
                        self.clock.total, batch_correct / n)

    def diverged(self, Xb, loss, epoch, b):
        _check_batch_finite(Xb)
        np.copyto(self.flat, self.last_good)
        what = "became NaN or infinite" if not math.isfinite(loss) else f"exploded to {loss:.3g}"
        return Diverged(epoch + 1, b + 1, loss,
                        f"the loss {what} at epoch {epoch + 1}, batch {b + 1} "
                        f"(learning rate {self.lr:.3g}); the last good weights were restored "
                        f"(those of the start of epoch {self.last_good_epoch})")

    def end_epoch(self, epoch, tally):
        """Validate and measure the layers' health; return EpochEnd."""
        eval_start = self.clock.now()
        val_loss = val_acc = None
        if self.validation:
            val_loss, val_acc = evaluate(self.net, *self.validation)
        self.last_val = (val_loss, val_acc)
        with np.errstate(all="ignore"):
            stats = layer_stats(self.net, self.X_probe, tally.grad_norm_sum / max(tally.norm_count, 1),
                                tally.update_ratios)
        self.eval_seconds = self.clock.now() - eval_start
        self.last_epoch = epoch + 1
        if self.batches_done == self.batches:          # only a whole epoch counts as completed
            self.epochs_done, self.batches_done = epoch + 1, 0
        elapsed = self.clock.pause()
        seconds = elapsed - tally.start
        return EpochEnd(epoch + 1, self.config.epochs, tally.loss_sum / tally.seen,
                        tally.correct / tally.seen, val_loss, val_acc, self.lr, stats, elapsed, seconds,
                        tally.seen / max(seconds, 1e-9))

    def track_best(self, epoch):
        """Keep the best-validation weights; end the run when early stopping's patience runs out."""
        config = self.config
        if not self.validation or not (config.early_stopping or config.restore_best):
            return
        val_loss, val_acc = self.last_val
        score = val_loss if config.early_stopping_metric == "val_loss" else -val_acc
        if self.best_score is None or score < self.best_score:
            if self.best is None:
                self.best = np.empty_like(self.flat)
            np.copyto(self.best, self.flat)
            self.best_epoch, self.best_score, self.waited = epoch + 1, score, 0
        else:
            self.waited += 1
            if config.early_stopping and self.waited >= config.early_stopping:
                self.reason = "early_stopping"

    def restore_best(self):
        if self.best is not None and self.best_epoch != self.last_epoch:
            np.copyto(self.flat, self.best)
        else:
            self.best_epoch = None

    def finished(self, reason):
        total = self.clock.pause()
        restored = self.best_epoch if reason != "diverged" else None
        return Finished(reason, self.epochs_done, restored, total, self.samples / max(total, 1e-9))
