"""Regularisation and stabilisation applied per batch: inverted dropout masks, global-norm gradient clipping."""

import math

import numpy as np


def dropout_masks(net, rng, n, config):
    """Inverted dropout masks for each layer input: kept units are scaled by 1/(1 − p).

    A unit is dropped when a random 16-bit integer falls below p·2¹⁶ (p to within 2⁻¹⁶): drawing
    integers costs about half as much as drawing floats, and the masks are drawn every batch.
    """
    if not config.dropout and not config.input_dropout:
        return None
    masks = []
    for l, width in enumerate(net.sizes[:-1]):
        p = config.input_dropout if l == 0 else config.dropout
        if p:
            keep = rng.integers(0, 1 << 16, size=(n, width), dtype=np.uint16) >= round(p * (1 << 16))
            masks.append(keep.astype(net.dtype) * net.dtype.type(1.0 / (1.0 - p)))
        else:
            masks.append(None)
    return masks


def clip_global_norm(flat_grads, clip_norm):
    """Rescale all gradients together so that their global norm is at most clip_norm."""
    total = math.sqrt(float(np.dot(flat_grads, flat_grads)))
    if total > clip_norm:
        flat_grads *= clip_norm / (total + 1e-12)
