"""The seeded 2-D toy sets: shapes, labels, ranges, determinism, and the XOR truth table."""

import numpy as np
import pytest

from nnviz.data import load_dataset, xor_points

TOY = ["xor", "circles", "spirals", "moons", "blobs"]


@pytest.mark.parametrize("name", TOY)
def test_toy_set_shapes_dtypes_and_ranges(name):
    ds = load_dataset(name, n_samples=200)
    assert ds.image_shape is None and ds.n_features == 2
    assert ds.X_train.shape == (160, 2) and ds.X_test.shape == (40, 2)
    assert ds.X_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    X = np.concatenate([ds.X_train, ds.X_test])
    y = np.concatenate([ds.y_train, ds.y_test])
    assert np.abs(X).max() < 2.0 and np.abs(X).mean() < 1.5
    counts = np.bincount(y)
    assert len(counts) == ds.n_classes and counts.max() - counts.min() <= 1  # balanced
    assert ds.class_names == tuple(str(k) for k in range(ds.n_classes))


@pytest.mark.parametrize("name", TOY)
def test_toy_set_is_deterministic_by_seed(name):
    a, b, c = (load_dataset(name, seed=s) for s in (1, 1, 2))
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train)


def test_xor_labels_are_the_xor_of_the_quadrant():
    ds = load_dataset("xor", noise=0.1, n_samples=400)
    X, y = ds.X_train, ds.y_train
    np.testing.assert_array_equal(y, (X[:, 0] > 0) ^ (X[:, 1] > 0))


def test_xor_points_are_the_truth_table():
    X, y = xor_points()
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])
    assert X.dtype == np.float32 and y.dtype == np.int64


def test_xor_with_four_samples_trains_and_tests_on_the_truth_table():
    ds = load_dataset("xor", n_samples=4)
    X, y = xor_points()
    for X_part, y_part in ((ds.X_train, ds.y_train), (ds.X_test, ds.y_test)):
        np.testing.assert_array_equal(X_part, X)
        np.testing.assert_array_equal(y_part, y)


def test_circles_classes_lie_on_outer_and_inner_circle():
    ds = load_dataset("circles", noise=0.0)
    radius = np.hypot(*ds.X_train.T)
    np.testing.assert_allclose(radius[ds.y_train == 0], 1.0, rtol=1e-5)
    np.testing.assert_allclose(radius[ds.y_train == 1], 0.5, rtol=1e-5)


def test_noise_zero_moons_are_two_half_circles():
    ds = load_dataset("moons", noise=0.0)
    X, y = ds.X_train + np.float32([0.5, 0.25]), ds.y_train
    np.testing.assert_allclose(np.hypot(*X[y == 0].T), 1.0, rtol=1e-5)
    np.testing.assert_allclose(np.hypot(X[y == 1, 0] - 1, X[y == 1, 1] - 0.5), 1.0, rtol=1e-5)
    assert (X[y == 0, 1] >= -1e-6).all() and (X[y == 1, 1] <= 0.5 + 1e-6).all()


@pytest.mark.parametrize("name, k", [("spirals", 4), ("blobs", 5)])
def test_classes_sets_the_number_of_arms_or_blobs(name, k):
    ds = load_dataset(name, classes=k, n_samples=300)
    assert ds.n_classes == k and set(ds.y_train.tolist()) == set(range(k))


def test_blobs_cluster_around_separate_centres():
    ds = load_dataset("blobs", noise=0.05)
    means = np.array([ds.X_train[ds.y_train == k].mean(axis=0) for k in range(3)])
    np.testing.assert_allclose(np.hypot(*means.T), 1.0, atol=0.05)
    assert min(np.hypot(*(means[i] - means[j])) for i in range(3) for j in range(i)) > 1.5


def test_spiral_points_move_outwards_along_each_arm():
    ds = load_dataset("spirals", noise=0.0, n_samples=1000)
    X = ds.X_train[ds.y_train == 0]
    radius, angle = np.hypot(*X.T), np.arctan2(X[:, 1], X[:, 0])
    # On arm 0 the angle is 2*pi*1.25*t and the radius 1.4*t: they agree modulo a full turn.
    expected = 2 * np.pi * 1.25 * radius / 1.4
    np.testing.assert_allclose(np.angle(np.exp(1j * (angle - expected))), 0, atol=1e-4)


@pytest.mark.parametrize("name, kwargs", [
    ("circles", {"classes": 3}), ("xor", {"classes": 4}), ("spirals", {"classes": 1}),
    ("blobs", {"classes": 11}), ("moons", {"n_samples": 3}), ("blobs", {"noise": -0.1}),
    ("moons", {"test_fraction": 0.0}), ("circles", {"n_samples": 10.5}),
])
def test_toy_set_rejects_bad_parameters(name, kwargs):
    with pytest.raises(ValueError):
        load_dataset(name, **kwargs)


def test_noise_default_and_override_change_the_spread():
    quiet = load_dataset("blobs", noise=0.01).X_train
    loud = load_dataset("blobs", noise=0.5).X_train
    assert np.abs(quiet).max() < np.abs(loud).max()
