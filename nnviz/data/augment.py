"""Batch data augmentation for flattened images: random integer shifts and small rotations, vectorised.

Runs in the training hot path: a shift-only batch is moved with one slice assignment per distinct
shift (at most (2 * max_shift + 1)**2 of them), never a Python loop per sample.
"""

import numpy as np


def augment_images(X: np.ndarray, image_shape: tuple[int, int], rng: np.random.Generator,
                   max_shift: int = 2, max_rotation: float = 0.0) -> np.ndarray:
    """Randomly shift (and optionally rotate) each image of a batch; see `make_augmenter`.

    X: (n, h*w) floating, rows are images of ``image_shape`` (h, w). Returns a new (n, h*w) array
    of X's dtype.
    """
    return make_augmenter(image_shape, max_shift, max_rotation)(X, rng)


def make_augmenter(image_shape: tuple[int, int], max_shift: int = 2, max_rotation: float = 0.0):
    """Return ``augment(X, rng) -> X_new`` with the coordinate grids precomputed for ``image_shape``.

    Each image is shifted by (dy, dx), both drawn uniformly from the integers
    -max_shift..max_shift, with zero fill; if ``max_rotation`` (degrees) > 0 it is also rotated
    about its centre ((h-1)/2, (w-1)/2) by an angle drawn uniformly from
    [-max_rotation, max_rotation], sampled with bilinear interpolation (zero outside).
    """
    return _Augmenter(image_shape, max_shift, max_rotation)


def rotate_images(X: np.ndarray, image_shape: tuple[int, int], angles_deg) -> np.ndarray:
    """Rotate each image of X (n, h*w) about its centre by its angle in degrees (a scalar or (n,)),
    bilinear, zero outside; returns a new (n, h*w) array of X's dtype."""
    augmenter = _Augmenter(image_shape, 0, 0.0)
    angles = np.broadcast_to(np.deg2rad(np.asarray(angles_deg, dtype=float)), (len(X),))
    return augmenter._rotate(augmenter.check(X), np.zeros((len(X), 2), dtype=np.int64), angles)


class _Augmenter:
    """Callable ``(X: (n, h*w), rng) -> (n, h*w)``; holds the image size and the precomputed grids."""

    def __init__(self, image_shape, max_shift, max_rotation):
        if len(image_shape) != 2 or min(image_shape) < 1:
            raise ValueError(f"image_shape must be (height, width) with positive sizes, got {image_shape}")
        h, w = self.shape = (int(image_shape[0]), int(image_shape[1]))
        if not (isinstance(max_shift, (int, np.integer)) and 0 <= max_shift < min(h, w)):
            raise ValueError(f"max_shift must be an integer in [0, {min(h, w)}), got {max_shift}")
        if not 0 <= max_rotation <= 180:
            raise ValueError(f"max_rotation must be in [0, 180] degrees, got {max_rotation}")
        self.max_shift, self.max_rotation = int(max_shift), float(max_rotation)
        # Pixel coordinates relative to the centre, (h*w,) each, row-major like the flattened image.
        rows, cols = np.indices((h, w), dtype=np.float32)
        self._u = (rows - np.float32((h - 1) / 2)).ravel()
        self._v = (cols - np.float32((w - 1) / 2)).ravel()

    def check(self, X: np.ndarray) -> np.ndarray:
        h, w = self.shape
        if X.ndim != 2 or X.shape[1] != h * w or X.dtype.kind != "f":
            raise ValueError(f"X must be a floating (n, {h * w}) array for images of {h}x{w}, "
                             f"got {X.dtype} {X.shape}")
        return X

    def __call__(self, X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        self.check(X)
        s = self.max_shift
        shifts = rng.integers(-s, s + 1, size=(len(X), 2))
        if self.max_rotation > 0:
            angles = np.deg2rad(rng.uniform(-self.max_rotation, self.max_rotation, len(X)))
            return self._rotate(X, shifts, angles)
        return self._shift(X, shifts)

    def _shift(self, X: np.ndarray, shifts: np.ndarray) -> np.ndarray:
        """out[i, y, x] = X[i, y - dy_i, x - dx_i] (0 outside): one slice copy per distinct shift."""
        h, w = self.shape
        images = X.reshape(-1, h, w)
        out = np.zeros_like(images)
        width = 2 * self.max_shift + 1
        key = (shifts[:, 0] + self.max_shift) * width + (shifts[:, 1] + self.max_shift)
        for k in np.unique(key):
            dy, dx = divmod(int(k), width)
            dy, dx = dy - self.max_shift, dx - self.max_shift
            members = np.flatnonzero(key == k)
            out[members, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
                images[members, max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
        return out.reshape(X.shape)

    def _rotate(self, X: np.ndarray, shifts: np.ndarray, angles: np.ndarray) -> np.ndarray:
        """Rotate by ``angles`` (radians) about the centre, then shift; bilinear, zero outside.

        Output pixel p (relative to the centre) samples the input at R(angle)^T (p - shift).
        """
        h, w = self.shape
        n = len(X)
        cos = np.cos(angles).astype(np.float32)[:, None]
        sin = np.sin(angles).astype(np.float32)[:, None]
        u = self._u - shifts[:, :1].astype(np.float32)  # (n, h*w)
        v = self._v - shifts[:, 1:].astype(np.float32)
        src_row = cos * u + sin * v + np.float32((h - 1) / 2)
        src_col = cos * v - sin * u + np.float32((w - 1) / 2)
        # Pad by one zero pixel on every side so clipped out-of-range neighbours read zero.
        padded = np.zeros((n, h + 2, w + 2), dtype=X.dtype)
        padded[:, 1:-1, 1:-1] = X.reshape(n, h, w)
        row0, col0 = np.floor(src_row), np.floor(src_col)
        frac_row, frac_col = src_row - row0, src_col - col0
        top = np.clip(row0.astype(np.intp) + 1, 0, h + 1) * (w + 2)
        bottom = np.clip(row0.astype(np.intp) + 2, 0, h + 1) * (w + 2)
        left = np.clip(col0.astype(np.intp) + 1, 0, w + 1)
        right = np.clip(col0.astype(np.intp) + 2, 0, w + 1)
        base = (np.arange(n) * ((h + 2) * (w + 2)))[:, None]
        flat = padded.ravel()
        upper = (1 - frac_col) * flat[base + top + left] + frac_col * flat[base + top + right]
        lower = (1 - frac_col) * flat[base + bottom + left] + frac_col * flat[base + bottom + right]
        return ((1 - frac_row) * upper + frac_row * lower).astype(X.dtype, copy=False)
