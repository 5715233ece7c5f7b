"""Training health: detectors that turn per-layer numbers into a traffic light and a one-line remedy.

`diagnose(history, n_classes, activation)` reads the EpochEnd events of a run (the latest one and
the trend) and returns one `Finding` per detector, in `DETECTORS` order. Layers are weight layers,
1-based: layer l holds Wˡ and produces aˡ (hidden layer l, or the output layer for l = L).

Two gradient scales are compared with the output layer's, per layer l:
    ratio  ‖∂C/∂Wˡ‖ / ‖∂C/∂Wᴸ‖                               (`health_ratios`)
    speed  (‖∂C/∂Wˡ‖ / ‖Wˡ‖) / (‖∂C/∂Wᴸ‖ / ‖Wᴸ‖)             (`learning_speeds`)
The ratio is inflated in the first layer by wide inputs (784 pixels), so a deep sigmoid net with
N(0, 1) weights shows a ratio near 0.2 on MNIST while its first layer learns ~50× slower than the
output layer; the speed catches that. Vanishing uses the smaller of the two, exploding the larger
only when both agree. On MNIST, a healthy He/ReLU 784-128-64-10 net shows ratios 1–2 and speeds 0.5–1.
"""

import math
from dataclasses import asdict, dataclass
from types import SimpleNamespace

import numpy as np

from .diagnostics import frobenius, layer_stats

LEVELS = ("ok", "warning", "alarm")
DETECTORS = ("stuck_at_chance", "dying_relu", "saturation", "vanishing_gradients",
             "exploding_gradients", "divergence", "overfitting")
TITLES = {
    "stuck_at_chance": "stuck at chance", "dying_relu": "dying ReLU", "saturation": "saturation",
    "vanishing_gradients": "vanishing gradients", "exploding_gradients": "exploding gradients",
    "divergence": "divergence", "overfitting": "overfitting",
}

# (warning, alarm) thresholds.
DEAD = (0.2, 0.5)                  # share of a ReLU layer's units dead on the whole probe set
SATURATED = (0.2, 0.5)             # share of a sigmoid/tanh layer's units saturated
VANISHING = (0.1, 0.01)            # min(ratio, speed) of a hidden layer below this
EXPLODING = (10.0, 100.0)          # min(ratio, speed) of a hidden layer above this
UPDATE_RATIO = (0.1, 1.0)          # ‖ΔW‖/‖W‖ of one step above this
OVERFIT_EPOCHS = (2, 3)            # epochs in a row of rising validation loss and falling training loss
STUCK_EPOCHS_ALARM = 3             # epochs at chance before the warning turns into an alarm
STUCK_MARGIN = (0.5, 0.1)          # "at chance": accuracy ≤ 1/k + min(0.5/k, 0.1)
FROZEN_UPDATE = 1e-4               # all update ratios below this: the weights barely move
SATURATING = ("sigmoid", "tanh")
OVERFIT_RISE = 0.01                # and the validation loss at least 1% above its best
PER_LAYER = ("dying_relu", "saturation", "vanishing_gradients", "exploding_gradients")   # judge LayerStats
# Detectors that explain "stuck at chance", most fundamental first.
CAUSES = ("divergence", "vanishing_gradients", "dying_relu", "saturation", "exploding_gradients")


@dataclass(frozen=True)
class Finding:
    """One detector's verdict. level: "ok" | "warning" | "alarm"; layer: 1-based weight layer or
    None; message: one line naming the layer and the usual remedy; applicable: False when the
    detector has nothing to judge (e.g. dying ReLU in a sigmoid net, overfitting without validation)."""

    detector: str
    level: str
    layer: int | None
    message: str
    applicable: bool = True

    @property
    def title(self):
        return TITLES[self.detector]

    def as_dict(self):
        """A JSON-able dict (for the CLI's --json records)."""
        return asdict(self)


@dataclass(frozen=True)
class Histogram:
    """counts (bins,) and edges (bins + 1,) as from np.histogram of the finite values."""

    counts: np.ndarray
    edges: np.ndarray


@dataclass(frozen=True)
class LayerHistograms:
    """Histograms of Wˡ and of aˡ on the probe set, for one weight layer."""

    weights: Histogram
    activations: Histogram


# -- numbers ------------------------------------------------------------------------------------

def _layers(event_or_layers):
    return getattr(event_or_layers, "layers", event_or_layers)


def _ratio(a, b):
    if b > 0 and math.isfinite(b):
        return a / b
    return math.nan if a == 0 or not math.isfinite(a) else math.inf


def health_ratios(event_or_layers):
    """‖∂C/∂Wˡ‖ / ‖∂C/∂Wᴸ‖ per layer (1.0 for the output layer) from an EpochEnd or its LayerStats."""
    layers = _layers(event_or_layers)
    out = layers[-1].grad_norm
    return tuple(_ratio(s.grad_norm, out) for s in layers)


def learning_speeds(event_or_layers):
    """(‖∂C/∂Wˡ‖/‖Wˡ‖) / (‖∂C/∂Wᴸ‖/‖Wᴸ‖) per layer: how fast each layer learns relative to its
    size, compared with the output layer (1.0 for the output layer)."""
    layers = _layers(event_or_layers)
    rel = [_ratio(s.grad_norm, s.weight_norm) for s in layers]
    return tuple(_ratio(r, rel[-1]) for r in rel)


def layer_report(net, X_probe, grads, learning_rate=None):
    """LayerStats for `net` now, without training: grads [(dW, db), ...] from `net.gradients` on a
    batch; update_ratio is the plain-SGD estimate lr·‖dW‖/‖W‖ when learning_rate is given, else NaN."""
    X_probe = np.asarray(X_probe, dtype=net.dtype)
    grad_norms = [frobenius(dW) for dW, _ in grads]
    if learning_rate is None:
        updates = [math.nan] * net.n_layers
    else:
        updates = [learning_rate * g / max(frobenius(W), 1e-12) for g, W in zip(grad_norms, net.weights)]
    with np.errstate(all="ignore"):
        return layer_stats(net, X_probe, grad_norms, updates)


def _histogram(values, bins):
    flat = np.asarray(values, dtype=np.float64).ravel()
    flat = flat[np.isfinite(flat)]
    counts, edges = np.histogram(flat, bins=bins)
    return Histogram(counts, edges)


def histograms(net, X_probe, bins=30):
    """[LayerHistograms] per weight layer: Wˡ's entries and aˡ on X_probe (n, d_in); NaN/inf ignored."""
    with np.errstate(all="ignore"):
        acts = net.forward(X_probe)[1:]
    return [LayerHistograms(_histogram(W, bins), _histogram(a, bins)) for W, a in zip(net.weights, acts)]


# -- detectors ----------------------------------------------------------------------------------

def threshold_level(value, thresholds, above=True):
    """"ok", "warning" or "alarm" for `value` against (warning, alarm) thresholds: above them (or below,
    with above=False) is bad. A missing or non-finite value is "ok" (nothing to judge)."""
    if value is None or not math.isfinite(value):
        return "ok"
    warning, alarm = thresholds
    if above:
        return "alarm" if value > alarm else "warning" if value > warning else "ok"
    return "alarm" if value < alarm else "warning" if value < warning else "ok"


def _where(l, n_layers):
    return "the output layer" if l == n_layers else f"layer {l}"


def _waiting(detector):
    return Finding(detector, "ok", None, "Waiting for the first epoch", applicable=False)


def _unit_share(detector, event, activation, kinds, attr, thresholds, noun, what, remedy):
    if activation not in kinds:
        return Finding(detector, "ok", None, f"Not applicable: hidden units are {activation}", False)
    hidden = event.layers[:-1]
    if not hidden:
        return Finding(detector, "ok", None, "Not applicable: no hidden layers", False)
    shares = [getattr(s, attr) for s in hidden]
    l = int(np.argmax(shares)) + 1
    level = threshold_level(shares[l - 1], thresholds)
    if level == "ok":
        return Finding(detector, "ok", l, f"Fine: no layer has over {thresholds[0]:.0%} {noun} units "
                                          f"(most: layer {l}, {shares[l - 1]:.0%})")
    return Finding(detector, level, l, f"{shares[l - 1]:.0%} of layer {l}'s units {what} — {remedy}")


def _dying_relu(event, activation):
    return _unit_share("dying_relu", event, activation, ("relu",), "dead_fraction", DEAD, "dead",
                       "output 0 on every probe sample (dead)",
                       "lower the learning rate, use He init, or switch to leaky ReLU")


def _saturation(event, activation, init=None):
    smaller = "" if init == "xavier" else "use Xavier init (smaller weights), "     # not what it already is
    return _unit_share("saturation", event, activation, SATURATING, "saturated_fraction", SATURATED,
                       "saturated", f"sit where {activation}' ≈ 0 (saturated)",
                       f"{smaller}lower the learning rate, or switch to ReLU")


def _gradient_scales(event):
    """[(layer, ratio, speed)] for the hidden layers."""
    ratios, speeds = health_ratios(event), learning_speeds(event)
    return [(l, r, s) for l, (r, s) in enumerate(zip(ratios[:-1], speeds[:-1]), start=1)]


def _vanishing(event, activation, init=None):
    if len(event.layers) < 2:
        return Finding("vanishing_gradients", "ok", None, "Not applicable: no hidden layers", False)
    scales = [(l, min(r, s), r, s) for l, r, s in _gradient_scales(event) if not (np.isnan(r) or np.isnan(s))]
    if not scales:
        return Finding("vanishing_gradients", "ok", None, "Not measurable: the output layer's gradient "
                                                          "is 0", False)
    l, worst, r, s = min(scales, key=lambda t: t[1])
    level = threshold_level(worst, VANISHING, above=False)
    if level == "ok":
        return Finding("vanishing_gradients", "ok", l, f"Fine: every layer learns at least {worst:.2g}× "
                                                       f"as fast as the output layer")
    slower = f"{1 / worst:,.0f}×" if worst > 0 else "infinitely"
    if activation in SATURATING:
        remedy = ("switch to ReLU with He init or use fewer layers" if init == "xavier"
                  else "switch to ReLU with He init, use Xavier init, or use fewer layers")
    else:
        remedy = "use fewer layers" if init == "he" else "use He init (not tiny or N(0, 1) weights) or fewer layers"
    return Finding("vanishing_gradients", level, l,
                   f"Layer {l} learns {slower} slower than the output layer (gradient ratio {r:.2g}, "
                   f"speed {s:.2g}) — {remedy}")


def _exploding(event):
    finite = all(math.isfinite(s.grad_norm) for s in event.layers)
    if not finite:
        l = next(l for l, s in enumerate(event.layers, start=1) if not math.isfinite(s.grad_norm))
        return Finding("exploding_gradients", "alarm", l,
                       f"{_where(l, len(event.layers)).capitalize()}'s gradient is NaN or infinite — "
                       "lower the learning rate or clip gradients")
    scales = [(l, min(r, s)) for l, r, s in _gradient_scales(event)]
    grow_l, grow = max(scales, key=lambda t: t[1]) if scales else (None, 0.0)
    updates = [s.update_ratio for s in event.layers]
    upd_l = int(np.nanargmax(updates)) + 1 if not all(np.isnan(updates)) else None
    upd = updates[upd_l - 1] if upd_l else 0.0
    grow_level, upd_level = threshold_level(grow, EXPLODING), threshold_level(upd, UPDATE_RATIO)
    if LEVELS.index(grow_level) >= LEVELS.index(upd_level) and grow_level != "ok":
        return Finding("exploding_gradients", grow_level, grow_l,
                       f"Layer {grow_l}'s gradients are {grow:.0f}× the output layer's — lower the "
                       "learning rate, clip gradients, or use He/Xavier init")
    if upd_level != "ok":
        return Finding("exploding_gradients", upd_level, upd_l,
                       f"One step changes {_where(upd_l, len(event.layers))}'s weights by {upd:.0%} "
                       "(healthy ≈ 0.1–1%) — lower the learning rate or clip gradients")
    steps = f"a step changes the weights by ≤ {upd:.2%}; " if upd_l else ""
    return Finding("exploding_gradients", "ok", upd_l,
                   f"Fine: {steps}no layer's gradient is over {EXPLODING[0]:.0f}× the output layer's")


def _divergence(history, diverged):
    if diverged is not None:
        return Finding("divergence", "alarm", None,
                       f"Diverged at epoch {diverged.epoch}, batch {diverged.batch} (loss "
                       f"{diverged.loss:.3g}); rolled back to the last good weights — continue with "
                       "half the learning rate, or clip gradients")
    if history and not math.isfinite(history[-1].train_loss):
        return Finding("divergence", "alarm", None, f"The training loss is {history[-1].train_loss} — "
                                                    "lower the learning rate or clip gradients")
    return Finding("divergence", "ok", None, "Fine: the loss is finite")


def _overfitting(history):
    if not history or history[-1].val_loss is None:
        return Finding("overfitting", "ok", None, "Not applicable: no validation set", False)
    run = 0
    for prev, cur in zip(reversed(history[:-1]), reversed(history)):
        if cur.val_loss > prev.val_loss and cur.train_loss < prev.train_loss:
            run += 1
        else:
            break
    warning, alarm = OVERFIT_EPOCHS
    level = "alarm" if run >= alarm else "warning" if run >= warning else "ok"
    best = min(range(len(history)), key=lambda i: history[i].val_loss)
    if history[-1].val_loss < history[best].val_loss * (1 + OVERFIT_RISE):
        level = "ok"                       # a plateau's noise, not a trend
    if level == "ok":
        return Finding("overfitting", "ok", None, "Fine: validation loss is not rising while training "
                                                  "loss falls")
    return Finding("overfitting", level, None,
                   f"Validation loss has risen {run} epochs in a row (best at epoch "
                   f"{history[best].epoch}) while training loss falls — use early stopping, L2, "
                   "dropout or more data")


def _stuck(history, n_classes, others):
    if not n_classes:
        return Finding("stuck_at_chance", "ok", None, "Not applicable: not a classification task", False)
    k = max(int(n_classes), 2)
    chance = 1.0 / k
    limit = chance + min(STUCK_MARGIN[0] / k, STUCK_MARGIN[1])
    stuck = 0
    for event in reversed(history):
        if event.train_accuracy <= limit:
            stuck += 1
        else:
            break
    acc = history[-1].train_accuracy
    if not stuck:
        return Finding("stuck_at_chance", "ok", None, f"Fine: accuracy {acc:.1%} is above chance "
                                                      f"({chance:.0%})")
    level = "alarm" if stuck >= STUCK_EPOCHS_ALARM else "warning"
    cause, layer = _likely_cause(history[-1], others)
    epochs = f"{stuck} epoch{'s' if stuck > 1 else ''}"
    return Finding("stuck_at_chance", level, layer,
                   f"Accuracy {acc:.1%} ≈ chance (1/{k}) for {epochs} — {cause}")


def _likely_cause(event, others):
    """(hint, layer) naming the likeliest reasons (the other lights, alarms first) for sitting at chance."""
    lit = [others[d] for d in CAUSES if d in others and others[d].level != "ok"]
    lit.sort(key=lambda f: -LEVELS.index(f.level))          # stable: keeps CAUSES order within a level
    if lit:
        names = [TITLES[f.detector] + (f" (layer {f.layer})" if f.layer else "") for f in lit[:2]]
        causes = f"likely cause{'s' if len(names) > 1 else ''}: {' and '.join(names)}"
        return f"{causes}; see those lights", lit[0].layer
    updates = [s.update_ratio for s in event.layers if math.isfinite(s.update_ratio)]
    if updates and max(updates) < FROZEN_UPDATE:
        return (f"the weights barely move (update/weight ≤ {max(updates):.1g}): raise the learning rate "
                "or use He/Xavier init instead of tiny weights"), None
    return "try a learning rate ×10 or ÷10, He/Xavier init, and check the labels", None


def diagnose(history, n_classes, activation, diverged=None, layers=None, init=None):
    """One Finding per detector (in DETECTORS order) for a run so far.

    history: the EpochEnd events so far, oldest first (may be empty); n_classes: number of classes
    (2 for a single sigmoid output; None or 0 for regression, which skips "stuck at chance");
    activation: the hidden activation's name; diverged: the run's Diverged event, if any; layers:
    LayerStats measured now (e.g. by `layer_report` on a replayed snapshot) for the per-layer
    detectors, instead of the last epoch's; init: the initialiser's name, which no remedy then suggests.
    """
    history = list(history)
    found = {"divergence": _divergence(history, diverged)}
    now = SimpleNamespace(layers=tuple(layers)) if layers is not None else history[-1] if history else None
    if now is not None:
        found["dying_relu"] = _dying_relu(now, activation)
        found["saturation"] = _saturation(now, activation, init)
        found["vanishing_gradients"] = _vanishing(now, activation, init)
        found["exploding_gradients"] = _exploding(now)
    if history:
        found["overfitting"] = _overfitting(history)
        found["stuck_at_chance"] = _stuck(history, n_classes, found)
    return [found.get(d) or _waiting(d) for d in DETECTORS]


def diagnose_layers(layers, activation, init=None):
    """Findings of the per-layer detectors (dying ReLU, saturation, vanishing and exploding gradients)
    for LayerStats measured on demand, e.g. by `layer_report` before training."""
    return [f for f in diagnose([], None, activation, layers=layers, init=init) if f.detector in PER_LAYER]


def worst_level(findings):
    """The most severe level among findings ("ok" when there are none)."""
    return max((f.level for f in findings), key=LEVELS.index, default="ok")
