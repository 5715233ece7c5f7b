"""Colours of a confusion matrix: correct cells by their share of the class, mistakes by count on a log
scale of their own, so that 0, 3 and 300 mistakes all look different however large the diagonal."""

import numpy as np
import pyqtgraph as pg

CORRECT_MAP = pg.ColorMap([0, 1], [(35, 35, 42), (50, 170, 80)])
MISTAKE_MAP = pg.colormap.get("inferno")


def confusion_layers(C):
    """The two images of the (k, k) counts C[true, predicted], each NaN (transparent) where the other is drawn:

    correct: on the diagonal, C[i, i] / Σ_j C[i, j] (0 for a class without samples), levels (0, 1);
    mistakes: off it, log10(1 + C[i, j]), levels (0, log10(1 + largest mistake count)) — on a linear
    scale 3 mistakes beside 300 would be drawn as none.
    Returns (correct, mistakes, mistake_levels).
    """
    C = np.asarray(C)
    rows = C.sum(axis=1, keepdims=True)
    shares = np.divide(C, rows, out=np.zeros(C.shape), where=rows > 0)
    diagonal = np.eye(len(C), dtype=bool)
    largest = int(C[~diagonal].max()) if len(C) > 1 else 0
    correct = np.where(diagonal, shares, np.nan)
    mistakes = np.where(diagonal, np.nan, np.log10(1.0 + C))
    return correct, mistakes, (0.0, float(np.log10(1.0 + max(largest, 1))))


def count_ticks(largest):
    """Colour-bar ticks [(log10(1 + n), "n")] for counts 0, 1, 10, 100, … and `largest` itself."""
    counts = [0] + [10 ** e for e in range(int(np.log10(max(largest, 1))) + 1)]
    counts = [n for n in counts if n < largest * 0.8 or n == 0] + [max(largest, 1)]
    return [(float(np.log10(1.0 + n)), f"{n:,}") for n in counts]
