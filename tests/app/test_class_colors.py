"""Class k has one colour in every view: the boundary's points and regions, the network view's output
nodes, the confusion matrix's class key, the projection, the per-class bars and the draw panel's bars."""

import numpy as np
import pytest

from nnviz.app.diagnostics.evaluation_dialog import EvaluationDialog
from nnviz.app.runtime.snapshot import Snapshot
from nnviz.app.views.boundary_view import DecisionBoundaryView
from nnviz.app.views.class_key import class_ticks
from nnviz.app.views.colors import class_brushes, class_colors, class_pens
from nnviz.app.views.draw_panel import DrawPanel
from nnviz.app.views.network_view import NetworkView
from nnviz.app.views.projection_view import ProjectionView
from nnviz.core import Network
from nnviz.data import load_dataset

from .test_draw_panel import draw_stroke

K = 4


@pytest.fixture(scope="module")
def blobs():
    """Four blobs and a sure 2-4 softmax network: logit k = 30 · (x · centre k), so P_k ≈ 1 at centre k."""
    ds = load_dataset("blobs", n_samples=200, classes=K, seed=0)
    angle = 2 * np.pi * np.arange(K) / K + np.pi / 2
    centres = np.column_stack([np.cos(angle), np.sin(angle)])
    net = Network([2, K], output="softmax", dtype=np.float64)
    net.weights[0][...] = 30 * centres.T
    net.biases[0][...] = 0
    return ds, net, centres


def rgb(brush):
    return brush.color().getRgb()[:3]


def pixel_nearest(image, grid_points, point):
    """The pixel of an image (n, n, c) over grid_points (n * n, 2) (row i * n + j is pixel (i, j)) nearest point."""
    n = image.shape[0]
    i, j = divmod(int(np.argmin(np.linalg.norm(grid_points - point, axis=1))), n)
    return np.asarray(image[i, j, :3], dtype=np.float64)


def test_class_k_has_one_colour_in_every_view(qtbot, blobs):
    ds, net, centres = blobs
    snapshot = Snapshot.of(net)
    boundary = DecisionBoundaryView()
    network = NetworkView()
    projection = ProjectionView()
    draw = DrawPanel()
    evaluation = EvaluationDialog(net, ds)
    for widget in (boundary, network, projection, draw, evaluation):
        qtbot.addWidget(widget)
        widget.resize(600, 400)
        widget.show()                                        # views draw while shown
        qtbot.waitExposed(widget)
    boundary.set_points(ds.X_train, ds.y_train, ds.class_names)
    boundary.set_snapshot(snapshot)
    network.set_dataset(ds)
    network.set_snapshot(snapshot)
    projection.set_points(ds.X_test, ds.y_test, None, ds.class_names)
    draw.set_dataset((8, 8), ds.class_names)                 # the bars, as they are after a prediction
    draw.set_snapshot(Snapshot.of(Network([64, K], seed=0)))
    draw_stroke(qtbot, draw.canvas, [(0.3, 0.3), (0.7, 0.7)])
    assert draw.probabilities() is not None

    point_brushes, strengths = boundary.scatter.data["brush"], []
    for k in range(K):
        point = rgb(point_brushes[np.flatnonzero(ds.y_train == k)[0]])        # the boundary's points of class k
        assert rgb(boundary.legend.items[k][0].item.opts["brush"]) == point
        assert rgb(projection._brushes[k]) == point
        assert evaluation.confusion_view.class_key.row_color(k) == point
        assert rgb(evaluation.per_class_view.bars.opts["brushes"][k]) == point
        assert rgb(draw.bars.opts["brushes"][k]) == point
        # regions: where the network is sure of class k, the boundary and the output node k show one colour,
        # class k's colour faded towards white by the same amount for every class
        region = 255 * pixel_nearest(boundary.class_image.image, boundary.grid_points, centres[k])
        node = pixel_nearest(network._maps[(1, k)], network._grid, centres[k])
        np.testing.assert_allclose(node, region, atol=1.5)
        towards = 255 - np.array(point, dtype=np.float64)          # region = white − s · (white − point)
        strengths.append(np.dot(255 - region, towards) / np.dot(towards, towards))
        np.testing.assert_allclose(255 - region, strengths[-1] * towards, atol=2)
    assert 0.3 < min(strengths) and max(strengths) - min(strengths) < 0.02


def test_a_thousand_classes_share_ten_brushes_and_the_projection_legend_counts_them(qtbot):
    brushes = class_brushes(1000, alpha=200)
    palette = class_colors(1000)
    assert [b.color().getRgb() for b in brushes[:25]] == [(*map(int, palette[k]), 200) for k in range(25)]
    assert len({id(b) for b in brushes}) == 10 and brushes[3] is brushes[13] is brushes[993]
    pens = class_pens(12, width=1.5)
    assert pens[1] is pens[11] and pens[1].widthF() == 1.5 and pens[1].color().getRgb()[:3] == tuple(palette[1])

    projection = ProjectionView()
    qtbot.addWidget(projection)
    names = [f"L{k}" for k in range(1000)]
    projection.set_points(np.zeros((1000, 4), np.float32), np.arange(1000), None, names)
    assert [label.text for _, label in projection.legend.items] == names[:10] + ["+990 more classes"]


def test_an_axis_names_twelve_classes_at_most_evenly_spaced():
    assert class_ticks(("a", "b", "c")) == [(0, "a"), (1, "b"), (2, "c")]
    assert len(class_ticks([str(k) for k in range(12)])) == 12
    ticks = class_ticks([f"L{k}" for k in range(1000)])          # every ⌈1000 / 12⌉ = 84th class
    assert ticks == [(k, f"L{k}") for k in range(0, 1000, 84)] and len(ticks) == 12
