"""Image-folder datasets: a subfolder per class, any format and size, prepared like MNIST, split by seed or folder."""

import numpy as np
import pytest
from PIL import Image

from nnviz.data import load_image_file, load_image_folder, preprocess_drawing, read_labelled_images


def shape_image(kind, size, seed):
    """A dark bar (horizontal or vertical) or a ring on white, of the given side, slightly moved by `seed`."""
    rng = np.random.default_rng(seed)
    image = np.full((size, size), 255, np.uint8)
    a, b = size // 4 + rng.integers(0, 3), 3 * size // 4 + rng.integers(0, 3)
    if kind == "bar":
        image[size // 2 - 2:size // 2 + 2, a:b] = 0
    elif kind == "pole":
        image[a:b, size // 2 - 2:size // 2 + 2] = 0
    else:
        rows, cols = np.indices((size, size))
        r = np.hypot(rows - size / 2, cols - size / 2)
        image[(r > size / 5) & (r < size / 3)] = 0
    return image


def make_folder(root, per_class=5, suffixes=(".png", ".jpg", ".bmp")):
    for kind in ("bar", "pole", "ring"):
        (root / kind).mkdir(parents=True)
        for i in range(per_class):
            suffix = suffixes[i % len(suffixes)]
            Image.fromarray(shape_image(kind, 40 + 10 * i, i)).save(root / kind / f"{i}{suffix}")
    return root


def test_subfolders_are_classes_and_images_are_prepared_like_mnist(tmp_path):
    folder = make_folder(tmp_path / "shapes")
    (folder / "ring" / ".DS_Store").write_bytes(b"junk")
    (folder / "ring" / "notes.txt").write_text("ignored")
    dataset = load_image_folder(folder, seed=1)
    assert dataset.name == "shapes" and dataset.class_names == ("bar", "pole", "ring")
    assert dataset.image_shape == (28, 28) and len(dataset.X_train) + len(dataset.X_test) == 15
    assert len(dataset.X_test) == 3
    expected = {tuple(preprocess_drawing(load_image_file(folder / kind / f"{i}{s}")).ravel().round(5))
                for kind in ("bar", "pole", "ring") for i, s in zip(range(5), [".png", ".jpg", ".bmp"] * 2)}
    got = {tuple(x.round(5)) for x in np.vstack([dataset.X_train, dataset.X_test])}
    assert got == expected
    again = load_image_folder(folder, seed=1)
    np.testing.assert_array_equal(again.y_test, dataset.y_test)
    assert not np.array_equal(load_image_folder(folder, seed=2).X_test, dataset.X_test)


def test_train_and_test_subfolders_are_used_as_they_are_at_the_chosen_size(tmp_path):
    make_folder(tmp_path / "set" / "train", per_class=3)
    make_folder(tmp_path / "set" / "test", per_class=2)
    dataset = load_image_folder(tmp_path / "set", image_size=16)
    assert dataset.image_shape == (16, 16) and dataset.X_train.shape == (9, 256) and dataset.X_test.shape == (6, 256)
    np.testing.assert_array_equal(dataset.y_test, [0, 0, 1, 1, 2, 2])


@pytest.mark.parametrize("setup, message", [
    (lambda root: (root / "only").mkdir(parents=True), "needs a subfolder per class, at least two; found 1"),
    (lambda root: [(root / k).mkdir(parents=True) for k in "ab"], "no image files"),
    (lambda root: [(root / k).mkdir(parents=True) for k in "ab"]
     + [Image.new("L", (9, 9), 255).save(root / "a" / "white.png")], "white.png: the image is blank"),
    (lambda root: [(root / k).mkdir(parents=True) for k in "ab"]
     + [(root / "a" / "x.png").write_text("not an image")], "x.png: not an image file"),
])
def test_bad_folders_are_clear_errors(tmp_path, setup, message):
    setup(tmp_path / "d")
    with pytest.raises(ValueError, match=message):
        load_image_folder(tmp_path / "d")
    with pytest.raises(ValueError, match="not a folder"):
        load_image_folder(tmp_path / "missing")


def test_labelled_images_get_the_index_of_their_folder_among_the_models_classes(tmp_path):
    folder = make_folder(tmp_path / "mine", per_class=2)          # bar, pole and ring folders, 2 images each
    X, y = read_labelled_images(folder, ("arrow", "bar", "cross", "ring"), 12)
    # "pole" is not a class of the model: skipped; bar is class 1, ring class 3, read in class order.
    assert X.shape == (4, 144)
    np.testing.assert_array_equal(y, [1, 1, 3, 3])
    expected = [preprocess_drawing(load_image_file(folder / kind / name), size=12).ravel()
                for kind in ("bar", "ring") for name in ("0.png", "1.jpg")]
    np.testing.assert_allclose(X, expected)
