"""Batch data augmentation for flattened images: random integer shifts, small rotations and elastic
distortions, vectorised.

Runs in the training hot path: a shift-only batch is moved with one slice assignment per distinct
shift (at most (2 * max_shift + 1)**2 of them); rotations and distortions are one bilinear
resampling of the whole batch. Never a Python loop per sample.
"""

import numpy as np

from nnviz.guard import UserError

MAX_ELASTIC = 100.0


def augment_images(X: np.ndarray, image_shape: tuple[int, int], rng: np.random.Generator,
                   max_shift: int = 2, max_rotation: float = 0.0, elastic: float = 0.0) -> np.ndarray:
    """Randomly shift (and optionally rotate and distort) each image of a batch; see `make_augmenter`.

    X: (n, h*w) floating, rows are images of ``image_shape`` (h, w). Returns a new (n, h*w) array
    of X's dtype.
    """
    return make_augmenter(image_shape, max_shift, max_rotation, elastic)(X, rng)


def make_augmenter(image_shape: tuple[int, int], max_shift: int = 2, max_rotation: float = 0.0,
                   elastic: float = 0.0, elastic_sigma: float = 4.0):
    """Return ``augment(X, rng) -> X_new`` with the coordinate grids precomputed for ``image_shape``.

    Each image is shifted by (dy, dx), both drawn uniformly from the integers
    -max_shift..max_shift, with zero fill; if ``max_rotation`` (degrees) > 0 it is also rotated
    about its centre ((h-1)/2, (w-1)/2) by an angle drawn uniformly from
    [-max_rotation, max_rotation]. If ``elastic`` (α) > 0, every pixel is also displaced by an
    elastic distortion (Simard et al. 2003): α times a field of uniform noise in [-1, 1] smoothed
    by a normalised Gaussian of ``elastic_sigma`` pixels, one field per image and direction
    (α 34 with σ 4, Simard's values, moves pixels by about 1.4 px on average).
    Rotations and distortions sample with bilinear interpolation (zero outside).
    """
    return _Augmenter(image_shape, max_shift, max_rotation, elastic, elastic_sigma)


def rotate_images(X: np.ndarray, image_shape: tuple[int, int], angles_deg) -> np.ndarray:
    """Rotate each image of X (n, h*w) about its centre by its angle in degrees (a scalar or (n,)),
    bilinear, zero outside; returns a new (n, h*w) array of X's dtype."""
    augmenter = _Augmenter(image_shape, 0, 0.0, 0.0, 1.0)
    angles = np.broadcast_to(np.deg2rad(np.asarray(angles_deg, dtype=float)), (len(X),))
    return augmenter._rotate(augmenter.check(X), np.zeros((len(X), 2), dtype=np.int64), angles)


class _Augmenter:
    """Callable ``(X: (n, h*w), rng) -> (n, h*w)``; holds the image size and the precomputed grids."""

    def __init__(self, image_shape, max_shift, max_rotation, elastic, elastic_sigma):
        if len(image_shape) != 2 or min(image_shape) < 1:
            raise ValueError(f"image_shape must be (height, width) with positive sizes, got {image_shape}")
        h, w = self.shape = (int(image_shape[0]), int(image_shape[1]))
        if not (isinstance(max_shift, (int, np.integer)) and 0 <= max_shift < min(h, w)):
            raise UserError(f"max_shift must be an integer in [0, {min(h, w)}), got {max_shift}")
        if not 0 <= max_rotation <= 180:
            raise UserError(f"max_rotation must be in [0, 180] degrees, got {max_rotation}")
        if not 0 <= elastic <= MAX_ELASTIC:
            raise UserError(f"elastic must be in [0, {MAX_ELASTIC}], got {elastic}")
        if not elastic_sigma > 0:
            raise UserError(f"elastic_sigma must be > 0 pixels, got {elastic_sigma}")
        self.max_shift, self.max_rotation = int(max_shift), float(max_rotation)
        self.elastic = float(elastic)
        self._smooth_rows, self._smooth_cols = _gaussian_matrix(h, elastic_sigma), _gaussian_matrix(w, elastic_sigma)
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
        if self.max_rotation > 0 or self.elastic > 0:
            angles = np.deg2rad(rng.uniform(-self.max_rotation, self.max_rotation, len(X)))
            displacement = self._elastic_field(len(X), rng) if self.elastic > 0 else None
            return self._rotate(X, shifts, angles, displacement)
        return self._shift(X, shifts)

    def _elastic_field(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """(2, n, h*w) row and column displacements: α · G_σ * U(−1, 1), smoothed as G_r U G_cᵀ.

        Both smoothings run as one matrix product each over all 2n fields: the noise is drawn as
        (h, 2n·w), smoothed along its rows, then laid out as (2n·h, w) and smoothed along its columns.
        """
        h, w = self.shape
        noise = rng.random((h, 2 * n * w), dtype=np.float32)
        noise *= np.float32(2 * self.elastic)
        noise -= np.float32(self.elastic)  # α · U(−1, 1)
        smoothed = (self._smooth_rows @ noise).reshape(h, 2 * n, w).transpose(1, 0, 2).reshape(2 * n * h, w)
        return (smoothed @ self._smooth_cols.T).reshape(2, n, h * w)

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

    def _rotate(self, X: np.ndarray, shifts: np.ndarray, angles: np.ndarray,
                displacement: np.ndarray | None = None) -> np.ndarray:
        """Rotate by ``angles`` (radians) about the centre c, then shift; bilinear, zero outside.

        Output pixel p = (u, v) relative to the centre samples the input at c + R(angle)ᵀ(p − shift),
        plus the elastic ``displacement`` (2, n, h*w) when given:

            row = c_r + cos·(u − dy) + sin·(v − dx)
            col = c_c + cos·(v − dx) − sin·(u − dy)
        """
        h, w = self.shape
        cos = np.cos(angles).astype(np.float32)[:, None]
        sin = np.sin(angles).astype(np.float32)[:, None]
        dy, dx = shifts[:, :1].astype(np.float32), shifts[:, 1:].astype(np.float32)
        row = cos * self._u
        row += sin * self._v
        row += np.float32((h - 1) / 2) - cos * dy - sin * dx
        col = cos * self._v
        col -= sin * self._u
        col += np.float32((w - 1) / 2) - cos * dx + sin * dy
        if displacement is not None:
            row += displacement[0]
            col += displacement[1]
        return self._bilinear(X, row, col)

    def _bilinear(self, X: np.ndarray, row: np.ndarray, col: np.ndarray) -> np.ndarray:
        """Each image of X sampled at its pixel coordinates (row, col), (n, h*w) float32; zero outside.

        Works in place on row and col. The images are padded with one zero row and column before
        and two after, and the coordinates clipped to [−1, h] and [−1, w]: a clipped point then
        lands on zero padding, and all four neighbours of every point exist.
        """
        h, w = self.shape
        n = len(X)
        stride = w + 3
        padded = np.zeros((n, h + 3, stride), dtype=np.float32)
        padded[:, 1:h + 1, 1:w + 1] = X.reshape(n, h, w)
        np.clip(row, -1, h, out=row)
        np.clip(col, -1, w, out=col)
        top, left = np.floor(row), np.floor(col)
        row -= top  # the fractional parts from here on
        col -= left
        index = top.astype(np.intp)
        index += 1
        index *= stride
        index += left.astype(np.intp)
        index += (np.arange(n) * (h + 3) * stride + 1)[:, None]
        flat = padded.ravel()
        upper, upper_right = flat.take(index), flat.take(index + 1)
        index += stride
        lower, lower_right = flat.take(index), flat.take(index + 1)
        upper_right -= upper                 # upper + f_col (upper_right − upper)
        upper_right *= col
        upper += upper_right
        lower_right -= lower
        lower_right *= col
        lower += lower_right
        lower -= upper                       # upper + f_row (lower − upper)
        lower *= row
        upper += lower
        return upper.astype(X.dtype, copy=False)


def _gaussian_matrix(size: int, sigma: float) -> np.ndarray:
    """(size, size) float32 G with G[i, j] = g(i − j) / Σₖ g(k), g(d) = exp(−d²/2σ²): G @ x smooths x
    along its first axis with a normalised Gaussian, zero beyond the edges."""
    d = np.arange(size)
    kernel = np.exp(-0.5 * (np.subtract.outer(d, d) / sigma) ** 2)
    return (kernel / np.exp(-0.5 * (np.arange(-size + 1, size) / sigma) ** 2).sum()).astype(np.float32)
