"""The network view's model without Qt: which units are drawn where, hit tests and interventions."""

import numpy as np
import pytest

from nnviz.app.runtime.snapshot import Snapshot
from nnviz.app.views.network_model import (
    MAX_UNITS,
    TILE,
    Interventions,
    fit_labels,
    make_layout,
    nearest_edge,
    shown_units,
    top_units,
)
from nnviz.core import Network
from nnviz.core.ablation import ablated_copy


def test_every_unit_of_a_narrow_network_is_drawn_and_found_under_its_centre():
    net = Network([2, 16, 16, 2], hidden="tanh", seed=0)
    layout = make_layout(net.weights, image_input=False)
    assert [len(u) for u in layout.units] == [2, 16, 16, 2] and layout.hidden == (0, 0, 0, 0)
    for layer, units in enumerate(layout.units):
        for unit in units:
            x, y = layout.centre(layer, unit)
            assert layout.node_at(x + 0.4 * TILE, y - 0.4 * TILE) == (layer, unit)
    x, y = layout.centre(1, 0)
    assert layout.node_at(x + TILE, y) is None          # between two columns: an edge, not a node


def test_wide_layers_draw_their_strongest_units_and_count_the_rest():
    net = Network([784, 128, 64, 10], seed=0)
    net.weights[0][:, 77] *= 50          # unit 77 of hidden layer 1: by far the largest incoming weights
    layout = make_layout(net.weights, image_input=True)
    assert len(layout.units[0]) == 784 and len(layout.centres[0]) == 1        # the input: one image
    assert [len(u) for u in layout.units[1:]] == [MAX_UNITS, MAX_UNITS, 10]
    assert layout.hidden == (0, 128 - MAX_UNITS, 64 - MAX_UNITS, 0)
    assert 77 in layout.units[1] and 77 in shown_units(net.weights, 1)
    assert top_units(net.weights, 1, 1) == [(1, 77)]


def test_edges_carry_their_weights_and_the_nearest_is_picked():
    net = Network([2, 3, 2], seed=1)
    layout = make_layout(net.weights, image_input=False)
    starts, ends, values, keys = layout.edges(net.weights)
    assert len(values) == 2 * 3 + 3 * 2
    for (l, i, j), w in zip(keys, values):
        assert w == net.weights[l][i, j]
    along = starts[4] + (ends[4] - starts[4]) / 3      # not the middle: edges of a column pair cross there
    assert nearest_edge(starts, ends, along) == 4
    assert nearest_edge(starts, ends, along + (0, 5)) is None


def test_knocking_out_applies_to_a_copy_and_equals_zeroed_outgoing_weights():
    net = Network([2, 4, 3, 2], hidden="sigmoid", seed=2)
    snapshot = Snapshot.of(net)
    shown = Interventions().toggled([(1, 2), (2, 0)]).apply(snapshot)
    expected = ablated_copy(net, [(1, 2), (2, 0)])
    for W, W_expected in zip(shown.weights, expected.weights):
        np.testing.assert_array_equal(W, W_expected)
    np.testing.assert_array_equal(snapshot.weights[1], net.weights[1])       # the trained weights stay
    assert Interventions().toggled([(1, 2)]).toggled([(1, 2)]).ablated == frozenset()


def test_edited_weights_and_biases_replace_single_values_until_reset():
    net = Network([2, 3, 2], seed=3)
    edits = Interventions().with_weight((1, 2, 0), 7.5).with_bias((0, 1), -2.0)
    shown = edits.apply(Snapshot.of(net))
    assert shown.weights[1][2, 0] == 7.5 and shown.biases[0][1] == -2.0
    changed = np.argwhere(shown.weights[1] != net.weights[1])
    np.testing.assert_array_equal(changed, [[2, 0]])
    assert not edits.without_edits()
    assert edits.without_edits().apply(Snapshot.of(net)).weights[1][2, 0] == net.weights[1][2, 0]


@pytest.mark.parametrize("units", [[(3, 0)], [(1, 9)]])
def test_units_a_new_network_lacks_are_ignored(units):
    net = Network([2, 3, 2], seed=0)
    shown = Interventions().toggled(units).apply(Snapshot.of(net))
    np.testing.assert_array_equal(shown.weights[1], net.weights[1])


def test_labels_take_the_longest_texts_that_fit_and_else_move_out_a_line_where_they_would_touch():
    xs, ys = [0.0, 100.0, 200.0], [0.0, 0.0, 0.0]
    widths = [[120.0, 50.0], [90.0, 40.0], [80.0, 30.0]]
    assert fit_labels(xs, ys, [[80.0, 50.0]] * 3, height=14)[0] == 0            # 80 + 2 < 100: all long
    level, lines = fit_labels(xs, ys, widths, height=14)                          # (120 + 90) / 2 > 100
    assert level == 1 and lines.tolist() == [0, 0, 0]
    level, lines = fit_labels([0.0, 30.0, 60.0], ys, widths, height=14)          # even 45 + 2 > 30
    assert level == 1 and lines.tolist() == [0, 1, 0]
    # the third sits a line higher to begin with, where the second moves: it moves a line further
    assert fit_labels([0.0, 30.0, 40.0], [0.0, 0.0, 16.0], widths, height=14)[1].tolist() == [0, 1, 1]
    assert fit_labels(xs[:2], [0.0, 20.0], widths[:2], height=14)[0] == 0      # a line apart: no overlap
