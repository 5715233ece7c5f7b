"""A network with convolutions in the window: it trains, predicts a drawing, and every view draws it
(the network view its maps, the projection the dense layer after them)."""

import numpy as np

from nnviz.io.run_store import check_snapshot_arrays

from .conftest import tiny_digits
from .test_main_window import SEVEN, draw, train_until_epochs

CONV = [{"conv": 4, "kernel": 3, "padding": "same"}, {"maxpool": 2}, {"dense": 16}]


def test_a_conv_network_trains_predicts_a_drawing_and_every_view_draws_it(qtbot, make_window):
    window = make_window(tiny_digits(layers=CONV))
    train_until_epochs(qtbot, window, 2)
    assert window.session.snapshot.convolutional
    assert window.session.snapshot.weights[0].shape == (4, 1, 3, 3)
    panel = window.draw_panel
    with qtbot.waitSignal(panel.predicted, timeout=5000) as signal:
        draw(qtbot, panel.canvas, SEVEN)
    assert len(signal.args[0]) == 10 and np.isclose(signal.args[0].sum(), 1.0, atol=1e-5)
    window.docks["network"].raise_()               # it draws the convolution's maps (test_network_view_conv)
    window.redraw()
    qtbot.waitUntil(lambda: window.network_view.tiles.count == 1 + 4 + 10 + 10)   # image, maps, dense, outputs
    window.docks["projection"].raise_()             # it projects the dense layer after the maps (test_conv_everywhere)
    window.redraw()
    qtbot.waitUntil(lambda: window.projection.drawn is not None)
    assert len(window.projection.scatter.getData()[0]) == len(window.projection.X)

    arrays = window.replay.arrays()                # what the Runs dock saves for replay
    check_snapshot_arrays("run.npz", arrays)
    assert int(arrays["n_params"]) == arrays["params"].shape[1] == window.session.snapshot.network().flat_params().size


def test_the_evaluation_dialog_evaluates_a_conv_network(qtbot, make_window):
    window = make_window(tiny_digits(layers=CONV))
    train_until_epochs(qtbot, window, 1)
    dialog = window.files.evaluate()
    assert dialog is not None and dialog.isVisible()
    test = window.session.run_data.dataset
    net = window.session.snapshot.network()
    expected = float(np.mean(net.predict(test.X_test) == test.y_test))
    assert dialog.accuracy == expected and f"of {len(test.X_test):,} " in dialog.summary_label.text()
    dialog.close()
