"""How the main window draws its views: the redraw scheduler's rates and weights, and which snapshot each view gets."""

from functools import partial

from nnviz.app.runtime.redraw import RedrawScheduler, on_screen

MAX_REDRAW_RATE = 30.0                           # frames a second, per view, at most
# Share of the UI thread's CPU time spent drawing. Training runs in its own process, so on the two
# cores of the machines nnviz is built for this costs training little: measured on an idle machine
# (bench/gui_responsiveness.py, bench/network_view.py) 0.25 gives mnist-mlp's curves ~20 frames/s and
# spirals' network view ~16 with GUI/headless training 0.87-0.93; the UI's time beyond it is left
# for the mouse, the keyboard and the reports.
DRAW_SHARE = 0.25
# When the budget is short (a busy machine), views share its CPU time by weight (a cheap view gets
# more frames for the same time; views off screen cost nothing). The network view in front is what
# a learner watches on 2-D data, the curves on images; heatmaps and the drawing's prediction need fewer.
VIEW_RATES = {"plots": MAX_REDRAW_RATE, "draw": 5.0, "activations": 3.0, "boundary": 10.0, "health": 2.0,
              "network": 20.0, "projection": 3.0, "saliency": 2.0}
VIEW_WEIGHTS = {"plots": 12.0, "draw": 1.0, "activations": 1.0, "boundary": 2.0, "health": 1.0, "network": 16.0,
                "projection": 1.0, "saliency": 1.0}
VIEW_DOCKS = {"draw": "predict", "activations": "activations", "boundary": "predict",   # fed when on screen
              "network": "network", "projection": "projection"}


class WindowDrawing:
    """Drawing for MainWindow: needs its `session`, `docks`, `replay`, `plots`, `diagnostics`, the views
    (`draw_panel`, `activations`, `boundary`, `network_view`, `projection`) and `_owed` (a set)."""

    def _build_redraw(self):
        """The redraw scheduler, with every view's rate, weight and whether it is on screen."""
        self._redraw = RedrawScheduler(self, share=DRAW_SHARE, max_rate=MAX_REDRAW_RATE)
        self._redraw.add("plots", self._show_plots, VIEW_RATES["plots"], VIEW_WEIGHTS["plots"])
        for name, widget in (("draw", self.draw_panel), ("activations", self.activations),
                             ("boundary", self.boundary), ("network", self.network_view),
                             ("projection", self.projection)):
            self._redraw.add(name, partial(self._feed, widget, name), VIEW_RATES[name], VIEW_WEIGHTS[name],
                             shown=partial(self._view_shown, widget, name))
            self.docks[VIEW_DOCKS[name]].visibilityChanged.connect(partial(self._dock_shown, name))
        for name, feed in (("health", self.diagnostics.feed_health), ("saliency", self.diagnostics.feed_saliency)):
            self._redraw.add(name, feed, VIEW_RATES[name], VIEW_WEIGHTS[name])

    def _feed(self, widget, name):
        if self.session is None:
            return
        if on_screen(self.docks[VIEW_DOCKS[name]]):   # the others draw the network view's evaluated copy
            snapshot = self.replay.shown(self.session.snapshot)
            widget.set_snapshot(snapshot if widget is self.network_view else self.network_view.evaluated(snapshot))
        else:                         # behind another dock's tab (off-screen, not hidden): when it shows
            self._owed.add(name)

    def _view_shown(self, widget, name):
        """Is this view on screen (its dock not behind another's tab, its page the predict dock's)?"""
        return widget.isVisible() and on_screen(self.docks[VIEW_DOCKS[name]])

    def _dock_shown(self, name, shown):
        if shown:                     # drawn once it shows (it got no ticks while off screen)
            self._owed.discard(name)
            self._redraw.mark(name)

    def _show_plots(self):
        self.plots.refresh()

    def replay_moved(self):
        """The replay slider moved: every view draws the snapshot it now shows."""
        self._redraw.mark()
        self.redraw()

    def redraw(self):
        """Draw every view that has news now (screenshots, tests, the end of a run)."""
        self._redraw.flush()
