"""The backprop inspector's pictures of a convolution: one sample's zˡ, aˡ and δˡ as a grid of its feature
maps, ∂C/∂Wˡ as a grid of its C_out·C_in kernels, the equations in the notation of nnviz.core.conv_net
(Dˡ = pool(aˡ⁻¹) the stage's input), and which map and pixel a point of a grid is (the hover readout)."""

import numpy as np

from nnviz.app.superscript import superscript
from nnviz.app.views.conv_maps import map_columns, map_tiles
from nnviz.app.views.tiles import TILE_PAD, grid_shape
from nnviz.core.conv import Conv2D, channels_first

SAMPLE = 0            # the sample whose maps are drawn


def convolutional(trace, kind):
    """Is `kind` of this LayerTrace drawn as a grid of maps or kernels (rather than a heatmap of rows)?"""
    return kind != "db" and np.ndim(getattr(trace, kind)) == 4


def grid(trace, kind):
    """The 2-D tile grid drawn: sample SAMPLE's maps (z, a, δ are (n, H, W, C)), or the kernels of ∂C/∂W
    (C_out, C_in, k, k) row by row (kernel f·C_in + c: filter f on input channel c)."""
    array = np.asarray(getattr(trace, kind))
    if kind == "dW":
        return map_tiles(array.reshape(-1, *array.shape[2:]))
    return map_tiles(np.asarray(channels_first(array[SAMPLE:SAMPLE + 1])[0]))


def tiles(trace, kind):
    """(number of tiles, tile height, tile width) of `grid(trace, kind)`."""
    array = np.asarray(getattr(trace, kind))
    if kind == "dW":
        return array.shape[0] * array.shape[1], array.shape[2], array.shape[3]
    return array.shape[3], array.shape[1], array.shape[2]


def place(trace, kind, row, col):
    """(tile, i, j): the tile and its pixel at grid point (row, col), or None in a gap between tiles."""
    n, h, w = tiles(trace, kind)
    _, cols = grid_shape(n, map_columns(n))             # as map_tiles lays them out
    (tile_row, i), (tile_col, j) = divmod(row, h + TILE_PAD), divmod(col, w + TILE_PAD)
    tile = tile_row * cols + tile_col
    return None if i >= h or j >= w or tile >= n else (tile, i, j)


def spot_words(trace, kind, row, col):
    """The readout's words for grid point (row, col): "sample 0, map 2, pixel (3, 4)" or
    "filter 1, channel 0, (2, 2)"; None in a gap."""
    spot = place(trace, kind, row, col)
    if spot is None:
        return None
    tile, i, j = spot
    if kind == "dW":
        filters, channels = divmod(tile, np.shape(trace.dW)[1])
        return f"filter {filters}, channel {channels}, ({i}, {j})"
    return f"sample {SAMPLE}, map {tile}, pixel ({i}, {j})"


def conv_equation(net, l, kind, l2=0.0):
    """The formula behind `kind` of layer l (1-based) when layer l or l + 1 is a convolution or reads pooled
    maps, else None (the MLP's equations hold). ∗ is the convolution, X̂ the im2col matrix of Dˡ, pool'
    routes each gradient back through the pooling."""
    plan = net.plan
    if plan is None:
        return None
    stages = plan.stages
    s, p, L = superscript(l), superscript(l - 1), len(stages)
    conv = isinstance(stages[l - 1].layer, Conv2D)
    source = f"D{s}" if stages[l - 1].pre else f"a{p}"
    if kind == "z" and (conv or stages[l - 1].pre):
        return f"z{s} = {source} ∗ W{s} + b{s}" if conv else f"z{s} = {source}W{s} + b{s}"
    if kind == "delta" and l < L:
        following = stages[l]
        pool = "pool'" if any(step.kind != "flatten" for step in following.pre) else ""
        nxt = superscript(l + 1)
        if isinstance(following.layer, Conv2D):
            back = f"col2im(δ̂{nxt}Ŵ{nxt})"
        elif following.pre:
            back = f"δ{nxt}W{nxt}ᵀ"
        else:
            return None
        return f"δ{s} = {pool}({back}) ⊙ σ'(z{s})   BP2" if pool else f"δ{s} = {back} ⊙ σ'(z{s})   BP2"
    if kind == "db" and conv:
        return f"∂C/∂b{s} = Σₓ,ᵢⱼ δ{s}   BP3"
    if kind == "dW" and (conv or stages[l - 1].pre):
        rule = f"δ̂{s}ᵀ X̂{s}" if conv else f"{source}ᵀ δ{s}"
        return f"∂C/∂W{s} = {rule}" + (f" + λW{s}" if l2 else "") + "   BP4"
    return None
