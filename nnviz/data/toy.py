"""Seeded 2-D toy classification sets (XOR, circles, spirals, moons, blobs) with features in about [-1.5, 1.5].

Every generator takes ``(n, noise, classes, rng)`` and returns ``X: (n, 2) float32`` and
``y: (n,) int64`` with classes as balanced as ``n`` allows (sample i belongs to class i % k,
before shuffling).
"""

import numpy as np

# name -> (default n_samples, default noise, default classes, whether `classes` may change)
TOY_DEFAULTS = {
    "xor": (400, 0.15, 2, False),
    "circles": (400, 0.08, 2, False),
    "spirals": (400, 0.08, 2, True),
    "moons": (400, 0.1, 2, False),
    "blobs": (300, 0.25, 3, True),
}


def xor_points() -> tuple[np.ndarray, np.ndarray]:
    """The classic XOR truth table: X = [[0,0],[0,1],[1,0],[1,1]] (float32), y = [0,1,1,0] (int64)."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return X, y


def _balanced_labels(n: int, k: int) -> np.ndarray:
    return np.arange(n, dtype=np.int64) % k


def make_xor(n: int, noise: float, classes: int, rng: np.random.Generator):
    """Four Gaussian clusters at (+-0.75, +-0.75); the label is the XOR of "x > 0" and "y > 0"."""
    corner = np.arange(n) % 4
    signs = np.stack([np.where(corner & 2, 1.0, -1.0), np.where(corner & 1, 1.0, -1.0)], axis=1)
    X = 0.75 * signs + noise * rng.standard_normal((n, 2))
    y = ((corner >> 1) ^ (corner & 1)).astype(np.int64)
    return X, y


def make_circles(n: int, noise: float, classes: int, rng: np.random.Generator):
    """Class 0 on a circle of radius 1, class 1 on a concentric circle of radius 0.5, plus Gaussian noise."""
    y = _balanced_labels(n, 2)
    angle = rng.uniform(0.0, 2 * np.pi, n)
    radius = np.where(y == 0, 1.0, 0.5)
    X = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return X + noise * rng.standard_normal((n, 2)), y


def make_spirals(n: int, noise: float, classes: int, rng: np.random.Generator):
    """``classes`` interleaved spiral arms, each turning 1.25 times from the centre out to radius 1.4."""
    y = _balanced_labels(n, classes)
    t = rng.uniform(0.05, 1.0, n)  # position along the arm: 0 centre, 1 tip
    angle = 2 * np.pi * (y / classes + 1.25 * t)
    X = 1.4 * t[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return X + noise * rng.standard_normal((n, 2)), y


def make_moons(n: int, noise: float, classes: int, rng: np.random.Generator):
    """Two interleaving half circles (as scikit-learn's ``make_moons``), shifted to be centred on 0."""
    y = _balanced_labels(n, 2)
    t = rng.uniform(0.0, np.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.where((y == 0)[:, None], upper, lower) - [0.5, 0.25]
    return X + noise * rng.standard_normal((n, 2)), y


def make_blobs(n: int, noise: float, classes: int, rng: np.random.Generator):
    """``classes`` isotropic Gaussian blobs (std ``noise``) centred evenly on a circle of radius 1."""
    y = _balanced_labels(n, classes)
    angle = 2 * np.pi * y / classes + np.pi / 2
    centres = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return centres + noise * rng.standard_normal((n, 2)), y


TOY_GENERATORS = {
    "xor": make_xor,
    "circles": make_circles,
    "spirals": make_spirals,
    "moons": make_moons,
    "blobs": make_blobs,
}
