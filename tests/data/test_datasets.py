"""The dataset registry: bundled MNIST and 8x8 digits, IDX folders, splits and checksums."""

import gzip
import hashlib

import numpy as np
import pytest

from nnviz.data import (
    DATASETS,
    IMAGE_SHAPES,
    Dataset,
    IDXError,
    idx_image_shape,
    load_dataset,
    load_idx_folder,
    split_validation,
    verify_checksums,
    write_idx,
)
from nnviz.resources import resource_path

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_registry_lists_every_dataset():
    assert DATASETS == ("mnist", "digits8x8", "xor", "circles", "spirals", "moons", "blobs")


def test_unknown_name_is_rejected_naming_the_allowed_ones():
    with pytest.raises(ValueError, match="'cifar'.*mnist, digits8x8, xor, circles, spirals, moons, blobs"):
        load_dataset("cifar")


def test_bundled_files_match_their_checksums():
    assert verify_checksums() == []


def test_mnist_has_the_official_split_shapes_and_label_counts():
    ds = load_dataset("mnist")
    assert ds.name == "mnist" and ds.n_classes == 10 and ds.image_shape == (28, 28) and ds.n_features == 784
    assert ds.X_train.shape == (60000, 784) and ds.X_test.shape == (10000, 784)
    assert ds.X_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert np.bincount(ds.y_train).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(ds.y_test).tolist() == MNIST_TEST_COUNTS
    assert ds.X_train.min() == 0 and ds.X_train.max() == 1
    assert ds.class_names == tuple("0123456789")


@pytest.mark.parametrize("name", ["mnist", "digits8x8"])
def test_the_image_shapes_known_before_loading_are_the_loaded_images(name):
    assert load_dataset(name).image_shape == IMAGE_SHAPES[name]


def test_mnist_pixels_are_the_raw_bytes_over_255():
    with gzip.open(resource_path("datasets", "mnist", "t10k-images-idx3-ubyte.gz")) as f:
        raw = f.read()
    first_image = np.frombuffer(raw, dtype=np.uint8, count=784, offset=16)
    np.testing.assert_array_equal(load_dataset("mnist").X_test[0], first_image.astype(np.float32) / 255)


def test_mnist_is_cached_and_read_only():
    first, second = load_dataset("mnist"), load_dataset("mnist")
    assert first.X_train is second.X_train
    with pytest.raises(ValueError):
        first.X_train[0, 0] = 1.0


def test_mnist_n_samples_keeps_a_seeded_training_subset():
    a = load_dataset("mnist", n_samples=500, seed=1)
    assert a.X_train.shape == (500, 784) and a.X_test.shape == (10000, 784)
    np.testing.assert_array_equal(a.y_train, load_dataset("mnist", n_samples=500, seed=1).y_train)
    assert not np.array_equal(a.X_train, load_dataset("mnist", n_samples=500, seed=2).X_train)


def test_digits8x8_has_1797_images_split_80_20():
    ds = load_dataset("digits8x8")
    assert ds.image_shape == (8, 8) and ds.n_classes == 10 and ds.n_features == 64
    assert len(ds.X_train) + len(ds.X_test) == 1797
    assert (len(ds.X_train), len(ds.X_test)) == (1438, 359)
    assert ds.X_train.dtype == np.float32 and 0 <= ds.X_train.min() and ds.X_train.max() == 1
    assert np.all(ds.X_train * 16 == np.round(ds.X_train * 16))  # counts 0..16 over 16
    labels = np.concatenate([ds.y_train, ds.y_test])
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_digits8x8_first_row_of_the_csv_is_data_not_a_header():
    with gzip.open(resource_path("datasets", "digits8x8", "digits.csv.gz"), "rt") as f:
        first = np.array(f.readline().split(","), dtype=float)
    ds = load_dataset("digits8x8")
    X = np.concatenate([ds.X_train, ds.X_test])
    assert np.any(np.all(X == first[:64] / 16, axis=1))


def test_digits8x8_split_is_reproducible_by_seed():
    a, b, c = (load_dataset("digits8x8", seed=s) for s in (3, 3, 4))
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_train, c.y_train)
    assert len(load_dataset("digits8x8", test_fraction=0.5).X_test) == 898


@pytest.mark.parametrize("kwargs", [{"noise": 0.1}, {"classes": 3}, {"test_fraction": 1.0}, {"n_samples": 0}])
def test_image_sets_reject_options_that_do_not_apply(kwargs):
    with pytest.raises(ValueError):
        load_dataset("digits8x8", **kwargs)


def test_dataset_rejects_inconsistent_arrays():
    X, y = np.zeros((4, 2), np.float32), np.zeros(4, np.int64)
    with pytest.raises(ValueError, match="y_train"):
        Dataset("bad", X, y[:3], X, y, 2, None, ("0", "1"))
    with pytest.raises(ValueError, match="image_shape"):
        Dataset("bad", X, y, X, y, 2, (2, 2), ("0", "1"))


# --- split_validation ---

def test_split_validation_partitions_the_data():
    X = np.arange(200, dtype=np.float32).reshape(100, 2)
    y = np.arange(100)
    X_train, y_train, X_val, y_val = split_validation(X, y, 0.25, np.random.default_rng(0))
    assert X_train.shape == (75, 2) and X_val.shape == (25, 2)
    assert sorted(np.concatenate([y_train, y_val]).tolist()) == list(range(100))
    np.testing.assert_array_equal(X_train[:, 0], 2 * y_train)  # rows stay paired with their labels
    np.testing.assert_array_equal(X_val[:, 0], 2 * y_val)


def test_split_validation_holds_out_the_first_samples_of_the_generators_permutation():
    X, y = np.random.default_rng(0).random((50, 3)), np.arange(50)
    order = np.random.default_rng(7).permutation(50)
    _, y_train, _, y_val = split_validation(X, y, 0.2, np.random.default_rng(7))
    assert y_val.tolist() == order[:10].tolist() and y_train.tolist() == order[10:].tolist()


def test_split_validation_fraction_zero_gives_empty_validation_arrays():
    X, y = np.ones((10, 4), np.float32), np.zeros(10, np.int64)
    X_train, y_train, X_val, y_val = split_validation(X, y, 0.0, np.random.default_rng(0))
    assert X_train.shape == (10, 4) and X_val.shape == (0, 4) and y_val.shape == (0,)
    assert X_val.dtype == np.float32 and y_val.dtype == np.int64


@pytest.mark.parametrize("fraction", [-0.1, 1.0, 1.5, float("nan")])
def test_split_validation_rejects_fraction_outside_0_1(fraction):
    with pytest.raises(ValueError, match="fraction"):
        split_validation(np.zeros((4, 1)), np.zeros(4), fraction, np.random.default_rng(0))


# --- IDX folders ---

def write_fake_mnist(folder, n_train=6, n_test=4, shape=(3, 5), names=None, gz=False):
    """A tiny MNIST-layout folder; returns the arrays written."""
    folder.mkdir(exist_ok=True)
    rng = np.random.default_rng(0)
    arrays = {
        "train-images": rng.integers(0, 256, (n_train, *shape), dtype=np.uint8),
        "train-labels": np.arange(n_train, dtype=np.uint8) % 3,
        "t10k-images": rng.integers(0, 256, (n_test, *shape), dtype=np.uint8),
        "t10k-labels": np.arange(n_test, dtype=np.uint8) % 3,
    }
    names = names or {}
    for stem, array in arrays.items():
        kind = "idx3" if "images" in stem else "idx1"
        name = names.get(stem, f"{stem}-{kind}-ubyte") + (".gz" if gz else "")
        write_idx(folder / name, array)
    return arrays


@pytest.mark.parametrize("gz", [False, True])
def test_idx_folder_opens_as_a_dataset(tmp_path, gz):
    arrays = write_fake_mnist(tmp_path / "fashion", gz=gz)
    ds = load_idx_folder(tmp_path / "fashion")
    assert ds.name == "fashion" and ds.image_shape == (3, 5) and ds.n_classes == 3
    assert ds.X_train.shape == (6, 15) and ds.X_test.shape == (4, 15) and ds.X_train.dtype == np.float32
    np.testing.assert_array_equal(ds.X_test, arrays["t10k-images"].reshape(4, 15) / np.float32(255))
    np.testing.assert_array_equal(ds.y_train, [0, 1, 2, 0, 1, 2])
    assert ds.y_train.dtype == np.int64


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gz"])
def test_an_idx_folders_image_shape_is_known_without_loading_it(tmp_path, gz):
    write_fake_mnist(tmp_path / "fashion", shape=(5, 7), gz=gz)
    assert idx_image_shape(tmp_path / "fashion") == (5, 7) == load_idx_folder(tmp_path / "fashion").image_shape
    write_fake_mnist(tmp_path / "flat", shape=(35,))                   # images as rows: not 2-D
    with pytest.raises(IDXError, match="images must be 2-D"):
        idx_image_shape(tmp_path / "flat")


def test_idx_folder_accepts_dotted_mirror_names(tmp_path):
    names = {"train-images": "train-images.idx3-ubyte", "t10k-labels": "t10k-labels.idx1-ubyte"}
    write_fake_mnist(tmp_path / "mirror", names=names)
    assert load_idx_folder(tmp_path / "mirror").X_train.shape == (6, 15)


def test_idx_folder_missing_file_is_named(tmp_path):
    write_fake_mnist(tmp_path / "partial")
    (tmp_path / "partial" / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(ValueError, match="missing t10k-labels-idx1-ubyte"):
        load_idx_folder(tmp_path / "partial")


def test_idx_folder_count_mismatch_names_the_labels_file(tmp_path):
    write_fake_mnist(tmp_path / "f")
    write_idx(tmp_path / "f" / "train-labels-idx1-ubyte", np.zeros(5, np.uint8))
    with pytest.raises(IDXError, match="train-labels-idx1-ubyte: 5 labels for 6 images"):
        load_idx_folder(tmp_path / "f")


def test_idx_folder_rejects_labels_out_of_range(tmp_path):
    write_fake_mnist(tmp_path / "f")
    write_idx(tmp_path / "f" / "t10k-labels-idx1-ubyte", np.array([0, 1, 2, 7], np.uint8))
    with pytest.raises(IDXError, match="t10k-labels-idx1-ubyte: label 7 out of range"):
        load_idx_folder(tmp_path / "f")
    write_idx(tmp_path / "f" / "t10k-labels-idx1-ubyte", np.array([0, 1, 2, -1], np.int8))
    with pytest.raises(IDXError, match="t10k-labels-idx1-ubyte: label -1 out of range"):
        load_idx_folder(tmp_path / "f")


def test_idx_folder_rejects_images_that_are_not_2d(tmp_path):
    write_fake_mnist(tmp_path / "f")
    write_idx(tmp_path / "f" / "train-images-idx3-ubyte", np.zeros((6, 15), np.uint8))
    with pytest.raises(IDXError, match="train-images-idx3-ubyte: images must be 2-D"):
        load_idx_folder(tmp_path / "f")


def test_idx_folder_corrupt_file_raises_idx_error(tmp_path):
    write_fake_mnist(tmp_path / "f")
    (tmp_path / "f" / "t10k-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03garbage")
    with pytest.raises(IDXError, match="t10k-images-idx3-ubyte"):
        load_idx_folder(tmp_path / "f")


def test_idx_folder_that_does_not_exist(tmp_path):
    with pytest.raises(ValueError, match="nowhere: no such folder"):
        load_idx_folder(tmp_path / "nowhere")


def test_checksum_mismatch_or_missing_file_is_reported(tmp_path, monkeypatch):
    datasets = tmp_path / "datasets"
    (datasets / "sub").mkdir(parents=True)
    (datasets / "good.bin").write_bytes(b"good")
    (datasets / "sub" / "bad.bin").write_bytes(b"tampered")
    (datasets / "sha256sum.txt").write_text(
        f"{hashlib.sha256(b'good').hexdigest()}  good.bin\n"
        f"{hashlib.sha256(b'original').hexdigest()}  sub/bad.bin\n"
        f"{hashlib.sha256(b'gone').hexdigest()} *missing.bin\n")
    monkeypatch.setattr("nnviz.data.datasets.resource_path", lambda *parts: tmp_path.joinpath(*parts))
    assert verify_checksums() == ["sub/bad.bin", "missing.bin"]
