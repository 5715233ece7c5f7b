"""The projection dock: the shown snapshot's last hidden layer in 2-D, moving with the replay slider."""

import numpy as np
from PySide6.QtCore import QPointF, Qt

from nnviz.core.projection import pca_2d

from .conftest import tiny_digits
from .test_diagnostics_integration import train_to_the_end
from .test_replay import forward_by_hand, scrub


def test_the_projection_shows_the_replayed_snapshots_hidden_layer_by_class(qtbot, make_window):
    window = make_window(tiny_digits(epochs=3))
    window.docks["projection"].show()
    window.docks["projection"].raise_()
    train_to_the_end(qtbot, window)
    view, ds = window.projection, window.session.run_data.dataset
    assert len(view.X) == min(1000, len(ds.X_test))
    scrub(qtbot, window, 4)
    snapshot = window.replay.history.snapshots[4]
    hidden = snapshot.network().forward(view.X)[-2]
    x, y = view.scatter.getData()
    expected, _ = pca_2d(hidden, reference=np.column_stack([x, y]))
    np.testing.assert_allclose(np.column_stack([x, y]), expected, atol=1e-6)
    assert [spot.brush().color().getRgb()[:3] for spot in view.scatter.points()[:5]] == \
        [view._brushes[c].color().getRgb()[:3] for c in view.y[:5]]
    view.show_point(0)
    guess = snapshot.network().predict(view.X[:1])[0]
    assert f"label {ds.class_names[view.y[0]]}, predicted {ds.class_names[guess]}" in view.info.text()


def _widget_point(view, x, y):
    """Where the cloud's point (x, y) is on the projection's plot widget."""
    return view.plots.mapFromScene(view.box.mapViewToScene(QPointF(float(x), float(y))))


def _lit(dialog):
    """The cells outlined on the confusion matrix, as a set of (true, predicted)."""
    path, k = dialog.confusion_view.lit.path(), dialog.results.n_classes
    return {(i, j) for i in range(k) for j in range(k) if path.contains(QPointF(j, i))}


def test_dragging_over_points_lights_their_cells_in_the_evaluation_dialogs_confusion_matrix(qtbot, make_window):
    window = make_window(tiny_digits(epochs=2))
    window.resize(1366, 740)                                # a laptop's window: the cloud a few hundred px wide
    window.layout_defaults.size_docks()
    window.docks["projection"].show()
    window.docks["projection"].raise_()
    train_to_the_end(qtbot, window)
    view = window.projection
    view.plots.grab()                                       # one paint: the plot's range is final
    snapshot = view.drawn
    predicted = forward_by_hand(snapshot, view.X)[-1].argmax(axis=1)
    # A known (true, predicted) pair: the first point the network gets wrong; a small rectangle around it.
    target = int(np.flatnonzero(predicted != view.y)[0])
    pair = (int(view.y[target]), int(predicted[target]))
    centre = view.coords[target]
    half = 0.04 * (view.coords.max(axis=0) - view.coords.min(axis=0))
    start, end = _widget_point(view, *(centre - half)), _widget_point(view, *(centre + half))
    viewport = view.plots.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, (start + end) / 2)
    qtbot.mouseMove(viewport, end)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)

    # The rectangle the mouse drew, in the cloud's coordinates, and the points in it, found here.
    corners = np.array([[p.x(), p.y()] for p in (view.box.mapSceneToView(view.plots.mapToScene(q))
                                                 for q in (start, end))])
    low, high = corners.min(axis=0), corners.max(axis=0)
    inside = np.flatnonzero(((view.coords >= low) & (view.coords <= high)).all(axis=1))
    assert target in inside and view.selected.tolist() == inside.tolist()
    expected = {(int(t), int(p)) for t, p in zip(view.y[inside], predicted[inside])}
    dialog = window.files.dialogs[-1]                        # the Evaluation dialog opened, for these weights
    assert dialog.isVisible() and dialog.source is snapshot and dialog.tabs.currentWidget() is dialog.confusion_view
    assert pair in expected and _lit(dialog) == expected
    counts = np.zeros((10, 10), dtype=np.int64)
    np.add.at(counts, (view.y[inside], predicted[inside]), 1)
    np.testing.assert_array_equal(dialog.confusion_view.lit_cells, counts)
    assert dialog.confusion_view.gallery.shown_indices().tolist() == inside.tolist()

    # Shift+click adds a point (the same dialog, no other opens); a click on empty space clears.
    candidates = np.setdiff1d(np.flatnonzero(view.y != view.y[target]), inside)
    gaps = np.linalg.norm(view.coords[candidates, None] - view.coords[None], axis=2)
    gaps[np.arange(len(candidates)), candidates] = np.inf
    other = int(candidates[gaps.min(axis=1).argmax()])      # the loneliest: a click on it picks only it
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     _widget_point(view, *view.coords[other]))
    assert other in view.selected and len(view.selected) == len(inside) + 1
    assert (int(view.y[other]), int(predicted[other])) in _lit(dialog) and window.files.dialogs == [dialog]
    (x0, x1), (y0, y1) = view.box.viewRange()
    spots = np.array([(x, y) for x in np.linspace(x0, x1, 12)[1:-1] for y in np.linspace(y0, (y0 + y1) / 2, 6)[1:]])
    gaps = np.linalg.norm(spots[:, None] - view.coords[None], axis=2).min(axis=1)
    empty = spots[gaps.argmax()]                           # the lower half's spot farthest from any point
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=_widget_point(view, *empty))
    assert len(view.selected) == 0 and _lit(dialog) == set()


def test_at_a_laptops_size_the_cloud_has_room_and_its_legend_sits_beside_it(qtbot, make_window):
    window = make_window(tiny_digits(epochs=1))
    window.resize(1366, 740)
    window.layout_defaults.size_docks()
    window.docks["projection"].raise_()
    train_to_the_end(qtbot, window)
    view = window.projection
    qtbot.waitUntil(lambda: view.coords is not None)
    view.grab()
    legend, data = view.legend.sceneBoundingRect(), view.plot.getViewBox().sceneBoundingRect()
    assert len(view.legend.items) == 10 and not legend.intersects(data)
    assert data.width() >= 150 and data.height() >= 100, data
    # the whole view in its dock, no scrolling: its bottom edge is inside the dock
    bottom = view.mapTo(window.docks["projection"], view.rect().bottomLeft()).y()
    assert bottom <= window.docks["projection"].height()
