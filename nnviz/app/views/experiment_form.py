"""The experiment form's rows (FORM) and how each kind of field's editor is made, shown and read."""

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox

from nnviz.app.views.features_editor import FeaturesEditor
from nnviz.app.views.form_fields import HiddenLayersEditor, SliderEditor
from nnviz.app.views.layer_list_editor import LayerListEditor
from nnviz.core import HIDDEN, INITIALIZERS, LOSSES, OPTIMIZERS, OUTPUT, SCHEDULES
from nnviz.core.config import EARLY_STOPPING_METRICS
from nnviz.data import TITLES
from nnviz.io import IDX_PREFIX, dataset_path

OPEN_IDX = "__open_idx__"
FILE_KINDS = {IDX_PREFIX: "IDX", "csv:": "CSV", "images:": "Images"}     # file datasets, as the list shows them
OPTIMIZER_PARAMS = {"sgd": (), "momentum": ("momentum",), "nesterov": ("momentum",),
                    "rmsprop": ("rho", "epsilon"), "adam": ("beta1", "beta2", "epsilon")}
SCHEDULE_PARAMS = {"constant": (), "step": ("step_epochs", "step_gamma"), "cosine": ("min_learning_rate",)}
# Sliders: (low, high, step, readout of a value, inverted). The training ratio slider edits
# test_fraction, the share kept apart for testing, so it grows to the left.
NOISE_SLIDER = (0.0, 1.0, 0.01, lambda v: f"{v:.2f}", False)
RATIO_SLIDER = (0.1, 0.9, 0.05, lambda v: f"{1 - v:.0%} train · {v:.0%} test", True)

# (group, field, label, kind, option): kind choice → option is the names; int → (min, max);
# opt_int → max, with 0 shown as "default"; float / opt_float → line edits; bool → check box;
# slider → (low, high, step, readout, inverted), None shown at the default; layer_list → the form's
# whole width, its label as the editor's title.
FORM = (
    ("Data", "dataset", "Dataset", "dataset", None),
    ("Data", "n_samples", "Points", "opt_int", 1_000_000),
    ("Data", "noise", "Noise", "slider", NOISE_SLIDER),
    ("Data", "test_fraction", "Training ratio", "slider", RATIO_SLIDER),
    ("Data", "classes", "Classes", "opt_int", 10),
    ("Data", "train_subset", "Training subset", "int", (0, 10_000_000)),
    ("Data", "validation_split", "Validation split", "float", None),
    ("Data", "augment_shift", "Shift augmentation (px)", "int", (0, 20)),
    ("Data", "augment_rotation", "Rotation augmentation (°)", "float", None),
    ("Data", "augment_elastic", "Elastic distortion (α)", "float", None),
    ("Network", "input_features", "Input features", "features", None),
    ("Network", "hidden_layers", "Hidden layers", "layers", None),
    ("Network", "layers", "Layer list (conv, pooling, dense)", "layer_list", None),
    ("Network", "activation", "Hidden activation", "choice", tuple(HIDDEN)),
    ("Network", "output", "Output", "choice", tuple(OUTPUT)),
    ("Network", "loss", "Loss", "choice", tuple(LOSSES)),
    ("Network", "init", "Initialiser", "choice", tuple(INITIALIZERS)),
    ("Optimiser", "optimizer", "Optimiser", "choice", tuple(OPTIMIZERS)),
    ("Optimiser", "learning_rate", "Learning rate", "float", None),
    ("Optimiser", "momentum", "Momentum", "float", None),
    ("Optimiser", "beta1", "β₁", "float", None),
    ("Optimiser", "beta2", "β₂", "float", None),
    ("Optimiser", "rho", "ρ (decay)", "float", None),
    ("Optimiser", "epsilon", "ε", "float", None),
    ("Optimiser", "schedule", "Schedule", "choice", SCHEDULES),
    ("Optimiser", "step_epochs", "Step every (epochs)", "int", (0, 100_000)),
    ("Optimiser", "step_gamma", "Step factor γ", "float", None),
    ("Optimiser", "min_learning_rate", "Final learning rate", "float", None),
    ("Optimiser", "warmup", "Warm-up (share of run)", "float", None),
    ("Training", "batch_size", "Batch size", "int", (0, 1_000_000)),
    ("Training", "epochs", "Epochs", "int", (0, 1_000_000)),
    ("Training", "l2", "L2 (weight decay λ)", "float", None),
    ("Training", "l1", "L1 (sparsity λ₁)", "float", None),
    ("Training", "dropout", "Dropout (hidden)", "float", None),
    ("Training", "input_dropout", "Dropout (input)", "float", None),
    ("Training", "clip_norm", "Clip gradient norm", "float", None),
    ("Training", "early_stopping", "Early stopping patience", "int", (0, 10_000)),
    ("Training", "early_stopping_metric", "Early stopping on", "choice", EARLY_STOPPING_METRICS),
    ("Training", "restore_best", "Restore best epoch", "bool", None),
    ("Training", "time_budget", "Time limit (s, 0 = none)", "float", None),
    ("Training", "seed", "Seed", "int", (0, 2**31 - 1)),
)


# What 0 means in the int fields where it is not a number of things (a spin box shows this text instead).
ZERO_MEANS = {"train_subset": "all", "augment_shift": "off", "early_stopping": "off"}


def make_editor(name, kind, option, on_edit, on_dataset):
    """The editor of one FORM row (its `kind` and `option`), named `name`; an edit calls `on_edit`, a
    dataset chosen calls `on_dataset(index)`."""
    if kind in ("choice", "dataset"):
        editor = QComboBox()
        items = TITLES.items() if kind == "dataset" else ((v, v) for v in option)
        for value, text in items:
            editor.addItem(text, value)
        if kind == "dataset":
            editor.addItem("Open IDX folder…", OPEN_IDX)
            editor.currentIndexChanged.connect(on_dataset)
        else:
            editor.currentIndexChanged.connect(on_edit)
    elif kind in ("int", "opt_int"):
        editor = QSpinBox()
        editor.setRange(*(option if kind == "int" else (0, option)))
        if kind == "opt_int" or name in ZERO_MEANS:
            editor.setSpecialValueText(ZERO_MEANS.get(name, "default"))
        editor.valueChanged.connect(on_edit)
    elif kind == "bool":
        editor = QCheckBox()
        editor.toggled.connect(on_edit)
    elif kind == "layers":
        editor = HiddenLayersEditor()
        editor.changed.connect(on_edit)
    elif kind == "features":
        editor = FeaturesEditor()
        editor.changed.connect(on_edit)
    elif kind == "layer_list":
        editor = LayerListEditor()
        editor.changed.connect(on_edit)
    elif kind == "slider":
        editor = SliderEditor(*option)
        editor.changed.connect(on_edit)
    else:
        editor = QLineEdit()
        if kind == "opt_float":
            editor.setPlaceholderText("default")
        editor.textChanged.connect(on_edit)
    editor.kind = kind
    editor.setObjectName(name)
    return editor


def write_value(editor, value):
    """Show `value` in a FORM editor (a dataset file not yet listed is added to the list)."""
    if editor.kind == "dataset":
        if editor.findData(value) < 0:
            prefix, path = dataset_path(value)
            editor.insertItem(editor.count() - 1, f"{FILE_KINDS.get(prefix, '?')}: {os.path.basename(path)}", value)
            editor.setItemData(editor.count() - 2, path, Qt.ItemDataRole.ToolTipRole)
        editor.setCurrentIndex(editor.findData(value))
    elif editor.kind == "choice":
        editor.setCurrentIndex(editor.findData(value))
    elif editor.kind in ("int", "opt_int"):
        editor.setValue(value or 0)
    elif editor.kind == "bool":
        editor.setChecked(bool(value))
    elif editor.kind == "layers":
        editor.set_layers(value)
    elif editor.kind == "features":
        editor.set_features(value)
    elif editor.kind in ("slider", "layer_list"):
        editor.set_value(value)
    else:
        editor.setText(_format_float(value))


def read_value(editor):
    """(value, error) of a FORM editor; error is a reason when the text is not a number."""
    if editor.kind in ("choice", "dataset"):
        return editor.currentData(), None
    if editor.kind == "int":
        return editor.value(), None
    if editor.kind == "opt_int":
        return editor.value() or None, None
    if editor.kind == "bool":
        return editor.isChecked(), None
    if editor.kind == "layers":
        return editor.layers(), None
    if editor.kind == "features":
        return editor.features(), None
    if editor.kind == "slider":
        return editor.value(), None
    if editor.kind == "layer_list":
        return editor.value()
    text = editor.text().strip()
    if not text and editor.kind == "opt_float":
        return None, None
    try:
        return float(text), None
    except ValueError:
        return None, f"{text!r} is not a number" if text else "enter a number"


def _format_float(value):
    return "" if value is None else f"{value:g}" if abs(value) >= 1e-4 or value == 0 else f"{value:.3g}"
