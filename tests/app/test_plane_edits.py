"""Your own points: clicking the decision boundary adds a training point, Shift+click removes it, and
the edited set saves as a CSV dataset that loads again."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from nnviz.data.csv_data import load_csv_dataset, read_csv_table
from nnviz.data.point_edits import add_point, points_csv, remove_nearest
from nnviz.prepare import prepare

from .conftest import tiny_spirals


def test_add_and_remove_points_by_hand():
    X, y = np.array([[0.0, 0.0], [1.0, 1.0]], dtype=np.float32), np.array([0, 1])
    X2, y2 = add_point(X, y, (0.5, -0.5), 1)
    np.testing.assert_array_equal(X2, [[0, 0], [1, 1], [0.5, -0.5]])
    np.testing.assert_array_equal(y2, [0, 1, 1])
    X3, y3, index = remove_nearest(X2, y2, (0.9, 1.05), radius=0.2)
    assert index == 1 and X3.tolist() == [[0, 0], [0.5, -0.5]] and y3.tolist() == [0, 1]
    assert remove_nearest(X3, y3, (3.0, 3.0), radius=0.2)[2] is None
    assert points_csv(X, y, ("a", "b")) == "x1,x2,label\n0.0,0.0,a\n1.0,1.0,b\n"


def adopted_window(make_window, **overrides):
    config = tiny_spirals(hidden_layers=[4], **overrides)
    window = make_window(config)
    window.adopt(config, prepare(config))
    window.docks["predict"].raise_()
    window.boundary.grab()
    QApplication.processEvents()
    return window


def test_clicking_the_plane_adds_a_training_point_of_the_chosen_class(qtbot, make_window):
    window = adopted_window(make_window)
    boundary, before = window.boundary, len(window.session.run_data.train_data.X_train)
    boundary.add_class.setCurrentIndex(1)
    qtbot.mouseClick(boundary.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=boundary.plot_position(0.3, -0.4))
    data = window.session.run_data.train_data
    assert len(data.X_train) == before + 1 and data.y_train[-1] == 1
    np.testing.assert_allclose(data.X_train[-1], (0.3, -0.4), atol=0.02)      # within a pixel
    assert len(boundary.scatter.data) == before + 1
    qtbot.mouseClick(boundary.plot_widget.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ShiftModifier, boundary.plot_position(0.31, -0.41))
    assert len(window.session.run_data.train_data.X_train) == before
    assert not np.any(np.all(np.abs(window.session.run_data.train_data.X_train - (0.3, -0.4)) < 0.02, axis=1))


def in_order(X, labels):
    """The points (X (n, 2), labels (n,)) sorted by label, then x1, then x2: (labels, X), to compare sets."""
    X, labels = np.asarray(X, dtype=np.float64), np.asarray(labels)
    order = np.lexsort((X[:, 1], X[:, 0], labels))
    return labels[order].tolist(), X[order]


def assert_same_points(a, b):
    (labels_a, X_a), (labels_b, X_b) = in_order(*a), in_order(*b)
    assert labels_a == labels_b
    np.testing.assert_allclose(X_a, X_b, atol=1e-5)        # float32 round trips


def test_the_edited_set_saves_with_its_validation_and_test_points_and_reopens_as_the_same_points(
        qtbot, make_window, tmp_path, monkeypatch):
    window = adopted_window(make_window, validation_split=0.25)
    window.plane_edits.add(0.25, 0.5, 0)
    path = tmp_path / "mine.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(window.boundary.save_button, Qt.MouseButton.LeftButton)
    job = window.session.run_data
    data, ds = job.train_data, job.dataset
    X, labels, names, label = read_csv_table(path)
    assert names == ["x1", "x2"] and label == "label"
    n_train, n_val = len(data.X_train), len(data.X_val)
    assert n_val == 40 and len(X) == n_train + n_val + len(ds.X_test) == 201      # 200 generated + 1 clicked
    np.testing.assert_allclose(X[n_train - 1], (0.25, 0.5))
    assert labels[n_train - 1] == ds.class_names[0]
    saved = (np.vstack([data.X_train, data.X_val, ds.X_test]),
             [ds.class_names[c] for c in np.concatenate([data.y_train, data.y_val, ds.y_test])])
    assert_same_points((X, labels), saved)
    reopened = load_csv_dataset(path)            # Dataset → CSV: split again and standardised
    mean, std = reopened.input_mean, reopened.input_std
    points = np.vstack([reopened.X_train, reopened.X_test]) * std + mean
    classes = [reopened.class_names[c] for c in np.concatenate([reopened.y_train, reopened.y_test])]
    assert_same_points((points, classes), saved)


def test_test_points_of_data_that_is_not_2_d_are_not_drawn(qtbot):
    from nnviz.app.views.boundary_view import DecisionBoundaryView
    view = DecisionBoundaryView()
    qtbot.addWidget(view)
    view.set_test_points(np.ones((6, 4)), np.zeros(6, dtype=int))
    assert len(view.test_scatter.data) == 0
    view.set_test_points(np.ones((6, 2)), np.array([0, 1, 0, 1, 0, 1]))
    assert len(view.test_scatter.data) == 6
