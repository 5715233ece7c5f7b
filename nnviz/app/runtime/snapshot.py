"""What the training worker hands to the UI: immutable snapshots of the weights and the run's data.

The live network stays in the worker thread. The UI receives a `RunData` (dataset, training data
and settings) once a run is ready, then `Snapshot`s: read-only copies of the weights taken between
two batches. To continue training, the next worker builds a new network from the latest snapshot.
"""

from dataclasses import dataclass

from nnviz.core import Network, TrainConfig, TrainData
from nnviz.core.features import POINT_WIDTH
from nnviz.core.inspector import read_only_copy
from nnviz.data import Dataset
from nnviz.prepare import Prepared


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

    @classmethod
    def of(cls, net, epoch=0, step=0, position=0.0):
        layers = None if net.layer_list is None else tuple(net.layer_list)
        return cls(tuple(net.sizes), net.hidden_name, net.output_name, net.loss_name,
                   tuple(read_only_copy(W) for W in net.weights),
                   tuple(read_only_copy(b) for b in net.biases), epoch, step, net.features, float(position),
                   layers, net.image_shape)

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
    """A prepared run as the UI holds it: its dataset, training data and settings — never its network."""

    dataset: Dataset
    train_data: TrainData
    train_config: TrainConfig

    @classmethod
    def of(cls, prepared):
        return cls(prepared.dataset, prepared.train_data, prepared.train_config)

    def prepared(self, snapshot, train_config):
        """The run to continue from `snapshot`'s weights with `train_config` (called in the worker)."""
        return Prepared(self.dataset, snapshot.network(), self.train_data, train_config)
