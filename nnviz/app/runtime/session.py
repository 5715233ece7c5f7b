"""The network the window trains, with the experiment it was built for; and when Train may continue it."""

from dataclasses import dataclass

from nnviz.app.runtime.snapshot import RunData, Snapshot
from nnviz.core import TrainConfig
from nnviz.io import ExperimentConfig
from nnviz.io.logs import epoch_row

CHANGE_NAMES = {"learning_rate": "η", "momentum": "μ"}
# The seed also draws the initial weights: a new seed is a new network.
NOT_MODEL_FIELDS = (set(TrainConfig.field_names()) - {"seed"}) | {"title", "description", "expected"}


def model_key(config):
    """What a network and its data depend on: everything but the training settings."""
    return {k: v for k, v in config.to_dict().items() if k not in NOT_MODEL_FIELDS}


def describe_change(old, new):
    """What changed between two experiments, briefly: "η 0.1→0.05, batch size 32→64"."""
    before, after = old.to_dict(), new.to_dict()
    parts = []
    for key in (k for k in after if before.get(k) != after[k]):
        name, a, b = CHANGE_NAMES.get(key, key.replace("_", " ")), before.get(key), after[key]
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
        parts.append(f"{name} {a:g}→{b:g}" if numbers else f"{name} {b}")
    return ", ".join(parts)


@dataclass
class Session:
    """The network being trained, as the UI sees it: its experiment, its data and its latest snapshot."""

    config: ExperimentConfig
    run_data: RunData             # dataset, train_data, train_config (the live network stays in the training process)
    snapshot: Snapshot            # the latest weights seen
    run: int | None = None        # id of the run training it (None: loaded, not trained here)
    last_epoch: object = None     # the latest EpochEnd
    epochs_done: int = 0

    def metrics(self):
        return {"epochs": self.epochs_done, **(epoch_row(self.last_epoch) if self.last_epoch else {})}
