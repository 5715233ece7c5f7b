"""The backprop inspector: one mini-batch through the network keeping every zˡ, aˡ, δˡ, ∂C/∂bˡ, ∂C/∂Wˡ.

For layer l (1-based, zˡ = aˡ⁻¹Wˡ + bˡ, aˡ = σ(zˡ), a⁰ = X; n samples in the batch):

    BP1  δᴸ = ∇ₐC ⊙ σ'(zᴸ)             (a − y)/n for softmax + cross-entropy, sigmoid + BCE
    BP2  δˡ = (δˡ⁺¹ Wˡ⁺¹ᵀ) ⊙ σ'(zˡ)
    BP3  ∂C/∂bˡ = Σₓ δˡ
    BP4  ∂C/∂Wˡ = aˡ⁻¹ᵀ δˡ  (+ λWˡ with L2)

The δs come from the same activation and loss objects the network's `backward` uses; ∂C/∂W and
∂C/∂b are exactly what `backward` returns, so the learner sees the gradients training would use.
"""

from dataclasses import dataclass

import numpy as np

from .gradcheck import gradient_check


def read_only_copy(a):
    """A copy of `a` that cannot be written to (safe to hand to another thread or a view)."""
    c = np.array(a, copy=True)
    c.setflags(write=False)
    return c


@dataclass(frozen=True)
class LayerTrace:
    """One weight layer's part of the batch (read-only arrays in the network's dtype).

    z, a, delta: (n, d_out); a_prev: (n, d_in); dW: (d_in, d_out); db: (d_out,). A convolution's z, a
    and delta are channels-last maps (n, H, W, C) and its dW (C_out, C_in, k, k); a_prev is the previous
    layer's a as it is (before any pooling), and δ is BP2 of nnviz.core.conv_net.
    """

    z: np.ndarray
    a: np.ndarray
    a_prev: np.ndarray
    delta: np.ndarray
    dW: np.ndarray
    db: np.ndarray


@dataclass(frozen=True)
class BatchInspection:
    """The batch X (n, sizes[0]) as the first layer takes it (a network with input features: the
    points' features), its targets T (n, k), the loss C (with the L2 term), a LayerTrace per layer."""

    X: np.ndarray
    T: np.ndarray
    loss: float
    l2: float
    layers: tuple

    @property
    def gradients(self):
        """[(∂C/∂W, ∂C/∂b)] per layer, the shape `Network.gradients` returns."""
        return [(t.dW, t.db) for t in self.layers]


def deltas(net, Zs, As, T):
    """[δ¹, ..., δᴸ] (each (n, d_out)) for a cached forward pass without dropout: BP1, then BP2 backwards."""
    delta = net.cost.delta(Zs[-1], As[-1], T, net.output)                    # BP1
    return [d for _, d in net.backpropagate(Zs, As, delta)][::-1]            # BP2


def inspect_batch(net, X, Y, l2=0.0):
    """Forward and backward one batch X (n, input_width), as `Network.gradients` takes it, with labels
    (n,) or targets (n, k) Y; no dropout."""
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != net.input_width or len(X) == 0:
        raise ValueError(f"X: expected a batch of shape (n, {net.input_width}) with n ≥ 1, got {X.shape}")
    T = net.targets(Y, len(X))
    with np.errstate(all="ignore"):
        Zs, As, Ds = net.forward_cache(X)
        X = As[0]
        loss = net.cost.value(Zs[-1], As[-1], T) + net.l2_penalty(l2)
        grads = net.backward(Zs, As, Ds, T, l2)                               # BP3, BP4
        ds = deltas(net, Zs, As, T)
    layers = tuple(LayerTrace(*map(read_only_copy, (Zs[l], As[l + 1], As[l], ds[l], *grads[l])))
                   for l in range(net.n_layers))
    return BatchInspection(read_only_copy(X), read_only_copy(T), float(loss), float(l2), layers)


def check_batch(net, X, Y, l2=0.0, max_entries=None, epsilon=1e-6, seed=0):
    """Relative error per layer between backprop and central finite differences on this batch (float64).

    max_entries caps the entries checked per weight matrix and bias vector (picked with `seed`).
    """
    return gradient_check(net, X, Y, l2=l2, epsilon=epsilon, max_entries=max_entries, seed=seed)


def step(net, inspection, lr):
    """One plain SGD step from the inspected gradients: Wˡ ← Wˡ − η ∂C/∂Wˡ, bˡ ← bˡ − η ∂C/∂bˡ (in place)."""
    if len(inspection.layers) != net.n_layers:
        raise ValueError(f"inspection: has {len(inspection.layers)} layers, the network {net.n_layers}")
    for W, b, t in zip(net.weights, net.biases, inspection.layers):
        if t.dW.shape != W.shape or t.db.shape != b.shape:
            raise ValueError(f"inspection: gradient shapes {t.dW.shape}/{t.db.shape} do not match the "
                             f"network's {W.shape}/{b.shape}")
    for W, b, t in zip(net.weights, net.biases, inspection.layers):
        W -= net.dtype.type(lr) * t.dW
        b -= net.dtype.type(lr) * t.db
    return net
