"""The multilayer perceptron: forward pass, backpropagation (BP1–BP4) and prediction, on whole batches.

Layer l maps aˡ⁻¹ (n, d_in) to zˡ = aˡ⁻¹ Wˡ + bˡ and aˡ = σ(zˡ), with Wˡ of shape (d_in, d_out).
Backpropagation, for a batch of n samples (δˡ = ∂C/∂zˡ, shape (n, d_out)):

    BP1  δᴸ = ∇ₐC ⊙ σ'(zᴸ)            (or (aᴸ − y)/n for softmax + cross-entropy)
    BP2  δˡ = (δˡ⁺¹ Wˡ⁺¹ᵀ) ⊙ σ'(zˡ)
    BP3  ∂C/∂bˡ = Σₓ δˡ
    BP4  ∂C/∂Wˡ = aˡ⁻¹ᵀ δˡ

With L2 strength λ the cost gains (λ/2) Σₗ ‖Wˡ‖² and ∂C/∂Wˡ gains λWˡ; with L1 strength λ₁ it gains
λ₁ Σₗ Σ|Wˡ| and ∂C/∂Wˡ gains λ₁ sign(Wˡ) (a subgradient, 0 at 0). Biases are not decayed.

A network built from a layer list with convolutions (`layers`, nnviz.core.layer_list) takes images
as rows (n, C·H·W) and runs them through the stages of nnviz.core.conv_net; the dense case is this
module's own loop, which a layer list of dense entries only builds.

A network built with input `features` (nnviz.core.features) takes 2-D points and feeds their
features to its first layer: sizes[0] is the number of features, `input_width` is 2. One input
convention: every public method takes X (n, input_width) and expands it in one place, `inputs`.
Training expands the data once and trains `feature_space()`, whose input is the features.
The weights and biases are views into one flat vector (`PackedParameters`, nnviz.core.parameters).
"""

import numpy as np

from nnviz.seeds import stream

from .activations import hidden_activation, output_activation
from .classes import predictions
from .conv_net import ConvPlan, with_channels
from .features import POINT_WIDTH, check_features, expand_features, is_identity
from .initializers import init_layer
from .layer_list import check_layers, dense_widths, is_convolutional
from .losses import get_loss
from .parameters import PackedParameters

PREDICT_CHUNK = 8192


def _check_sizes(sizes):
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes: need at least an input and an output size, got {sizes}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
            raise ValueError(f"sizes: every layer size must be a whole number ≥ 1, got {sizes}")
    return [int(s) for s in sizes]


class Network(PackedParameters):
    """A network with one activation for the hidden layers and one for the output.

    sizes: [d_in, hidden..., d_out]; dtype float32 (fast) or float64 (gradient checks); seed: the
    experiment's seed, whose "weights" stream (nnviz.seeds) draws the initial parameters;
    features: optional input feature names for 2-D points (None or ["x1", "x2"]: the raw input).
    layers: optional layer list (nnviz.core.layer_list) in place of the hidden sizes, with sizes
    [d_in, d_out]; with convolutions, image_shape (H, W) or (C, H, W) says how a row of d_in pixels
    is an image, and `sizes` becomes the width of each weight layer's input, then d_out.
    """

    def __init__(self, sizes, hidden="relu", output="softmax", loss="cross_entropy", init="he",
                 seed=0, dtype=np.float32, features=None, layers=None, image_shape=None, _empty=False):
        self.sizes = _check_sizes(sizes)
        self.plan = None
        if layers is not None:
            self.sizes, self.plan = _layered(self.sizes, check_layers(layers), image_shape, hidden)
            if self.plan is not None and features is not None and not is_identity(features):
                raise ValueError("input_features: a network with convolutions takes images, not points")
        self.features = None if features is None or is_identity(features) else check_features(features)
        if self.features is not None and len(self.features) != self.sizes[0]:
            raise ValueError(f"sizes: {len(self.features)} input features need {len(self.features)} "
                             f"inputs, got {self.sizes[0]}")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype: must be float32 or float64, got {self.dtype}")
        self.hidden_name, self.output_name, self.loss_name = hidden, output, loss
        self.init_name = init
        self.hidden = hidden_activation(hidden)
        self.output = output_activation(output)
        self.cost = get_loss(loss, output)
        self.weights, self.biases, self._flat = [], [], None      # _pack fills them
        self._ones_cache = np.ones(0, dtype=self.dtype)
        if _empty:
            return
        rng = stream(seed, "weights")
        if self.plan is not None:
            self._pack(*self.plan.init_params(init, rng))
            return
        layers = [init_layer(init, rng, fan_in, fan_out) for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:])]
        self._pack([W for W, _ in layers], [b for _, b in layers])

    @classmethod
    def from_params(cls, weights, biases, hidden="relu", output="softmax", loss="cross_entropy",
                    features=None, layers=None, image_shape=None):
        """A network whose weights and biases are copies of the given arrays (no initialisation).

        It always owns its parameters: changing the given arrays later does not change it, training it
        does not change them, and read-only arrays (a snapshot's) give a network that trains.
        layers, image_shape: as for the constructor (a network with convolutions).
        """
        if not weights or len(weights) != len(biases):
            raise ValueError(f"weights: need one bias vector per weight matrix, got {len(weights)} and "
                             f"{len(biases)}")
        if layers is not None:
            shape = image_shape if image_shape is not None else (weights[0].shape[0],)
            net = cls([int(np.prod(shape)), len(biases[-1])], hidden, output, loss, init="small",
                      dtype=weights[0].dtype, features=features, layers=layers, image_shape=image_shape,
                      _empty=True)
            net.set_params(weights, biases, pack=True)
            return net
        sizes = [weights[0].shape[0]] + [W.shape[1] for W in weights]
        for l, (W, b) in enumerate(zip(weights, biases)):
            if W.ndim != 2 or W.shape[0] != sizes[l] or b.shape != (W.shape[1],):
                raise ValueError(f"weights: layer {l + 1} has mismatched shapes W {W.shape}, b {b.shape}")
        net = cls(sizes, hidden, output, loss, init="small", seed=0, dtype=weights[0].dtype,
                  features=features, _empty=True)
        net._pack(weights, biases)
        return net

    # -- structure -----------------------------------------------------------------------------

    @property
    def n_layers(self):
        """Number of weight layers (hidden layers + 1)."""
        return len(self.weights)

    @property
    def input_width(self):
        """Columns of the X it takes: 2 with input features (points), else sizes[0]."""
        return POINT_WIDTH if self.features is not None else self.sizes[0]

    def feature_space(self):
        """This network seen from its first layer: takes the features (n, sizes[0]) directly and
        shares the live weights (training expands the data once and trains this)."""
        inner = object.__new__(Network)
        inner.__dict__.update(self.__dict__)
        inner.features = None
        return inner

    @property
    def layer_list(self):
        """The checked layer list of a network with convolutions, else None (an MLP: see sizes)."""
        return None if self.plan is None else self.plan.layers

    @property
    def image_shape(self):
        """(C, H, W) of the images a network with convolutions takes, else None."""
        return None if self.plan is None else self.plan.image_shape

    # -- forward -------------------------------------------------------------------------------

    def inputs(self, X):
        """X (n, input_width) → what the first layer takes (n, sizes[0]), in the network's dtype."""
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.input_width:
            raise ValueError(f"X: expected shape (n, {self.input_width}), got {X.shape}")
        if self.features is not None:
            return expand_features(self.features, X, self.dtype)
        return X.astype(self.dtype, copy=False)

    def targets(self, Y, n):
        """Integer labels (n,) or targets (n, k) → float targets (n, k) in the network's dtype."""
        Y = np.asarray(Y)
        k = self.sizes[-1]
        if Y.ndim == 1:
            if len(Y) != n:
                raise ValueError(f"Y: {len(Y)} labels for {n} samples")
            if k == 1:
                return Y.astype(self.dtype).reshape(-1, 1)
            labels = Y.astype(np.int64)
            if labels.size and (labels.min() < 0 or labels.max() >= k):
                raise ValueError(f"Y: labels must be in 0..{k - 1}, got {labels.min()}..{labels.max()}")
            T = np.zeros((n, k), dtype=self.dtype)
            T[np.arange(n), labels] = 1
            return T
        if Y.shape != (n, k):
            raise ValueError(f"Y: expected labels (n,) or targets ({n}, {k}), got {Y.shape}")
        return Y.astype(self.dtype, copy=False)

    def forward_cache(self, X, masks=None):
        """Forward pass keeping what backprop needs, for X (n, input_width) as every method takes it.

        Returns (Zs, As, Ds): Zs[l] = zˡ⁺¹; As[l] = σ(zˡ) with As[0] = the first layer's input (X, or
        its features); Ds[l] = the input that layer l+1 actually received (As[l] times its dropout
        mask, or As[l] itself). masks: optional list, one entry per layer input (None or an
        inverted-dropout mask).
        """
        return self._forward(self.inputs(X), masks)[:3]

    def forward_cost(self, X, T, masks=None):
        """forward_cache and the batch's mean cost against targets T in one pass: (Zs, As, Ds, C).

        Softmax with cross-entropy shares the row maxima and normalisers between the two.
        """
        return self._forward(self.inputs(X), masks, T)

    def _forward(self, X, masks=None, T=None):
        """The layers on the first layer's input X (n, sizes[0]): callers expand with `inputs` first."""
        if self.plan is not None:
            return self.plan.forward(self, X, masks, T)
        Zs, As, Ds = [], [X], []
        A = X
        cost = None
        last = self.n_layers - 1
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            if masks is not None and masks[l] is not None:
                A = A * masks[l]
            Ds.append(A)
            Z = A @ W
            Z += b
            if l < last:
                A = self.hidden.forward(Z)
            elif T is None:
                A = self.output.forward(Z)
            else:
                A, cost = self.cost.forward(Z, T, self.output)
            Zs.append(Z)
            As.append(A)
        return Zs, As, Ds, cost

    def forward(self, X, masks=None):
        """Activations per layer for X (n, d_in), input first: [X (or its features), a¹, ..., aᴸ].

        masks: as in forward_cache (e.g. `ablation_masks`); the activations returned are unmasked.
        A convolution's activations are (n, C, H, W) feature maps.
        """
        As = self.forward_cache(X, masks)[1]
        return As if self.plan is None else self.plan.shown(As)

    def predict_proba(self, X, masks=None):
        """Output activations (n, d_out): class probabilities for softmax/sigmoid outputs."""
        X = self.inputs(X)
        out = np.empty((len(X), self.sizes[-1]), dtype=self.dtype)
        chunk = self._chunk()
        for start in range(0, len(X), chunk):
            out[start:start + chunk] = self._forward(X[start:start + chunk], masks)[1][-1]
        return out

    def _chunk(self):
        """Rows evaluated at once by predict_proba and loss."""
        return PREDICT_CHUNK if self.plan is None else self.plan.predict_rows()

    def predict(self, X, masks=None):
        """Class indices (n,): argmax of the outputs, or output > 0.5 for a single output unit."""
        return predictions(self.predict_proba(X, masks))

    # -- cost and gradients --------------------------------------------------------------------

    def l2_penalty(self, l2):
        """(λ/2) Σₗ ‖Wˡ‖²."""
        if not l2:
            return 0.0
        return 0.5 * l2 * sum(float(np.sum(W * W, dtype=np.float64)) for W in self.weights)

    def l1_penalty(self, l1):
        """λ₁ Σₗ Σ|Wˡ|."""
        if not l1:
            return 0.0
        return l1 * sum(float(np.sum(np.abs(W), dtype=np.float64)) for W in self.weights)

    def loss(self, X, Y, l2=0.0, l1=0.0):
        """Mean cost over the batch plus the L2 and L1 penalties."""
        X = self.inputs(X)
        T = self.targets(Y, len(X))
        total, n, rows = 0.0, len(X), self._chunk()
        for start in range(0, n, rows):
            chunk = T[start:start + rows]
            total += self._forward(X[start:start + rows], None, chunk)[3] * len(chunk)
        return total / n + self.l2_penalty(l2) + self.l1_penalty(l1)

    def backward(self, Zs, As, Ds, T, l2=0.0, masks=None, grads=None, scale=1.0, l1=0.0):
        """Backpropagate through a cached forward pass; returns [(∂C/∂W, ∂C/∂b), ...].

        grads: optional preallocated [(dW, db), ...] to write into (the training loop reuses them).
        scale: returns the gradients of scale·C instead (every step below is linear in δᴸ); the
        training loop passes the learning rate η when the optimiser only needs ηg.
        """
        if grads is None:
            grads = [(np.empty_like(W), np.empty_like(b)) for W, b in zip(self.weights, self.biases)]
        if self.plan is not None:
            return self.plan.backward(self, Zs, As, Ds, T, l2, masks, grads, scale, l1)
        delta_out = self.cost.delta(Zs[-1], As[-1], T, self.output)                 # BP1
        ones = self._ones(len(delta_out))  # Σₓ δ as a matrix-vector product runs ~2x faster than a sum
        if scale != 1.0:
            delta_out *= scale
        for l, delta in self.backpropagate(Zs, As, delta_out, masks):               # BP2
            dW, db = grads[l]
            np.matmul(Ds[l].T, delta, out=dW)                                        # BP4
            if l2:
                dW += (scale * l2) * self.weights[l]
            if l1:
                dW += (scale * l1) * np.sign(self.weights[l])
            np.dot(ones, delta, out=db)                                              # BP3: 1ᵀδ
        return grads

    def backpropagate(self, Zs, As, delta, masks=None):
        """BP2 down from δᴸ = `delta`: yields (l, δ of weight layer l) for l = L−1, ..., 0 (0-based).

        δˡ = (δˡ⁺¹ Wˡ⁺¹ᵀ ⊙ mask) ⊙ σ'(zˡ), with the dropout mask of layer l+1's input when given. The
        one BP2 loop: `backward`, the inspector and saliency all run it. Zs, As: from `forward_cache`.
        """
        if self.plan is not None:
            yield from self.plan.backpropagate(self, Zs, As, delta, masks)
            return
        for l in range(self.n_layers - 1, -1, -1):
            yield l, delta
            if l == 0:
                return
            dA = delta @ self.weights[l].T
            if masks is not None and masks[l] is not None:
                dA *= masks[l]
            delta = self.hidden.backward(Zs[l - 1], As[l], dA)

    def _ones(self, n):
        ones = self._ones_cache
        if ones.shape != (n,) or ones.dtype != self.dtype:
            ones = self._ones_cache = np.ones(n, dtype=self.dtype)
        return ones

    def gradients(self, X, Y, l2=0.0, l1=0.0):
        """[(∂C/∂Wˡ, ∂C/∂bˡ)] for the batch, same shapes as weights/biases (no dropout)."""
        Zs, As, Ds = self.forward_cache(X)
        return self.backward(Zs, As, Ds, self.targets(Y, len(Zs[0])), l2, l1=l1)



def _layered(sizes, layers, image_shape, hidden):
    """(sizes, plan) of a network built from a checked layer list on sizes [d_in, d_out]: a plain MLP
    (plan None) for dense entries only, else the ConvPlan of images of `image_shape`."""
    if len(sizes) != 2:
        raise ValueError(f"sizes: with a layer list give [inputs, outputs], got {sizes}")
    if not is_convolutional(layers):
        return [sizes[0], *dense_widths(layers), sizes[1]], None
    if image_shape is None:
        raise ValueError("image_shape: a network with convolutions needs the images' (height, width)")
    shape = with_channels(image_shape)
    if len(shape) != 3 or min(shape) < 1 or int(np.prod(shape)) != sizes[0]:
        raise ValueError(f"image_shape: {tuple(image_shape)} does not hold the {sizes[0]} inputs of a row")
    plan = ConvPlan(shape, layers, sizes[1], hidden)
    return plan.sizes, plan
