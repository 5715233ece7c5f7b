"""`nnviz evaluate | predict | export | gradcheck | presets`: the commands besides training."""

import math
from pathlib import Path

import numpy as np

from nnviz.cli.common import EXIT_FAILED, check_output, emit, experiment_config, record
from nnviz.core import (
    accuracy,
    class_probabilities,
    confusion_matrix,
    gradient_check,
    per_class_accuracy,
)
from nnviz.core.gradcheck import KINK_OFFSET, PASS_TOLERANCE, check_level, move_off_kinks
from nnviz.data import NothingDrawn, load_image_file, preprocess_drawing
from nnviz.evaluation import ablation_accuracy, parse_units, test_set_for_model
from nnviz.export import INPUT_NAME, OUTPUT_NAME, describe_input, export_numpy, export_onnx
from nnviz.guard import UserError, shorten
from nnviz.io import (
    ExperimentConfig,
    check_compatible,
    dataset_path,
    list_presets,
    load_model,
)
from nnviz.prepare import load_config_dataset

# -- evaluate, predict --------------------------------------------------------------------------

def cmd_evaluate(args):
    """Accuracy, per-class accuracy and the confusion matrix of a saved model on a test set."""
    model = load_model(args.model)
    config = model.config
    if config is None:
        if not args.dataset:
            raise UserError(f"{args.model}: the model holds no experiment; name the data with --dataset")
        config = ExperimentConfig(dataset=args.dataset)
    prefix, data_path = dataset_path(config.dataset)
    if not args.dataset and prefix and not Path(data_path).exists():
        raise UserError(f"{args.model}: the model was trained on {prefix}{data_path}, which does not exist "
                        f"(any more); name the data with --dataset")
    dataset = load_config_dataset(config, args.dataset)
    net = model.network
    names = tuple(model.class_names or dataset.class_names)
    check_compatible(net, dataset.n_features, None if model.class_names else dataset.n_classes, dataset.name)
    X, y = test_set_for_model(model, dataset, args.dataset or config.dataset)
    y_pred = net.predict(X)
    C = confusion_matrix(y, y_pred, len(names))
    acc, per_class = accuracy(y, y_pred), per_class_accuracy(C)
    ablated = None
    if args.ablate is not None:
        units = parse_units(args.ablate)
        ablated = {"units": [f"{l}:{u}" for l, u in units],
                   "accuracy": ablation_accuracy(net, X, y, units)[1]}
    if args.json:
        emit(record("Evaluation", model=str(args.model), dataset=dataset.name, accuracy=acc,
                      test_samples=len(y_pred), class_names=names,
                      per_class_accuracy=per_class, confusion_matrix=C, ablated=ablated))
        return 0
    print(f"{args.model} on {dataset.name}: test accuracy {acc:.2%} ({int(np.trace(C)):,} of {len(y_pred):,})")
    if ablated:
        print(f"with hidden units {', '.join(ablated['units'])} knocked out: test accuracy "
              f"{ablated['accuracy']:.2%} (intact {acc:.2%})")
    print()
    print("confusion matrix (rows: true class, columns: predicted class)")
    width = max(6, *(len(n) + 2 for n in names), len(str(C.max())) + 2)
    first = max(len("true\\pred"), *(len(n) for n in names))
    print("true\\pred".rjust(first) + "".join(n.rjust(width) for n in names) + "   total  accuracy")
    for name, row, rate in zip(names, C, per_class):
        rate_text = "-" if np.isnan(rate) else f"{rate:.2%}"
        print(name.rjust(first) + "".join(str(v).rjust(width) for v in row) + f"{row.sum():>8}  {rate_text:>8}")
    return 0


def cmd_predict(args):
    """Top-3 classes for an image (any format Pillow reads, or .npy; prepared like MNIST), a 2-D
    point or a row of feature values (standardised as the model's training data; class names printed)."""
    model = load_model(args.model)
    n_inputs = model.network.input_width
    given = [name for name, value in (("an IMAGE", args.image), ("--point", args.point), ("--row", args.row))
             if value is not None]
    if len(given) > 1:
        raise UserError(f"give one of an IMAGE, --point X Y or --row VALUES, not {' and '.join(given)}")
    if args.point is not None:
        if n_inputs != 2:
            raise UserError(f"--point: the model takes {n_inputs} inputs, not a 2-D point")
        if not all(map(math.isfinite, args.point)):
            raise UserError(f"--point: {args.point[0]:g} {args.point[1]:g} is not allowed; "
                            f"X and Y must be finite numbers")
        x = _network_input(model, args.point, "--point")
    elif args.row is not None:
        values = _row_values(args.row)
        if len(values) != n_inputs:
            raise UserError(f"--row: the model takes {n_inputs} values, got {len(values)}")
        x = _network_input(model, values, "--row")
    else:
        side = math.isqrt(n_inputs)
        table = model.input_mean is not None or side * side != n_inputs      # a model of CSV rows
        if args.image is None or table:
            hint = ("--point X Y" if n_inputs == 2 else f"--row with {n_inputs} comma-separated values" if table
                    else "an IMAGE file (PNG, JPEG, BMP, GIF, WebP, TIFF or .npy)")
            raise UserError(f"the model takes {n_inputs} inputs: give {hint}")
        try:
            x = preprocess_drawing(load_image_file(args.image), size=side).reshape(1, -1)
        except NothingDrawn as error:
            raise UserError(f"{args.image}: {error}") from None
    P = class_probabilities(model.network.predict_proba(x))[0]
    for k in np.argsort(-P, kind="stable")[:3]:
        print(f"{model.class_name(k)}  {P[k]:.4f}")
    return 0


# A value this many standard deviations from the training data's mean lies where the network
# never saw anything: whatever class it printed would be confident and meaningless.
MAX_STANDARD_SCORE = 1000.0


def _network_input(model, values, option):
    """Raw values (d,) -> the network's input (1, d): scaled with the model's μ, σ; UserError naming
    `option` and the value when a value is beyond float32 or MAX_STANDARD_SCORE σ from the training mean."""
    raw = np.array([values], dtype=np.float64)
    with np.errstate(over="ignore"):
        x = np.asarray(model.standardize(raw), dtype=model.network.dtype)
    for i, (value, scaled) in enumerate(zip(raw[0], x[0].astype(np.float64))):
        if not np.isfinite(scaled):
            raise UserError(f"{option}: value {i + 1}, {value:g}, is too large; the network computes in float32, "
                            f"at most ±{np.finfo(np.float32).max:.3g}")
        if model.input_mean is not None and abs(scaled) > MAX_STANDARD_SCORE:
            raise UserError(f"{option}: value {i + 1}, {value:g}, is {abs(scaled):.4g} standard deviations from the "
                            f"training data's mean ({model.input_mean[i]:g}); at most {MAX_STANDARD_SCORE:g}, "
                            f"where the network has seen data")
    return x


def _row_values(text):
    """--row "5.1,3.5,1.4,0.2" -> [5.1, 3.5, 1.4, 0.2]."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise UserError(f"--row: {shorten(text)} is not a comma-separated list of numbers") from None
    if not all(math.isfinite(v) for v in values):
        raise UserError(f"--row: {shorten(text)} holds a value that is not a finite number")
    return values


def cmd_export(args):
    """Write a saved model as an ONNX file, or as a folder that predicts with NumPy alone."""
    model = load_model(args.model)
    out = Path(args.out)
    if args.format == "onnx":
        if out.suffix.lower() != ".onnx":
            raise UserError(f"{out}: an ONNX file name must end in .onnx (or give --format numpy for a folder)")
        check_output(out)
        export_onnx(model, out)
        print(f"wrote {out}: input '{INPUT_NAME}' float32 (n, {model.network.input_width}), "
              f"{describe_input(model)}; output '{OUTPUT_NAME}' float32 (n, {model.network.sizes[-1]})")
    else:
        files = export_numpy(model, out, force=args.force)
        print(f"wrote {', '.join(str(f) for f in files)}; run: python {files[1]} IMAGE_OR_ROW")
    return 0


# -- gradcheck, presets -------------------------------------------------------------------------

def cmd_gradcheck(args):
    """Backprop against finite differences (float64) on a few training samples of an experiment."""
    config = experiment_config(args)
    if args.samples < 1 or args.max_entries < 1:
        raise UserError("--samples and --max-entries must be whole numbers ≥ 1")
    dataset = load_config_dataset(config)
    X, y = dataset.X_train[:args.samples], dataset.y_train[:args.samples]
    net = config.build_network(dataset.n_features, dataset.n_classes, dtype=np.float64, n_samples=len(X),
                               image_shape=dataset.image_shape)
    moved = move_off_kinks(net, X, config.seed)
    errors = gradient_check(net, X, y, l2=config.l2, max_entries=args.max_entries, seed=config.seed)
    passed = all(check_level(e) == "ok" for e in errors)
    if not args.json:
        print(f"gradient check on {len(X)} {dataset.name} samples (float64, at most "
              f"{args.max_entries} entries per array)")
        if moved:
            print(f"biases moved by up to ±{KINK_OFFSET:g}: some units sat exactly on ReLU's kink at z = 0")
    for l, (error, W) in enumerate(zip(errors, net.weights), start=1):
        verdict = "PASS" if check_level(error) == "ok" else "FAIL"
        if args.json:
            emit(record("GradCheckLayer", layer=l, shape=W.shape, relative_error=error,
                          passed=verdict == "PASS"))
        else:
            shape = "x".join(map(str, W.shape))
            print(f"layer {l}  {shape:>11}  relative error {error:.2e}  {verdict}")
    if args.json:
        emit(record("Summary", passed=passed, tolerance=PASS_TOLERANCE, samples=len(X)))
    else:
        print(f"{'PASS' if passed else 'FAIL'}: relative error {'at most' if passed else 'above'} "
              f"{PASS_TOLERANCE:g} in {'every' if passed else 'some'} layer")
    return 0 if passed else EXIT_FAILED


def cmd_presets(args):
    """List the bundled presets: name, title, expected result."""
    presets = list_presets()
    width = max(len(name) for name, _ in presets)
    for name, config in presets:
        print(f"{name:<{width}}  {config.title}")
        print(f"{'':<{width}}  expected: {config.expected}")
    return 0
