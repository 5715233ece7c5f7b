"""Knocking out hidden units: a unit's output held at 0, for the network view and `nnviz evaluate --ablate`.

A unit is (L, U): hidden layer L counted from 1, unit U from 0. Holding aᴸ_U at 0 is the same as
zeroing row U of Wᴸ⁺¹ (its outgoing weights), since zᴸ⁺¹ = aᴸ Wᴸ⁺¹ + bᴸ⁺¹ then never sees it.
"""

import numpy as np

from nnviz.guard import UserError


def check_units(net, units):
    """The units as a sorted tuple of (L, U), or UserError naming the first that is not a hidden unit."""
    hidden = net.sizes[1:-1]
    checked = set()
    for layer, unit in units:
        if not 1 <= layer <= len(hidden):
            raise UserError(f"ablate: layer {layer} is not a hidden layer; this network has "
                             + (f"hidden layers 1..{len(hidden)}" if hidden else "no hidden layer"))
        if not 0 <= unit < hidden[layer - 1]:
            raise UserError(f"ablate: hidden layer {layer} has units 0..{hidden[layer - 1] - 1}, not {unit}")
        checked.add((int(layer), int(unit)))
    return tuple(sorted(checked))


def ablation_masks(net, units):
    """Masks for `Network.forward_cache`: the input of weight layer L (hidden layer L) is multiplied
    by a (d,) vector of ones with 0 at each knocked-out unit; None where nothing is knocked out."""
    masks = [None] * net.n_layers
    for layer, unit in check_units(net, units):
        if masks[layer] is None:
            masks[layer] = np.ones(net.sizes[layer], dtype=net.dtype)
        masks[layer][unit] = 0
    return masks


def ablated_copy(net, units):
    """A copy of `net` with the outgoing weights of each knocked-out unit set to 0."""
    clone = net.copy()
    for layer, unit in check_units(net, units):
        clone.weights[layer][unit, :] = 0
    return clone
