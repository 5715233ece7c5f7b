"""The dataset registry: bundled MNIST and 8x8 digits, seeded 2-D toy sets, any IDX folder, and splits.

Every loader returns a `Dataset` whose arrays are read-only (MNIST's are shared with an
in-process cache): copy before modifying, e.g. ``X = ds.X_train.copy()``.
"""

import dataclasses
import gzip
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from nnviz.data.idx import IDXError, read_idx, read_idx_shape
from nnviz.data.toy import TOY_DEFAULTS, TOY_GENERATORS, xor_points
from nnviz.guard import UserError, check_fits
from nnviz.resources import resource_path
from nnviz.seeds import stream

# The registry: name -> the title a list shows. nnviz.io.DATASET_NAMES repeats the names (nnviz.io may
# not import nnviz.data; tests/io/test_experiment.py keeps the two equal).
TITLES = {"mnist": "MNIST", "digits8x8": "8×8 digits", "xor": "XOR", "circles": "Circles", "spirals": "Spirals",
          "moons": "Moons", "blobs": "Blobs"}
DATASETS = tuple(TITLES)
TOY_DATASETS = tuple(TOY_GENERATORS)      # generated 2-D point sets (size and noise are settings)
VARIABLE_CLASSES = tuple(name for name, (*_, variable) in TOY_DEFAULTS.items() if variable)   # and classes
_IMAGE_SETS = {"mnist": 10, "digits8x8": 10}  # name -> number of classes
# name -> (height, width) of its images, known before loading them (a form checks a layer list's shapes
# with it; tests/data check it against the loaded images).
IMAGE_SHAPES = {"mnist": (28, 28), "digits8x8": (8, 8)}
# Generating a point: float64 (x, y) and temporaries, an int64 label, the float32 copy, the split's copies.
TOY_BYTES_PER_POINT = 96
_IDX_FILES = (("train-images", "idx3"), ("train-labels", "idx1"), ("t10k-images", "idx3"), ("t10k-labels", "idx1"))


@dataclass(frozen=True, eq=False)
class Dataset:
    """A classification dataset with its train/test split.

    X_*: (n, d) float32 (pixels in [0, 1], rows are flattened ``image_shape`` images; or 2-D points);
    y_*: (n,) int64 labels in 0..n_classes-1; image_shape: (h, w), or None for point sets.
    input_mean, input_std: (d,) float32 μ and σ the features were standardised with, x' = (x − μ) / σ
    (CSV datasets; None when the features are used as they are).
    """

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    image_shape: tuple[int, int] | None
    class_names: tuple[str, ...]
    input_mean: np.ndarray | None = None
    input_std: np.ndarray | None = None

    def __post_init__(self):
        for part in ("train", "test"):
            X, y = getattr(self, f"X_{part}"), getattr(self, f"y_{part}")
            if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
                raise ValueError(f"Dataset {self.name!r}: X_{part} must be (n, d) and y_{part} (n,); "
                                 f"got {X.shape} and {y.shape}")
        if self.X_test.shape[1] != self.X_train.shape[1]:
            raise ValueError(f"Dataset {self.name!r}: X_test has {self.X_test.shape[1]} features, "
                             f"X_train {self.X_train.shape[1]}")
        if self.image_shape is not None and int(np.prod(self.image_shape)) != self.n_features:
            raise ValueError(f"Dataset {self.name!r}: image_shape {self.image_shape} does not hold "
                             f"{self.n_features} features")
        if len(self.class_names) != self.n_classes:
            raise ValueError(f"Dataset {self.name!r}: {len(self.class_names)} class_names for "
                             f"{self.n_classes} classes")

    @property
    def standardization(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(input_mean, input_std) when the features were standardised, else None."""
        return None if self.input_mean is None else (self.input_mean, self.input_std)

    @property
    def n_features(self) -> int:
        """Number of input features d (784 for MNIST, 64 for 8x8 digits, 2 for point sets)."""
        return self.X_train.shape[1]


def load_dataset(name: str, *, seed: int = 0, n_samples: int | None = None, noise: float | None = None,
                 test_fraction: float = 0.2, classes: int | None = None) -> Dataset:
    """Load a registered dataset by name (one of `DATASETS`).

    mnist: the official 60,000/10,000 split (``test_fraction`` does not apply).
    digits8x8: 1,797 images, split by ``seed`` into (1 - test_fraction) / test_fraction.
    For both, ``n_samples`` (optional) keeps a seeded random subset of that many training images.
    Toy sets (xor, circles, spirals, moons, blobs): ``n_samples`` points in total, Gaussian
    ``noise``, generated and split by ``seed``; ``classes`` sets the number of arms (spirals) or
    blobs. ``load_dataset("xor", n_samples=4)`` is the XOR truth table (`xor_points`), used as
    both train and test set, without noise.
    """
    if name not in DATASETS:
        raise UserError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}")
    if name in TOY_GENERATORS:
        return _load_toy(name, seed, n_samples, noise, test_fraction, classes)
    if noise is not None:
        raise UserError(f"noise applies only to the 2-D toy sets, not to {name!r}")
    if classes is not None and classes != _IMAGE_SETS[name]:
        raise UserError(f"classes must be {_IMAGE_SETS[name]} (or None) for {name!r}, got {classes}")
    rng = stream(seed, "dataset")
    if name == "mnist":
        dataset = _mnist()
    else:
        _check_test_fraction(test_fraction)
        X, y = _digits_arrays()
        X_train, y_train, X_test, y_test = split_validation(X, y, test_fraction, rng)
        dataset = _frozen(name, X_train, y_train, X_test, y_test, 10, IMAGE_SHAPES[name])
    return dataset if n_samples is None else _subsample_train(dataset, n_samples, rng)


def split_validation(X: np.ndarray, y: np.ndarray, fraction: float,
                     rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Split (X, y) by a random permutation drawn from `rng` (a seed stream, nnviz.seeds).

    X: (n, ...), y: (n,). Returns (X_train, y_train, X_val, y_val), new arrays, both parts in
    permuted order; the validation part holds floor(n * fraction) samples (so fraction 0 gives
    empty arrays of shape (0, ...)). ``fraction`` must lie in [0, 1).
    """
    if not 0 <= fraction < 1:
        raise ValueError(f"fraction must be in [0, 1), got {fraction}")
    if len(X) != len(y):
        raise ValueError(f"X and y differ in length: {len(X)} and {len(y)}")
    return _split(X, y, int(len(X) * fraction), rng)


def _split(X, y, n_second: int, rng: np.random.Generator):
    order = rng.permutation(len(X))
    first, second = order[n_second:], order[:n_second]
    return X[first], y[first], X[second], y[second]


def _check_test_fraction(test_fraction: float) -> None:
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")


def _class_names(n_classes: int) -> tuple[str, ...]:
    return tuple(str(k) for k in range(n_classes))


def _frozen(name, X_train, y_train, X_test, y_test, n_classes, image_shape, class_names=None,
            **standardization) -> Dataset:
    """Build a Dataset whose arrays are read-only (class names "0", "1", … unless given)."""
    for array in (X_train, y_train, X_test, y_test, *standardization.values()):
        array.flags.writeable = False
    return Dataset(name, X_train, y_train, X_test, y_test, n_classes, image_shape,
                   tuple(class_names or _class_names(n_classes)), **standardization)


def _subsample_train(dataset: Dataset, n_samples: int, rng: np.random.Generator) -> Dataset:
    """Keep a random subset (drawn from `rng`) of ``n_samples`` training samples (in their original order)."""
    n = len(dataset.X_train)
    if not 1 <= n_samples <= n:
        raise UserError(f"n_samples must be between 1 and {n} for {dataset.name!r}, got {n_samples}")
    keep = np.sort(rng.choice(n, n_samples, replace=False))
    X, y = dataset.X_train[keep], dataset.y_train[keep]
    X.flags.writeable = y.flags.writeable = False
    return dataclasses.replace(dataset, X_train=X, y_train=y)


def _load_toy(name, seed, n_samples, noise, test_fraction, classes) -> Dataset:
    default_n, default_noise, default_classes, classes_variable = TOY_DEFAULTS[name]
    n = default_n if n_samples is None else n_samples
    if name == "xor" and n == 4:
        X, y = xor_points()
        return _frozen(name, X, y, X.copy(), y.copy(), 2, None)
    k = default_classes if classes is None else classes
    noise = default_noise if noise is None else noise
    if classes_variable and not (isinstance(k, (int, np.integer)) and 2 <= k <= 10):
        raise UserError(f"classes must be an integer from 2 to 10 for {name!r}, got {classes}")
    if not classes_variable and k != default_classes:
        raise UserError(f"classes must be {default_classes} (or None) for {name!r}, got {classes}")
    if not (isinstance(n, (int, np.integer)) and n >= 2 * k):
        raise UserError(f"n_samples must be an integer of at least {2 * k} for {name!r}, got {n_samples}")
    if not 0 <= noise < np.inf:
        raise UserError(f"noise must be a finite number >= 0, got {noise}")
    _check_test_fraction(test_fraction)
    check_fits(f"n_samples {n:,} of {name}", n * TOY_BYTES_PER_POINT)
    rng = stream(seed, "dataset")
    X, y = TOY_GENERATORS[name](n, noise, k, rng)
    n_test = min(max(1, int(n * test_fraction)), n - 1)
    X_train, y_train, X_test, y_test = _split(X.astype(np.float32), y, n_test, rng)
    return _frozen(name, X_train, y_train, X_test, y_test, k, None)


@lru_cache(maxsize=1)
def _mnist() -> Dataset:
    """The bundled MNIST, loaded once per process (about 220 MB as float32)."""
    return dataclasses.replace(load_idx_folder(resource_path("datasets", "mnist")), name="mnist")


@lru_cache(maxsize=1)
def _digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The bundled UCI 8x8 digits: X (1797, 64) float32 in [0, 1], y (1797,) int64.

    The CSV has no header; each row is 64 pixel counts 0..16 then the label.
    """
    path = resource_path("datasets", "digits8x8", "digits.csv.gz")
    with gzip.open(path, "rt") as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.int64, ndmin=2)
    pixels, y = table[:, :-1], table[:, -1].copy()
    if pixels.shape[1] != 64 or not (pixels.min() >= 0 and pixels.max() <= 16 and y.min() >= 0 and y.max() <= 9):
        raise ValueError(f"{path}: expected rows of 64 values 0..16 and a label 0..9")
    X = pixels.astype(np.float32) / np.float32(16)
    X.flags.writeable = y.flags.writeable = False
    return X, y


def load_idx_folder(path) -> Dataset:
    """Open a folder of IDX files in MNIST's layout (e.g. Fashion-MNIST) as a Dataset.

    Needs train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
    t10k-labels-idx1-ubyte, each optionally gzipped (``.gz``) and optionally spelled with '.'
    before ``idx`` (``train-images.idx3-ubyte``). Images must be (n, h, w) ubyte; labels (n,)
    integers >= 0. name = folder name, n_classes = largest training label + 1, and every class
    0..n_classes-1 must occur among the training labels (a stray label 200 would otherwise make
    201 classes, most of them never seen).
    """
    folder = Path(path)
    train_images, train_labels, test_images, test_labels = idx_files(folder)
    X_train, image_shape = _read_images(train_images)
    X_test, test_shape = _read_images(test_images)
    if test_shape != image_shape:
        raise IDXError(f"{test_images}: images are {test_shape[0]}x{test_shape[1]}, "
                       f"training images {image_shape[0]}x{image_shape[1]}")
    y_train = _read_labels(train_labels, len(X_train), train_images)
    y_test = _read_labels(test_labels, len(X_test), test_images)
    n_classes = int(y_train.max()) + 1
    missing = np.setdiff1d(np.arange(n_classes), y_train)
    if len(missing):
        raise IDXError(f"{train_labels}: labels span 0..{n_classes - 1}, but {len(missing)} of those {n_classes} "
                       f"classes never occur (e.g. {missing[0]}); labels must be 0..K-1 with every class present")
    if y_test.max() >= n_classes:
        raise IDXError(f"{test_labels}: label {y_test.max()} out of range: training labels span 0..{n_classes - 1}")
    return _frozen(folder.name, X_train, y_train, X_test, y_test, n_classes, image_shape)


def idx_files(folder: Path) -> tuple[Path, Path, Path, Path]:
    """The training images and labels and the test images and labels of the IDX folder `folder`,
    found without reading them; UserError naming the folder when it is not one or lacks a file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"{folder}: {'not a folder' if folder.exists() else 'no such folder'}")
    return tuple(_find_idx(folder, stem, kind) for stem, kind in _IDX_FILES)


def _find_idx(folder: Path, stem: str, kind: str) -> Path:
    for name in (f"{stem}-{kind}-ubyte", f"{stem}.{kind}-ubyte"):
        for suffix in ("", ".gz"):
            if (folder / (name + suffix)).exists():     # read_idx refuses what is not a regular file
                return folder / (name + suffix)
    raise UserError(f"{folder}: missing {stem}-{kind}-ubyte[.gz]; an IDX folder needs "
                     + ", ".join(f"{s}-{k}-ubyte" for s, k in _IDX_FILES))


def idx_image_shape(folder) -> tuple[int, int]:
    """(height, width) of the training images of the IDX folder `folder`, from its file's header alone;
    UserError (IDXError) naming the folder or the file as load_idx_folder would."""
    path = idx_files(Path(folder))[0]
    return _image_dims(read_idx_shape(path), path)


def _image_dims(shape, path) -> tuple[int, int]:
    """(h, w) of an IDX images file of dimensions `shape` (count x height x width)."""
    if len(shape) != 3:
        raise IDXError(f"{path}: images must be 2-D (file shape count x height x width), got shape "
                       f"{tuple(shape)}")
    return tuple(shape[1:])


def _read_images(path: Path) -> tuple[np.ndarray, tuple[int, int]]:
    """(n, h, w) ubyte IDX images -> X (n, h*w) float32 in [0, 1] and (h, w)."""
    images = read_idx(path)
    height, width = _image_dims(images.shape, path)
    if images.dtype != np.uint8:
        raise IDXError(f"{path}: images must be unsigned bytes (IDX type 0x08), got {images.dtype}")
    check_fits(f"{path}: {images.shape[0]:,} images of {height}x{width}", images.size * 4)
    X = np.divide(images.reshape(len(images), -1), np.float32(255), dtype=np.float32)  # one pass
    return X, (height, width)


def _read_labels(path: Path, n_images: int, images_path: Path) -> np.ndarray:
    """(n,) integer IDX labels -> int64, checked against the image count."""
    labels = read_idx(path)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise IDXError(f"{path}: labels must be a 1-D integer array, got {labels.dtype} {labels.shape}")
    if len(labels) != n_images:
        raise IDXError(f"{path}: {len(labels)} labels for {n_images} images in {images_path.name}")
    if labels.min() < 0:
        raise IDXError(f"{path}: label {labels.min()} out of range: labels must be >= 0")
    return labels.astype(np.int64)


def verify_checksums() -> list[str]:
    """Bundled dataset files (paths relative to resources/datasets) whose SHA-256 does not match
    ``sha256sum.txt``, or that are missing; empty when all are intact."""
    root = resource_path("datasets")
    mismatched = []
    for line in (root / "sha256sum.txt").read_text().splitlines():
        if not line.strip():
            continue
        digest, name = line.split(maxsplit=1)
        name = name.lstrip("*")  # sha256sum's binary-mode marker
        file = root / name
        if not file.is_file() or _sha256(file) != digest.lower():
            mismatched.append(name)
    return mismatched


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
