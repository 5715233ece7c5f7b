"""Optimisers: each updates a list of parameter arrays in place from their gradients.

`step(params, grads, lr)` with params and grads as parallel lists of arrays; the grads are used as
scratch space (scaled in place), so pass copies if you need them afterwards. State (velocities,
moments) is allocated on the first step with the parameters' dtype.

SGD and the momentum methods see η and g only as the product ηg. They also offer
`step_scaled(params, scaled_grads)`, which takes ηg itself: the training loop has the backward pass
produce ηg directly (Network.backward's `scale`), sparing a pass over every gradient.
"""

import numpy as np


class LinearInGradient:
    """An optimiser whose update depends on the gradient only through ηg."""

    def step(self, params, grads, lr):
        for g in grads:
            g *= lr
        self.step_scaled(params, grads)

    def step_scaled(self, params, scaled_grads):
        raise NotImplementedError


class SGD(LinearInGradient):
    """θ ← θ − η g."""

    name = "sgd"
    state_names = ()     # what a resumed run must get back (nnviz.core.checkpoint)
    slots = 0                  # parameter-sized state arrays

    def step_scaled(self, params, scaled_grads):
        for p, g in zip(params, scaled_grads):
            p -= g


class Momentum(LinearInGradient):
    """v ← μv − ηg;  θ ← θ + v."""

    name = "momentum"
    state_names = ("velocity",)     # what a resumed run must get back (nnviz.core.checkpoint)
    slots = 1

    def __init__(self, momentum=0.9):
        self.momentum = momentum
        self.velocity = None

    def _velocities(self, params):
        if self.velocity is None:
            self.velocity = [np.zeros_like(p) for p in params]
        return self.velocity

    def step_scaled(self, params, scaled_grads):
        for p, g, v in zip(params, scaled_grads, self._velocities(params)):
            v *= self.momentum
            v -= g
            p += v


class Nesterov(Momentum):
    """Nesterov momentum (Sutskever et al. 2013, in the look-ahead form):

    v ← μv − ηg;  θ ← θ + μv − ηg   (the gradient is taken at θ; the update looks one step ahead).
    """

    name = "nesterov"
    slots = 1

    def step_scaled(self, params, scaled_grads):
        for p, g, v in zip(params, scaled_grads, self._velocities(params)):
            v *= self.momentum
            v -= g
            p -= g
            np.multiply(v, self.momentum, out=g)  # g is scratch from here on
            p += g


class RMSprop:
    """s ← ρs + (1 − ρ)g²;  θ ← θ − η g / (√s + ε)."""

    name = "rmsprop"
    state_names = ("square",)     # what a resumed run must get back (nnviz.core.checkpoint)
    slots = 1

    def __init__(self, rho=0.9, epsilon=1e-8):
        self.rho, self.epsilon = rho, epsilon
        self.square = None

    def step(self, params, grads, lr):
        if self.square is None:
            self.square = [np.zeros_like(p) for p in params]
        for p, g, s in zip(params, grads, self.square):
            s *= self.rho
            s += (1.0 - self.rho) * g * g
            p -= lr * g / (np.sqrt(s) + self.epsilon)


class Adam:
    """m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − η m̂ / (√v̂ + ε),
    with the bias corrections m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)."""

    name = "adam"
    state_names = ("m", "v", "t")     # what a resumed run must get back (nnviz.core.checkpoint)
    slots = 2

    def __init__(self, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.m = self.v = None
        self.t = 0

    def step(self, params, grads, lr):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.t += 1
        step_size = lr * np.sqrt(1.0 - self.beta2 ** self.t) / (1.0 - self.beta1 ** self.t)
        eps_hat = self.epsilon * np.sqrt(1.0 - self.beta2 ** self.t)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g * g
            p -= step_size * m / (np.sqrt(v) + eps_hat)


OPTIMIZERS = {cls.name: cls for cls in (SGD, Momentum, Nesterov, RMSprop, Adam)}


def make_optimizer(name, momentum=0.9, beta1=0.9, beta2=0.999, rho=0.9, epsilon=1e-8):
    """The optimiser called `name`, given the parameters it uses."""
    if name == "sgd":
        return SGD()
    if name in ("momentum", "nesterov"):
        return OPTIMIZERS[name](momentum)
    if name == "rmsprop":
        return RMSprop(rho, epsilon)
    if name == "adam":
        return Adam(beta1, beta2, epsilon)
    raise ValueError(f"optimizer: unknown optimiser {name!r}; allowed: {', '.join(OPTIMIZERS)}")
