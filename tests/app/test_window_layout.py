"""The window fits the screen: every live plot readable and reachable at laptop sizes; View → Reset layout."""

import pytest
import shiboken6
from PySide6.QtCore import QPoint, QRect, QSize, Qt

from nnviz.app.views.live_plots import PLOTS
from nnviz.app.window_layout import default_size

from .conftest import add_window
from .readers import history_lines


def laid_out(window, qtbot, width, height):
    window.resize(width, height)
    window.layout_defaults.size_docks()
    qtbot.wait(50)
    return window


def test_the_first_window_fits_the_screens_available_area():
    for available in (QRect(0, 0, 1366, 740), QRect(0, 0, 1280, 690), QRect(0, 0, 1920, 1050)):
        size = default_size(available)
        assert size.width() <= available.width() and size.height() <= available.height()
    assert default_size(QRect(0, 0, 3840, 2100)) == QSize(1600, 1000)


@pytest.mark.parametrize("width, height", [(1366, 740), (1280, 690), (1000, 650)])
def test_every_plot_is_readable_and_reachable(make_window, qtbot, width, height):
    window = laid_out(make_window(), qtbot, width, height)
    grid = window.plots.grid
    viewport = grid.viewport()
    window_rect = window.rect()
    for name in PLOTS:
        plot = window.plots.plot(name)
        widget = plot.getViewWidget()
        data_area = plot.getViewBox().sceneBoundingRect()
        assert data_area.width() >= 150 and data_area.height() >= 100, (name, data_area)
        # The whole plot (title, axes) inside its widget: nothing cut off at the widget's edges.
        assert widget.rect().contains(plot.sceneBoundingRect().toAlignedRect().adjusted(1, 1, -1, -1)), name
        bar = grid.verticalScrollBar()                # a user scrolls to it
        bar.setValue(min(widget.y(), bar.maximum()))
        qtbot.wait(10)
        top_left = widget.mapTo(viewport, widget.rect().topLeft())
        assert viewport.rect().contains(QRect(top_left, widget.size())), (name, top_left, widget.size())
        in_window = QRect(viewport.mapTo(window, viewport.rect().topLeft()), viewport.size())
        assert window_rect.contains(in_window), name


def test_two_plot_columns_at_a_laptops_width_and_one_when_narrow(make_window, qtbot):
    window = make_window()
    assert laid_out(window, qtbot, 1366, 740).plots.grid.columns == 2
    assert laid_out(window, qtbot, 900, 650).plots.grid.columns == 1


def test_reset_layout_brings_back_the_default_docks(make_window, qtbot):
    window = make_window()
    window.docks["experiment"].close()
    window.docks["predict"].setFloating(True)
    window.reset_layout_action.trigger()
    qtbot.wait(10)
    assert window.docks["experiment"].isVisible()
    assert not window.docks["predict"].isFloating()
    assert window.docks["inspector"].isHidden()


def test_a_screenshot_without_training_is_taken_at_once(qtbot, tmp_path, request):
    from nnviz.app.__main__ import open_window, parse_args

    shot, codes = tmp_path / "shot.png", []
    window, run = open_window(parse_args(["--preset", "xor", "--screenshot", str(shot), "--size", "1000x650"]),
                              codes.append)
    add_window(request, window)
    qtbot.waitUntil(lambda: codes == [0], timeout=10000)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The shot closes the window, and closing deletes it (WA_DeleteOnClose) once the event loop gets
    # to it, maybe already inside waitUntil: then it cannot be asked anything, and it trained nothing.
    assert not shiboken6.isValid(window) or (window.session is None and not window.isVisible())


def test_the_input_feature_check_boxes_are_whole_in_a_laptops_form(make_window, qtbot):
    from PySide6.QtWidgets import QCheckBox

    from .conftest import tiny_spirals
    window = laid_out(make_window(tiny_spirals()), qtbot, 1280, 690)
    boxes = window.panel.findChildren(QCheckBox, options=Qt.FindChildOption.FindChildrenRecursively)
    features = [b for b in boxes if b.objectName().startswith("feature ")]
    assert len(features) == 7
    for box in features:
        assert box.isVisible() and box.width() >= box.sizeHint().width(), (box.text(), box.width())

@pytest.mark.parametrize("width, height", [(1280, 690), (1366, 740)])
def test_the_class_probability_chart_is_readable_beside_the_drawing(make_window, qtbot, width, height):
    from .conftest import tiny_digits
    from .test_main_window import train_until_epochs

    window = make_window(tiny_digits(hidden_layers=[32, 16], epochs=1))   # two hidden rows, as mnist-mlp
    train_until_epochs(qtbot, window, 1)
    laid_out(window, qtbot, width, height)
    chart = window.draw_panel.bar_plot          # ten bars, their names and 0 / 0.5 / 1 readable
    data_area = chart.getViewBox().sceneBoundingRect()
    assert data_area.width() >= 150 and data_area.height() >= 80, data_area
    assert chart.getViewWidget().rect().contains(chart.sceneBoundingRect().toAlignedRect().adjusted(1, 1, -1, -1))


def test_the_health_history_is_in_view_beside_the_lights_on_a_laptop(make_window, qtbot):
    from .conftest import tiny_digits
    from .test_diagnostics_integration import train_to_the_end

    window = laid_out(make_window(tiny_digits(learning_rate=1.0, epochs=3)), qtbot, 1366, 740)
    train_to_the_end(qtbot, window)                                     # dying ReLU: an alarm in the history
    window.docks["health"].raise_()
    qtbot.wait(50)
    health = window.diagnostics.health
    assert any("dying ReLU alarm" in line for line in history_lines(health))
    for widget in (health.log, *(light.message for light in health.lights.values())):
        assert widget.visibleRegion().boundingRect().height() >= widget.height() - 1, widget   # not scrolled away
    fine = next(light for light in health.lights.values() if light.level == "ok")
    assert fine.message.text() == "Fine" and fine.message.toolTip().startswith("Fine: ")   # the reason on hover


def test_the_saliency_tab_fits_its_image_and_caption_without_scrolling_on_a_laptop(make_window, qtbot):
    from .conftest import tiny_digits
    from .test_main_window import train_until_epochs

    window = laid_out(make_window(tiny_digits(epochs=1)), qtbot, 1366, 740)
    train_until_epochs(qtbot, window, 1)
    window.docks["saliency"].raise_()
    saliency = window.diagnostics.saliency
    qtbot.waitUntil(lambda: saliency.saliency is not None)            # the first test image, explained
    qtbot.wait(50)
    content = window.docks["saliency"].widget()                        # what the dock shows, unscrolled
    for widget in (saliency.plot_widget, saliency.caption, saliency.signed_check):
        assert content.rect().contains(QRect(widget.mapTo(content, QPoint(0, 0)), widget.size())), widget
    assert saliency.plot_widget.height() >= 100


@pytest.mark.parametrize("depth", [10, 64])
def test_a_deep_network_never_grows_the_window_past_a_small_screen(make_window, qtbot, depth):
    from nnviz.prepare import prepare

    from .conftest import tiny_digits
    window = make_window()
    window.setGeometry(0, 0, 1280, 720)
    config = tiny_digits(hidden_layers=[8] * depth)
    window.set_experiment(config)
    window.adopt(config, prepare(config))
    window.plots.set_layers(depth + 1)
    window.redraw()
    qtbot.waitUntil(lambda: len(window.draw_panel.hidden_images) == depth)     # a row per hidden layer ...
    qtbot.wait(50)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720, hint
    assert window.width() <= 1280 and window.height() <= 720, window.size()
    rows = window.draw_panel.hidden_area                                     # ... the rows beyond a few scroll
    assert rows.verticalScrollBar().maximum() > 0
    window.draw_panel.frame_unit(depth, 0)                                    # the last layer's row scrolls into view
    assert rows.verticalScrollBar().value() == rows.verticalScrollBar().maximum()
