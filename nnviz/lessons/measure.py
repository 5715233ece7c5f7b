"""A run's measured state, the one thing a lesson's check reads: from a headless run or from the app's run.

`measure(config, start)` trains headless (nnviz.prepare + nnviz.core.train, nothing recomputed here);
`measured_state(...)` builds the same record from the epochs, the divergence and the final network
of a run made elsewhere (the app's), so a check means the same thing in both.
"""

from dataclasses import dataclass, replace

import numpy as np

from nnviz.core import Diverged, EpochEnd, TrainData, accuracy, evaluate, health_ratios, train
from nnviz.core.ablation import check_units, unit_counts
from nnviz.data import Dataset
from nnviz.evaluation import ablation_accuracy
from nnviz.guard import UserError
from nnviz.io import ExperimentConfig, load_preset
from nnviz.prepare import Prepared, prepare

from .model import Start

KNOCK_OUT_CHOICES = ("most", "least")


@dataclass(frozen=True, eq=False)
class Measured:
    """What a run measured. losses / accuracies: mean training loss / accuracy (as trained) per
    epoch; first_ratios: ‖∂C/∂Wᴸ‖/‖∂C/∂Wˡ‖
    per weight layer l in epoch 1 (the last layer's gradient over layer l's: ≥ 100 is vanishing);
    dead: dead-unit fraction per hidden layer in the last epoch; train/test accuracy and loss of the
    final weights (train: the training split it learnt from); network/X_test/y_test: for knock-outs;
    knocked_out: the (layer, unit) the student knocked out, or None."""

    losses: tuple
    accuracies: tuple
    first_ratios: tuple
    dead: tuple
    diverged: bool
    train_accuracy: float
    test_accuracy: float
    test_loss: float
    network: object
    X_test: np.ndarray
    y_test: np.ndarray
    knocked_out: tuple | None = None

    def unit_drops(self):
        """{(layer, unit): test accuracy intact − with that one hidden unit knocked out}."""
        drops = {}
        for layer, width in enumerate(unit_counts(self.network), 1):
            for unit in range(width):
                intact, ablated = ablation_accuracy(self.network, self.X_test, self.y_test, [(layer, unit)])
                drops[(layer, unit)] = intact - ablated
        return drops

    def knock_out(self, choice):
        """This state with a unit knocked out: "most" / "least" (the unit whose loss costs the most /
        least test accuracy) or "L:U"."""
        if choice in KNOCK_OUT_CHOICES:
            drops = self.unit_drops()
            pick = max if choice == "most" else min
            unit = pick(sorted(drops), key=lambda u: drops[u])
        else:
            layer, _, index = str(choice).partition(":")
            unit = check_units(self.network, [(int(layer), int(index))])[0]
        return replace(self, knocked_out=unit)


def measured_state(epochs, diverged, network, dataset, X_train, y_train, knocked_out=None) -> Measured:
    """A Measured from a run's EpochEnd events, whether it diverged, its final network, its dataset
    (for the test set) and its training split."""
    test_loss, test_accuracy = evaluate(network, dataset.X_test, dataset.y_test)
    train_accuracy = accuracy(y_train, network.predict(X_train))
    first = epochs[0].layers if epochs else ()
    ratios = tuple(1.0 / r if r else float("inf") for r in health_ratios(first)) if first else ()
    dead = epochs[-1].dead_fractions if epochs else ()
    return Measured(tuple(e.train_loss for e in epochs), tuple(e.train_accuracy for e in epochs), ratios,
                    tuple(dead), bool(diverged), float(train_accuracy), float(test_accuracy), float(test_loss), network,
                    dataset.X_test, dataset.y_test, knocked_out)


# Keys a step's settings may hold besides experiment fields: which unit to knock out, and
# hand_made = false to train without the lesson's hand-made points and parameters.
LESSON_KEYS = ("knock_out", "hand_made")


def start_config(start: Start, settings=None) -> ExperimentConfig:
    """The lesson's starting experiment with `settings` (field → value) applied, validated."""
    config = load_preset(start.preset)
    values = {**config.to_dict(), **start.settings, **(settings or {})}
    for key in LESSON_KEYS:
        values.pop(key, None)
    return ExperimentConfig.from_dict(values).validate()


def step_start(start: Start, settings) -> Start:
    """The start a step trains from: without the hand-made points and parameters when its settings
    say hand_made = false."""
    if settings.get("hand_made", True):
        return start
    return replace(start, points=None, labels=None, weights=None, biases=None)


def start_dataset(start: Start) -> Dataset | None:
    """The lesson's hand-made data set (trained and tested on alike), or None to use the experiment's."""
    if start.points is None:
        return None
    X = np.asarray(start.points, dtype=np.float32)
    y = np.asarray(start.labels, dtype=np.int64)
    n_classes = max(2, int(y.max()) + 1)
    return Dataset("lesson points", X, y, X, y, n_classes, None, tuple(str(c) for c in range(n_classes)))


def set_start_parameters(network, start: Start):
    """Overwrite the network's initial weights and biases with the lesson's hand-set ones, if any."""
    if start.weights is None:
        return
    if len(start.weights) != network.n_layers or len(start.biases) != network.n_layers:
        raise UserError(f"start.weights: give one matrix per weight layer: the network {network.sizes} has "
                        f"{network.n_layers}, the lesson gives {len(start.weights)} weights and "
                        f"{len(start.biases)} biases")
    for l, (W, b) in enumerate(zip(start.weights, start.biases)):
        W, b = np.asarray(W, dtype=network.dtype), np.asarray(b, dtype=network.dtype).ravel()
        if W.shape != network.weights[l].shape or b.shape != network.biases[l].shape:
            raise UserError(f"start.weights: layer {l + 1} needs a {network.weights[l].shape} matrix and "
                            f"{network.biases[l].shape} biases, the lesson gives {W.shape} and {b.shape}")
        network.weights[l][...] = W
        network.biases[l][...] = b


def _prepare_points(config: ExperimentConfig, points: Dataset) -> Prepared:
    """The run on a lesson's hand-made points: trained on all of them (no subset, no validation split),
    even when they hold one class (Nielsen's single neuron learns one target, y = 0)."""
    config.validate()
    network = config.build_network(points.n_features, points.n_classes, n_samples=len(points.X_train))
    return Prepared(points, network, TrainData(points.X_train, points.y_train), config.train_config())


def measure(config: ExperimentConfig, start: Start, knock_out=None) -> Measured:
    """Train `config` headless from the lesson's start (its data and initial parameters, if hand-set)
    and measure; knock_out: None, "most", "least" or "L:U" (applied after training)."""
    return train_and_measure(config, start, knock_out)[1]


def train_and_measure(config: ExperimentConfig, start: Start, knock_out=None) -> tuple[Prepared, Measured]:
    """`measure`, also returning the trained run (its network trained in place)."""
    points = start_dataset(start)
    prepared = prepare(config) if points is None else _prepare_points(config, points)
    set_start_parameters(prepared.network, start)
    epochs, diverged = [], False
    with np.errstate(all="ignore"):
        for event in train(prepared.network, prepared.train_data, prepared.train_config):
            if isinstance(event, EpochEnd):
                epochs.append(event)
            elif isinstance(event, Diverged):
                diverged = True
        data = prepared.train_data
        state = measured_state(epochs, diverged, prepared.network, prepared.dataset, data.X_train, data.y_train)
    return prepared, (state.knock_out(knock_out) if knock_out is not None else state)


@dataclass(frozen=True)
class HandMadeRun:
    """`train_and_measure` of a step trained on the lesson's hand-made points or weights, as a job of a
    training process (`ProcessJob`, the app's one way of doing heavy work off its own process)."""

    config: ExperimentConfig
    start: Start

    def __call__(self, context):
        return train_and_measure(self.config, self.start)
