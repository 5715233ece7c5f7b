"""A network's weights and biases packed in one flat vector: the views into it, copies, and pickling."""

import copy

import numpy as np


class PackedParameters:
    """Parameter storage for Network: Wˡ and bˡ are views into one vector laid out as [W¹, b¹, W², b², ...].

    Needs the network's `sizes`, `dtype` and `plan` (a ConvPlan or None); sets `weights`, `biases`
    and `_flat`.
    """

    def params(self):
        """[W¹, b¹, W², b², ...], the live arrays (optimisers update them in place)."""
        return [p for W, b in zip(self.weights, self.biases) for p in (W, b)]

    def param_shapes(self):
        """[(Wˡ shape, bˡ shape)]: (fan_in, fan_out) and (fan_out,), or a convolution's (C_out, C_in, k, k)."""
        if self.plan is not None:
            return self.plan.param_shapes()
        return [((fan_in, fan_out), (fan_out,)) for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:])]

    def layer_views(self, flat):
        """Weight and bias views ([W¹, ...], [b¹, ...]) into a vector laid out as [W¹, b¹, W², b², ...]."""
        weights, biases, start = [], [], 0
        for W_shape, (units,) in self.param_shapes():
            size = int(np.prod(W_shape))
            weights.append(flat[start:start + size].reshape(W_shape))
            start += size
            biases.append(flat[start:start + units])
            start += units
        return weights, biases

    def flat_params(self):
        """All weights and biases as one vector [W¹, b¹, W², b², ...] of which they are views.

        Optimisers update it with a few whole-vector operations instead of a few per array.
        """
        return self._flat

    def _pack(self, weights, biases):
        self._flat = np.empty(sum(W.size + b.size for W, b in zip(weights, biases)), dtype=self.dtype)
        self.weights, self.biases = self.layer_views(self._flat)
        for live, value in zip(self.params(), [p for pair in zip(weights, biases) for p in pair]):
            live[...] = value

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["weights"], state["biases"]        # views of _flat: made again when unpickled
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.weights, self.biases = self.layer_views(self._flat)

    def copy(self, dtype=None):
        """An independent network with the same architecture and weights (optionally recast)."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.dtype = np.dtype(dtype or self.dtype)
        clone.plan = copy.deepcopy(self.plan)          # fresh work buffers
        clone._pack(self.weights, self.biases)
        return clone

    def set_params(self, weights, biases, pack=False):
        """Copy weights and biases into this network, checking their shapes (pack: allocate them first)."""
        shapes = self.param_shapes()
        if len(weights) != len(shapes) or len(biases) != len(shapes):
            raise ValueError(f"weights: expected {len(shapes)} layers, got {len(weights)}")
        for l, (W, b) in enumerate(zip(weights, biases)):
            if (W.shape, b.shape) != shapes[l]:
                raise ValueError(f"weights: layer {l + 1} should be {shapes[l][0]}/{shapes[l][1]}, "
                                 f"got {W.shape}/{b.shape}")
        if pack:
            self._pack(weights, biases)
            return
        for l, (W, b) in enumerate(zip(weights, biases)):
            self.weights[l][...] = W
            self.biases[l][...] = b
