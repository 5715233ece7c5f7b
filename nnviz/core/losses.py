"""Loss functions: the mean over the batch of a per-sample cost, computed stably from the logits.

Each loss gives `value(Z, A, Y)` (a float), `forward(Z, Y, output)` (the output activations and the
value together) and `delta(Z, A, Y, output)`, the output error δᴸ = ∂C/∂zᴸ for the whole batch
(BP1), already divided by the batch size n.

Valid (output, loss) pairs are listed in `VALID_PAIRS`: softmax with cross-entropy and sigmoid with
binary cross-entropy use the cancellation δᴸ = (A − Y)/n; the others go through the output
activation's vector-Jacobian product δᴸ = σ'(zᴸ) ⊙ ∇ₐC.
"""

import numpy as np

from .activations import shifted_logits, softmax_in_place


class Loss:
    name = ""

    def value(self, Z, A, Y):
        raise NotImplementedError

    def forward(self, Z, Y, output):
        """(A, C): the output activations for logits Z and the mean cost against targets Y."""
        A = output.forward(Z)
        return A, self.value(Z, A, Y)

    def delta(self, Z, A, Y, output):
        """(A − Y)/n: the output error of the matching pairs softmax + CE and sigmoid + BCE."""
        D = A - Y
        D *= 1.0 / len(Y)
        return D


class Quadratic(Loss):
    """C = 1/(2n) Σₓ ‖a − y‖² (sum over outputs, mean over the batch), as in network.py."""

    name = "quadratic"

    def value(self, Z, A, Y):
        D = A - Y
        return 0.5 * float(np.sum(D * D)) / len(Y)

    def delta(self, Z, A, Y, output):
        return output.backward(Z, A, super().delta(Z, A, Y, output))  # σ'(zᴸ) ⊙ (A − Y)/n


class CrossEntropy(Loss):
    """C = −1/n Σₓ Σⱼ yⱼ log softmax(z)ⱼ, from the logits, with m = maxⱼ zⱼ and Σⱼ yⱼ = 1:

        −Σⱼ yⱼ log softmax(z)ⱼ = log Σⱼ e^(zⱼ − m) − Σⱼ yⱼ (zⱼ − m)     (log-sum-exp; never overflows)
    """

    name = "cross_entropy"

    def value(self, Z, A, Y):
        return self.forward(Z, Y, None)[1]

    def forward(self, Z, Y, output):
        """Softmax and the cost in one pass: both need z − m and the normalisers Σⱼ e^(zⱼ − m)."""
        A = shifted_logits(Z)
        target_term = float(np.vdot(Y.T, A.T))
        normalisers = softmax_in_place(A)
        return A, (float(np.log(normalisers).sum()) - target_term) / len(Y)


class BinaryCrossEntropy(Loss):
    """C = −1/n Σₓ Σⱼ [yⱼ log σ(zⱼ) + (1 − yⱼ) log(1 − σ(zⱼ))].

    From the logits: −[y log σ(z) + (1 − y) log(1 − σ(z))] = max(z, 0) − y·z + log(1 + e^(−|z|)).
    """

    name = "binary_cross_entropy"

    def value(self, Z, A, Y):
        per_unit = np.maximum(Z, 0) - Y * Z + np.log1p(np.exp(-np.abs(Z)))
        return float(np.sum(per_unit)) / len(Y)


LOSSES = {cls.name: cls for cls in (Quadratic, CrossEntropy, BinaryCrossEntropy)}

VALID_PAIRS = {
    "softmax": ("cross_entropy", "quadratic"),
    "sigmoid": ("binary_cross_entropy", "quadratic"),
    "linear": ("quadratic",),
}


def get_loss(name: str, output: str):
    if name not in LOSSES:
        raise ValueError(f"loss: unknown loss {name!r}; allowed: {', '.join(LOSSES)}")
    allowed = VALID_PAIRS.get(output, ())
    if name not in allowed:
        raise ValueError(
            f"loss: {name!r} does not go with output {output!r}; allowed with {output!r}: "
            f"{', '.join(allowed)}"
        )
    return LOSSES[name]()
