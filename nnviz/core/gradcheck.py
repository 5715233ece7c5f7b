"""Numerical gradient check: backprop against central finite differences, in float64."""

import numpy as np

from nnviz.seeds import stream

# Relative error of a layer: at most PASS_TOLERANCE means backprop is right (float64 central
# differences with ε = 1e-6 agree to ~1e-7 or better on every activation × loss); above
# WARN_TOLERANCE the gradient is wrong; in between, suspect (kinks of ReLU near a sample, say).
PASS_TOLERANCE, WARN_TOLERANCE = 1e-6, 1e-4


def check_level(error):
    """"ok", "warning" or "alarm" for a layer's relative error (see the tolerances above)."""
    return "ok" if error <= PASS_TOLERANCE else "warning" if error <= WARN_TOLERANCE else "alarm"


# Biases are moved by up to this much when a unit sits on ReLU's kink (see move_off_kinks).
KINK_OFFSET = 0.1


def move_off_kinks(net, X, seed=0):
    """Shift every bias by U(−KINK_OFFSET, KINK_OFFSET) when a hidden pre-activation is exactly 0 on X.

    ReLU-type activations have no derivative at z = 0, where central differences give half a step
    and backprop 0. Freshly initialised convolutions put every pixel of a blank patch there
    (z = b = 0); a check of backprop must look at a point where the derivative exists. Returns
    whether it moved them.
    """
    Zs = net.forward_cache(X)[0]
    if not any(np.any(Z == 0) for Z in Zs[:-1]):
        return False
    rng = stream(seed, "gradcheck")
    for b in net.biases:
        b += rng.uniform(-KINK_OFFSET, KINK_OFFSET, b.shape).astype(b.dtype)
    return True


def gradient_check(net, X, Y, l2=0.0, epsilon=1e-6, max_entries=None, seed=0):
    """Relative error per layer between analytic and numerical gradients.

    Each checked entry θ gets g_num = (C(θ + ε) − C(θ − ε)) / 2ε on a float64 copy of `net`; the
    layer's error is ‖g_num − g_bp‖ / (‖g_num‖ + ‖g_bp‖) over its weights and biases together
    (0 where both vanish). max_entries limits the entries checked per array (chosen by `seed`).
    Returns a list of floats, one per weight layer.
    """
    net64 = net.copy(dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    analytic = net64.gradients(X, Y, l2)
    rng = stream(seed, "gradcheck")
    errors = []
    for l in range(net64.n_layers):
        num_parts, ana_parts = [], []
        for array, grad in ((net64.weights[l], analytic[l][0]), (net64.biases[l], analytic[l][1])):
            flat, gflat = array.reshape(-1), grad.reshape(-1)
            entries = np.arange(flat.size)
            if max_entries is not None and flat.size > max_entries:
                entries = rng.choice(flat.size, max_entries, replace=False)
            for i in entries:
                saved = flat[i]
                flat[i] = saved + epsilon
                plus = net64.loss(X, Y, l2)
                flat[i] = saved - epsilon
                minus = net64.loss(X, Y, l2)
                flat[i] = saved
                num_parts.append((plus - minus) / (2 * epsilon))
                ana_parts.append(gflat[i])
        num, ana = np.array(num_parts), np.array(ana_parts)
        denom = np.linalg.norm(num) + np.linalg.norm(ana)
        errors.append(float(np.linalg.norm(num - ana) / denom) if denom > 0 else 0.0)
    return errors
