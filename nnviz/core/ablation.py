"""Knocking out hidden units: a unit's output held at 0, for the network view and `nnviz evaluate --ablate`.

A unit is (L, U): hidden layer L counted from 1, unit U from 0. Holding aᴸ_U at 0 is the same as
zeroing row U of Wᴸ⁺¹ (its outgoing weights), since zᴸ⁺¹ = aᴸ Wᴸ⁺¹ + bᴸ⁺¹ then never sees it.

In a layer of feature maps (the output of a convolution) a unit is a filter, U its whole map: every
pixel of channel U held at 0 (pooling a map of zeros gives zeros). The next stage then never sees
channel U: a convolution's kernels W[:, U] or, after flattening (h, w, c) order, the dense rows
U, U + C, U + 2C, ... are what zeroing it removes.
"""

import numpy as np

from nnviz.guard import UserError


def unit_counts(net):
    """The knock-out units of each hidden layer 1..L−1: its filters for feature maps, else its width."""
    return [W.shape[0] if np.ndim(W) == 4 else width for W, width in zip(net.weights, net.sizes[1:-1])]


def check_units(net, units):
    """The units as a sorted tuple of (L, U), or UserError naming the first that is not a hidden unit."""
    hidden = unit_counts(net)
    checked = set()
    for layer, unit in units:
        if not 1 <= layer <= len(hidden):
            raise UserError(f"ablate: layer {layer} is not a hidden layer; this network has "
                             + (f"hidden layers 1..{len(hidden)}" if hidden else "no hidden layer"))
        if not 0 <= unit < hidden[layer - 1]:
            what = "filters" if np.ndim(net.weights[layer - 1]) == 4 else "units"
            raise UserError(f"ablate: hidden layer {layer} has {what} 0..{hidden[layer - 1] - 1}, not {unit}")
        checked.add((int(layer), int(unit)))
    return tuple(sorted(checked))


def _held(net, layer, unit):
    """Indices, in the (flattened, channels-last) input of weight layer `layer`, that unit (layer, unit) is."""
    if np.ndim(net.weights[layer - 1]) == 4:
        return slice(unit, None, net.weights[layer - 1].shape[0])      # every pixel of map `unit`
    return unit


def ablation_masks(net, units):
    """Masks for `Network.forward_cache`: the input of weight layer L (hidden layer L, after its pooling)
    is multiplied by a (d,) vector of ones with 0 at each knocked-out unit; None where nothing is."""
    masks = [None] * net.n_layers
    for layer, unit in check_units(net, units):
        if masks[layer] is None:
            masks[layer] = np.ones(net.sizes[layer], dtype=net.dtype)
        masks[layer][_held(net, layer, unit)] = 0
    return masks


def ablated_copy(net, units):
    """A copy of `net` with the outgoing weights of each knocked-out unit (or filter) set to 0."""
    clone = net.copy()
    for layer, unit in check_units(net, units):
        W = clone.weights[layer]
        if W.ndim == 4:
            W[:, unit] = 0                       # the next convolution's kernels on map `unit`
        else:
            W[_held(net, layer, unit), :] = 0
    return clone
