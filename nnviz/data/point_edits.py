"""Editing a 2-D point set by hand: add a point of a class, remove the point nearest a click."""

import numpy as np


def add_point(X, y, point, label):
    """(X (m, 2), y (m,)) with `point` (x1, x2) of class `label` appended, as new arrays."""
    return (np.vstack([X, np.asarray(point, dtype=X.dtype).reshape(1, 2)]),
            np.append(y, np.asarray(label, dtype=y.dtype)))


def remove_nearest(X, y, point, radius):
    """(X, y, index): the set without its point nearest `point` if that is within `radius`
    (index None and the arrays unchanged otherwise)."""
    if not len(X):
        return X, y, None
    distance = np.linalg.norm(X - np.asarray(point, dtype=np.float64), axis=1)
    index = int(np.argmin(distance))
    if distance[index] > radius:
        return X, y, None
    keep = np.arange(len(X)) != index
    return X[keep], y[keep], index


def points_csv(X, y, class_names):
    """The points as CSV text: a header `x1,x2,label` then one row per point, labels by class name,
    as the `csv:` datasets read it back."""
    rows = ["x1,x2,label"] + [f"{a!r},{b!r},{class_names[int(c)]}" for (a, b), c in
                              zip(np.asarray(X, dtype=np.float64).tolist(), y)]
    return "\n".join(rows) + "\n"
