"""The learning-rate range test (Smith 2017): train briefly while η grows, and suggest an η.

From the network's current initialisation (on a copy: the network itself is left untouched), batch
i of `steps` trains at

    ηᵢ = η_min · (η_max / η_min)^(i / (steps − 1))        (η grows exponentially)

and records the batch loss Cᵢ. The test stops early once the loss explodes: when its running
average, a bias-corrected exponential moving average (β = `smoothing`)

    mᵢ = β mᵢ₋₁ + (1 − β) Cᵢ,   C̄ᵢ = mᵢ / (1 − βⁱ⁺¹)

exceeds `explode` times its lowest value so far, or the loss is NaN or infinite: beyond that η
training diverges. That average lags by about β/(1 − β) batches, which would move the curve to
larger η, so the curve shown and judged is a centred moving average instead, over k = steps // 20
batches on either side (fewer at the ends):

    Ĉᵢ = mean(Cᵢ₋ₖ, …, Cᵢ₊ₖ)

The suggestion is the η where Ĉ falls fastest, i.e. where the slope dĈ/d(ln η) is most negative
(central differences, taken only up to the lowest Ĉ, since past it the curve rises towards the
explosion).
"""

import math
from dataclasses import dataclass

import numpy as np

from nnviz.guard import UserError, shorten
from nnviz.seeds import stream

from .config import TrainConfig, TrainData
from .optimizers import make_optimizer
from .training import in_feature_space

SMOOTHING = 0.9
EXPLODE = 4.0
# The largest η a range test may reach: losses explode near η = 10 to 100; beyond 1e6 the η grid
# itself overflows for small η_min (1e308 / 1e-5 is infinite) and the report said "η = inf".
MAX_LR = 1e6


@dataclass(frozen=True)
class RangeTest:
    """learning_rates (n,) η of each batch trained; losses (n,) the raw batch losses; smoothed (n,)
    their centred average Ĉ; suggestion the suggested η (None when the curve never falls); reason says why, in words;
    exploded True when the test stopped early because the loss blew up."""

    learning_rates: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    suggestion: float | None
    reason: str
    exploded: bool


def centred_average(losses, k):
    """Ĉ: the mean of each loss with its k neighbours on either side (fewer at the ends)."""
    sums = np.concatenate([[0.0], np.cumsum(losses)])
    i = np.arange(len(losses))
    lo, hi = np.maximum(i - k, 0), np.minimum(i + k + 1, len(losses))
    return (sums[hi] - sums[lo]) / (hi - lo)


def steepest_descent(learning_rates, smoothed):
    """(index of the most negative slope dĈ/d(ln η) up to the lowest Ĉ, that slope), or (None, None)."""
    if len(smoothed) < 2:
        return None, None
    lowest = int(np.argmin(smoothed))
    if lowest < 1:
        return None, None
    slopes = np.gradient(smoothed[:lowest + 1], np.log(learning_rates[:lowest + 1]))
    i = int(np.argmin(slopes))
    return (i, float(slopes[i])) if slopes[i] < 0 else (None, None)


def _reason(learning_rates, smoothed, i, slope, exploded):
    if len(smoothed) == 0:
        return "the loss was not finite at the first batch: check the data and the initialisation"
    lowest = int(np.argmin(smoothed))
    end = (f"the loss exploded at η = {learning_rates[-1]:.3g}, so the test stopped there" if exploded
           else f"the test ended at η = {learning_rates[-1]:.3g} without the loss exploding")
    if i is None:
        return f"the smoothed loss never fell between η = {learning_rates[0]:.3g} and " \
               f"{learning_rates[-1]:.3g}; {end}: try a smaller η_min or another initialisation"
    return (f"the smoothed loss falls fastest at η = {learning_rates[i]:.3g} "
            f"({slope:.3g} per e-fold of η); it is lowest ({smoothed[lowest]:.3g}) at "
            f"η = {learning_rates[lowest]:.3g}, and {end}")


def lr_range_test(net, data, config=None, min_lr=1e-5, max_lr=10.0, steps=200, smoothing=SMOOTHING,
                  explode=EXPLODE, should_stop=None):
    """Run the range test on a copy of `net` with `data` (TrainData or (X, y)); return a RangeTest.

    config (TrainConfig) gives the optimiser, its parameters, the batch size, L2 and the seed of the
    batch order and the augmentations (the streams training draws them from); its learning rate and
    schedule are replaced by the growing η. Dropout is not applied; augmentation (data.augment) is.
    Batches are drawn from seeded shuffles of the training set, as many epochs as `steps` needs.
    should_stop: optional callable checked before each batch; when it returns True the test ends
    there (with the curve so far).
    """
    config = (config or TrainConfig()).validate()
    if isinstance(data, tuple):
        data = TrainData(*data)
    if not (0 < min_lr < max_lr and math.isfinite(max_lr)):
        raise UserError(f"learning rates: need 0 < η_min < η_max, got {shorten(min_lr)} and {shorten(max_lr)}")
    if max_lr > MAX_LR:
        raise UserError(f"max_lr: {max_lr:g} is not allowed; must be at most {MAX_LR:g} (every loss explodes "
                        f"long before)")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 3:
        raise UserError(f"steps: {shorten(steps)} is not allowed; must be a whole number ≥ 3")
    net, data = in_feature_space(net.copy(), data)
    X = np.ascontiguousarray(data.X_train, dtype=net.dtype)
    T = net.targets(data.y_train, len(X))
    order_rng, augment_rng = stream(config.seed, "batch_order"), stream(config.seed, "augmentation")
    optimizer = make_optimizer(config.optimizer, config.momentum, config.beta1, config.beta2,
                               config.rho, config.epsilon)
    params = [net.flat_params()]
    grads_flat = np.empty_like(params[0])
    grads = list(zip(*net.layer_views(grads_flat)))
    batch = min(config.batch_size, len(X))
    etas = min_lr * (max_lr / min_lr) ** (np.arange(steps) / (steps - 1))
    losses, order, exploded = [], np.empty(0, dtype=np.int64), False
    lowest, m = math.inf, 0.0
    for i, eta in enumerate(etas):
        if should_stop is not None and should_stop():
            break
        if len(order) < batch:
            order = np.concatenate([order, order_rng.permutation(len(X))])
        idx, order = order[:batch], order[batch:]
        Xb = X[idx] if data.augment is None else np.asarray(data.augment(X[idx], augment_rng), dtype=net.dtype)
        with np.errstate(all="ignore"):
            Zs, As, Ds, loss = net.forward_cost(Xb, T[idx])
            loss += net.l2_penalty(config.l2)
            m = smoothing * m + (1 - smoothing) * loss
            current = m / (1 - smoothing ** (i + 1))
            if not math.isfinite(current) or current > explode * lowest:
                exploded = True
                break
            losses.append(loss)
            lowest = min(lowest, current)
            net.backward(Zs, As, Ds, T[idx], config.l2, grads=grads)
            optimizer.step(params, [grads_flat], float(eta))
    etas, losses = etas[:len(losses)], np.array(losses)
    smoothed = centred_average(losses, max(1, steps // 20))
    i, slope = steepest_descent(etas, smoothed)
    suggestion = None if i is None else float(etas[i])
    return RangeTest(etas, losses, smoothed, suggestion, _reason(etas, smoothed, i, slope, exploded), exploded)
