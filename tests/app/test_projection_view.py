"""The projection dock: the shown snapshot's last hidden layer in 2-D, moving with the replay slider."""

import numpy as np

from nnviz.core.projection import pca_2d

from .conftest import tiny_digits
from .test_diagnostics_integration import train_to_the_end
from .test_replay import scrub


def test_the_projection_shows_the_replayed_snapshots_hidden_layer_by_class(qtbot, make_window):
    window = make_window(tiny_digits(epochs=3))
    window.docks["projection"].show()
    window.docks["projection"].raise_()
    train_to_the_end(qtbot, window)
    view, ds = window.projection, window.session.job.dataset
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


def test_selecting_points_lights_up_their_cells_of_the_confusion_matrix(qtbot, make_window):
    window = make_window(tiny_digits(epochs=2))
    window.docks["projection"].show()
    window.docks["projection"].raise_()
    train_to_the_end(qtbot, window)
    view = window.projection
    x, y = view.coords[:, 0], view.coords[:, 1]
    view.selection.setPos((0.0, 0.0))                # the rectangle over the upper-right quadrant
    view.selection.setSize((float(x.max()) + 1, float(y.max()) + 1))
    chosen = (x >= 0) & (y >= 0)
    assert view.selected.tolist() == np.flatnonzero(chosen).tolist()
    k = len(window.session.job.dataset.class_names)
    expected = np.zeros((k, k), dtype=np.int64)
    for true, guess in zip(view.y[chosen], view.predicted[chosen]):
        expected[true, guess] += 1
    np.testing.assert_array_equal(view.selected_cells, expected)
    np.testing.assert_array_equal(view.selected_cells, expected)
    mistakes = np.where(np.eye(k, dtype=bool), np.nan, np.log10(1 + expected))   # mistakes on their own log scale
    np.testing.assert_allclose(view.matrix.image, mistakes.T)
    shares = np.diag(expected) / np.maximum(expected.sum(axis=1), 1)               # the diagonal by class share
    np.testing.assert_allclose(np.diag(view.matrix_correct.image), shares)
