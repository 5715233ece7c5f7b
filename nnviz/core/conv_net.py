"""Networks with convolutions: the stages of a layer list and their forward pass and backpropagation.

A stage is one weight layer (a convolution or a dense layer) with the parameterless steps applied to
its input first (pooling, flattening). Stage l takes Dˡ = mask ⊙ pool(aˡ⁻¹) (a⁰ = the image) and
computes zˡ = conv(Dˡ; Wˡ) + bˡ or Dˡ Wˡ + bˡ, then aˡ = σ(zˡ). Backpropagation is BP1-BP4 of
`nnviz.core.network` with the convolution's own products (nnviz.core.conv):

    BP2  δˡ = pool'(col2im(δ̂ˡ⁺¹ Ŵˡ⁺¹) ⊙ mask) ⊙ σ'(zˡ)     (dense: δˡ⁺¹ Wˡ⁺¹ᵀ in place of col2im)
    BP3  ∂C/∂bˡ = Σ δˡ over samples (and pixels)
    BP4  ∂C/∂Wˡ = δ̂ˡᵀ X̂ˡ (the im2col matrix of Dˡ)                 (dense: Dˡᵀ δˡ)

where pool' sends each gradient back through the pooling (to the window's first maximum, or evenly).
Images arrive as rows (n, C·H·W) in (c, h, w) order and become channels-last maps (n, H, W, C).
"""

import copy

import numpy as np

from .activations import hidden_activation
from .conv import AvgPool2D, Conv2D, Flatten, MaxPool2D, channels_first
from .initializers import init_layer
from .layer_list import LayerError, check_layers, layer_kind

POOLS = {"maxpool": MaxPool2D, "avgpool": AvgPool2D}
# Rows predicted at once: the largest im2col matrix stays near this many bytes (a dense network
# predicts 8192 rows at a time; LeNet's first im2col takes 78 kB a row).
PREDICT_BYTES = 32 * 2 ** 20


class Dense:
    """zˡ = Dˡ Wˡ + bˡ with Wˡ (fan_in, fan_out), the weight layer of an MLP, inside a stage list."""

    def __init__(self, fan_in, fan_out):
        self.fan_in, self.fan_out = fan_in, fan_out
        self.weight_shape = (fan_in, fan_out)
        self._ones = np.ones(0)

    def forward(self, D, W, b):
        Z = D @ W
        Z += b
        return Z

    def parameter_gradients(self, D, delta, dW, db):
        np.matmul(D.T, delta, out=dW)                                                  # BP4
        if self._ones.shape != (len(delta),) or self._ones.dtype != delta.dtype:
            self._ones = np.ones(len(delta), delta.dtype)
        np.dot(self._ones, delta, out=db)                                              # BP3

    def input_gradient(self, delta, W):
        return delta @ W.T


class Stage:
    """pre: the pooling/flatten steps applied to the previous activation; layer: Conv2D or Dense;
    activation: this stage's own σ object (each caches buffers of its layer's shape)."""

    def __init__(self, pre, layer, activation):
        self.pre, self.layer, self.activation = pre, layer, activation
        self._trace = None            # [A, pre[0](A), ...] of the last `input`, for the backward pass

    def __getstate__(self):
        return {**self.__dict__, "_trace": None}

    def input(self, A):
        """Dˡ before dropout: the previous activation through the pooling and flattening."""
        trace = [A]
        for step in self.pre:
            trace.append(step.forward(trace[-1]))
        self._trace = trace
        return trace[-1]

    def input_gradient_to(self, A, d_input):
        """∂C/∂aˡ⁻¹ from ∂C/∂Dˡ, back through the pre steps (their outputs recomputed from A unless
        the last `input` was of this very A)."""
        trace = self._trace
        if trace is None or trace[0] is not A:
            trace = [A]
            for step in self.pre:
                trace.append(step.forward(trace[-1]))
        for i in range(len(self.pre) - 1, -1, -1):
            d_input = self.pre[i].backward(trace[i], d_input, trace[i + 1])
        return d_input


class ConvPlan:
    """The stages of a network built from a layer list with convolutions, for images of
    `image_shape` (C, H, W) and `n_outputs` output units (a dense output layer ends every plan).
    entry_shapes: the output shape of each listed entry, (H, W, C) maps or (width,) after flattening.
    A shape that cannot work raises LayerError naming the entry ("layers[2]: conv: kernel 5 on a 4x4
    map; ...")."""

    def __init__(self, image_shape, layers, n_outputs, hidden="relu"):
        self.image_shape = tuple(int(s) for s in image_shape)
        self.layers = check_layers(layers)
        C, H, W = self.image_shape
        shape, pre, self.stages, self.entry_shapes = (H, W, C), [], [], []
        for i, spec in enumerate([*self.layers, {"dense": n_outputs}]):
            kind = layer_kind(spec)
            output = i == len(self.layers)
            try:
                if kind == "conv":
                    layer = Conv2D(shape, spec["conv"], spec["kernel"], spec["stride"], spec["padding"])
                elif kind in POOLS:
                    pre.append(POOLS[kind](shape, spec[kind], spec["stride"]))
                    shape = pre[-1].out_shape
                    self.entry_shapes.append(shape)
                    continue
                else:
                    if len(shape) == 3:
                        pre.append(Flatten(shape))
                        shape = (pre[-1].out_width,)
                    if kind == "flatten":
                        self.entry_shapes.append(shape)
                        continue
                    layer = Dense(shape[0], spec["dense"])
            except ValueError as error:
                where = "the output layer" if output else f"layers[{i}]"
                raise LayerError(f"{where}: {error}", "layers", i) from None
            self.stages.append(Stage(pre, layer, None if output else hidden_activation(hidden)))
            shape = layer.out_shape if kind == "conv" else (layer.fan_out,)
            if not output:
                self.entry_shapes.append(shape)
            pre = []

    @property
    def sizes(self):
        """[C·H·W, the width of each later stage's input Dˡ (flattened) ..., n_outputs]."""
        widths = [int(np.prod(_input_shape(stage))) for stage in self.stages[1:]]
        return [int(np.prod(self.image_shape)), *widths, self.stages[-1].layer.fan_out]

    def param_shapes(self):
        """[(Wˡ shape, bˡ shape)]: (C_out, C_in, k, k) and (C_out,) for a convolution."""
        shapes = []
        for stage in self.stages:
            W = stage.layer.weight_shape
            shapes.append((W, (W[0] if len(W) == 4 else W[1],)))
        return shapes

    def init_params(self, name, rng):
        """(weights, biases) drawn by initialiser `name` from `rng`, stage by stage; a filter's
        fan-in is C_in·k² and its fan-out C_out·k² (Glorot and He's convention for convolutions)."""
        weights, biases = [], []
        for stage in self.stages:
            layer = stage.layer
            if isinstance(layer, Conv2D):
                area = layer.kernel ** 2
                W, b = init_layer(name, rng, layer.fan_in, layer.filters * area, shape=layer.weight_shape)
            else:
                W, b = init_layer(name, rng, layer.fan_in, layer.fan_out)
            weights.append(W)
            biases.append(b)
        return weights, biases

    def predict_rows(self):
        """Rows to predict at once so that the largest im2col matrix takes about PREDICT_BYTES."""
        row_bytes = max(8 * np.prod(s.layer.out_shape[:2]) * s.layer.fan_in
                        for s in self.stages if isinstance(s.layer, Conv2D))
        return int(max(1, PREDICT_BYTES // row_bytes))

    def values_per_row(self, per_unit):
        """Values a batch row keeps: `per_unit` per unit of every layer (z, a, δ), the im2col
        matrix of each convolution and the pooled input of each stage."""
        total = 0
        for stage in self.stages:
            layer = stage.layer
            if isinstance(layer, Conv2D):
                pixels = layer.out_shape[0] * layer.out_shape[1]
                total += pixels * layer.fan_in + per_unit * pixels * layer.filters
            else:
                total += per_unit * layer.fan_out
            total += int(np.prod(_input_shape(stage)))
        return total

    def __deepcopy__(self, memo):
        """A plan with the same stages and fresh work buffers (copies of a network never share them)."""
        clone = object.__new__(ConvPlan)
        clone.__dict__.update(self.__dict__)
        clone.stages = [Stage([copy.deepcopy(s) for s in stage.pre], copy.deepcopy(stage.layer),
                              copy.deepcopy(stage.activation)) for stage in self.stages]
        return clone

    # -- forward and backward -------------------------------------------------------------------

    def maps(self, X):
        """Rows (n, C·H·W) in (c, h, w) order as channels-last maps (n, H, W, C) (a view when C = 1)."""
        C, H, W = self.image_shape
        return X.reshape(len(X), C, H, W).transpose(0, 2, 3, 1)

    def forward(self, net, X, masks=None, T=None):
        """(Zs, As, Ds, cost) as Network._forward returns them; conv entries are (n, H, W, C) maps.

        As[0] is X as given (rows); Ds[l] is what stage l's layer received. masks[l] (dropout)
        multiplies stage l's input after its pooling, the first stage's before (the image itself).
        """
        Zs, As, Ds = [], [X], []
        A, cost = self.maps(X), None
        last = len(self.stages) - 1
        for l, (stage, W, b) in enumerate(zip(self.stages, net.weights, net.biases)):
            mask = None if masks is None else masks[l]
            if l == 0 and mask is not None:
                A = A * _fitted(mask, A)
            D = stage.input(A)
            if l > 0 and mask is not None:
                D = D * _fitted(mask, D)
            Ds.append(D)
            Z = stage.layer.forward(D, W, b)
            if l < last:
                A = stage.activation.forward(Z)
            elif T is None:
                A = net.output.forward(Z)
            else:
                A, cost = net.cost.forward(Z, T, net.output)
            Zs.append(Z)
            As.append(A)
        return Zs, As, Ds, cost

    def backpropagate(self, net, Zs, As, delta, masks=None):
        """BP2 down from δᴸ: yields (l, δˡ) for l = L−1, ..., 0, as Network.backpropagate."""
        for l in range(len(self.stages) - 1, -1, -1):
            yield l, delta
            if l == 0:
                return
            stage = self.stages[l]
            d_input = stage.layer.input_gradient(delta, net.weights[l])
            if masks is not None and masks[l] is not None:
                d_input *= _fitted(masks[l], d_input)
            dA = stage.input_gradient_to(As[l], d_input)
            delta = self.stages[l - 1].activation.backward(Zs[l - 1], As[l], dA)

    def backward(self, net, Zs, As, Ds, T, l2, masks, grads, scale, l1):
        """[(∂C/∂Wˡ, ∂C/∂bˡ)] into `grads` (BP1-BP4), as Network.backward."""
        delta_out = net.cost.delta(Zs[-1], As[-1], T, net.output)                        # BP1
        if scale != 1.0:
            delta_out *= scale
        for l, delta in self.backpropagate(net, Zs, As, delta_out, masks):             # BP2
            dW, db = grads[l]
            self.stages[l].layer.parameter_gradients(Ds[l], delta, dW, db)              # BP3, BP4
            if l2:
                dW += (scale * l2) * net.weights[l]
            if l1:
                dW += (scale * l1) * np.sign(net.weights[l])
        return grads

    def input_gradient(self, net, X, delta):
        """∂C/∂X as rows (n, C·H·W) for the rows X, from δ of the first stage (saliency's last step)."""
        stage = self.stages[0]
        d_input = stage.layer.input_gradient(delta, net.weights[0])
        d_maps = stage.input_gradient_to(self.maps(X), d_input)
        return np.ascontiguousarray(channels_first(d_maps)).reshape(len(X), -1)

    def shown(self, As):
        """The activations as views draw them: conv maps (n, C, H, W), the rest as they are."""
        return [channels_first(A) if A.ndim == 4 else A for A in As]


def _fitted(mask, D):
    """A mask over flattened inputs, (n, d) for a batch (dropout) or (d,) for every row (knock-outs),
    shaped to multiply D (n, H, W, C) or (n, d)."""
    return mask.reshape(D.shape if mask.ndim == 2 else D.shape[1:])


def _input_shape(stage):
    layer = stage.layer
    return layer.in_shape if isinstance(layer, Conv2D) else (layer.fan_in,)


def with_channels(image_shape):
    """(C, H, W) of images given as (H, W) (one channel) or (C, H, W)."""
    shape = tuple(int(s) for s in image_shape)
    return (1, *shape) if len(shape) == 2 else shape


def layer_shapes(image_shape, layers):
    """The output shape of each entry of `layers` on images of `image_shape` ((H, W) or (C, H, W)):
    (H, W, C) feature maps, (width,) once flat. LayerError names the first entry that is bad or
    cannot work on such images ("layers[2]: conv: kernel 5 on a 4x4 map; ...")."""
    return ConvPlan(with_channels(image_shape), layers, 1).entry_shapes
