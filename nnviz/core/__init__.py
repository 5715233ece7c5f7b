"""The learning core: NumPy only, no Qt, no files, no printing."""

from .activations import HIDDEN, OUTPUT
from .classes import class_probabilities, n_classes, output_units, predictions
from .config import EARLY_STOPPING_METRICS, TrainConfig, TrainData
from .events import BatchEnd, Diverged, EpochEnd, Finished, LayerStats, run_position
from .gradcheck import gradient_check
from .health import DETECTORS, Finding, diagnose, diagnose_layers, health_ratios, histograms, layer_report
from .initializers import INITIALIZERS
from .inspector import BatchInspection, LayerTrace, check_batch, inspect_batch
from .losses import LOSSES, VALID_PAIRS
from .lr_finder import RangeTest, lr_range_test
from .metrics import accuracy, confusion_matrix, mean_std, per_class_accuracy
from .network import Network
from .optimizers import OPTIMIZERS, make_optimizer
from .schedules import SCHEDULES, learning_rate
from .training import evaluate, train

__all__ = [
    "HIDDEN", "OUTPUT", "LOSSES", "VALID_PAIRS", "INITIALIZERS", "OPTIMIZERS", "SCHEDULES",
    "EARLY_STOPPING_METRICS", "Network",
    "predictions", "class_probabilities", "n_classes", "output_units", "TrainConfig", "TrainData", "train",
    "evaluate", "BatchEnd", "EpochEnd", "Diverged", "Finished", "LayerStats", "run_position", "gradient_check",
    "accuracy", "confusion_matrix", "per_class_accuracy", "make_optimizer", "learning_rate",
    "DETECTORS", "Finding", "diagnose", "diagnose_layers", "health_ratios", "histograms", "layer_report",
    "BatchInspection", "LayerTrace", "inspect_batch", "check_batch", "RangeTest", "lr_range_test", "mean_std",
]
