"""The network view of a network with convolutions: each convolution a column of its feature maps on the
probe image (the most active first, "+N more"), pooling and flattening as captions between the columns,
dense layers as in an MLP. An edge between two maps stands for a whole kernel and shows Σ of its
weights (the response to a constant map); an edge from a map to a dense unit, Σ of the weights that
unit gives the map's pixels.

Layers are counted as in the network view: 0 the input, L the output of weight layer L − 1; a layer
of feature maps has one node per filter (what a knock-out holds at 0, see nnviz.core.ablation).
"""

import numpy as np

from nnviz.app.views.network_model import layer_name, make_layout
from nnviz.core.layer_list import layer_kind

MAX_MAPS = 6          # maps drawn per convolution; the others are counted in "+N more"
MAX_DENSE = 10        # units drawn per dense layer (all of MNIST's outputs): six columns or more share the width
PITCH = 2.0           # least distance between two columns (scene units; a unit's node is 1)
MAP_SIDE = 1.8        # a map's side: pictures need more pixels than a unit's single colour


def map_layers(weights):
    """The layers (1..L−1) whose activations are feature maps: the outputs of convolutions."""
    return {layer for layer, W in enumerate(weights[:-1], 1) if np.ndim(W) == 4}


def edge_matrices(weights):
    """Per weight layer l a 2-D matrix (nodes of layer l, nodes of layer l + 1) of the edges' values:
    Wˡ itself between dense layers; Σ_pq W[g, f, p, q] from map f to map g of a convolution; from map f
    of C to a dense unit after flattening ((h, w, c) order), Σ of its rows f, f + C, f + 2C, ..."""
    matrices = []
    for l, W in enumerate(weights):
        W = np.asarray(W)
        if W.ndim == 4:
            matrices.append(W.sum(axis=(2, 3)).T)
        elif l > 0 and np.ndim(weights[l - 1]) == 4:
            C = weights[l - 1].shape[0]
            matrices.append(W.reshape(-1, C, W.shape[1]).sum(axis=0))
        else:
            matrices.append(W)
    return matrices


def summarised(weights, l):
    """Does an edge of weight layer l stand for many weights (a kernel, or a map's pixels)?"""
    return np.ndim(weights[l]) == 4 or (l > 0 and np.ndim(weights[l - 1]) == 4)


def most_active_maps(maps, k=MAX_MAPS):
    """Indices of the k maps (C, H, W) with the largest mean activation, largest first (ties: lower first)."""
    return np.argsort(-maps.reshape(len(maps), -1).mean(axis=1), kind="stable")[:k]


def conv_layout(weights, probe_activations, aspect=None):
    """The Layout: the input as one image, each map layer its MAX_MAPS most active maps on the probe
    (probe_activations: [x, a¹, ...] of one image, maps (C, H, W)), dense layers as `make_layout` draws them."""
    maps = map_layers(weights)
    chosen = {layer: most_active_maps(probe_activations[layer]) for layer in maps}
    return make_layout(edge_matrices(weights), True, MAX_DENSE, aspect, chosen, min_pitch=PITCH,
                       sides=dict.fromkeys(maps, MAP_SIDE))


def steps_between(layers):
    """{l: [texts]}: the parameterless steps (pooling, flattening) between layer l and layer l + 1, from a
    checked layer list; the flatten before the first dense layer is named where the list implies it."""
    steps, layer, maps = {}, 0, True
    for spec in [*layers, {"dense": 0}]:
        kind = layer_kind(spec)
        if kind in ("maxpool", "avgpool"):
            steps.setdefault(layer, []).append(f"{kind} {spec[kind]}")
        elif kind == "flatten" or (kind == "dense" and maps):
            steps.setdefault(layer, []).append("flatten")
            maps = False
        if kind in ("conv", "dense"):
            layer += 1
    return steps


def conv_captions(snapshot, probe_activations):
    """Per layer, its caption's wordings (longest first): "conv 1: 6 maps 28×28" for a map layer, else as
    an MLP's ("hidden 3 (120)")."""
    n_layers = len(snapshot.weights)
    C, H, W = snapshot.image_shape
    captions = [[f"input {C}×{H}×{W}" if C > 1 else f"input {H}×{W}", "in"]]
    convolutions = 0
    for layer in range(1, n_layers + 1):
        A = probe_activations[layer]
        if A.ndim == 3:
            convolutions += 1
            captions.append([f"conv {convolutions}: {len(A)} maps {A.shape[1]}×{A.shape[2]}",
                             f"conv {convolutions} ({len(A)})", f"c{convolutions}"])
        else:
            name = layer_name(layer, n_layers)
            captions.append([f"{name} ({A.shape[-1]})", f"{name[0]}{layer} ({A.shape[-1]})"
                             if 0 < layer < n_layers else f"{name[:3]} ({A.shape[-1]})"])
    return captions


def map_values(probe_activations, layout, layer):
    """(k, H, W) the drawn maps of `layer` on the probe, flipped so that row 0 is the image's bottom (the
    view's y points up)."""
    return probe_activations[layer][layout.units[layer]][:, ::-1]
