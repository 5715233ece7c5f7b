"""The training loop as a generator of events, driven alike by the CLI, the tests and the GUI worker.

    for event in train(net, data, config):   # BatchEnd, EpochEnd, Diverged, Finished
        ...

Between two events the network's weights are consistent, so the consumer may pause (stop calling
`next`) or stop (`close()` the generator) at any event and keep a usable network. To stop and still
get the end of a run (evaluation, best weights restored, `Finished`), pass `should_stop`, a
callable checked after every batch. Time the consumer spends between events does not count as
training time in `elapsed`; a time budget counts wall time.
"""

import math
import time

import numpy as np

from .config import TrainConfig, TrainData
from .diagnostics import frobenius, layer_stats
from .events import BatchEnd, Diverged, EpochEnd, Finished
from .network import predictions
from .optimizers import make_optimizer
from .schedules import learning_rate

# A batch loss above this multiple of max(first batch loss, 1) counts as an explosion.
EXPLOSION_FACTOR = 100.0
# The per-layer gradient norm of an epoch is the mean over about this many evenly spaced batches.
GRAD_NORM_SAMPLES = 32


class _Clock:
    """Training time: runs inside the generator, stops while the consumer holds an event."""

    def __init__(self):
        self.total = 0.0
        self.resumed = time.perf_counter()

    def pause(self):
        now = time.perf_counter()
        self.total += now - self.resumed
        self.resumed = now
        return self.total

    def resume(self):
        self.resumed = time.perf_counter()

    @property
    def elapsed(self):
        return self.total + time.perf_counter() - self.resumed


def _labels(T):
    return predictions(T) if T.shape[1] > 1 else (T[:, 0] > 0.5).astype(np.int64)


def _class_labels(net, y, T):
    """Integer class labels for accuracy: y itself when it already is labels."""
    y = np.asarray(y)
    if y.ndim == 1 and net.sizes[-1] > 1:
        return y.astype(np.int64, copy=False)
    return _labels(T)


def _check_batch_finite(Xb):
    """NaN or inf in the inputs would pass for a diverging network; name the real cause."""
    if not np.all(np.isfinite(Xb)):
        raise ValueError("data: training inputs contain NaN or infinite values")


def evaluate(net, X, Y):
    """(mean loss, accuracy) of `net` on X with labels or targets Y, without dropout."""
    T = net.targets(Y, len(X))
    return net.loss(X, T), float(np.mean(net.predict(X) == _labels(T)))


def _snapshot(net):
    return [W.copy() for W in net.weights], [b.copy() for b in net.biases]


def _dropout_masks(net, rng, n, config):
    """Inverted dropout masks for each layer input: kept units are scaled by 1/(1 − p)."""
    if not config.dropout and not config.input_dropout:
        return None
    masks = []
    for l, width in enumerate(net.sizes[:-1]):
        p = config.input_dropout if l == 0 else config.dropout
        if p:
            keep = rng.random((n, width), dtype=net.dtype) >= p
            masks.append(keep.astype(net.dtype) * net.dtype.type(1.0 / (1.0 - p)))
        else:
            masks.append(None)
    return masks


def _clip(grad_arrays, clip_norm):
    """Rescale all gradients together so that their global norm is at most clip_norm."""
    total = math.sqrt(sum(float(np.dot(g.ravel(), g.ravel())) for g in grad_arrays))
    if total > clip_norm:
        scale = clip_norm / (total + 1e-12)
        for g in grad_arrays:
            g *= scale


def _check_data(net, data):
    if isinstance(data, tuple):
        data = TrainData(*data)
    X = np.asarray(data.X_train)
    if X.ndim != 2 or X.shape[1] != net.sizes[0] or len(X) == 0:
        raise ValueError(f"data: training inputs must be (n, {net.sizes[0]}) with n ≥ 1, got {X.shape}")
    if len(data.y_train) != len(X):
        raise ValueError(f"data: {len(X)} training inputs but {len(data.y_train)} labels")
    if data.X_val is not None and data.y_val is not None and len(data.X_val) != len(data.y_val):
        raise ValueError(f"data: {len(data.X_val)} validation inputs but {len(data.y_val)} labels")
    return data


def train(net, data, config=None, should_stop=None):
    """Train `net` in place on `data` (TrainData or (X, y)) with `config` (TrainConfig); yield events.

    should_stop: optional callable; when it returns True after a batch, the run ends as "stopped".
    """
    config = (config or TrainConfig()).validate()
    data = _check_data(net, data)
    if config.early_stopping and not data.has_validation:
        raise ValueError("early_stopping: needs a validation set (set a validation split > 0)")
    return _train(net, data, config, should_stop or (lambda: False))


def _train(net, data, config, should_stop):
    clock = _Clock()
    wall_start = time.perf_counter()
    rng = np.random.default_rng(config.seed)
    optimizer = make_optimizer(config.optimizer, config.momentum, config.beta1, config.beta2,
                               config.rho, config.epsilon)
    X = np.ascontiguousarray(data.X_train, dtype=net.dtype)
    T = net.targets(data.y_train, len(X))
    labels = _class_labels(net, data.y_train, T)
    has_val = data.has_validation
    if has_val:
        X_val = np.asarray(data.X_val, dtype=net.dtype)
        T_val = net.targets(data.y_val, len(X_val))
    X_probe = (X_val if has_val else X)[:config.probe_size]

    n = len(X)
    batch_size = min(config.batch_size, n)
    batches = math.ceil(n / batch_size)
    total_steps = config.epochs * batches
    norm_stride = max(1, batches // GRAD_NORM_SAMPLES)
    budget = config.time_budget
    params = net.params()
    grads = [(np.empty_like(W), np.empty_like(b)) for W, b in zip(net.weights, net.biases)]
    grad_arrays = [g for pair in grads for g in pair]
    scheduled = config.schedule != "constant" or config.warmup > 0

    last_good = _snapshot(net)
    best, best_epoch, best_score, waited = None, None, None, 0
    reference_loss = None
    eval_seconds = 0.0
    step, samples = 0, 0
    lr = config.learning_rate
    reason = "completed"
    epochs_done = 0

    def wall():
        return time.perf_counter() - wall_start

    def progress():
        by_steps = step / total_steps
        if budget:
            return max(by_steps, wall() / max(budget - eval_seconds, 1e-9))
        return by_steps

    for epoch in range(config.epochs):
        epoch_start = clock.elapsed
        order = rng.permutation(n)
        loss_sum, correct, seen = 0.0, 0, 0
        grad_norm_sum, norm_count = np.zeros(net.n_layers), 0
        update_ratios = np.zeros(net.n_layers)
        for b in range(batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            Xb, Tb = X[idx], T[idx]
            if data.augment is not None:
                Xb = np.asarray(data.augment(Xb, rng), dtype=net.dtype)
            masks = _dropout_masks(net, rng, len(idx), config)
            with np.errstate(all="ignore"):
                Zs, As, Ds = net.forward_cache(Xb, masks)
                loss = net.cost.value(Zs[-1], As[-1], Tb) + net.l2_penalty(config.l2)
            if reference_loss is None:
                reference_loss = loss
            if not math.isfinite(loss) or loss > EXPLOSION_FACTOR * max(reference_loss, 1.0):
                _check_batch_finite(Xb)
                net.set_params(*last_good)
                what = "became NaN or infinite" if not math.isfinite(loss) else f"exploded to {loss:.3g}"
                yield Diverged(epoch + 1, b + 1, loss,
                               f"the loss {what} at epoch {epoch + 1}, batch {b + 1} "
                               f"(learning rate {lr:.3g}); the last good weights were restored")
                clock.pause()
                yield Finished("diverged", epochs_done, None, clock.total, samples / max(clock.total, 1e-9))
                return
            loss_sum += loss * len(idx)
            batch_correct = int(np.count_nonzero(predictions(As[-1]) == labels[idx]))
            correct += batch_correct
            seen += len(idx)
            with np.errstate(all="ignore"):
                net.backward(Zs, As, Ds, Tb, config.l2, masks, grads)
            if b % norm_stride == 0:
                grad_norm_sum += [frobenius(dW) for dW, _ in grads]
                norm_count += 1
            if config.clip_norm:
                _clip(grad_arrays, config.clip_norm)
            if scheduled:
                lr = learning_rate(config.schedule, config.learning_rate, progress=progress(),
                                   epoch=epoch, step_epochs=config.step_epochs,
                                   step_gamma=config.step_gamma, min_lr=config.min_learning_rate,
                                   warmup=config.warmup)
            last_batch = b == batches - 1
            before = [W.copy() for W in net.weights] if last_batch else None
            optimizer.step(params, grad_arrays, lr)
            if last_batch:
                update_ratios = np.array([frobenius(W - W0) / max(frobenius(W), 1e-12)
                                          for W, W0 in zip(net.weights, before)])
            step += 1
            samples += len(idx)
            clock.pause()
            yield BatchEnd(epoch + 1, b + 1, batches, step, loss, lr, samples, clock.total,
                           batch_correct / len(idx))
            clock.resume()
            if budget and wall() + eval_seconds >= budget:
                reason = "time_budget"
                break
            if should_stop():
                reason = "stopped"
                break

        eval_start = time.perf_counter()
        val_loss = val_acc = None
        if has_val:
            val_loss, val_acc = evaluate(net, X_val, T_val)
        with np.errstate(all="ignore"):
            stats = layer_stats(net, X_probe, grad_norm_sum / max(norm_count, 1), update_ratios)
        eval_seconds = time.perf_counter() - eval_start
        epochs_done = epoch + 1
        elapsed = clock.pause()
        yield EpochEnd(epoch + 1, config.epochs, loss_sum / seen, correct / seen, val_loss, val_acc, lr,
                       stats, elapsed, elapsed - epoch_start, seen / max(elapsed - epoch_start, 1e-9))
        clock.resume()
        last_good = _snapshot(net)

        if has_val and (config.early_stopping or config.restore_best):
            score = val_loss if config.early_stopping_metric == "val_loss" else -val_acc
            if best_score is None or score < best_score:
                best, best_epoch, best_score, waited = _snapshot(net), epoch + 1, score, 0
            else:
                waited += 1
                if config.early_stopping and waited >= config.early_stopping:
                    reason = "early_stopping"
        if reason != "completed":
            break

    restored = None
    if best is not None and best_epoch != epochs_done:
        net.set_params(*best)
        restored = best_epoch
    total = clock.pause()
    yield Finished(reason, epochs_done, restored, total, samples / max(total, 1e-9))
