"""The memory a network and its training need, estimated from the layer sizes before anything is allocated."""

import math

from .network import PREDICT_CHUNK
from .optimizers import OPTIMIZERS

INIT_BYTES_PER_WEIGHT = 16      # initialisers draw float64 and scale them (one temporary) before the cast
CACHED_PER_UNIT = 3             # z, a and δ of every unit for every row of a batch (BP1-BP2)


def training_bytes(sizes, batch_size, n_samples, optimizer="adam", itemsize=4, plan=None) -> int:
    """Bytes to initialise `sizes` = [n_0, ..., n_L] and train it on `n_samples` samples.

    P = Σ_l (n_l + 1) n_{l+1} parameters, each held as weight, gradient and the optimiser's `slots`;
    the largest layer's float64 draw at initialisation; the targets, one row of n_L values per
    sample (one-hot: n × k for k classes, built once for the whole training set); and for a batch
    of min(batch_size, n_samples) rows plus one prediction chunk, CACHED_PER_UNIT values per unit
    and row. Python integers throughout, so absurd sizes give an absurd number, not an overflow.
    plan: a network with convolutions (nnviz.core.conv_net.ConvPlan): its own parameter shapes, the
    values a row keeps (feature maps and im2col matrices) and its prediction chunk instead.
    """
    if plan is None:
        layers = [(n_in + 1) * n_out for n_in, n_out in zip(sizes, sizes[1:])]
        chunk, per_row = PREDICT_CHUNK, CACHED_PER_UNIT * sum(sizes)
    else:
        layers = [math.prod(W) + units for W, (units,) in plan.param_shapes()]
        chunk, per_row = plan.predict_rows(), plan.values_per_row(CACHED_PER_UNIT)
    params = sum(layers) * (2 + OPTIMIZERS[optimizer].slots) * itemsize
    init = max(layers, default=0) * INIT_BYTES_PER_WEIGHT
    rows = min(batch_size, n_samples) + min(chunk, n_samples)
    targets = n_samples * sizes[-1] * itemsize
    return params + init + targets + rows * per_row * itemsize
