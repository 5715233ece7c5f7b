"""The network the window trains, with the experiment it was built for; and when Train may continue it."""

from dataclasses import dataclass

from nnviz.app.runtime.snapshot import Snapshot
from nnviz.core import TrainConfig
from nnviz.io import ExperimentConfig
from nnviz.io.logs import epoch_row

NOT_MODEL_FIELDS = set(TrainConfig.field_names()) | {"title", "description", "expected"}


def model_key(config):
    """What a network and its data depend on: everything but the training settings."""
    return {k: v for k, v in config.to_dict().items() if k not in NOT_MODEL_FIELDS}


@dataclass
class Session:
    """The network being trained, the experiment it was built for and what we last saw of it."""

    config: ExperimentConfig
    job: object                   # nnviz.prepare.Prepared: dataset, network, train_data, train_config
    snapshot: Snapshot | None = None
    last_epoch: object = None     # the latest EpochEnd
    epochs_done: int = 0

    def metrics(self):
        return {"epochs": self.epochs_done, **(epoch_row(self.last_epoch) if self.last_epoch else {})}
