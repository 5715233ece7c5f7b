"""One reset path: whatever replaces the network (a preset, a dataset, a new run, Reset), every view follows."""

from PySide6.QtCore import Qt

from nnviz.app.view_reset import PREDICT_TITLES, is_image_data

from .conftest import tiny_digits, tiny_spirals
from .readers import history_lines, point_counts
from .test_diagnostics_integration import click, train_to_the_end
from .test_main_window import SEVEN, draw


def _views(window):
    """What every view shows, read from its widgets."""
    network, panel = window.network_view, window.draw_panel
    return {
        "predict page": "draw" if window.predict_stack.currentWidget() is panel else "boundary",
        "predict title": window.docks["predict"].windowTitle(),
        "saliency listed": not window.docks["saliency"].isHidden(),
        "curve points": sum(n for curves in point_counts(window.plots).values() for n in curves.values()),
        "network accuracy": network.accuracy_label.text(),
        "network hover": network.graph.toolTip(),
        "hidden rows": len(panel.hidden_images),
        "my digits": panel.my_digits.result.text(),
        "drawing": (panel.canvas.isEnabled(), panel.message_label.text()),
        "health history": history_lines(window.diagnostics.health),
        "replay": window.replay.bar.label.text(),
        "banner": window.banner_box.isVisible(),
        "snapshots": [v.snapshot if hasattr(v, "snapshot") else None for v in (panel, window.projection)],
    }


EMPTY = {"curve points": 0, "network accuracy": "", "network hover": "", "hidden rows": 0, "my digits": "",
         "health history": ["History: no alarm yet"], "replay": "Replay: nothing trained yet", "banner": False}


def _assert_empty(window, image, drawn=False):
    views = _views(window)
    assert {k: views[k] for k in EMPTY} == EMPTY
    assert views["predict page"] == ("draw" if image else "boundary")
    assert views["predict title"] == PREDICT_TITLES[image] and views["saliency listed"] == image
    assert views["drawing"] == ((True, "No network yet: train or load one" if drawn else "Draw a digit") if image else
                                (False, "Drawing needs an image dataset (this one is 2-D points)"))


def test_the_kind_of_data_is_known_from_its_name():
    assert [is_image_data(d) for d in ("mnist", "digits8x8", "idx:/x", "images:/x", "spirals", "xor",
                                       "csv:/x.csv")] == [True, True, True, True, False, False, False]


def test_a_preset_reset_or_new_run_leaves_no_view_of_the_network_before(qtbot, make_window):
    window = make_window(tiny_spirals(epochs=3, hidden_layers=[8] * 10))
    window.docks["network"].raise_()                             # in front: it draws and measures
    train_to_the_end(qtbot, window)
    window.redraw()
    window.network_view.hover_text = "w = 0.5"                    # as a hover leaves it
    window.network_view.graph.setToolTip("w = 0.5")
    window.show_message("Training failed: something", box=False)
    seen = _views(window)
    assert seen["predict page"] == "boundary" and seen["network accuracy"].startswith("Test accuracy")
    assert seen["curve points"] > 0 and not seen["saliency listed"]

    window.load_preset("nielsen-sigmoid")                        # images: the draw panel, saliency back
    _assert_empty(window, image=True)
    window.load_preset("xor")                                    # points: the boundary, no saliency
    _assert_empty(window, image=False)

    window.set_experiment(tiny_digits(epochs=2))
    _assert_empty(window, image=True)                            # the form's data, before any network
    train_to_the_end(qtbot, window)
    draw(qtbot, window.draw_panel.canvas, SEVEN)
    qtbot.mouseClick(window.draw_panel.my_digits.evaluate_button, Qt.MouseButton.LeftButton)
    assert _views(window)["hidden rows"] == 1 and window.draw_panel.my_digits.result.text()
    click(qtbot, window, window.controls.reset)
    _assert_empty(window, image=True, drawn=True)


def test_a_new_run_on_data_of_another_input_size_swaps_every_view(qtbot, make_window):
    """Switching from digits (64 inputs) to spirals (2) once raised ValueError in the projection."""
    window = make_window(tiny_digits(epochs=1))
    train_to_the_end(qtbot, window)
    window.set_experiment(tiny_spirals(epochs=1))                # Train, no Reset: a new network at once
    assert window.controls.train.text() == "Train"
    train_to_the_end(qtbot, window)
    views = _views(window)
    assert views["predict page"] == "boundary" and not views["saliency listed"]
    assert window.projection.drawn is window.session.snapshot or window.projection.drawn is None
    assert window.projection.X.shape[1] == 2
    assert window.draw_panel.snapshot.sizes[0] == 2 and views["hidden rows"] == 2


def test_another_dataset_drops_the_words_written_for_the_old_one(qtbot, make_window):
    window = make_window()
    window.load_preset("mnist-mlp")
    panel = window.panel
    assert panel.config().title == "MNIST: a two-hidden-layer MLP" and panel.info.isVisibleTo(panel)
    box = panel.editors["dataset"]
    box.setCurrentIndex(box.findData("spirals"))                 # as Open dataset does with its file
    config = panel.config()
    assert (config.title, config.description, config.expected) == ("", "", "")
    assert not panel.info.isVisibleTo(panel)
    window.set_experiment(config)
    assert panel.config().title == ""


def test_a_loaded_model_swaps_every_view_to_its_data(qtbot, make_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    window = make_window(tiny_digits(epochs=1))
    train_to_the_end(qtbot, window)
    path = tmp_path / "digits.npz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.files.save_action.trigger()
    click(qtbot, window, window.controls.reset)
    window.set_experiment(tiny_spirals(epochs=2))
    window.docks["network"].raise_()
    train_to_the_end(qtbot, window)
    window.redraw()
    spirals_text = window.network_view.accuracy_label.text()
    assert _views(window)["predict page"] == "boundary" and spirals_text

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.files.load_action.trigger()
    window.redraw()
    views = _views(window)
    assert views["predict page"] == "draw" and views["predict title"] == PREDICT_TITLES[True]
    assert views["saliency listed"] and views["curve points"] == 0 and views["hidden rows"] == 1
    assert views["health history"] == ["History: no alarm yet"] and views["replay"] == "Replay: nothing trained yet"
    assert window.network_view.accuracy_label.text() != spirals_text
    assert window.projection.X.shape[1] == 64 and window.draw_panel.snapshot.sizes[0] == 64
