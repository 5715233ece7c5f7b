"""Activation functions, each a small class with `forward` and `backward` (a vector-Jacobian product).

All work on whole batches: Z is (n, units). `backward(Z, A, dA)` returns dC/dZ given dC/dA, where
A = forward(Z) is passed back in so functions whose derivative is cheapest from A (sigmoid, tanh)
do not recompute it; it may overwrite dA.
"""

import numpy as np


class Activation:
    name = ""

    def forward(self, Z):
        raise NotImplementedError

    def backward(self, Z, A, dA):
        raise NotImplementedError

    def derivative(self, Z, A):
        """Elementwise dA/dZ (used by the diagnostics for saturation)."""
        return self.backward(Z, A, np.ones_like(A))


class Sigmoid(Activation):
    """σ(z) = 1 / (1 + e^(−z)), σ'(z) = σ(z)(1 − σ(z)). Computed without overflow for |z| large."""

    name = "sigmoid"

    def forward(self, Z):
        # 0.5 * (1 + tanh(z/2)) is the same function and never overflows.
        A = np.multiply(Z, 0.5)
        np.tanh(A, out=A)
        A += 1.0
        A *= 0.5
        return A

    def backward(self, Z, A, dA):
        return dA * A * (1.0 - A)


class Tanh(Activation):
    name = "tanh"

    def forward(self, Z):
        return np.tanh(Z)

    def backward(self, Z, A, dA):
        return dA * (1.0 - A * A)


class ReLU(Activation):
    name = "relu"

    ZERO_SHAPES = 8             # zero arrays kept (one per hidden layer width and batch size in use)

    def __init__(self):
        self._zeros = {}

    def forward(self, Z):
        # max(z, 0) against an array of zeros shaped like Z: NumPy's SIMD loop wants two operands
        # of the same shape; with a scalar 0 it falls back to a loop about 3x slower (64x128 float32:
        # 9 µs against 24-30 µs). One zero array per shape, so that every hidden layer finds its own
        # (a single slot missed on every call with two layers of different widths).
        # (Dict reads and writes are atomic: copies of a network share this object across threads.)
        key = (Z.shape, Z.dtype)
        zeros = self._zeros.get(key)
        if zeros is None:
            if len(self._zeros) >= self.ZERO_SHAPES:
                self._zeros = {}
            zeros = np.zeros_like(Z)
            zeros.flags.writeable = False
            self._zeros[key] = zeros
        return np.maximum(Z, zeros)

    def backward(self, Z, A, dA):
        # In place is safe: dA is always a fresh buffer owned by the backward pass.
        return np.multiply(dA, Z > 0, out=dA)


class LeakyReLU(Activation):
    """f(z) = z for z > 0, αz otherwise (α = 0.01)."""

    name = "leaky_relu"
    alpha = 0.01

    def forward(self, Z):
        # For 0 < α < 1, max(z, αz) is z for z > 0 and αz otherwise.
        A = np.multiply(Z, self.alpha)
        return np.maximum(Z, A, out=A)

    def backward(self, Z, A, dA):
        return np.where(Z > 0, dA, dA * self.alpha)


class ELU(Activation):
    """f(z) = z for z > 0, α(e^z − 1) otherwise (α = 1); f'(z) = f(z) + α for z ≤ 0."""

    name = "elu"
    alpha = 1.0

    def forward(self, Z):
        A = np.minimum(Z, 0)
        np.expm1(A, out=A)
        A *= self.alpha
        np.copyto(A, Z, where=Z > 0)
        return A

    def backward(self, Z, A, dA):
        return np.where(Z > 0, dA, dA * (A + self.alpha))


class Linear(Activation):
    name = "linear"

    def forward(self, Z):
        return Z.copy()

    def backward(self, Z, A, dA):
        return dA


class Softmax(Activation):
    """softmax(z)_j = e^(z_j − max z) / Σ_k e^(z_k − max z), row-wise.

    Its vector-Jacobian product is dZ = A ⊙ (dA − Σ_j dA_j A_j).
    """

    name = "softmax"

    def forward(self, Z):
        A = shifted_logits(Z)
        softmax_in_place(A)
        return A

    def backward(self, Z, A, dA):
        return A * (dA - np.sum(dA * A, axis=1, keepdims=True))


def shifted_logits(Z):
    """z − maxⱼ zⱼ for each row of Z (n, k), as a new column-major array.

    With few columns (an output layer has ~10), NumPy reduces rows about 5x faster in that layout.
    """
    shifted = np.array(Z, order="F")
    shifted -= shifted.max(axis=1, keepdims=True)
    return shifted


def softmax_in_place(shifted):
    """Turn shifted logits z − max z (n, k) into softmax rows in place; return Σⱼ e^(zⱼ − max z), (n, 1)."""
    np.exp(shifted, out=shifted)
    normalisers = shifted.sum(axis=1, keepdims=True)
    shifted /= normalisers
    return normalisers


HIDDEN = {cls.name: cls for cls in (Sigmoid, Tanh, ReLU, LeakyReLU, ELU)}
OUTPUT = {cls.name: cls for cls in (Softmax, Sigmoid, Linear)}


def _lookup(table, name, field):
    if name not in table:
        raise ValueError(f"{field}: unknown activation {name!r}; allowed: {', '.join(table)}")
    return table[name]()


def hidden_activation(name: str) -> Activation:
    return _lookup(HIDDEN, name, "hidden")


def output_activation(name: str) -> Activation:
    return _lookup(OUTPUT, name, "output")
