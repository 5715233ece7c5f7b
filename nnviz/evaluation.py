"""Evaluation beyond accuracy: robustness to noise and rotation, mistakes ranked by confidence, ablation.

Pure NumPy on top of nnviz.core and nnviz.data; the evaluation dialog and the CLI can share it (the
dialog computes robustness in a training process, as a `RobustnessJob`).
"""

from dataclasses import dataclass, replace
from functools import cached_property
from typing import NamedTuple

import numpy as np

from nnviz.core import accuracy, class_probabilities, confusion_matrix, per_class_accuracy, predictions
from nnviz.core.ablation import ablation_masks
from nnviz.data import rotate_images
from nnviz.guard import UserError, shorten
from nnviz.seeds import stream

KINDS = ("noise", "rotation")
DEFAULT_LEVELS = {"noise": (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0),        # std of the added noise
                  "rotation": (0.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0)}     # degrees
MAX_ROTATION = 180.0


class Mistakes(NamedTuple):
    """Wrongly classified samples, most confident first: indices into X, predicted classes, confidences."""

    indices: np.ndarray      # (m,) int64
    predicted: np.ndarray    # (m,) int64
    confidence: np.ndarray   # (m,) float, the output for the predicted class


@dataclass(frozen=True, eq=False)
class EvaluationResults:
    """A network's predictions on a dataset's test set, with what the evaluation views need.

    X: (n, d) test inputs; y: (n,) labels; predicted: (n,) classes; confidence: (n,) output of the
    predicted class; image_shape: (h, w) or None for points.
    """

    X: np.ndarray
    y: np.ndarray
    predicted: np.ndarray
    confidence: np.ndarray
    n_classes: int
    class_names: tuple
    image_shape: tuple | None
    dataset_name: str = ""

    @cached_property
    def confusion(self):
        """(k, k) counts, C[true, predicted]."""
        return confusion_matrix(self.y, self.predicted, self.n_classes)

    @property
    def accuracy(self):
        return accuracy(self.y, self.predicted)

    @property
    def per_class(self):
        """(k,) accuracy of each true class, NaN for a class without test samples."""
        return per_class_accuracy(self.confusion)

    def cell(self, true_class, pred_class):
        """Indices of the test samples in confusion cell (true_class, pred_class), ascending."""
        return class_examples(self.y, self.predicted, true_class, pred_class)

    def mistakes(self, limit=None):
        """The wrong predictions, most confident first (see `mistakes_from_outputs`)."""
        return _rank_mistakes(self.predicted, self.confidence, self.y, limit)


def evaluate_test_set(net, dataset):
    """Predict `dataset`'s test set with `net` once and keep everything the evaluation views show."""
    predicted, confidence = predictions_and_confidence(net.predict_proba(dataset.X_test))
    return EvaluationResults(dataset.X_test, dataset.y_test, predicted, confidence, dataset.n_classes,
                             tuple(dataset.class_names), dataset.image_shape, dataset.name)


def test_set_for_model(model, dataset, source):
    """`dataset`'s test set as `model` (an nnviz.io.LoadedModel) takes it -> (X (n, d), y (n,)).

    The features are brought back to their raw values, x = x'σ_data + μ_data, then standardised with
    the model's own μ and σ (as predict, ONNX and predict.py do), never with the new data's; each
    label is the index of its class name among the model's (by name, not by position). A label
    the model does not know is a UserError naming `source` (the data) and the label.
    """
    X = dataset.X_test
    if dataset.input_mean is not None:
        X = X.astype(np.float64) * dataset.input_std + dataset.input_mean
    X = np.asarray(model.standardize(X), dtype=model.network.weights[0].dtype)
    if not model.class_names:
        return X, dataset.y_test
    known = {name: k for k, name in enumerate(model.class_names)}
    unknown = [name for name in dataset.class_names if name not in known]
    if unknown:
        raise UserError(f"{source}: label {shorten(unknown[0])} is not one of the model's classes "
                        f"({', '.join(model.class_names[:10])}{', …' if len(model.class_names) > 10 else ''})")
    index = np.array([known[name] for name in dataset.class_names], dtype=np.int64)
    return X, index[dataset.y_test]


def predictions_and_confidence(P):
    """Outputs P (n, k) -> (predicted classes (n,), confidence (n,)).

    The confidence is the output of the predicted class (its probability for softmax); with one
    sigmoid output p the prediction is p > 0.5 and the confidence max(p, 1 − p).
    """
    predicted = predictions(np.asarray(P))
    return predicted, class_probabilities(P)[np.arange(len(predicted)), predicted]


def mistakes_from_outputs(P, y, limit=None):
    """The mistakes among outputs P (n, k) for labels y (n,), most confident first (ties: lower index first).

    limit: keep at most that many (None: all).
    """
    predicted, confidence = predictions_and_confidence(P)
    return _rank_mistakes(predicted, confidence, y, limit)


def mistakes(net, X, y, limit=None):
    """The samples of X (n, d_in) that `net` gets wrong, most confident first; see `mistakes_from_outputs`."""
    return mistakes_from_outputs(net.predict_proba(X), y, limit)


def class_examples(y_true, y_pred, true_class, pred_class):
    """Indices (ascending) of the samples in confusion cell (true_class, pred_class)."""
    return np.flatnonzero((np.asarray(y_true) == true_class) & (np.asarray(y_pred) == pred_class))


def perturb(X, kind, level, image_shape, rng):
    """A perturbed copy of X (n, d): Gaussian noise of std `level` (clipped to [0, 1] for images), or
    each image rotated about its centre by +level or −level degrees (sign at random, bilinear,
    zero outside). Level 0 returns X itself."""
    if kind not in KINDS:
        raise UserError(f"kind: {kind!r} is not allowed; allowed: {', '.join(KINDS)}")
    if not (np.isfinite(level) and level >= 0):
        raise UserError(f"levels: {level!r} is not allowed; must be a number ≥ 0")
    if kind == "rotation" and image_shape is None:
        raise UserError("kind: 'rotation' needs an image dataset; this one holds points")
    if kind == "rotation" and level > MAX_ROTATION:
        raise UserError(f"levels: {level!r} is not allowed for rotation; must be ≤ {MAX_ROTATION:g} degrees")
    if level == 0:
        return X
    if kind == "noise":
        noisy = X + rng.normal(0.0, level, X.shape).astype(X.dtype)
        return noisy if image_shape is None else np.clip(noisy, 0, 1, out=noisy)
    signs = rng.choice((-1.0, 1.0), size=len(X))
    return rotate_images(np.asarray(X), image_shape, signs * float(level))


def robustness_curve(net, dataset, kind="noise", levels=None, seed=0, max_samples=2000):
    """Test accuracy of `net` as `dataset`'s test images are perturbed more and more (see `perturb`).

    Uses a seeded random subset of at most `max_samples` test samples (all when fewer), the same
    subset at every level. levels default to DEFAULT_LEVELS[kind]. Returns (levels, accuracies),
    two float arrays of the same length; level 0 gives the clean accuracy of the subset.
    """
    points = list(robustness_points(net, dataset, kind, levels, seed, max_samples))
    return np.array([p[0] for p in points], dtype=float), np.array([p[1] for p in points], dtype=float)


def robustness_levels(kind, levels=None):
    """The perturbation levels of a robustness curve of `kind`: `levels`, or DEFAULT_LEVELS[kind]."""
    if kind not in KINDS:
        raise UserError(f"kind: {kind!r} is not allowed; allowed: {', '.join(KINDS)}")
    return np.asarray(DEFAULT_LEVELS[kind] if levels is None else levels, dtype=float).reshape(-1)


def robustness_points(net, dataset, kind="noise", levels=None, seed=0, max_samples=2000):
    """`robustness_curve` one level at a time: yields (level, accuracy), so that a caller can show
    progress and stop between levels."""
    levels = robustness_levels(kind, levels)
    rng = stream(seed, "robustness")
    X, y = dataset.X_test, dataset.y_test
    if len(X) > max_samples:
        keep = np.sort(rng.choice(len(X), max_samples, replace=False))
        X, y = X[keep], y[keep]
    for level in levels:
        yield float(level), accuracy(y, net.predict(perturb(X, kind, level, dataset.image_shape, rng)))


class RobustnessJob:
    """`robustness_points` of each of `kinds`, as a job of a training process (`ProcessJob`): reports
    ("point", kind, level, accuracy) per level, and stops between two levels once asked to."""

    def __init__(self, net, dataset, kinds, seed=0, max_samples=2000):
        self.net, self.kinds, self.seed, self.max_samples = net, tuple(kinds), seed, max_samples
        self.dataset = replace(dataset, X_train=dataset.X_train[:1], y_train=dataset.y_train[:1])  # test part only

    def __call__(self, context):
        with np.errstate(all="ignore"):
            for kind in self.kinds:
                for level, acc in robustness_points(self.net, self.dataset, kind, seed=self.seed,
                                                    max_samples=self.max_samples):
                    if context.stopping.is_set():
                        return
                    context.report("point", kind, level, acc)


def _rank_mistakes(predicted, confidence, y, limit):
    wrong = np.flatnonzero(predicted != np.asarray(y))
    order = wrong[np.argsort(-confidence[wrong], kind="stable")][:limit]
    return Mistakes(order, predicted[order], confidence[order])


def parse_units(text):
    """"L:U[,L:U…]" (hidden layer L from 1, unit U from 0) → [(L, U), ...]; UserError naming the bad part."""
    if not text.strip():
        raise UserError("--ablate: no units given; give LAYER:UNIT[,LAYER:UNIT…] (e.g. 1:3, hidden layer 1 "
                        "counted from 1, unit 3 counted from 0)")
    units = []
    for part in text.split(","):
        layer, sep, unit = part.strip().partition(":")
        if not (sep and layer.strip().isdigit() and unit.strip().isdigit()):
            raise UserError(f"--ablate: {part.strip()!r} is not LAYER:UNIT (e.g. 1:3, hidden layer 1 "
                             f"counted from 1, unit 3 counted from 0)")
        units.append((int(layer), int(unit)))
    return units


def ablation_accuracy(net, X, y, units):
    """(intact accuracy, accuracy with `units` knocked out) of `net` on X (n, d), labels y (n,)."""
    masks = ablation_masks(net, units)
    return accuracy(y, net.predict(X)), accuracy(y, net.predict(X, masks))
