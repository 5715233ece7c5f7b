"""Image-folder datasets: one subfolder per class, any image size and format, prepared like MNIST.

    digits/                     digits/
      0/ a.png b.jpg ...   or     train/ 0/ ... 1/ ...
      1/ ...                      test/  0/ ... 1/ ...

The subfolder names, sorted, are the class names. Every image is read as grayscale with ink high
(`load_image_file`) and prepared at size x size by `preprocess_drawing` (for 28: the 20x20 box
centred by centre of mass, as MNIST). Without train/ and test/ the images are split by a seeded
permutation; files whose names start with "." and files of other types are skipped.
"""

from pathlib import Path

import numpy as np

from nnviz.data.datasets import Dataset, _check_test_fraction, _frozen, split_validation
from nnviz.data.drawing import MNIST_SIZE, NothingDrawn, preprocess_drawing
from nnviz.data.image_file import load_image_file
from nnviz.guard import UserError, path_component
from nnviz.seeds import stream

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".npy"}


def load_image_folder(path, image_size: int | None = None, seed=0, test_fraction: float = 0.2) -> Dataset:
    """The folder as a Dataset of (image_size, image_size) images (default 28), X in [0, 1]."""
    folder = Path(path).expanduser()
    size = image_size or MNIST_SIZE
    if not folder.is_dir():
        raise UserError(f"{folder}: not a folder")
    if (folder / "train").is_dir() and (folder / "test").is_dir():
        names = class_folders(folder / "train")
        X_train, y_train = _read_classes(folder / "train", names, size)
        X_test, y_test = _read_classes(folder / "test", names, size, known=True)
    else:
        _check_test_fraction(test_fraction)
        names = class_folders(folder)
        X, y = _read_classes(folder, names, size)
        X_train, y_train, X_test, y_test = split_validation(X, y, test_fraction, stream(seed, "dataset"))
        if len(X_test) == 0:
            raise UserError(f"{folder}: {len(X)} images leave none for testing; add more, or train/ and test/")
    return _frozen(folder.name, X_train, y_train, X_test, y_test, len(names), (size, size), names)


def read_labelled_images(folder, class_names, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Every image in the subfolders of `folder` named like one of `class_names` -> X (n, size*size)
    float32, y (n,) int64 (the index of the subfolder's name in class_names); others are skipped.
    A missing folder holds no images, nor does a name that is not a single folder name (`path_component`)."""
    folder = Path(folder)
    if not folder.is_dir():
        return np.zeros((0, size * size), np.float32), np.zeros(0, np.int64)
    present = [(k, name) for k, name in enumerate(class_names) if _is_folder_name(name) and (folder / name).is_dir()]
    X, y = _read_classes(folder, [name for _, name in present], size, allow_empty=True)
    return X, np.array([k for k, _ in present], dtype=np.int64)[y]


def _is_folder_name(name) -> bool:
    try:
        path_component(name)
    except UserError:
        return False
    return True


def class_folders(folder: Path) -> tuple[str, ...]:
    """The sorted names of the class subfolders (at least two)."""
    names = tuple(sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")))
    here = folder.resolve()
    for name in names:
        target = (folder / name).resolve()
        if target == here or target in here.parents:
            raise UserError(f"{folder / name}: the class folder is a link to {target}, which holds the dataset "
                            f"itself; a class folder must hold that class's images")
    if len(names) < 2:
        raise UserError(f"{folder}: an image-folder dataset needs a subfolder per class, at least two; "
                         f"found {len(names)}")
    return names


def image_files(folder: Path) -> list[Path]:
    """The image files directly in `folder`, sorted by name."""
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in IMAGE_SUFFIXES)


def _read_classes(folder: Path, names, size, known=False, allow_empty=False) -> tuple[np.ndarray, np.ndarray]:
    """Every image of every class subfolder -> X (n, size*size) float32, y (n,) int64."""
    images, labels = [], []
    for k, name in enumerate(names):
        if known and not (folder / name).is_dir():
            continue
        files = image_files(folder / name)
        if not files and not (known or allow_empty):
            raise UserError(f"{folder / name}: the class folder {name!r} holds no image files "
                            f"({', '.join(sorted(IMAGE_SUFFIXES))})")
        for file in files:
            try:
                images.append(preprocess_drawing(load_image_file(file), size=size).ravel())
            except NothingDrawn:
                raise UserError(f"{file}: the image is blank (no ink)") from None
            labels.append(k)
    if known:
        extra = {p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")} - set(names)
        if extra:
            raise UserError(f"{folder}: classes {', '.join(sorted(extra))} are not in the train/ folder")
    if not images and allow_empty:
        return np.zeros((0, size * size), np.float32), np.zeros(0, np.int64)
    if not images:
        raise UserError(f"{folder}: no image files ({', '.join(sorted(IMAGE_SUFFIXES))}) in the class subfolders")
    return np.array(images, dtype=np.float32), np.array(labels, dtype=np.int64)
