"""A run's exact state between two batches, so that training can go on as if it had never stopped.

`train(..., resume=state)` continues a run from a `TrainState` taken with `Training.state()`: the
same random streams (batch order, dropout masks, augmentations: nnviz.seeds.TRAINING_STREAMS), the
optimiser's moments and step count, the epoch, step, sample and time counters, and the order of an
epoch stopped half-way. Given the same network weights, data and settings (the total number of
epochs included), 2 epochs and a resume to 4 give the very weights of 4 epochs in one go, bit for bit.

Everything is held as NumPy arrays (`arrays()` / `from_arrays`), so a model file stores it without
pickling. Not carried: the best-validation weights of early stopping and the divergence rollback
point (the resumed run starts tracking both afresh).
"""

import math
from dataclasses import dataclass, field

import numpy as np

from nnviz.seeds import TRAINING_STREAMS

from .events import run_position

PREFIX = "train_state_"
WORD = (1 << 64) - 1
SCALARS = ("epochs_done", "batches_done", "batch_size", "step", "samples", "elapsed", "explosion_limit")


def rng_words(rng):
    """A PCG64 generator's state as uint64 words: [state hi, state lo, inc hi, inc lo, has_uint32, uinteger]."""
    s = rng.bit_generator.state
    if s["bit_generator"] != "PCG64":
        raise ValueError(f"rng: only PCG64 states are stored, got {s['bit_generator']}")
    state, inc = s["state"]["state"], s["state"]["inc"]
    return np.array([state >> 64, state & WORD, inc >> 64, inc & WORD, s["has_uint32"], s["uinteger"]],
                    dtype=np.uint64)


def rng_from_words(words):
    """A PCG64 generator in the state `rng_words` gave."""
    w = [int(x) for x in np.asarray(words, dtype=np.uint64)]
    if len(w) != 6:
        raise ValueError(f"rng: expected 6 state words, got {len(w)}")
    rng = np.random.default_rng()
    rng.bit_generator.state = {"bit_generator": "PCG64", "state": {"state": (w[0] << 64) | w[1],
                                                                    "inc": (w[2] << 64) | w[3]},
                               "has_uint32": w[4], "uinteger": w[5]}
    return rng


def streams_words(streams):
    """The training streams' states: one row of `rng_words` per name of TRAINING_STREAMS, in its order;
    streams: {name: Generator}."""
    return np.stack([rng_words(streams[name]) for name in TRAINING_STREAMS])


def streams_from_words(words):
    """{name: Generator} in the states `streams_words` gave."""
    return {name: rng_from_words(row) for name, row in zip(TRAINING_STREAMS, words, strict=True)}


@dataclass(frozen=True)
class TrainState:
    """Where a run is: epochs_done full epochs, then batches_done batches of the next one, which
    visits the samples in `order` (empty when batches_done is 0) in batches of `batch_size`; step,
    samples: batches and samples trained in all; elapsed: training seconds; explosion_limit: the
    divergence threshold (NaN before the first batch); rng: the training streams (`streams_words`);
    optimizer: its name, optimizer_state: its arrays by name (Adam's step count t as a 0-d array)."""

    epochs_done: int
    batches_done: int
    order: np.ndarray
    batch_size: int
    step: int
    samples: int
    elapsed: float
    explosion_limit: float
    rng: np.ndarray
    optimizer: str
    optimizer_state: dict = field(default_factory=dict)

    @property
    def position(self):
        """The run's position in epochs (`run_position`)."""
        if not self.batches_done:
            return float(self.epochs_done)
        return run_position(self.epochs_done + 1, self.batches_done, math.ceil(len(self.order) / self.batch_size))

    def arrays(self):
        """{name: array} for a .npz file (names start with PREFIX)."""
        out = {PREFIX + name: np.array(getattr(self, name)) for name in SCALARS}
        out[PREFIX + "order"] = np.asarray(self.order, dtype=np.int64)
        out[PREFIX + "rng"] = self.rng
        out[PREFIX + "optimizer"] = np.array(self.optimizer)
        for name, value in self.optimizer_state.items():
            out[PREFIX + "opt_" + name] = np.asarray(value)
        return out

    @classmethod
    def from_arrays(cls, arrays):
        """The state `arrays()` wrote, or None when `arrays` holds none; ValueError naming a bad entry."""
        if PREFIX + "step" not in arrays:
            return None
        values = {}
        for name in SCALARS:
            a = arrays.get(PREFIX + name)
            if a is None or a.shape != () or a.dtype.kind not in "iuf":
                raise ValueError(f"{PREFIX}{name}: expected a number")
            values[name] = float(a) if name in ("elapsed", "explosion_limit") else int(a)
        order = np.asarray(arrays.get(PREFIX + "order", np.zeros(0, np.int64)))
        if order.ndim != 1 or order.dtype.kind not in "iu":
            raise ValueError(f"{PREFIX}order: expected whole numbers (n,), got {order.dtype} {order.shape}")
        optimizer = arrays.get(PREFIX + "optimizer")
        if optimizer is None or optimizer.shape != () or optimizer.dtype.kind != "U":
            raise ValueError(f"{PREFIX}optimizer: expected a name")
        rng = arrays.get(PREFIX + "rng")
        shape = (len(TRAINING_STREAMS), 6)
        if rng is None or rng.shape != shape or rng.dtype != np.uint64:
            raise ValueError(f"{PREFIX}rng: expected {shape[0]}x{shape[1]} uint64 state words, 6 for each of "
                             f"{', '.join(TRAINING_STREAMS)} (a state saved before the seed streams holds 6 "
                             f"for one stream and cannot be resumed)")
        opt = {k[len(PREFIX) + 4:]: np.array(v) for k, v in arrays.items() if k.startswith(PREFIX + "opt_")}
        return cls(order=order.astype(np.int64), rng=rng, optimizer=str(optimizer), optimizer_state=opt, **values)


def optimizer_state(optimizer):
    """The optimiser's running arrays by name (none for plain SGD or before its first step)."""
    out = {}
    for name in optimizer.state_names:
        value = getattr(optimizer, name)
        if value is not None:
            out[name] = np.array(value[0] if isinstance(value, list) else value)
    return out


def restore_optimizer(optimizer, state, size):
    """Put `state` (from `optimizer_state`) back into `optimizer`, whose parameters are one vector of `size`."""
    for name in optimizer.state_names:
        if name not in state:
            continue
        value = state[name]
        if name == "t":
            optimizer.t = int(value)
        elif value.shape != (size,):
            raise ValueError(f"optimizer state {name}: expected ({size},), got {value.shape}")
        else:
            setattr(optimizer, name, [value.copy()])
