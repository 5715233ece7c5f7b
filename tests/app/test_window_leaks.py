"""A closed main window leaves nothing behind: not the window, not pyqtgraph's context menus."""

import gc
import weakref

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QMenu


def settle():
    for _ in range(3):
        QApplication.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()


def popup_menus():
    return {id(w) for w in QApplication.topLevelWidgets() if isinstance(w, QMenu)}


def test_a_closed_window_frees_every_plot_context_menu(qtbot, settings):
    from nnviz.app.main_window import MainWindow

    settle()
    before = popup_menus()
    window = MainWindow(settings=settings, restore=False)
    window.show()
    qtbot.waitExposed(window)
    plots = [item for item in window.findChildren(pg.PlotWidget)]
    menus = [menu for widget in plots for menu in (widget.getPlotItem().ctrlMenu, widget.getPlotItem().vb.menu)
             if menu is not None]                   # a plot may turn its menu off
    assert len(plots) >= 5 and len(popup_menus() - before) >= len(menus)
    refs = [weakref.ref(menu) for menu in menus]
    del plots, menus
    window.close()
    del window
    settle()
    assert [ref for ref in refs if ref() is not None] == []
    assert popup_menus() - before == set()
