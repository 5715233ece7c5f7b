"""DecisionBoundaryView paints the network's own probabilities on a grid covering the visible view."""

import numpy as np
import pytest

from nnviz.app.runtime.snapshot import Snapshot
from nnviz.app.views.boundary_view import GRID, MARGIN, DecisionBoundaryView
from nnviz.app.views.colors import NEUTRAL, REGION_STRENGTH, class_colors
from nnviz.core import Network

RNG = np.random.default_rng(0)


def expected_grid(view):
    """Cell centres of GRID x GRID cells tiling the view's visible range."""
    (x0, x1), (y0, y1) = view.plot.getViewBox().viewRange()
    xs = x0 + (np.arange(GRID) + 0.5) * (x1 - x0) / GRID
    ys = y0 + (np.arange(GRID) + 0.5) * (y1 - y0) / GRID
    return np.array([(x, y) for y in ys for x in xs])          # row i, column j -> (xs[j], ys[i])


def image_rect(item):
    rect = item.mapRectToParent(item.boundingRect())
    return np.array([rect.left(), rect.right(), rect.top(), rect.bottom()])


def view_rect(view):
    (x0, x1), (y0, y1) = view.plot.getViewBox().viewRange()
    return np.array([x0, x1, y0, y1])


@pytest.fixture
def view(qtbot):
    widget = DecisionBoundaryView()
    qtbot.addWidget(widget)
    widget.resize(500, 450)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def points(n_classes, n=60):
    X = RNG.normal(size=(n, 2)).astype(np.float32) * [2.0, 1.0] + [0.5, -1.0]
    return X.astype(np.float32), np.arange(n) % n_classes


def test_scatter_holds_the_points_coloured_by_class(view):
    X, y = points(3)
    view.set_points(X, y, ["a", "b", "c"])
    xs, ys = view.scatter.getData()
    np.testing.assert_array_equal(xs, X[:, 0])
    np.testing.assert_array_equal(ys, X[:, 1])
    colours = [tuple(spot.brush().color().getRgb()[:3]) for spot in view.scatter.points()]
    assert colours == [tuple(int(v) for v in class_colors(3)[c]) for c in y]
    assert [label.text for _, label in view.legend.items] == ["a", "b", "c"]


def test_a_thousand_classes_get_ten_legend_entries_and_a_coarser_map(view):
    X, y = points(1000, n=3000)
    names = [f"class {k}" for k in range(1000)]
    view.set_points(X, y, names)
    assert [label.text for _, label in view.legend.items] == names[:10] + ["+990 more classes"]
    swatches = [tuple(sample.item.opts["brush"].color().getRgb()[:3]) for sample, _ in view.legend.items[:10]]
    assert swatches == [tuple(int(v) for v in class_colors(10)[k]) for k in range(10)]
    assert view.add_class.count() == 1000 and view.add_class.itemText(999) == "class 999"   # every class can be added
    # 120 cells x sqrt(16 / 1000) = 15.2 per axis: the floor of 16 cells, 256 cells x 1,000 classes.
    net = Network([2, 8, 1000], hidden="tanh", output="softmax", loss="cross_entropy", seed=0)
    view.set_snapshot(Snapshot.of(net))
    assert view.side == 16 and view.probabilities.shape == (256, 1000)
    (x0, x1), (y0, y1) = view.plot.getViewBox().viewRange()
    np.testing.assert_allclose(view.grid_points[:16, 0], x0 + (np.arange(16) + 0.5) * (x1 - x0) / 16, rtol=1e-5)
    np.testing.assert_allclose(view.probabilities, net.predict_proba(view.grid_points), rtol=1e-5)
    assert view.class_image.image.shape == (16, 16, 3) and "1,000 classes: 16 x 16 cells" in view.note.text()
    view.set_points(*points(3), ["a", "b", "c"])
    assert view.side == GRID and len(view.grid_points) == GRID * GRID


def test_two_classes_show_the_probability_of_class_one_on_the_grid(view):
    X, y = points(2)
    view.set_points(X, y)
    net = Network([2, 16, 2], hidden="tanh", seed=1)
    view.set_snapshot(Snapshot.of(net))
    np.testing.assert_allclose(view.grid_points, expected_grid(view), rtol=1e-5, atol=1e-5)
    P = net.predict_proba(expected_grid(view).astype(np.float32))
    image = view.probability_image.image
    assert image.shape == (GRID, GRID) and view.probability_image.isVisible()
    np.testing.assert_allclose(image, P[:, 1].reshape(GRID, GRID), atol=1e-5)
    np.testing.assert_array_equal(view.probability_image.levels, (0, 1))
    assert not view.class_image.isVisible()


def test_the_map_covers_the_whole_view_around_the_points_and_follows_a_pan(qtbot, view):
    X, y = points(2)
    view.set_points(X, y)
    view.set_snapshot(Snapshot.of(Network([2, 4, 2])))
    qtbot.waitUntil(lambda: np.allclose(image_rect(view.probability_image), view_rect(view), rtol=1e-4))
    x0, x1, y0, y1 = view_rect(view)
    low, high = X.min(axis=0), X.max(axis=0)
    pad = (high - low) * MARGIN
    assert x0 <= low[0] - pad[0] + 1e-4 and x1 >= high[0] + pad[0] - 1e-4       # no white bands:
    assert y0 <= low[1] - pad[1] + 1e-4 and y1 >= high[1] + pad[1] - 1e-4       # the points and beyond
    view.plot.getViewBox().translateBy(x=3.0)                                   # the user drags the view
    qtbot.waitUntil(lambda: view_rect(view)[0] > x0 + 2.9)
    qtbot.waitUntil(lambda: np.allclose(image_rect(view.probability_image), view_rect(view), rtol=1e-4))
    np.testing.assert_allclose(view.grid_points, expected_grid(view), rtol=1e-4, atol=1e-4)


def test_a_single_sigmoid_output_is_the_probability_of_class_one(view):
    X, y = points(2)
    view.set_points(X, y)
    net = Network([2, 8, 1], output="sigmoid", loss="binary_cross_entropy", seed=2)
    view.set_snapshot(Snapshot.of(net))
    P = net.predict_proba(view.grid_points)
    np.testing.assert_allclose(view.probability_image.image, P[:, 0].reshape(GRID, GRID), atol=1e-6)


def test_k_classes_blend_the_winning_class_colour_by_confidence(view):
    X, y = points(3)
    view.set_points(X, y)
    net = Network([2, 16, 3], seed=3)
    view.set_snapshot(Snapshot.of(net))
    P = net.predict_proba(view.grid_points)
    np.testing.assert_allclose(view.probabilities, P, rtol=1e-6)
    image = view.class_image.image.reshape(-1, 3)
    assert view.class_image.isVisible() and not view.probability_image.isVisible()
    confidence = (P.max(axis=1) - 1 / 3) / (2 / 3)
    # the pixel lies on the segment from NEUTRAL towards the winning class's region colour
    region = image - NEUTRAL
    winner = class_colors(3)[P.argmax(axis=1)] / 255
    towards = 1 - REGION_STRENGTH * (1 - winner) - NEUTRAL
    np.testing.assert_allclose(region, towards * confidence[:, None], atol=1e-5)


def test_a_new_snapshot_redraws_the_same_image_item(view):
    X, y = points(2)
    view.set_points(X, y)
    net = Network([2, 8, 2], seed=4)
    view.set_snapshot(Snapshot.of(net))
    item, before = view.probability_image, view.probability_image.image.copy()
    net.biases[-1][1] += 3.0
    view.set_snapshot(Snapshot.of(net))
    assert view.probability_image is item
    P = net.predict_proba(view.grid_points)[:, 1].reshape(GRID, GRID)
    np.testing.assert_allclose(item.image, P, atol=1e-5)
    unsaturated = before < 0.999                        # float32 P already at 1.0 cannot rise
    assert unsaturated.mean() > 0.1 and (item.image[unsaturated] > before[unsaturated]).all()


def test_a_network_with_other_inputs_gets_a_note(view):
    view.set_points(*points(2))
    view.set_snapshot(Snapshot.of(Network([64, 8, 10])))
    assert "2-D" in view.note.text()
    assert not view.probability_image.isVisible() and not view.class_image.isVisible()


def test_a_hidden_view_evaluates_the_latest_snapshot_only_when_shown(view):
    view.set_points(*points(2))
    view.hide()
    net = Network([2, 8, 2], seed=5)
    view.set_snapshot(Snapshot.of(Network([2, 8, 2], seed=6)))
    view.set_snapshot(Snapshot.of(net))
    assert view.probabilities is None
    view.show()
    np.testing.assert_allclose(view.probabilities, net.predict_proba(view.grid_points), rtol=1e-6)


@pytest.mark.parametrize("n_classes", [2, 10])
def test_the_class_legend_sits_above_the_map_never_on_its_points(view, qtbot, n_classes):
    """The legend box sat in the map's top-right corner, over the spirals' outer points."""
    X, y = points(n_classes, n=400)
    view.set_points(X, y, [f"class {k}" for k in range(n_classes)])
    qtbot.wait(10)
    legend, box = view.legend.sceneBoundingRect(), view.plot.getViewBox().sceneBoundingRect()
    assert len(view.legend.items) == n_classes
    assert view.plot.sceneBoundingRect().contains(legend)          # no entry cut off
    assert not legend.adjusted(1, 1, -1, -1).intersects(box)       # off the map, so off every point
