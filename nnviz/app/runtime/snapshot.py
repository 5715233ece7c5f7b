"""What the training worker hands to the UI: immutable snapshots of the weights and the run's data.

The live network stays in the training process. The UI receives a `RunData` (the dataset, what it
shows of the training data, the settings) once a run is ready, then `Snapshot`s: read-only copies of
the weights taken between two batches. To continue training, the next run (`Continuation`) builds a
new network from the latest snapshot.
"""

import uuid
from dataclasses import dataclass, field, replace

import numpy as np

from nnviz.core import Network, TrainConfig, TrainData
from nnviz.core.checkpoint import TrainState
from nnviz.core.features import POINT_WIDTH
from nnviz.core.inspector import read_only_copy
from nnviz.data import Dataset
from nnviz.io import ExperimentConfig
from nnviz.prepare import Prepared, prepare

WINDOW_TRAIN_BYTES = 16 << 20      # training arrays up to this size go to the window whole
WINDOW_SAMPLE = 512                # else this many of their rows


@dataclass(frozen=True)
class Snapshot:
    """Read-only copies of the weights and biases plus the architecture, taken between two batches."""

    sizes: tuple
    hidden: str
    output: str
    loss: str
    weights: tuple
    biases: tuple
    epoch: int = 0
    step: int = 0
    features: tuple | None = None      # input feature names of a 2-D network (None: raw inputs)
    position: float = 0.0              # the run's position in epochs when taken (`run_position`)
    layers: tuple | None = None        # the layer list of a network with convolutions (else None)
    image_shape: tuple | None = None   # (C, H, W) of its images
    train_state: TrainState | None = None   # where the run stood, on a run's last snapshot: Train goes on exactly

    @classmethod
    def of(cls, net, epoch=0, step=0, position=0.0, train_state=None):
        layers = None if net.layer_list is None else tuple(net.layer_list)
        return cls(tuple(net.sizes), net.hidden_name, net.output_name, net.loss_name,
                   tuple(read_only_copy(W) for W in net.weights),
                   tuple(read_only_copy(b) for b in net.biases), epoch, step, net.features, float(position),
                   layers, net.image_shape, train_state)

    @property
    def convolutional(self):
        """Is it a network with convolutions (which only some views can show)?"""
        return self.layers is not None

    def __setstate__(self, state):
        """Unpickled (from the training process): read-only again, as when it was taken."""
        self.__dict__.update(state)
        for array in self.weights + self.biases:
            array.flags.writeable = False

    @property
    def input_width(self):
        """Columns of the X its network takes (2 for points, whatever the features)."""
        return POINT_WIDTH if self.features is not None else self.sizes[0]

    @property
    def n_layers(self):
        return len(self.weights)

    def network(self):
        """A new Network with a writable copy of this snapshot's weights (`Network.from_params` copies)."""
        return Network.from_params(self.weights, self.biases, self.hidden, self.output, self.loss,
                                   self.features, layers=None if self.layers is None else list(self.layers),
                                   image_shape=self.image_shape)


@dataclass(frozen=True)
class RunData:
    """A prepared run's data and settings — never its network.

    The training process holds it whole; the window holds `for_window()`: when the training arrays
    are large (MNIST's are 190 MB), only a sample of them (for the inspector's batches) beside the
    test set, class names and shapes, with `train_rows` saying how many rows the run trains on.
    `key` names this data for as long as it lives (a new one for new or edited data, never reused):
    a continuation sends the key, not the arrays, to a training process that holds them.
    """

    dataset: Dataset
    train_data: TrainData
    train_config: TrainConfig
    train_rows: int | None = None      # rows the run trains on, when train_data holds only a sample
    key: str = field(default_factory=lambda: uuid.uuid4().hex, init=False, compare=False)

    @classmethod
    def of(cls, prepared, key=None):
        """The run data of a `Prepared` (with `key`: the same data as the RunData of that key)."""
        data = cls(prepared.dataset, prepared.train_data, prepared.train_config)
        if key is not None:
            object.__setattr__(data, "key", key)
        return data

    @property
    def complete(self):
        """Does it hold every training row (else `prepare` must read the data again to train on it)?"""
        return self.train_rows is None

    @property
    def rows(self):
        """How many rows the run trains on (an epoch's batches follow from it)."""
        return len(self.train_data.X_train) if self.complete else self.train_rows

    def with_config(self, train_config):
        """The same data (same key) with other training settings (a continuation's)."""
        data = replace(self, train_config=train_config)
        object.__setattr__(data, "key", self.key)
        return data

    def for_window(self):
        """What the window keeps of it: itself when the training arrays are small, else the same data
        (same key) with WINDOW_SAMPLE rows of them (drawn with a fixed seed) and no validation split."""
        data, dataset = self.train_data, self.dataset
        arrays = (data.X_train, data.y_train, data.X_val, data.y_val)
        if dataset is None or sum(a.nbytes for a in arrays + (dataset.X_train, dataset.y_train)
                                  if a is not None) <= WINDOW_TRAIN_BYTES:
            return self
        X, y = sample_rows(data.X_train, data.y_train)
        windowed = RunData(replace(dataset, **dict(zip(("X_train", "y_train"),
                                                       sample_rows(dataset.X_train, dataset.y_train)))),
                           TrainData(X, y), self.train_config, train_rows=self.rows)
        object.__setattr__(windowed, "key", self.key)
        return windowed


def sample_rows(X, y):
    """At most WINDOW_SAMPLE rows of (X (n, d), y (n,)), in their order, drawn with a fixed seed."""
    if len(X) <= WINDOW_SAMPLE:
        return X, y
    pick = np.sort(np.random.default_rng(0).choice(len(X), WINDOW_SAMPLE, replace=False))
    return X[pick], y[pick]


@dataclass(frozen=True)
class Continuation:
    """The setup (called in the training process) of a run continuing from `snapshot`'s weights with
    `train_config` on `run_data` — which the process resolves to the data it holds under that key
    (`training_process.Channel`); data that is not complete and not held is prepared again from
    `config` (the same rows: everything is drawn from its seed). It trains `train_config.epochs` more
    epochs; when the snapshot carries its run's TrainState it goes on exactly where that run stopped
    (random stream, optimiser moments, counters), its events counting on from the earlier run's
    (epoch 11 after 10): see `continued_exactly`."""

    run_data: RunData
    snapshot: Snapshot
    train_config: TrainConfig
    config: ExperimentConfig

    @property
    def data_key(self):
        return self.run_data.key

    def __call__(self):
        data = self.run_data
        if not data.complete:
            data = RunData.of(prepare(self.config))
        state, train_config = self.snapshot.train_state, self.train_config
        if state is not None:
            train_config = replace(train_config, epochs=state.epochs_done + train_config.epochs)
        return Prepared(data.dataset, self.snapshot.network(), data.train_data, train_config, resume=state)


def continued_exactly(snapshot):
    """Does a run continued from `snapshot` go on exactly, its events counting on from the earlier run's?"""
    return snapshot is not None and snapshot.train_state is not None
