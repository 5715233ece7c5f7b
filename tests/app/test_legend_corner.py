"""Where a legend goes: the corner covering the fewest points, and the shape (columns) that frees one."""

import numpy as np

from nnviz.app.views.legend_corner import best_placement, corner_counts, emptiest_corner

RANGE = ((0.0, 10.0), (0.0, 10.0))


def test_corner_counts_count_the_points_in_each_corner_box():
    x = np.array([9.5, 0.5, 9.5, 0.5, 0.5, 5.0])
    y = np.array([9.5, 9.5, 0.5, 0.5, 0.4, 5.0])      # one top right, one top left, one/two below; one centre
    assert corner_counts(x, y, *RANGE, (0.2, 0.2)) == {(1, 1): 1, (0, 1): 1, (1, 0): 1, (0, 0): 2}


def test_the_legend_stays_in_its_corner_unless_another_is_emptier():
    x, y = np.array([9.5, 0.5]), np.array([9.5, 0.5])
    assert emptiest_corner(x, y, *RANGE, (0.2, 0.2), prefer=(0, 1)) == (0, 1)
    assert emptiest_corner(x, y, *RANGE, (0.2, 0.2), prefer=(1, 1)) == (0, 1)


def test_a_row_of_entries_over_two_bands_of_data_becomes_a_column_in_the_empty_right():
    x = np.tile(np.linspace(0, 3, 30), 2)                 # data only on the left third ...
    y = np.r_[np.full(30, 9.0), np.full(30, 1.0)]         # ... near the top and near the bottom
    entry = (0.3, 0.15)                                    # three side by side span 90% of the width
    assert best_placement(x, y, *RANGE, entry, 3, columns=3) == (1, (1, 1))


def test_a_row_that_already_fits_keeps_its_shape():
    x, y = np.linspace(0, 10, 50), np.full(50, 5.0)       # a flat curve through the middle
    assert best_placement(x, y, *RANGE, (0.3, 0.15), 3, columns=3) == (3, (1, 1))
