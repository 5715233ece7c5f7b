"""prepare(config): the dataset, a fresh network, the training data (subset, validation, augmentation),
the hyperparameters."""

import dataclasses

import numpy as np
import pytest

from nnviz.core import TrainConfig
from nnviz.data import Dataset, write_idx
from nnviz.io import ConfigError, ExperimentConfig
from nnviz.prepare import image_shape_of, load_config_dataset, prepare

DIGITS = ExperimentConfig(dataset="digits8x8", hidden_layers=[16], train_subset=200, validation_split=0.1, seed=3)


def test_a_digits_run_has_the_subset_split_into_training_and_validation():
    p = prepare(DIGITS)
    assert p.dataset.name == "digits8x8"
    assert (len(p.train_data.X_train), len(p.train_data.X_val)) == (180, 20)
    assert p.train_data.X_train.shape[1] == 64 and p.train_data.augment is None
    assert p.network.sizes == [64, 16, 10]
    assert p.train_config == DIGITS.train_config() and type(p.train_config) is TrainConfig


def test_the_subset_and_the_validation_set_come_from_the_training_set():
    p = prepare(DIGITS)
    train_rows = {row.tobytes() for row in p.train_data.X_train}
    val_rows = {row.tobytes() for row in p.train_data.X_val}
    all_rows = {row.tobytes() for row in p.dataset.X_train}
    assert (train_rows | val_rows) <= all_rows
    assert len(p.train_data.X_train) + len(p.train_data.X_val) == 200


def test_the_same_seed_gives_the_same_run_and_another_seed_another():
    a, b = prepare(DIGITS), prepare(DIGITS)
    np.testing.assert_array_equal(a.train_data.X_train, b.train_data.X_train)
    np.testing.assert_array_equal(a.train_data.y_val, b.train_data.y_val)
    np.testing.assert_array_equal(a.network.weights[0], b.network.weights[0])
    c = prepare(dataclasses.replace(DIGITS, seed=4))
    assert not np.array_equal(a.train_data.y_train, c.train_data.y_train)
    assert not np.array_equal(a.network.weights[0], c.network.weights[0])


def test_no_validation_split_means_no_validation_set_and_no_subset_means_everything():
    p = prepare(dataclasses.replace(DIGITS, validation_split=0.0, train_subset=0))
    assert p.train_data.X_val is None and not p.train_data.has_validation
    assert len(p.train_data.X_train) == len(p.dataset.X_train)


def test_a_subset_larger_than_the_training_set_keeps_it_all():
    p = prepare(dataclasses.replace(DIGITS, validation_split=0.0, train_subset=10**6))
    assert len(p.train_data.X_train) == len(p.dataset.X_train)


def shifted(image, dy, dx):
    """`image` (h, w) moved dy rows down and dx columns right, zero fill, by padding and cropping."""
    h, w = image.shape
    padded = np.pad(image, 1)
    return padded[1 - dy:1 - dy + h, 1 - dx:1 - dx + w]


def test_augmentation_on_images_shifts_each_image_by_at_most_the_configured_pixels():
    p = prepare(dataclasses.replace(DIGITS, augment_shift=1))
    X = np.asarray(p.train_data.X_train[:64])
    moved = p.train_data.augment(X, np.random.default_rng(0)).reshape(-1, 8, 8)
    one_pixel = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    shifts = [[s for s in one_pixel if np.array_equal(shifted(image, *s), out)]
              for image, out in zip(X.reshape(-1, 8, 8), moved)]
    assert all(shifts)                                  # every image is its input moved by at most one pixel
    assert len({found[0] for found in shifts}) > 1      # ...and not all by the same shift (nor left alone)


def test_augmentation_on_points_is_a_config_error():
    config = ExperimentConfig(dataset="moons", hidden_layers=[4], augment_shift=1)
    with pytest.raises(ConfigError, match="augment.*moons"):
        prepare(config)


def test_a_two_class_sigmoid_experiment_gets_one_output_unit():
    config = ExperimentConfig(dataset="xor", n_samples=4, hidden_layers=[2], activation="sigmoid",
                              output="sigmoid", loss="binary_cross_entropy", validation_split=0.0)
    p = prepare(config)
    assert p.network.sizes == [2, 2, 1] and len(p.train_data.X_train) == 4


def test_toy_options_reach_the_dataset():
    config = ExperimentConfig(dataset="spirals", n_samples=90, classes=3, noise=0.0, hidden_layers=[8])
    p = prepare(config)
    assert p.dataset.n_classes == 3 and p.network.sizes[-1] == 3
    assert len(p.dataset.X_train) + len(p.dataset.X_test) == 90


def test_the_test_fraction_sets_the_share_of_points_kept_for_testing():
    config = ExperimentConfig(dataset="moons", n_samples=400, test_fraction=0.35, validation_split=0.1)
    p = prepare(config)
    assert len(p.dataset.X_test) == 140 and len(p.dataset.X_train) == 260       # 35% of 400 for testing
    assert len(p.train_data.X_val) == 26 and len(p.train_data.X_train) == 234   # 10% of the rest validates
    digits = prepare(ExperimentConfig(dataset="digits8x8", test_fraction=0.5, hidden_layers=[4]))
    assert len(digits.dataset.X_test) == 1797 // 2


def test_a_validation_split_leaving_nothing_is_a_config_error():
    config = ExperimentConfig(dataset="xor", n_samples=4, validation_split=0.1)
    with pytest.raises(ConfigError, match="validation_split"):
        prepare(config)


def test_an_invalid_config_fails_before_loading_anything():
    with pytest.raises(ConfigError, match="learning_rate"):
        prepare(dataclasses.replace(DIGITS, learning_rate=0.0))


def test_another_dataset_name_loads_with_its_defaults_and_the_configs_seed():
    config = ExperimentConfig(dataset="moons", n_samples=50)
    blobs = load_config_dataset(config, "blobs")
    assert blobs.name == "blobs" and blobs.n_classes == 3
    same = load_config_dataset(ExperimentConfig(dataset="digits8x8", seed=3))
    np.testing.assert_array_equal(load_config_dataset(DIGITS, "digits8x8").y_test, same.y_test)


def test_an_idx_folder_is_a_dataset(tmp_path):
    rng = np.random.default_rng(0)
    for stem, n in (("train", 30), ("t10k", 10)):
        write_idx(tmp_path / f"{stem}-images-idx3-ubyte", rng.integers(0, 256, (n, 5, 5), dtype=np.uint8))
        write_idx(tmp_path / f"{stem}-labels-idx1-ubyte", (np.arange(n) % 3).astype(np.uint8))
    config = ExperimentConfig(dataset=f"idx:{tmp_path}", hidden_layers=[4], validation_split=0.0)
    p = prepare(config)
    assert p.network.sizes == [25, 4, 3] and len(p.train_data.X_train) == 30


def test_a_training_split_holding_one_class_is_an_error_that_says_so(tmp_path):
    # Nine rows of 1234567 trained on, the one 1234568 row in the test split.
    lone = Dataset("lone", np.arange(9.0).reshape(9, 1), np.zeros(9, np.int64), np.array([[9.0]]), np.array([1]),
                   2, None, ("1234567", "1234568"))
    config = ExperimentConfig(dataset=f"csv:{tmp_path / 'lone.csv'}", hidden_layers=[4], validation_split=0.0)
    with pytest.raises(ConfigError) as caught:
        prepare(config, lone)
    assert str(caught.value) == (f"csv:{tmp_path / 'lone.csv'}: the training split holds only one class, '1234567' "
                                 f"(9 samples); a classifier needs at least two classes to train on")
    assert caught.value.field == "dataset"
    two = dataclasses.replace(lone, y_train=np.array([0] * 8 + [1]))
    assert prepare(config, two).network.sizes == [1, 4, 2]


def test_the_image_shape_of_a_dataset_is_known_before_loading_it_where_it_can_be(tmp_path):
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((2, 5, 7), np.uint8))
    assert image_shape_of("mnist") == (28, 28) and image_shape_of("digits8x8") == (8, 8)
    assert image_shape_of(f"idx:{tmp_path}") is None          # a folder missing files: loading will say so
    for stem, kind, shape in (("train-labels", "idx1", (2,)), ("t10k-images", "idx3", (1, 5, 7)),
                              ("t10k-labels", "idx1", (1,))):
        write_idx(tmp_path / f"{stem}-{kind}-ubyte", np.zeros(shape, np.uint8))
    assert image_shape_of(f"idx:{tmp_path}") == (5, 7)
    assert image_shape_of("spirals") is None and image_shape_of("csv:iris.csv") is None
