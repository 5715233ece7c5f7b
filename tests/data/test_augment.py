"""Augmentation: each image is shifted by an integer amount within max_shift (zero fill), or rotated."""

import numpy as np
import pytest

from nnviz.data import augment_images, make_augmenter


def shifted(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Reference: image moved down dy and right dx, zero fill (written independently, per image)."""
    h, w = image.shape
    padded = np.zeros((h + 2 * abs(dy), w + 2 * abs(dx)), image.dtype)
    padded[abs(dy) + dy:abs(dy) + dy + h, abs(dx) + dx:abs(dx) + dx + w] = image
    return padded[abs(dy):abs(dy) + h, abs(dx):abs(dx) + w]


def centre_of_mass(images: np.ndarray) -> np.ndarray:
    """(n, h, w) -> (n, 2) row and column centre of mass."""
    rows, cols = np.indices(images.shape[1:])
    mass = images.sum(axis=(1, 2))
    return np.stack([(images * rows).sum(axis=(1, 2)), (images * cols).sum(axis=(1, 2))], 1) / mass[:, None]


def test_max_shift_zero_is_identity_and_returns_a_new_array():
    X = np.random.default_rng(0).random((5, 28 * 28), dtype=np.float32)
    out = augment_images(X, (28, 28), np.random.default_rng(1), max_shift=0)
    np.testing.assert_array_equal(out, X)
    assert not np.shares_memory(out, X)


@pytest.mark.parametrize("shape", [(28, 28), (8, 8), (6, 9)])
def test_each_image_is_exactly_an_integer_shift_within_max_shift(shape):
    rng = np.random.default_rng(0)
    X = rng.random((60, shape[0] * shape[1]), dtype=np.float32)
    before = X.copy()
    out = augment_images(X, shape, rng, max_shift=2)
    assert out.shape == X.shape and out.dtype == np.float32
    np.testing.assert_array_equal(X, before)  # input untouched
    candidates = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)]
    seen = set()
    for image, result in zip(X.reshape(-1, *shape), out.reshape(-1, *shape)):
        matches = [d for d in candidates if np.array_equal(result, shifted(image, *d))]
        assert len(matches) == 1
        seen.add(matches[0])
    assert len(seen) > 10  # the shifts really vary


def test_shift_moves_the_centre_of_mass_by_the_shift():
    rows, cols = np.indices((28, 28))
    blob = np.exp(-((rows - 12) ** 2 + (cols - 15) ** 2) / 8).astype(np.float32)  # far from the edges
    blob[blob < 1e-3] = 0
    X = np.tile(blob.ravel(), (200, 1))
    out = augment_images(X, (28, 28), np.random.default_rng(3), max_shift=3).reshape(-1, 28, 28)
    moved = centre_of_mass(out) - centre_of_mass(blob[None])
    np.testing.assert_allclose(moved, np.round(moved), atol=1e-4)  # whole pixels
    assert np.abs(moved).max() == pytest.approx(3, abs=1e-4)
    for result, (dy, dx) in zip(out, np.round(moved).astype(int)):
        np.testing.assert_array_equal(result, shifted(blob, dy, dx))


def test_single_lit_pixel_lands_within_max_shift_and_every_shift_occurs():
    X = np.zeros((2000, 784), np.float32)
    X[:, 14 * 28 + 14] = 1
    out = augment_images(X, (28, 28), np.random.default_rng(0), max_shift=2)
    assert (out.sum(axis=1) == 1).all() and (out.max(axis=1) == 1).all()
    row, col = np.divmod(out.argmax(axis=1), 28)
    assert np.abs(row - 14).max() == 2 and np.abs(col - 14).max() == 2
    assert len(set(zip(row.tolist(), col.tolist()))) == 25


def test_shift_fills_with_zeros_instead_of_wrapping():
    X = np.ones((300, 64), np.float32)
    out = augment_images(X, (8, 8), np.random.default_rng(0), max_shift=2).reshape(-1, 8, 8)
    ink_rows = (out.sum(axis=2) > 0).sum(axis=1)
    ink_cols = (out.sum(axis=1) > 0).sum(axis=1)
    np.testing.assert_array_equal(out.sum(axis=(1, 2)), ink_rows * ink_cols)  # one solid rectangle
    assert set(ink_rows.tolist()) == {6, 7, 8}


def test_tiny_rotation_is_nearly_identity():
    X = np.random.default_rng(0).random((10, 784), dtype=np.float32)
    out = augment_images(X, (28, 28), np.random.default_rng(1), max_shift=0, max_rotation=1e-6)
    np.testing.assert_allclose(out, X, atol=1e-4)


def test_rotation_path_with_zero_angle_matches_pure_shift():
    X = np.random.default_rng(0).random((50, 784), dtype=np.float32)
    shift_only = augment_images(X, (28, 28), np.random.default_rng(7), max_shift=2)
    nearly_no_rotation = augment_images(X, (28, 28), np.random.default_rng(7), max_shift=2, max_rotation=1e-9)
    np.testing.assert_allclose(nearly_no_rotation, shift_only, atol=1e-5)


def test_rotation_turns_an_off_centre_blob_about_the_centre():
    rows, cols = np.indices((28, 28))
    blob = np.exp(-((rows - 13.5) ** 2 + (cols - 21.5) ** 2) / 3).astype(np.float32)  # 8 px right of centre
    X = np.tile(blob.ravel(), (300, 1))
    out = augment_images(X, (28, 28), np.random.default_rng(0), max_shift=0, max_rotation=30).reshape(-1, 28, 28)
    offset = centre_of_mass(out) - 13.5
    radius = np.hypot(*offset.T)
    angle = np.degrees(np.arctan2(offset[:, 0], offset[:, 1]))
    np.testing.assert_allclose(radius, 8, atol=0.15)
    assert np.abs(angle).max() <= 30.5 and np.abs(angle).max() > 25 and angle.min() < -25
    np.testing.assert_allclose(out.sum(axis=(1, 2)), blob.sum(), rtol=0.02)  # ink is preserved


def test_rotation_of_a_centred_symmetric_blob_changes_little():
    rows, cols = np.indices((28, 28))
    blob = np.exp(-((rows - 13.5) ** 2 + (cols - 13.5) ** 2) / 20).astype(np.float32)
    X = np.tile(blob.ravel(), (20, 1))
    out = augment_images(X, (28, 28), np.random.default_rng(0), max_shift=0, max_rotation=45)
    np.testing.assert_allclose(out, X, atol=0.02)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rotation", [0.0, 10.0])
def test_output_keeps_shape_and_dtype(dtype, rotation):
    X = np.random.default_rng(0).random((128, 784)).astype(dtype)
    out = augment_images(X, (28, 28), np.random.default_rng(0), max_shift=2, max_rotation=rotation)
    assert out.shape == (128, 784) and out.dtype == dtype
    assert out.min() >= 0 and out.max() <= 1


def test_make_augmenter_matches_augment_images():
    X = np.random.default_rng(0).random((64, 784), dtype=np.float32)
    augment = make_augmenter((28, 28), max_shift=2, max_rotation=15)
    np.testing.assert_array_equal(augment(X, np.random.default_rng(5)),
                                  augment_images(X, (28, 28), np.random.default_rng(5), 2, 15))


@pytest.mark.parametrize("X", [np.zeros((4, 783), np.float32), np.zeros(784, np.float32),
                               np.zeros((4, 784), np.uint8)])
def test_bad_batch_is_rejected(X):
    with pytest.raises(ValueError, match="X must be"):
        augment_images(X, (28, 28), np.random.default_rng(0))


@pytest.mark.parametrize("kwargs", [{"max_shift": -1}, {"max_shift": 28}, {"max_shift": 1.5},
                                    {"max_rotation": -5}, {"max_rotation": 200}])
def test_bad_parameters_are_rejected(kwargs):
    with pytest.raises(ValueError):
        make_augmenter((28, 28), **kwargs)


def test_rotate_images_by_90_degrees_matches_rot90():
    from nnviz.data import rotate_images
    rng = np.random.default_rng(0)
    X = rng.random((3, 7 * 7)).astype(np.float32)
    turned = rotate_images(X, (7, 7), 90.0).reshape(3, 7, 7)
    expected = np.stack([np.rot90(img, k=1) for img in X.reshape(3, 7, 7)])
    # One of the two turn directions, the same for every image.
    if not np.allclose(turned, expected, atol=1e-5):
        expected = np.stack([np.rot90(img, k=-1) for img in X.reshape(3, 7, 7)])
    np.testing.assert_allclose(turned, expected, atol=1e-5)
    np.testing.assert_allclose(rotate_images(X, (7, 7), 0.0), X)


def test_elastic_distortion_moves_pixels_by_about_its_expected_amount():
    """α 34, σ 4: the smoothed noise has std α·std(U)·‖g‖² per axis, g the normalised 1-D kernel."""
    augmenter = make_augmenter((28, 28), 0, 0.0, elastic=34.0, elastic_sigma=4.0)
    field = augmenter._elastic_field(400, np.random.default_rng(0))
    g = np.exp(-0.5 * (np.arange(-27, 28) / 4.0) ** 2)
    g /= g.sum()
    expected = 34.0 * (1 / np.sqrt(3)) * (g ** 2).sum()  # away from the edges, where the kernel is whole
    centre = field.reshape(2, 400, 28, 28)[:, :, 10:18, 10:18]
    assert abs(centre.std() - expected) < 0.1 * expected
    # Smooth: neighbouring pixels move almost together; pixels far apart independently.
    images = field.reshape(2, 400, 28, 28)
    near = np.corrcoef(images[0, :, 14, 14], images[0, :, 14, 15])[0, 1]
    far = np.corrcoef(images[0, :, 4, 4], images[0, :, 24, 24])[0, 1]
    assert near > 0.9 and abs(far) < 0.2


def test_elastic_distortion_keeps_a_blob_nearby_and_in_range():
    X = np.zeros((50, 28 * 28), np.float32)
    X.reshape(50, 28, 28)[:, 11:17, 11:17] = 1.0
    out = augment_images(X, (28, 28), np.random.default_rng(2), max_shift=0, elastic=34.0)
    moved = centre_of_mass(out.reshape(50, 28, 28)) - 13.5
    assert np.median(np.abs(moved)) < 2 and np.all(np.abs(moved) < 5)
    assert out.min() >= 0 and out.max() <= 1 and np.all(out.sum(axis=1) > 0.25 * X.sum(axis=1))
    assert not np.array_equal(out, X)


def test_elastic_zero_with_zero_rotation_and_shift_is_identity():
    X = np.random.default_rng(3).random((4, 28 * 28), dtype=np.float32)
    out = augment_images(X, (28, 28), np.random.default_rng(4), max_shift=0, elastic=0.0)
    np.testing.assert_array_equal(out, X)


@pytest.mark.parametrize("kwargs", [{"elastic": -1.0}, {"elastic": 1000.0}, {"elastic": 5.0, "elastic_sigma": 0.0}])
def test_bad_elastic_parameters_are_rejected(kwargs):
    with pytest.raises(ValueError, match="elastic"):
        make_augmenter((28, 28), 1, 0.0, **kwargs)
