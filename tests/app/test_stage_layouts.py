"""The window as a stage: a layout per kind of data (the network and the boundary on 2-D points; the curves,
the drawing and the activations on images), remembered per kind, readable at 1280x720; presenter mode."""

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QTabBar

from nnviz.app.views.live_plots import PLOTS
from nnviz.app.views.network_model import TILE
from nnviz.prepare import prepare

from .conftest import tiny_digits, tiny_spirals
from .test_network_view import label_overlaps

SMALL_SCREEN = (1280, 720)


def staged(make_window, qtbot, config, size=SMALL_SCREEN):
    """A window at `size` with a network made for `config` (as Train makes one), its stage laid out."""
    window = make_window(config)
    window.setGeometry(QRect(QPoint(0, 0), QPoint(size[0] - 1, size[1] - 1)))
    window.layout_defaults.reset()
    window.adopt(config, prepare(config))
    window.redraw()
    qtbot.wait(150)                  # the network view lays itself out again once the resizing pauses
    window.redraw()
    return window


def in_front(window, name):
    dock = window.docks[name]
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def unit_map_pixels(window):
    """The side, in screen pixels, of a unit's map in the network view."""
    sx, sy = window.network_view.view.viewPixelSize()
    return min(TILE / sx, TILE / sy)


def test_on_points_the_network_and_the_boundary_are_the_stage(make_window, qtbot):
    window = staged(make_window, qtbot, tiny_spirals(hidden_layers=[16, 16]))
    assert window.layout_defaults.kind == "points"
    for name in ("network", "predict", "curves", "experiment"):
        assert in_front(window, name), name
    network, boundary, curves = (window.docks[n] for n in ("network", "predict", "curves"))
    assert network.width() > curves.width() and network.height() > curves.height()   # across the middle
    assert boundary.height() > curves.height()                                        # the output large
    assert window.predict_stack.currentWidget() is window.boundary
    assert unit_map_pixels(window) >= 40, unit_map_pixels(window)     # 33-37 px before the buttons took one row
    assert window.docks["saliency"].isHidden()


def test_on_images_the_curves_the_drawing_and_the_activations_are_the_stage(make_window, qtbot):
    window = staged(make_window, qtbot, tiny_digits(hidden_layers=[32, 16]))
    assert window.layout_defaults.kind == "images"
    for name in ("curves", "predict", "activations", "experiment"):
        assert in_front(window, name), name
    curves = window.docks["curves"]
    assert curves.width() > window.docks["activations"].width() and curves.height() > 500
    assert window.predict_stack.currentWidget() is window.draw_panel
    window.docks["network"].raise_()                       # the network's columns and captions fit its tab
    qtbot.waitUntil(lambda: in_front(window, "network"))
    qtbot.wait(150)
    window.redraw()
    view = window.network_view
    assert view.view.height() >= 150, view.view.height()
    shown = [item.toPlainText() for item in view.labels.items if item.isVisible()]
    assert shown == ["input (64)", "hidden 1 (32)", "hidden 2 (16)", "output (10)", "+16 more"]
    assert label_overlaps(view) == []


@pytest.mark.parametrize("config", [tiny_spirals(), tiny_digits()], ids=["points", "images"])
def test_at_1280x720_every_tab_is_whole_and_the_runs_table_shows_five_rows(make_window, qtbot, config):
    window = staged(make_window, qtbot, config)
    hint = window.minimumSizeHint()
    assert hint.width() <= SMALL_SCREEN[0] and hint.height() <= SMALL_SCREEN[1], hint
    for bar in window.findChildren(QTabBar):
        if bar.isVisible():
            for i in range(bar.count()):              # "Network", not "N…"
                assert bar.tabRect(i).width() >= bar.fontMetrics().horizontalAdvance(bar.tabText(i)), bar.tabText(i)
    window.docks["runs"].raise_()
    qtbot.waitUntil(lambda: in_front(window, "runs"))
    table = window.diagnostics.runs.table
    rows = (table.viewport().height()) // table.verticalHeader().defaultSectionSize()
    assert rows >= 5, (table.viewport().height(), rows)


def test_choosing_data_switches_the_layout_and_each_kinds_arrangement_is_remembered(make_window, qtbot, settings):
    window = make_window(tiny_spirals())
    assert window.layout_defaults.kind == "points" and in_front(window, "network")
    window.docks["health"].close()                         # the user's own arrangement of points
    window.set_experiment(tiny_digits())                   # choosing data: the images stage
    assert window.layout_defaults.kind == "images"
    assert in_front(window, "curves") and in_front(window, "activations")
    assert not window.docks["health"].isHidden()
    window.set_experiment(tiny_spirals())                  # back: as the user left it
    assert window.layout_defaults.kind == "points" and window.docks["health"].isHidden()
    window.close()
    again = make_window(restore=True)                      # the next launch too
    assert again.layout_defaults.kind == "points" and again.docks["health"].isHidden()
    again.reset_layout_action.trigger()                    # View → Reset layout: the default of the kind
    assert not again.docks["health"].isHidden() and in_front(again, "network")
    again.set_experiment(tiny_digits())
    assert in_front(again, "curves") and not again.docks["health"].isHidden()


def test_presenter_mode_shows_the_stage_alone_in_large_type_and_f11_gives_the_window_back(make_window, qtbot):
    window = staged(make_window, qtbot, tiny_spirals())
    window.activateWindow()
    font = window.font().pointSizeF()
    tick_font = window.boundary.plot.getAxis("bottom").style["tickFont"]
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.presenter.on and window.presenter.action.isChecked()
    assert [name for name, dock in window.docks.items() if dock.isVisible()] == ["predict", "network"]
    assert window.font().pointSizeF() >= 1.5 * font
    assert window.boundary.plot.getAxis("bottom").style["tickFont"].pointSizeF() >= 1.5 * font
    assert window.docks["network"].width() >= 0.4 * window.width()
    caption = window.network_view.labels.items[0].textItem                  # "hidden 1 (16)" on the graph
    assert caption.font().pointSizeF() >= 1.5 * font
    readout = window.network_view.readout          # its colour note ran off the dock's edge ("… Blue +")
    assert readout.text() == window.network_view.idle_text and readout.font().pointSizeF() >= 1.5 * font
    assert readout.fontMetrics().horizontalAdvance(readout.shown_text()) <= readout.contentsRect().width()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not window.presenter.on
    assert window.font().pointSizeF() == font
    assert window.boundary.plot.getAxis("bottom").style["tickFont"] == tick_font
    assert caption.font().pointSizeF() < 1.5 * font
    for name in ("experiment", "network", "curves", "predict"):
        assert in_front(window, name), name


def test_the_five_curves_of_an_image_stage_fit_the_docked_curves_at_1280x720_without_scrolling(make_window, qtbot):
    """Three rows of 180 px cells overflowed the dock: the gradient norm's and dead units' axes were cut.
    Maximised on a 1280x720 screen under a window manager the window is 1280x701 (its title bar takes
    the rest); there the log-scale check box's own row above the grid made it scroll."""
    window = staged(make_window, qtbot, tiny_digits(), size=(1280, 701))
    grid = window.plots.grid
    qtbot.waitUntil(lambda: grid.verticalScrollBar().maximum() == 0)
    for name in PLOTS:
        widget = window.plots.plot(name).getViewWidget()
        assert grid.viewport().rect().contains(widget.geometry()), name


def test_presenter_mode_on_images_shows_loss_and_accuracy_alone_across_the_curves_dock(make_window, qtbot):
    """At 1.6x type, five plots in two columns cut 'Gradient norm ‖∂C/∂W‖', 'fraction dead' and the
    legends' names; a room reads the loss and the accuracy."""
    window = staged(make_window, qtbot, tiny_digits())
    sure = window.draw_panel.message_label.font().pointSizeF()         # "99.1 % sure": a font of its own
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert [name for name, dock in window.docks.items() if dock.isVisible()] == ["curves", "predict"]
    assert window.draw_panel.message_label.font().pointSizeF() >= 1.5 * sure
    grid = window.plots.grid
    shown = [name for name in PLOTS if window.plots.plot(name).getViewWidget().isVisible()]
    assert shown == ["loss", "accuracy"]
    qtbot.waitUntil(lambda: all(window.plots.plot(name).getViewWidget().width() >= grid.viewport().width() - 30
                                for name in shown))      # each across the whole grid
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert all(window.plots.plot(name).getViewWidget().isVisible() for name in PLOTS)
    assert window.draw_panel.message_label.font().pointSizeF() == sure
    qtbot.waitUntil(lambda: window.plots.plot("accuracy").getViewWidget().width() < 0.6 * grid.viewport().width())


def test_an_open_lesson_shares_the_experiments_column_and_leaves_the_stage_its_size(make_window, qtbot, tmp_path,
                                                                                   monkeypatch):
    from nnviz.app.lessons import progress as lesson_progress
    monkeypatch.setattr(lesson_progress, "default_folder", lambda: tmp_path / "lessons")
    window = staged(make_window, qtbot, tiny_spirals(hidden_layers=[16, 16]))
    network_before = window.docks["network"].size()
    window.lessons.open("02-what-a-hidden-unit-learns")        # its step asks the student to watch the network
    qtbot.waitUntil(lambda: window.lessons.dock.isVisible() and window.layout_defaults.kind == "points")
    qtbot.wait(150)
    lessons, experiment, network = window.lessons.dock, window.docks["experiment"], window.docks["network"]
    # In the experiment's column, above it: never across the stage (it was, squashing the network to a line).
    assert lessons.geometry().right() < network.geometry().left()
    assert abs(lessons.geometry().left() - experiment.geometry().left()) <= 2
    assert lessons.geometry().bottom() < experiment.geometry().top()
    assert network.height() >= network_before.height() - 40, (network.size(), network_before)
    assert unit_map_pixels(window) >= 30
    # The form's header speaks of the lesson, not of the preset it starts from ("no hidden layer needed"
    # above a 2-4-2 network).
    header = window.panel.info.text()
    assert "What a hidden unit learns" in header and "no hidden layer" not in header, header
