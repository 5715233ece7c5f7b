"""Predict with a network exported by `nnviz export MODEL OUT_DIR --format numpy`: NumPy only (Pillow for images).

    python predict.py digit.png              an image file: the top 3 classes
    python predict.py 5.1,3.5,1.4,0.2        a row of feature values (a CSV row without its label)

weights.npz holds W1..WL and b1..bL, the standardisation (input_mean, input_std) if the model has
one, and `info` (JSON: sizes, activations, input features, class names, image side; for a network
with convolutions its layer list and image shape (C, H, W), filters being (C_out, C_in, k, k)).
drawing.py is nnviz's own image reading and MNIST-style preprocessing, copied unchanged.
"""

import json
import sys
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

HERE = Path(__file__).resolve().parent


def softmax(z):
    """Row-wise e^(z − max z) / Σ e^(z − max z)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


ACTIVATIONS = {
    "sigmoid": lambda z: 0.5 * (1 + np.tanh(z / 2)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
    "linear": lambda z: z,
    "softmax": softmax,
}
FEATURES = {"x1": lambda x1, x2: x1, "x2": lambda x1, x2: x2, "x1^2": lambda x1, x2: x1 * x1,
            "x2^2": lambda x1, x2: x2 * x2, "x1*x2": lambda x1, x2: x1 * x2,
            "sin(x1)": lambda x1, x2: np.sin(x1), "sin(x2)": lambda x1, x2: np.sin(x2)}


def load(folder=HERE):
    """(arrays, info) from weights.npz."""
    with np.load(folder / "weights.npz", allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    return arrays, json.loads(str(arrays.pop("info")))


def predict_proba(arrays, info, X):
    """Raw inputs X (n, d) -> outputs (n, k): standardise, expand point features, then a = f(a·W + b) per layer."""
    a = np.asarray(X, dtype=np.float32)
    if "input_mean" in arrays:
        a = (a - arrays["input_mean"]) / arrays["input_std"]
    if info["features"]:
        a = np.column_stack([FEATURES[name](a[:, 0], a[:, 1]) for name in info["features"]]).astype(np.float32)
    if info.get("layers"):
        return layered_forward(arrays, info, a)
    layers = len(info["sizes"]) - 1
    for l in range(1, layers + 1):
        activation = ACTIVATIONS[info["hidden"] if l < layers else info["output"]]
        a = activation(a @ arrays[f"W{l}"] + arrays[f"b{l}"])
    return a


def convolve(maps, W, b, stride, padding):
    """Feature maps (n, H, W, C) → (n, H_out, W_out, C_out): each output pixel is its k×k×C patch
    times each filter of W (C_out, C, k, k), plus b; "same" pads k − 1 zeros, (k − 1)//2 before."""
    k = W.shape[2]
    if padding == "same":
        maps = np.pad(maps, ((0, 0), ((k - 1) // 2, k // 2), ((k - 1) // 2, k // 2), (0, 0)))
    patches = sliding_window_view(maps, (k, k), axis=(1, 2))[:, ::stride, ::stride]   # (n, H_out, W_out, C, k, k)
    return np.tensordot(patches, W, axes=([3, 4, 5], [1, 2, 3])) + b


def pool(maps, kind, size, stride):
    """The maximum ("maxpool") or mean ("avgpool") of each size×size window, every `stride` pixels."""
    windows = sliding_window_view(maps, (size, size), axis=(1, 2))[:, ::stride, ::stride]
    return windows.max(axis=(-2, -1)) if kind == "maxpool" else windows.mean(axis=(-2, -1))


def layered_forward(arrays, info, X):
    """Rows (n, C·H·W) through the layer list: images as channels-last maps, flattened in (h, w, c)
    order before the first dense layer (the order the weights were trained in), then the output layer."""
    C, H, W = info["image_shape"]
    a = X.reshape(len(X), C, H, W).transpose(0, 2, 3, 1)
    l, last = 0, len(info["sizes"]) - 1
    for spec in [*info["layers"], {"dense": "output"}]:
        kind = next(iter(spec))
        if kind in ("maxpool", "avgpool"):
            a = pool(a, kind, spec[kind], spec["stride"])
            continue
        if kind == "flatten":
            a = a.reshape(len(a), -1)
            continue
        l += 1
        if kind == "conv":
            z = convolve(a, arrays[f"W{l}"], arrays[f"b{l}"], spec["stride"], spec["padding"])
        else:
            z = a.reshape(len(a), -1) @ arrays[f"W{l}"] + arrays[f"b{l}"]
        a = ACTIVATIONS[info["hidden"] if l < last else info["output"]](z)
    return a


def read_image(path, side):
    """An image file (what Pillow reads, or .npy) -> (1, side*side) in [0, 1], ink high: made grey as
    nnviz makes it (drawing.py's decode_image and image_to_grey), then prepared like MNIST."""
    from drawing import decode_image, image_to_grey, preprocess_drawing

    with open(path, "rb") as f:
        is_npy = f.read(6) == b"\x93NUMPY"
        f.seek(0)
        pixels = np.load(f, allow_pickle=False) if is_npy else decode_image(f)
    return preprocess_drawing(image_to_grey(pixels, str(path)), size=side).reshape(1, -1)


def main(argument):
    """Print the top 3 classes for `argument` (an image file or a row); a problem ends in one line on stderr."""
    try:
        arrays, info = load()
    except (OSError, ValueError) as error:
        sys.exit(f"predict.py: cannot read {HERE / 'weights.npz'}: {getattr(error, 'strerror', None) or error}")
    if Path(argument).is_file():
        try:
            X = read_image(argument, info["image_side"])
        except Exception as error:      # Pillow raises many kinds for a damaged or unknown file
            sys.exit(f"predict.py: {argument}: cannot read the image: {error}")
    else:
        try:
            X = np.array([[float(value) for value in argument.split(",")]])
        except ValueError:
            sys.exit(f"predict.py: {argument}: no such file, nor a row of comma-separated numbers")
    P = predict_proba(arrays, info, X)[0]
    if P.size == 1:                     # one sigmoid unit: P(class 1)
        P = np.array([1 - P[0], P[0]])
    for k in np.argsort(-P, kind="stable")[:3]:
        print(f"{info['class_names'][k]}  {P[k]:.4f}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python predict.py IMAGE_FILE_OR_ROW (e.g. digit.png, or 5.1,3.5,1.4,0.2)")
    main(sys.argv[1])
