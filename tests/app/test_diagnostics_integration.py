"""The diagnostic docks in the main window, driven as a user would: health, divergence, runs, saliency,
inspector."""

import numpy as np
from PySide6.QtCore import Qt

from nnviz.app.diagnostics.health_lights import COLORS
from nnviz.app.run_controls import IDLE
from nnviz.app.runtime.redraw import on_screen

from .conftest import tiny_digits, tiny_spirals
from .readers import curve_data
from .test_main_window import SEVEN, click, draw, train_until_epochs


def train_to_the_end(qtbot, window):
    """Press Train and wait until the run is over (completed, diverged or stopped) and drawn."""
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window.controls.state == IDLE, timeout=30000)
    window.redraw()


def set_learning_rate(qtbot, window, text):
    editor = window.panel.editors["learning_rate"]
    editor.selectAll()
    qtbot.keyClicks(editor, text)


def test_a_relu_net_trained_too_fast_shows_the_dying_relu_light_red_with_its_hint(qtbot, make_window):
    window = make_window(tiny_digits(learning_rate=1.0, epochs=3))      # ≈ 70% of the 16 units die
    train_to_the_end(qtbot, window)
    health = window.diagnostics.health
    assert health.level("dying_relu") == "alarm" and health.color("dying_relu") == COLORS["alarm"]
    assert "lower the learning rate" in health.message("dying_relu")
    assert len(health.history) == 3 and health.table.rowCount() == 2
    assert "alarm" in window.docks["health"].windowTitle()              # seen on its tab, even behind another


def test_divergence_rolls_back_shows_the_banner_and_continues_at_half_the_learning_rate(qtbot, window):
    train_until_epochs(qtbot, window, 1)
    click(qtbot, window, window.controls.stop)
    good = window.session.snapshot.weights                               # the last good weights
    set_learning_rate(qtbot, window, "1e6")
    train_to_the_end(qtbot, window)

    health = window.diagnostics.health
    assert health.banner_visible and on_screen(health)                   # the dock came to the front
    assert health.level("divergence") == "alarm"
    assert "diverged" in window.banner.text() and not window.messages    # no modal box
    assert "Diverged" in window.controls.state_label.text()
    for W, W_good in zip(window.session.snapshot.weights, good):
        np.testing.assert_array_equal(W, W_good)

    runs_before = window._runner.run_id
    qtbot.mouseClick(health.continue_button, Qt.MouseButton.LeftButton)
    assert window._runner.run_id == runs_before + 1                      # a new run started at once
    assert window._run_config.learning_rate == 5e5 == window.panel.config().learning_rate
    qtbot.waitUntil(lambda: window.controls.state == IDLE, timeout=30000)
    # η = 5e5 diverges too, in its first epoch: rolled back to the weights it started from, the good ones.
    assert window.diagnostics.health.level("divergence") == "alarm"
    for W, W_good in zip(window.session.snapshot.weights, good):
        np.testing.assert_array_equal(W, W_good)


def test_two_finished_runs_are_listed_and_their_curves_overlaid(qtbot, make_window):
    window = make_window(tiny_digits(epochs=3))
    train_to_the_end(qtbot, window)
    set_learning_rate(qtbot, window, "0.05")
    click(qtbot, window, window.controls.reset)          # a new network (Train alone would continue this one)
    train_to_the_end(qtbot, window)

    runs = window.diagnostics.runs
    assert [run.name for run in runs.runs] == ["tiny digits #1", "tiny digits #2"]
    assert [run.config["learning_rate"] for run in runs.runs] == [0.1, 0.05]
    assert all(0 < run.final_metrics["test_accuracy"] <= 1 for run in runs.runs)
    assert runs.table.rowCount() == 2 and window.docks["runs"].windowTitle() == "Runs (2)"
    headers = [runs.table.horizontalHeaderItem(c).text() for c in range(runs.table.columnCount())]
    assert "Learning rate" in headers                                   # the setting that differs
    for row in range(2):
        train_loss = runs.curves(row, "loss")[0]
        assert train_loss.isVisible() and len(curve_data(train_loss)[1]) == 3
    assert [label.text for _, label in runs.plots.legend.items][-2:] == ["tiny digits #1", "tiny digits #2"]


def test_the_saliency_view_explains_the_drawn_digit_when_it_is_shown(qtbot, window):
    train_until_epochs(qtbot, window, 1)
    click(qtbot, window, window.controls.stop)
    saliency, panel = window.diagnostics.saliency, window.draw_panel
    assert not on_screen(saliency)                      # a tab behind the activations: nothing computed
    with qtbot.waitSignal(panel.predicted, timeout=5000):
        draw(qtbot, panel.canvas, SEVEN)
    assert saliency.saliency is None
    window.docks["saliency"].raise_()
    qtbot.waitUntil(lambda: saliency.saliency is not None)
    assert saliency.saliency.shape == (8, 8) and saliency.overlay.isVisible()
    assert saliency.explained_class == panel.predicted_class()
    assert f"Why <b>{panel.predicted_class()}</b>?" in saliency.caption.text()
    with qtbot.waitSignal(panel.predicted, timeout=5000):               # while shown: every new prediction
        draw(qtbot, panel.canvas, [(0.5, 0.2), (0.5, 0.8)])
    assert saliency.explained_class == panel.predicted_class()
    panel.canvas.clear()                                 # no drawing: the first test image is explained
    assert "test sample #0" in saliency.caption.text() and saliency.overlay.isVisible()


def test_the_saliency_dock_opened_before_any_drawing_explains_the_first_test_image(qtbot, window):
    from nnviz.core.saliency import input_gradient

    saliency = window.diagnostics.saliency
    train_until_epochs(qtbot, window, 1)
    click(qtbot, window, window.controls.stop)
    qtbot.waitUntil(lambda: window.controls.state == IDLE)
    window.docks["saliency"].raise_()                    # its tab clicked: no double-click anywhere
    qtbot.waitUntil(lambda: saliency.saliency is not None)
    ds, net = window.session.run_data.dataset, window.session.snapshot.network()
    explained = int(net.predict(ds.X_test[:1])[0])
    assert saliency.explained_class == explained and "test sample #0" in saliency.caption.text()
    np.testing.assert_allclose(saliency.saliency.ravel(), input_gradient(net, ds.X_test[0], explained),
                               rtol=1e-5, atol=1e-8)


def test_inspect_a_batch_from_the_run_menu_opens_the_inspector_with_heatmaps(qtbot, window):
    action = window.diagnostics.inspect_action
    assert action in window.menuBar().actions()[2].menu().actions()     # File, Presets, Run
    action.trigger()
    assert "Nothing to inspect yet" in window.banner.text()
    assert not window.docks["inspector"].isVisible()
    train_until_epochs(qtbot, window, 1)
    click(qtbot, window, window.controls.stop)
    action.trigger()
    inspector = window.diagnostics.inspector
    assert on_screen(inspector)
    assert inspector.shown(1, "a").shape == (32, 16) and inspector.shown(2, "dW").shape == (16, 10)
    assert "Batch of 32 samples" in inspector.summary.text()
    assert inspector.step_button.isEnabled()


def test_a_two_d_dataset_puts_the_saliency_dock_away_for_a_while(qtbot, make_window):
    window = make_window(tiny_spirals())
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window.session is not None)
    click(qtbot, window, window.controls.stop)
    assert window.docks["saliency"].isHidden()
    window.save_settings()
    again = make_window(restore=True)                   # the next launch, on the same 2-D experiment
    assert again.docks["saliency"].isHidden()
    again.set_experiment(tiny_digits())                 # images: it is back (the layout kept it)
    assert not again.docks["saliency"].isHidden()
    window.set_experiment(tiny_digits())
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window.session.run_data.dataset.name == "digits8x8")
    assert not window.docks["saliency"].isHidden()


def test_a_layout_saved_before_the_new_docks_existed_does_not_hide_them(qtbot, make_window, settings):
    first = make_window()
    first.docks["health"].close()
    old = first.saveState()                             # version 0: what an older nnviz saved
    first.close()
    settings.setValue("layout/images", old)
    second = make_window(restore=True)
    assert not second.docks["health"].isHidden() and not second.docks["runs"].isHidden()


def test_a_view_behind_another_docks_tab_is_fed_only_when_it_comes_to_the_front(qtbot, window):
    window.docks["saliency"].raise_()                   # the activations are behind the Saliency tab
    train_until_epochs(qtbot, window, 2)
    click(qtbot, window, window.controls.stop)
    window.redraw()
    assert window.activations._snapshot is None
    window.docks["activations"].raise_()
    qtbot.waitUntil(lambda: window.activations._snapshot is window.session.snapshot)


def test_model_evaluate_explains_the_drawing_in_its_saliency_tab(qtbot, window):
    train_until_epochs(qtbot, window, 1)
    click(qtbot, window, window.controls.stop)
    panel = window.draw_panel
    with qtbot.waitSignal(panel.predicted, timeout=5000):
        draw(qtbot, panel.canvas, SEVEN)
    window.files.evaluate_action.trigger()
    dialog = window.files.dialogs[-1]
    assert "your drawing" in dialog.saliency_view.caption.text()
    np.testing.assert_allclose(dialog.saliency_view._image, panel.network_input())
    destroyed = []
    dialog.destroyed.connect(lambda: destroyed.append(True))
    dialog.close()
    # closed, it is gone: each kept its test set's results (an hour of MNIST runs and evaluations grew the
    # window by ~300 MB every eight runs)
    qtbot.waitUntil(lambda: destroyed == [True])
    assert window.files.dialogs == []
