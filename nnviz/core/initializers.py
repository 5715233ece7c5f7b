"""Weight initialisers: W has shape (fan_in, fan_out) (or the `shape` given, e.g. a convolution's
(C_out, C_in, k, k)); biases start at zero except for `normal`."""

import numpy as np


def normal(rng, fan_in, fan_out, shape):
    """N(0, 1), the textbook network.py."""
    return rng.standard_normal(shape)


def scaled_normal(rng, fan_in, fan_out, shape):
    """N(0, 1/fan_in), network2.py's improved initialisation."""
    return rng.standard_normal(shape) / np.sqrt(fan_in)


def small(rng, fan_in, fan_out, shape):
    """N(0, 1) × 0.01."""
    return rng.standard_normal(shape) * 0.01


def xavier(rng, fan_in, fan_out, shape):
    """Glorot uniform: U(−r, r) with r = √(6 / (fan_in + fan_out))."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape)


def he(rng, fan_in, fan_out, shape):
    """N(0, 2/fan_in), for ReLU layers."""
    return rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)


INITIALIZERS = {f.__name__: f for f in (normal, scaled_normal, small, xavier, he)}


def init_layer(name, rng, fan_in, fan_out, shape=None):
    """Return (W, b) as float64; `normal` also draws biases from N(0, 1) like network.py.

    shape: W's shape, default (fan_in, fan_out); b has shape[0] entries for another shape (a
    convolution's filters), else fan_out.
    """
    if name not in INITIALIZERS:
        raise ValueError(f"init: unknown initialiser {name!r}; allowed: {', '.join(INITIALIZERS)}")
    units = fan_out if shape is None else shape[0]
    W = INITIALIZERS[name](rng, fan_in, fan_out, shape or (fan_in, fan_out))
    b = rng.standard_normal(units) if name == "normal" else np.zeros(units)
    return W, b
