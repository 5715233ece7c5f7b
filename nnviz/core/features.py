"""Input features for 2-D points, as TensorFlow Playground offers them: x1, x2, x1², x2², x1·x2, sin(x1), sin(x2).

A network with features takes raw points (n, 2) and feeds the chosen features (n, F) to its first
layer; they are a fixed map, not learned. ["x1", "x2"] (the default) is the identity.
"""

import numpy as np

FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
DISPLAY_NAMES = {"x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1*x2": "x₁·x₂", "sin(x1)": "sin x₁",
                 "sin(x2)": "sin x₂"}       # as the form's check boxes and the network view write them
DEFAULT_FEATURES = ("x1", "x2")
POINT_WIDTH = 2     # features apply to 2-D points only


def check_features(names):
    """The names as a tuple, or ValueError naming the bad one; at least one, no repeats."""
    names = tuple(names)
    if not names:
        raise ValueError(f"input_features: choose at least one of {', '.join(FEATURES)}")
    for name in names:
        if name not in FEATURES:
            raise ValueError(f"input_features: {name!r} is not allowed; allowed: {', '.join(FEATURES)}")
    if len(set(names)) != len(names):
        raise ValueError(f"input_features: {list(names)!r} names a feature twice")
    return names


def is_identity(names):
    """Do these features feed the raw point unchanged?"""
    return tuple(names) == DEFAULT_FEATURES


def expand_features(names, X, dtype=None):
    """Points X (n, 2) → features (n, F), column f being FEATURES[names[f]](x1, x2)."""
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != POINT_WIDTH:
        raise ValueError(f"X: input features need 2-D points of shape (n, 2), got {X.shape}")
    x1, x2 = X[:, 0], X[:, 1]
    out = np.empty((len(X), len(names)), dtype=dtype or X.dtype)
    for f, name in enumerate(names):
        out[:, f] = FEATURES[name](x1, x2)
    return out
