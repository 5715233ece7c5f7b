"""Outputs to classes, with the one rule every front end shares: one sigmoid output unit means two classes.

A network with k > 1 output units scores k classes: the predicted class is the argmax. A network
with a single output unit a (a sigmoid) scores two classes: a = P(class 1), 1 − a = P(class 0),
and the predicted class is a > 0.5.
"""

import numpy as np


def n_classes(n_outputs):
    """Classes a network with n_outputs output units tells apart: 2 for one unit, else n_outputs."""
    return 2 if n_outputs == 1 else n_outputs


def output_units(classes, output):
    """Output units for `classes` classes with `output` activation: 1 for sigmoid on two, else classes."""
    return 1 if output == "sigmoid" and classes == 2 else classes


def predictions(P):
    """Class indices (n,) from outputs P (n, k): argmax, or P > 0.5 when k == 1."""
    if P.shape[1] == 1:
        return (P[:, 0] > 0.5).astype(np.int64)
    return P.argmax(axis=1)


def class_probabilities(P):
    """Outputs P (n, k) -> one column per class (n, n_classes(k)): [1 − a, a] for one output unit a."""
    P = np.asarray(P)
    if P.shape[1] == 1:
        return np.concatenate([1 - P, P], axis=1)
    return P
