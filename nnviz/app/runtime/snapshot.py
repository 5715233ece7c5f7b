"""Immutable snapshots of a network's weights, the only thing the training worker hands to the UI."""

from dataclasses import dataclass

from nnviz.core import Network
from nnviz.core.features import POINT_WIDTH
from nnviz.core.inspector import read_only_copy


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

    @classmethod
    def of(cls, net, epoch=0, step=0):
        return cls(tuple(net.sizes), net.hidden_name, net.output_name, net.loss_name,
                   tuple(read_only_copy(W) for W in net.weights),
                   tuple(read_only_copy(b) for b in net.biases), epoch, step, net.features)

    @property
    def input_width(self):
        """Columns of the X its network takes (2 for points, whatever the features)."""
        return POINT_WIDTH if self.features is not None else self.sizes[0]

    def network(self):
        """A Network computing with this snapshot's weights (shares the read-only arrays)."""
        return Network.from_params(self.weights, self.biases, self.hidden, self.output, self.loss,
                                   self.features)
