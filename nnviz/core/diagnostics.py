"""Training-health numbers per layer: dead and saturated units, activation statistics, norms."""

import numpy as np

from .events import LayerStats

# Peak of σ'(z) for the activations that saturate; a unit is saturated where σ'(z) < 5% of it.
SATURATION_PEAK = {"sigmoid": 0.25, "tanh": 1.0}
SATURATION_LEVEL = 0.05
SATURATED_SHARE = 0.9


def units(A):
    """Activations as (samples, units): a convolution's maps (n, H, W, C) as (n·H·W, C), its filters
    being the units (a filter is dead when it is 0 at every pixel of every sample)."""
    return A.reshape(-1, A.shape[-1]) if A.ndim == 4 else A


def dead_fraction(A):
    """Share of units (columns of A, (n, units)) whose output is exactly 0 on every sample."""
    if A.size == 0:
        return 0.0
    return float(np.mean(np.all(units(A) == 0, axis=0)))


def saturated_fraction(activation, Z, A):
    """Share of units whose σ'(z) is below 5% of its peak on ≥ 90% of the samples."""
    peak = SATURATION_PEAK.get(activation.name)
    if peak is None or A.size == 0:
        return 0.0
    flat = units(activation.derivative(Z, A) < SATURATION_LEVEL * peak)
    return float(np.mean(np.mean(flat, axis=0) >= SATURATED_SHARE))


def frobenius(a):
    flat = a.ravel()
    return float(np.sqrt(np.dot(flat, flat)))


def layer_stats(net, X_probe, grad_norms, update_ratios):
    """LayerStats for every weight layer of `net` on the probe inputs X_probe (n, net.input_width)."""
    Zs, As, _ = net.forward_cache(X_probe)
    stats = []
    last = net.n_layers - 1
    for l in range(net.n_layers):
        A = As[l + 1]
        hidden = l < last
        stats.append(LayerStats(
            grad_norm=float(grad_norms[l]),
            weight_norm=frobenius(net.weights[l]),
            update_ratio=float(update_ratios[l]),
            dead_fraction=dead_fraction(A) if hidden else 0.0,
            saturated_fraction=saturated_fraction(net.hidden, Zs[l], A) if hidden else 0.0,
            activation_mean=float(np.mean(A)) if A.size else 0.0,
            activation_std=float(np.std(A)) if A.size else 0.0,
        ))
    return tuple(stats)
