"""2-D projections of hidden activations by PCA, oriented consistently from one snapshot to the next.

For activations H (n, d), centred as Hc = H − mean(H), the SVD Hc = U S Vᵀ gives the principal
directions as the rows of Vᵀ; the projection is P = Hc V₂ (n, 2) with V₂ the first two. A singular
vector is only defined up to its sign, so two nearly equal snapshots could come out mirrored. Each
axis is therefore flipped to agree with a reference projection of the same points (the previous
frame): sign(Σᵢ P[i, k] · P_ref[i, k]) ≥ 0. Without a reference, the largest |loading| of each
direction is made positive, which depends only on H.
"""

import numpy as np


def pca_2d(H, reference=None):
    """(P (n, 2), explained variance ratio (2,)) of activations H (n, d), oriented like `reference`.

    A layer of one unit has a second coordinate of zeros.
    """
    H = np.asarray(H, dtype=np.float64)
    if H.ndim != 2 or len(H) < 2:
        raise ValueError(f"H: need activations of at least 2 points as (n, d), got shape {H.shape}")
    Hc = H - H.mean(axis=0)
    _, S, Vt = np.linalg.svd(Hc, full_matrices=False)
    V = np.zeros((H.shape[1], 2))
    V[:, :min(2, len(Vt))] = Vt[:2].T
    if reference is None:
        biggest = np.abs(V).argmax(axis=0)
        signs = np.sign(V[biggest, [0, 1]])
    else:
        signs = np.sign(np.einsum("ik,ik->k", Hc @ V, np.asarray(reference, dtype=np.float64)))
    V *= np.where(signs == 0, 1.0, signs)
    variance = S ** 2
    ratio = np.zeros(2)
    ratio[:min(2, len(S))] = variance[:2] / max(variance.sum(), 1e-300)
    return Hc @ V, ratio
