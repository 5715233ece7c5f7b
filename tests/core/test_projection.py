"""PCA to 2-D: the top two directions, their variance, and an orientation that does not flip."""

import numpy as np
import pytest

from nnviz.core.projection import pca_2d

RNG = np.random.default_rng(5)


def test_the_projection_is_onto_the_two_directions_of_largest_variance():
    # Points spread 5 along e1, 2 along e2 and 0.1 along e3: PCA recovers e1, e2 (up to sign).
    Z = RNG.standard_normal((500, 3)) * [5.0, 2.0, 0.1]
    P, ratio = pca_2d(Z + [1.0, -2.0, 3.0])
    np.testing.assert_allclose(np.abs(np.corrcoef(P[:, 0], Z[:, 0])[0, 1]), 1.0, atol=1e-3)
    np.testing.assert_allclose(np.abs(np.corrcoef(P[:, 1], Z[:, 1])[0, 1]), 1.0, atol=1e-2)
    centred = Z - Z.mean(axis=0)
    total = (centred ** 2).sum()
    np.testing.assert_allclose(ratio, [(P[:, 0] ** 2).sum() / total, (P[:, 1] ** 2).sum() / total])


def test_the_orientation_follows_the_reference_so_the_picture_does_not_flip():
    H = RNG.standard_normal((300, 8)) @ RNG.standard_normal((8, 8))
    P, _ = pca_2d(H)
    for flip in ([1, 1], [-1, 1], [1, -1], [-1, -1]):
        # The same points, slightly moved, against a reference oriented each of the four ways.
        moved = H + 1e-3 * RNG.standard_normal(H.shape)
        Q, _ = pca_2d(moved, reference=P * flip)
        np.testing.assert_allclose(Q, P * flip, atol=0.05 * np.abs(P).max())
    # Without a reference the sign depends only on H: negating a direction's loadings changes nothing.
    np.testing.assert_allclose(pca_2d(H)[0], P)


def test_a_single_unit_layer_gives_zeros_as_its_second_coordinate_and_bad_shapes_are_named():
    P, ratio = pca_2d(RNG.standard_normal((50, 1)))
    assert np.all(P[:, 1] == 0) and ratio[0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="H: need activations"):
        pca_2d(np.zeros(5))
