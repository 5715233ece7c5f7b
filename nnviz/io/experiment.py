"""Experiment files: one flat dataclass (dataset + architecture + training) that is also the JSON format.

Presets, the GUI's open/save and the CLI's --config all read and write this format. The training
fields are inherited from `nnviz.core.TrainConfig`, so the two can never drift apart.
"""

import difflib
import json
import os
import types
import typing
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from nnviz.core import HIDDEN, INITIALIZERS, LOSSES, OUTPUT, VALID_PAIRS, Network, TrainConfig, output_units
from nnviz.core.features import DEFAULT_FEATURES, POINT_WIDTH, check_features, is_identity
from nnviz.core.fields import FieldError, choice, is_real, is_whole, number, reject, shown, whole
from nnviz.core.footprint import training_bytes
from nnviz.core.layer_list import check_layers, is_convolutional
from nnviz.guard import UserError, check_fits, read_json

from .atomic import atomic_write_text
from .json_values import json_value

# The names nnviz.data's registry knows (nnviz.io may not import nnviz.data; a test keeps them equal).
DATASET_NAMES = ("mnist", "digits8x8", "xor", "circles", "spirals", "moons", "blobs")
IDX_PREFIX = "idx:"
CSV_PREFIX = "csv:"
IMAGES_PREFIX = "images:"
MAX_IMAGE_SIZE = 512            # nnviz.data.drawing.MAX_SIDE: a larger side only adds interpolated pixels
PATH_PREFIXES = (IDX_PREFIX, CSV_PREFIX, IMAGES_PREFIX)   # datasets read from a file or folder
_PATH_FORMS = "idx:/path/to/folder, csv:/path/to/file.csv or images:/path/to/folder"
MAX_ROTATION = 180.0
MAX_ELASTIC = 100.0  # nnviz.data.augment.MAX_ELASTIC
MAX_HIDDEN_LAYERS = 64   # deeper plain MLPs do not train here, and the window shows one row per layer


class ConfigError(FieldError):
    """A bad experiment: the message names the field (or file), the bad value and what is allowed;
    `field` is the setting's name (None when the problem is not one setting's, e.g. a bad file)."""


@dataclass
class ExperimentConfig(TrainConfig):
    """A complete experiment: what to train on, which network, and how (every TrainConfig field).

    dataset: a registry name (DATASET_NAMES), "idx:/path/to/folder" (MNIST's IDX layout),
    "csv:/path/to/file.csv" (label_column: the label's header name or column index, None = the
    last) or "images:/path/to/folder" (a subfolder per class; image_size: the side the images are
    prepared at, None = 28); other datasets ignore label_column and image_size. In an experiment
    file a relative path is relative to the file. n_samples, noise, classes and test_fraction (the
    share of the data kept apart as the test set; not for MNIST and IDX folders, whose test set is
    fixed) go to the dataset loader (None = its default); train_subset > 0 keeps the first N training samples after a
    shuffle seeded by `seed`; validation_split is the share of the (subset of the) training set
    held out for validation; augment_shift (pixels) and augment_rotation (degrees)
    randomly move each training image, and augment_elastic (α) distorts it elastically (see
    nnviz.data.make_augmenter). input_features picks what a 2-D point feeds the network
    (nnviz.core.features; the default ["x1", "x2"] is the point itself). hidden_layers lists the
    hidden widths ([] = none). layers, when not null, lists the hidden layers instead, with
    convolutions and pooling (nnviz.core.layer_list: [{"conv": 6, "kernel": 5}, {"maxpool": 2},
    {"dense": 120}]); hidden_layers is then ignored.
    """

    title: str = ""
    description: str = ""
    expected: str = ""
    dataset: str = "digits8x8"
    n_samples: int | None = None
    noise: float | None = None
    test_fraction: float | None = None
    classes: int | None = None
    train_subset: int = 0
    validation_split: float = 0.1
    augment_shift: int = 0
    augment_rotation: float = 0.0
    augment_elastic: float = 0.0
    label_column: str | int | None = None
    image_size: int | None = None
    input_features: list[str] = field(default_factory=lambda: list(DEFAULT_FEATURES))
    hidden_layers: list[int] = field(default_factory=lambda: [128])
    layers: list | None = None
    activation: str = "relu"
    output: str = "softmax"
    loss: str = "cross_entropy"
    init: str = "he"

    # -- checking ------------------------------------------------------------------------------

    def validate(self):
        """Raise ConfigError naming the first bad field, its value and what is allowed; return self."""
        try:
            for f in fields(self):
                _check_type(f.name, getattr(self, f.name), f.type)
            self._validate_data()
            self._validate_architecture()
            TrainConfig.validate(self)
        except FieldError as error:
            raise ConfigError(str(error), error.field) from None
        for name in ("early_stopping", "restore_best"):
            if getattr(self, name) and self.validation_split == 0:
                raise ConfigError(f"{name}: {shown(getattr(self, name))} needs a validation set; "
                                  f"set validation_split > 0", name)
        return self

    def _validate_data(self):
        prefix, path = dataset_path(self.dataset)
        if prefix and not path:
            reject("dataset", self.dataset, f"write {_PATH_FORMS}")
        if not prefix:
            choice("dataset", self.dataset, DATASET_NAMES, also=f", or {_PATH_FORMS}")
        whole("image_size", self.image_size, 4, optional=True)
        if self.image_size is not None and self.image_size > MAX_IMAGE_SIZE:
            reject("image_size", self.image_size, f"must be at most {MAX_IMAGE_SIZE} (images are read at most "
                                                  f"{MAX_IMAGE_SIZE} pixels a side; MNIST's is 28)")
        whole("n_samples", self.n_samples, 1, optional=True)
        number("noise", self.noise, 0, optional=True)
        number("test_fraction", self.test_fraction, 0, 1, low_open=True, high_open=True, optional=True)
        if self.test_fraction is not None and (self.dataset == "mnist" or prefix == IDX_PREFIX):
            reject("test_fraction", self.test_fraction, f"{self.dataset} comes with its own test set; "
                                                        f"leave test_fraction null")
        whole("classes", self.classes, 2, optional=True)
        whole("train_subset", self.train_subset, 0)
        number("validation_split", self.validation_split, 0, 1, high_open=True)
        whole("augment_shift", self.augment_shift, 0)
        number("augment_rotation", self.augment_rotation, 0, MAX_ROTATION, what="a number of degrees")
        number("augment_elastic", self.augment_elastic, 0, MAX_ELASTIC, note=" (α; 34 is Simard's)")

    def _validate_architecture(self):
        if len(self.hidden_layers) > MAX_HIDDEN_LAYERS:
            raise FieldError(f"hidden_layers: {len(self.hidden_layers):,} layers are not allowed; "
                             f"at most {MAX_HIDDEN_LAYERS}", "hidden_layers")
        try:
            check_features(self.input_features)
        except ValueError as error:
            raise FieldError(str(error), "input_features") from None
        if any(width < 1 for width in self.hidden_layers):
            reject("hidden_layers", self.hidden_layers, "every width must be a whole number ≥ 1")
        if self.layers is not None:
            if len(self.layers) > MAX_HIDDEN_LAYERS:
                raise FieldError(f"layers: {len(self.layers):,} layers are not allowed; at most "
                                 f"{MAX_HIDDEN_LAYERS}", "layers")
            check_layers(self.layers)
            if is_convolutional(self.layers) and not is_identity(self.input_features):
                reject("input_features", self.input_features, "a network with convolutions takes images; "
                       f"use {list(DEFAULT_FEATURES)!r}")
        choice("activation", self.activation, HIDDEN)
        choice("output", self.output, OUTPUT)
        choice("loss", self.loss, LOSSES)
        if self.loss not in VALID_PAIRS[self.output]:
            raise FieldError(f"loss: {shown(self.loss)} does not go with output {shown(self.output)}; "
                             f"allowed with {shown(self.output)}: {', '.join(VALID_PAIRS[self.output])}", "loss")
        choice("init", self.init, INITIALIZERS)

    # -- building ------------------------------------------------------------------------------

    def train_config(self) -> TrainConfig:
        """The training part, as the plain TrainConfig the core's `train` takes."""
        return TrainConfig(**{name: getattr(self, name) for name in TrainConfig.field_names()})

    def n_outputs(self, n_classes: int) -> int:
        """Output units for n_classes: 1 for a sigmoid output on two classes, else n_classes."""
        return output_units(n_classes, self.output)

    def build_network(self, n_inputs: int, n_classes: int, dtype=np.float32, n_samples=None,
                      image_shape=None) -> Network:
        """A freshly initialised network [n_inputs, *hidden_layers, n_outputs] (or of `layers`),
        seeded by `seed`; with input features, n_inputs must be 2 and the first size is the number
        of features; with convolutions, image_shape (the dataset's (height, width)) is required.

        Raises MemoryLimitError, before allocating anything, when training it on `n_samples`
        samples (default: one batch) needs more memory than is available.
        """
        features = None if is_identity(self.input_features) else self.input_features
        if features is not None and n_inputs != POINT_WIDTH:
            raise ConfigError(f"input_features: {shown(self.input_features)} need 2-D points; this dataset "
                              f"has {n_inputs} inputs (use {list(DEFAULT_FEATURES)!r})", "input_features")
        if self.layers is not None:
            return self._build_layered(n_inputs, n_classes, dtype, n_samples, image_shape)
        sizes = [len(features) if features else n_inputs, *self.hidden_layers, self.n_outputs(n_classes)]
        needed = training_bytes(sizes, self.batch_size, n_samples or self.batch_size, self.optimizer,
                                np.dtype(dtype).itemsize)
        check_fits(f"hidden_layers {shown(self.hidden_layers)} on {sizes[0]} inputs", needed)
        return Network(sizes, hidden=self.activation, output=self.output, loss=self.loss,
                       init=self.init, seed=self.seed, dtype=dtype, features=features)

    def _build_layered(self, n_inputs, n_classes, dtype, n_samples, image_shape):
        if is_convolutional(self.layers) and image_shape is None:
            raise ConfigError(f"layers: convolutions and pooling need images; dataset {self.dataset} "
                              f"holds {n_inputs}-D points (use dense layers only)", "layers")
        arguments = dict(hidden=self.activation, output=self.output, loss=self.loss, init=self.init,
                         seed=self.seed, dtype=dtype, layers=self.layers, image_shape=image_shape)
        sizes = [n_inputs, self.n_outputs(n_classes)]
        try:
            shape = Network(sizes, **arguments, _empty=True)       # no weights yet: sizes checked first
        except ValueError as error:
            raise ConfigError(str(error), "layers") from None
        needed = training_bytes(shape.sizes, self.batch_size, n_samples or self.batch_size, self.optimizer,
                                np.dtype(dtype).itemsize, plan=shape.plan)
        check_fits(f"layers on {n_inputs} inputs", needed)
        return Network(sizes, **arguments)

    # -- JSON ----------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """A flat dict, the experiment's own fields first, then the training fields."""
        values = asdict(self)
        return {name: values[name] for name in _field_order()}

    @classmethod
    def from_dict(cls, d) -> "ExperimentConfig":
        """Build from a dict such as `to_dict` returns; missing keys take their defaults.

        Raises ConfigError for an unknown key (with close matches) or a value of the wrong type.
        The values' ranges are checked by `validate`, not here.
        """
        if not isinstance(d, dict):
            raise ConfigError(f"an experiment must be a JSON object of settings, got {type(d).__name__}")
        kinds = {f.name: f.type for f in fields(cls)}
        for key in d:
            if key not in kinds:
                close = difflib.get_close_matches(str(key), kinds, n=3)
                hint = f"did you mean {' or '.join(close)}?" if close else f"allowed: {', '.join(_field_order())}"
                raise ConfigError(f"unknown setting {shown(key)}; {hint}")
        values = {key: _check_type(key, value, kinds[key]) for key, value in d.items()}
        for name in ("hidden_layers", "input_features"):
            if name in values:
                values[name] = list(values[name])
        if values.get("layers") is not None:
            values["layers"] = [dict(spec) if isinstance(spec, dict) else spec for spec in values["layers"]]
        return cls(**values)

    def to_json(self) -> str:
        return json.dumps(json_value(self.to_dict()), indent=2, ensure_ascii=False) + "\n"


def load_experiment(path) -> ExperimentConfig:
    """Read and validate an experiment JSON file; every problem is a ConfigError naming the file."""
    path = Path(path)
    try:
        data = read_json(path, what="experiment file")
    except UserError as error:
        raise ConfigError(str(error)) from None
    try:
        config = ExperimentConfig.from_dict(data)
        config.dataset = resolve_dataset_path(config.dataset, path.parent)
        return config.validate()
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}", error.field) from None


def dataset_path(dataset: str) -> tuple[str, str]:
    """("idx:" / "csv:" / "images:", the path after it, stripped) for a file dataset, else ("", "")."""
    for prefix in PATH_PREFIXES:
        if dataset.startswith(prefix):
            return prefix, dataset[len(prefix):].strip()
    return "", ""


def resolve_dataset_path(dataset: str, base) -> str:
    """A file dataset with `~` expanded and a relative path made absolute against the folder `base`."""
    prefix, path = dataset_path(dataset)
    if not path:
        return dataset
    if "\0" in path:
        raise ConfigError(f"dataset: {shown(dataset)} is not allowed; a file path cannot hold a NUL byte", "dataset")
    return prefix + os.path.normpath(Path(base).absolute() / Path(path).expanduser())


def save_experiment(config: ExperimentConfig, path) -> None:
    """Validate `config` and write it as JSON, atomically (the old file survives a failed save)."""
    atomic_write_text(path, config.validate().to_json())


def _field_order():
    """Field names as the JSON lists them: the experiment's own fields, then the training fields."""
    training = TrainConfig.field_names()
    return [f.name for f in fields(ExperimentConfig) if f.name not in training] + list(training)


# -- field checks -----------------------------------------------------------------------------

_SIMPLE_TYPES = {
    bool: (lambda v: isinstance(v, bool), "true or false"),
    int: (is_whole, "a whole number"),
    float: (is_real, "a number"),
    str: (lambda v: isinstance(v, str), "a string"),
    list: (lambda v: isinstance(v, list), "a list"),
}


def _check_type(name, value, kind):
    """Return `value` (ints widened to float for float fields) or raise ConfigError."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        inner = [k for k in typing.get_args(kind) if k is not type(None)]
        if value is None:
            return None
        for one in inner:
            if _SIMPLE_TYPES.get(one, (lambda v: True,))[0](value):
                return _check_type(name, value, one)
        allowed = " or ".join(_SIMPLE_TYPES[one][1] for one in inner)
        raise ConfigError(f"{name}: {shown(value)} is not allowed; must be {allowed} or null", name)
    if typing.get_origin(kind) is list:
        accepts, description = _SIMPLE_TYPES[typing.get_args(kind)[0]]
        if not (isinstance(value, (list, tuple)) and all(accepts(v) for v in value)):
            raise ConfigError(f"{name}: {shown(value)} is not allowed; must be a list of "
                              f"{description.removeprefix('a ')}s", name)
        return value
    accepts, description = _SIMPLE_TYPES[kind]
    if not accepts(value):
        raise ConfigError(f"{name}: {shown(value)} is not allowed; must be {description}", name)
    return float(value) if kind is float else value

