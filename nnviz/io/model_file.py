"""Model files: a trained network as a `.npz` archive (weights, architecture, experiment, metrics).

Layout: arrays W0..Wk and b0..bk, and 0-d string arrays `format` (FORMAT), `version` (nnviz's),
`architecture` (JSON: sizes, hidden, output, loss, input features or null; for a network with
convolutions also its layer list and image_shape (C, H, W), a filter bank Wl being (C_out, C_in, k, k)),
`config` (the experiment's JSON, or "null")
and `metrics` (JSON object); optionally `class_names` (JSON list) and `input_mean`, `input_std`
(the standardisation x' = (x − μ) / σ the network's inputs need, e.g. for a CSV dataset), and the
`train_state_*` arrays of the run's exact state (nnviz.core.checkpoint), from which training resumes.
Loading never unpickles (allow_pickle=False) and checks everything.
"""

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nnviz import __version__
from nnviz.core import Network, classes
from nnviz.core.checkpoint import TrainState
from nnviz.guard import UserError, read_npz

from .atomic import atomic_write
from .experiment import ConfigError, ExperimentConfig
from .json_values import json_value

FORMAT = "nnviz-model/1"


class ModelFileError(UserError):
    """A model file that cannot be used; the message names the file and the problem."""


class ModelMismatchError(UserError):
    """A valid model used on data of the wrong shape (input size or number of classes)."""


@dataclass(frozen=True)
class LoadedModel:
    """What `load_model` returns: the network, the experiment it came from (if saved) and its metrics."""

    network: Network
    config: ExperimentConfig | None
    metrics: dict = field(default_factory=dict)
    version: str = ""
    class_names: tuple[str, ...] | None = None
    input_mean: np.ndarray | None = None
    input_std: np.ndarray | None = None
    train_state: TrainState | None = None      # where its training stood (None: not saved)

    def standardize(self, X: np.ndarray) -> np.ndarray:
        """Raw inputs X (n, d) as the network takes them: (X − μ) / σ when the model has a
        standardisation, else X itself."""
        if self.input_mean is None:
            return X
        return ((X - self.input_mean) / self.input_std).astype(self.network.weights[0].dtype)

    def class_name(self, k: int) -> str:
        """The name of class k (its index as text when the model stores no names)."""
        return self.class_names[k] if self.class_names else str(k)


def save_model(path, net: Network, config: ExperimentConfig | None = None, metrics: dict | None = None,
               class_names=None, standardization=None, train_state=None):
    """Write `net` (with the optional experiment, a JSON-able metrics dict, the class names, the
    input standardisation (μ, σ), each (d,), and the run's TrainState) to `path`, atomically."""
    architecture = {"sizes": net.sizes, "hidden": net.hidden_name, "output": net.output_name,
                    "loss": net.loss_name, "features": list(net.features) if net.features else None}
    if net.layer_list is not None:
        architecture.update(layers=net.layer_list, image_shape=list(net.image_shape))
    arrays = {
        "format": np.array(FORMAT),
        "version": np.array(__version__),
        "architecture": np.array(json.dumps(architecture)),
        "config": np.array(json.dumps(config.to_dict() if config is not None else None)),
        "metrics": np.array(json.dumps(json_value(metrics or {}))),
    }
    if class_names is not None:
        arrays["class_names"] = np.array(json.dumps(list(class_names)))
    if standardization is not None:
        arrays["input_mean"], arrays["input_std"] = (np.asarray(a, np.float32) for a in standardization)
    for l, (W, b) in enumerate(zip(net.weights, net.biases)):
        arrays[f"W{l}"], arrays[f"b{l}"] = W, b
    if train_state is not None:
        arrays.update(train_state.arrays())
    atomic_write(path, lambda f: np.savez(f, **arrays))


def load_model(path) -> LoadedModel:
    """Read a model saved by `save_model`; any problem is a ModelFileError naming the file."""
    path = Path(path)
    try:
        arrays = read_npz(path, "model file")
    except UserError as error:
        raise ModelFileError(str(error)) from None
    try:
        return _build(arrays)
    except ModelFileError as error:
        raise ModelFileError(f"{path}: {error}") from None


def check_compatible(net: Network, n_features: int, n_classes: int | None = None, dataset: str = "the data"):
    """Raise ModelMismatchError unless `net` takes n_features inputs (and fits n_classes classes)."""
    if net.input_width != n_features:
        raise ModelMismatchError(f"model expects {net.input_width} inputs, dataset {dataset} has {n_features}")
    outputs = net.sizes[-1]
    if n_classes is not None and classes.n_classes(outputs) != n_classes:
        raise ModelMismatchError(f"model has {outputs} outputs, dataset {dataset} has {n_classes} classes")


def _text(arrays, name):
    value = arrays.get(name)
    if value is None:
        raise ModelFileError(f"not an nnviz model file (no '{name}' entry)")
    if value.shape != () or value.dtype.kind != "U":
        raise ModelFileError(f"'{name}' entry must be a text string, got {value.dtype} {value.shape}")
    return str(value)


def _json(arrays, name):
    try:
        return json.loads(_text(arrays, name))
    except json.JSONDecodeError as error:
        raise ModelFileError(f"'{name}' entry is not valid JSON ({error.msg})") from None


def _build(arrays):
    fmt = arrays.get("format")
    if fmt is None or fmt.shape != () or str(fmt) != FORMAT:
        raise ModelFileError(f"not an nnviz model file (format marker {FORMAT!r} missing)")
    version = _text(arrays, "version")
    arch = _json(arrays, "architecture")
    sizes, hidden, output, loss = _architecture(arch)
    layers, image_shape = arch.get("layers"), arch.get("image_shape")
    weights, biases = [], []
    for l, (W_shape, b_shape) in enumerate(_param_shapes(sizes, layers, image_shape, hidden)):
        weights.append(_layer_array(arrays, f"W{l}", W_shape))
        biases.append(_layer_array(arrays, f"b{l}", b_shape))
    dtypes = {a.dtype for a in weights + biases}
    if len(dtypes) != 1:
        raise ModelFileError(f"weights mix dtypes {sorted(str(d) for d in dtypes)}")
    try:
        network = Network.from_params(weights, biases, hidden, output, loss, arch.get("features"),
                                      layers=layers, image_shape=image_shape)
    except ValueError as error:
        raise ModelFileError(f"bad architecture: {error}") from None
    metrics = _json(arrays, "metrics")
    if not isinstance(metrics, dict):
        raise ModelFileError("'metrics' entry must be a JSON object")
    try:
        state = TrainState.from_arrays(arrays)
    except ValueError as error:
        raise ModelFileError(f"bad training state: {error}") from None
    return LoadedModel(network, _config(_json(arrays, "config")), metrics, version,
                       _class_names(arrays, network), *_standardization(arrays, network.input_width), state)


def _class_names(arrays, network):
    if "class_names" not in arrays:
        return None
    names = _json(arrays, "class_names")
    n = classes.n_classes(network.sizes[-1])
    if not (isinstance(names, list) and len(names) == n and all(isinstance(x, str) for x in names)):
        raise ModelFileError(f"'class_names' entry must be a list of {n} strings, got {names!r}")
    return tuple(names)


def _standardization(arrays, n_inputs):
    if "input_mean" not in arrays and "input_std" not in arrays:
        return None, None
    mean, std = (_layer_array(arrays, name, (n_inputs,)) for name in ("input_mean", "input_std"))
    if not np.all(std > 0):
        raise ModelFileError("array input_std must be > 0 everywhere")
    return mean, std


def _architecture(arch):
    if not isinstance(arch, dict) or not {"sizes", "hidden", "output", "loss"} <= arch.keys():
        raise ModelFileError("'architecture' entry must hold sizes, hidden, output and loss")
    sizes = arch["sizes"]
    if not (isinstance(sizes, list) and len(sizes) >= 2
            and all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in sizes)):
        raise ModelFileError(f"architecture sizes must be ≥ 2 whole numbers ≥ 1, got {sizes!r}")
    features = arch.get("features")
    if features is not None and not (isinstance(features, list) and all(isinstance(f, str) for f in features)):
        raise ModelFileError(f"architecture features must be a list of names or null, got {features!r}")
    names = [arch[k] for k in ("hidden", "output", "loss")]
    if not all(isinstance(n, str) for n in names):
        raise ModelFileError(f"architecture names must be strings, got {names!r}")
    return (sizes, *names)


def _param_shapes(sizes, layers, image_shape, hidden):
    """[(W shape, b shape)] the architecture needs: from the sizes, or from the layer list."""
    if layers is None:
        return [((n_in, n_out), (n_out,)) for n_in, n_out in zip(sizes, sizes[1:])]
    if not (isinstance(image_shape, list) and len(image_shape) == 3
            and all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in image_shape)):
        raise ModelFileError(f"architecture image_shape must be 3 whole numbers ≥ 1, got {image_shape!r}")
    try:
        shape = Network([math.prod(image_shape), sizes[-1]], hidden=hidden, layers=layers,
                        image_shape=image_shape, _empty=True)
    except ValueError as error:
        raise ModelFileError(f"bad architecture: {error}") from None
    if shape.sizes != sizes:
        raise ModelFileError(f"architecture sizes {sizes} do not match its layers ({shape.sizes})")
    return shape.param_shapes()


def _layer_array(arrays, name, shape):
    a = arrays.get(name)
    if a is None:
        raise ModelFileError(f"missing array {name} (the architecture has {shape} there)")
    if a.shape != shape:
        raise ModelFileError(f"array {name} has shape {a.shape}, the architecture needs {shape}")
    if a.dtype not in (np.float32, np.float64):
        raise ModelFileError(f"array {name} has dtype {a.dtype}, expected float32 or float64")
    if not np.all(np.isfinite(a)):
        raise ModelFileError(f"array {name} holds NaN or infinite values")
    return a


def _config(data):
    if data is None:
        return None
    try:
        return ExperimentConfig.from_dict(data).validate()
    except ConfigError as error:
        raise ModelFileError(f"the saved experiment is invalid: {error}") from None
