"""The nnviz main window: experiment, run controls, live plots, activations, draw-to-predict, diagnostics.

Training runs in a separate process started by `TrainingRunner`; this window only draws, from the
latest snapshot, at most ~30 times a second (what it does with the worker's reports is in
`run_reports.RunReports`).
How it draws its views (rates, weights, which snapshot each gets) is in `window_drawing.WindowDrawing`.
A `Session` is the network being trained with the experiment it was built for; Train continues it
while only training settings change, and builds a new one otherwise.
"""

import json
from dataclasses import replace

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

from nnviz.app.banner import MessageBanner
from nnviz.app.data_preview import DataPreview
from nnviz.app.diagnostics import robustness_view
from nnviz.app.diagnostics.diagnostics_docks import DiagnosticsDocks
from nnviz.app.dialog_folders import DialogFolders
from nnviz.app.file_actions import FileActions
from nnviz.app.help_menu import add_help_menu
from nnviz.app.lessons.dock import LessonsDock
from nnviz.app.plane_edits import PlaneEdits
from nnviz.app.presenter import Presenter
from nnviz.app.replay import Replay
from nnviz.app.run_controls import IDLE, PAUSED, PREPARING, RUNNING, RunControls
from nnviz.app.run_edits import LIVE_SETTINGS_DELAY_MS, RunEdits
from nnviz.app.run_reports import RunReports
from nnviz.app.runs.lr_finder_dialog import LRFinder
from nnviz.app.runs.race import Race
from nnviz.app.runtime.opened import NewRun
from nnviz.app.runtime.runner import TrainingRunner
from nnviz.app.runtime.session import Session, model_key
from nnviz.app.runtime.snapshot import Continuation, RunData, Snapshot, continued_exactly
from nnviz.app.view_reset import ViewReset, is_image_data
from nnviz.app.views.activations_view import ActivationsView
from nnviz.app.views.boundary_view import DecisionBoundaryView
from nnviz.app.views.draw_panel import DrawPanel
from nnviz.app.views.experiment_panel import ExperimentPanel
from nnviz.app.views.live_plots import LivePlots
from nnviz.app.views.network_view import NetworkView
from nnviz.app.views.projection_view import ProjectionView
from nnviz.app.window_drawing import WindowDrawing
from nnviz.app.window_layout import WindowLayout, data_kind
from nnviz.io import ConfigError, ExperimentConfig, list_presets

# Worker reports a second, at most: the curves can redraw only what has arrived (each report is
# acknowledged before the next is built), so this caps the plots' frames. At 20 mnist-mlp's curves got
# 18-19 frames/s; at 30 (the redraw scheduler's MAX_REDRAW_RATE) 21.6-23.3 (bench/gui_responsiveness.py,
# machine at load 3.5 on 2 cores). A report costs the training process ~0.05 ms to build and pickle.
UPDATE_RATE = 30.0
SHRINKING = ("activations", "predict", "network", "projection", "saliency")   # shrink to fit: not scrolled
FIRST_PRESET = "mnist-mlp"                       # what a first launch opens: 97% in ~20 s
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
STATE_VERSION = 4           # of the remembered dock layouts: bump when docks are added (an old one is ignored)


def _scrollable(widget):
    """`widget` in a scroll area, so that a row of buttons or a long form in one tab cannot make the
    whole dock column (and every tab beside it) wider or taller than the window can spare."""
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(widget)
    return area


class MainWindow(RunReports, RunEdits, WindowDrawing, QMainWindow):
    def __init__(self, settings=None, restore=True, runs_folder=None):
        """`settings`: a QSettings (default: the user's); `runs_folder`: where finished runs are kept
        (default: the user's Runs store in the app's data folder)."""
        super().__init__()
        # Closing deletes the window (and its children's connections, which hold references to it);
        # without this a closed window and its ~200 widgets stay in memory for good.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        pg.setConfigOptions(background="w", foreground="k")   # light plots in a light window
        self.setWindowTitle("nnviz — watch a neural network learn")
        self.setObjectName("nnviz_main")
        self.settings = settings if settings is not None else QSettings("nnviz", "nnviz")
        self.folders = DialogFolders(self.settings)      # where each kind of file dialog opens
        self.session = None
        self._runner = TrainingRunner(self)
        self._runner.stopped.connect(self._on_run_stopped)
        self._pending = None                 # (config, new network?) of the run being started
        self._finished_text = None
        self.worker_state = None             # what the worker last reported: running, paused, finished
        self._run_config = None              # the experiment of the current run
        self._last_batch = None
        self._programmatic = False
        self._owed = set()                   # views skipped while off-screen
        self._stale = False                  # the views show a network the experiment no longer describes
        self._epochs_before = 0              # epochs the network had done when the current run began
        self._complete = False               # the last run did all it was asked
        self._resized_by_state = False       # maximised or restored: the next resize is the window manager's
        self._live_settings = QTimer(self, singleShot=True, interval=LIVE_SETTINGS_DELAY_MS)
        self._live_settings.timeout.connect(self._apply_live_settings)
        self._build(runs_folder)
        self.layout_defaults = WindowLayout(self, STATE_VERSION, self.settings)
        self.layout_defaults.fit_to_screen()
        if restore:
            self._restore_settings()
        self.layout_defaults.use_kind(data_kind(is_image_data(self.panel.dataset())))
        # The stage follows the views: whatever makes the prediction dock draw or show a boundary (a
        # network on new data, the form's data before any network, a preview of the form's toy set).
        self.predict_stack.currentChanged.connect(
            lambda _: self.layout_defaults.use_kind(data_kind(self.predict_stack.currentWidget() is self.draw_panel)))
        self._update_actions()

    # -- layout --------------------------------------------------------------------------------

    def _build(self, runs_folder):
        self.presets = list_presets()
        self.panel = ExperimentPanel(self.presets, self.folders)
        self.panel.changed.connect(self._on_panel_changed)
        self.panel.presetChosen.connect(self._on_preset_chosen)
        self.plots = LivePlots(folders=self.folders)
        self.plots.failed.connect(lambda text: self.show_message(text, box=True))
        self.activations = ActivationsView()
        self.draw_panel = DrawPanel()
        self.boundary = DecisionBoundaryView()
        self.network_view = NetworkView()
        self.projection = ProjectionView()
        self.network_view.interventionsChanged.connect(lambda: self._redraw.mark("draw", "activations", "boundary"))
        self.draw_panel.drawn.connect(self.activations.set_drawing)   # conv maps of the drawing, live
        self.draw_panel.drawn.connect(self.network_view.set_drawing)  # ... and the network view's stacks
        self.draw_panel.drawn.connect(lambda _: self._redraw.mark("network"))
        for view in (self.activations, self.draw_panel):          # a unit clicked is selected everywhere
            self.network_view.unitSelected.connect(view.select_unit)
        self.plane_edits = PlaneEdits(self)                         # clicks on the boundary edit the points
        self.data_preview = DataPreview(self)                       # ... which show the form's toy set
        self.predict_stack = QStackedWidget()
        self.predict_stack.addWidget(self.draw_panel)
        self.predict_stack.addWidget(self.boundary)
        self.diagnostics = DiagnosticsDocks(self, self._runner, runs_folder)

        self.banner_box = MessageBanner()
        self.banner, self.messages = self.banner_box.label, self.banner_box.boxes   # text; open message boxes
        central = QWidget()            # every view is a dock: hidden, the central area gives them its room
        self.setCentralWidget(central)
        central.hide()

        self.docks = {}
        for name, title, widget, area in (
                ("experiment", "Experiment", self.panel, Qt.DockWidgetArea.LeftDockWidgetArea),
                ("curves", "Curves", self.plots, Qt.DockWidgetArea.LeftDockWidgetArea),
                ("activations", "Activations", self.activations, Qt.DockWidgetArea.RightDockWidgetArea),
                ("predict", "Draw to predict", self.predict_stack, Qt.DockWidgetArea.RightDockWidgetArea),
                ("network", "Network", self.network_view, Qt.DockWidgetArea.RightDockWidgetArea),
                ("projection", "Projection", self.projection, Qt.DockWidgetArea.RightDockWidgetArea),
                *self.diagnostics.dock_specs()):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"{name}_dock")
            dock.setWidget(_scrollable(widget) if area == RIGHT and name not in SHRINKING else widget)
            self.addDockWidget(area, dock)
            self.docks[name] = dock
        self.diagnostics.arrange(self.docks)
        self.controls = RunControls(self)
        self.controls.describe_pace(self.panel.dataset())
        self._build_redraw()
        self.addToolBar(self.controls.toolbar)
        self.addToolBarBreak()                              # the messages under the run's buttons
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner_box.bar)
        self.banner_box.hide()                              # until there is a message
        self.set_pace(self.controls.pace_box.currentData())
        self.replay = Replay(self, self._runner)
        self.views = ViewReset((self.draw_panel, self.activations, self.boundary, self.network_view,
                                self.projection), self.plots,
                               (self.predict_stack, self.draw_panel, self.boundary, self.docks["predict"]),
                               self.diagnostics, self.replay, self.controls, self.banner_box)
        self.lr_finder = LRFinder(self)
        self.race = Race(self, self._runner, self._redraw)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.replay.bar)
        self.files = FileActions(self)
        self.presenter = Presenter(self)
        self.projection.pointsSelected.connect(self.files.light_projection)
        self._build_menus()

    def _build_menus(self):
        bar = self.menuBar()
        self.file_menu = self.files.add_file_menu(bar)
        bar.addMenu(self.panel.presets_menu)
        run = bar.addMenu("&Run")
        run.addActions(list(self.controls.actions))
        run.addSeparator()
        run.addAction(self.diagnostics.inspect_action)
        run.addAction(self.lr_finder.action)
        run.addAction(self.race.action)
        self.files.add_model_menu(bar)
        view = bar.addMenu("&View")
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addAction(self.controls.toolbar.toggleViewAction())
        view.addSeparator()
        self.reset_layout_action = view.addAction("&Reset layout", lambda: self.layout_defaults.reset())
        view.addAction(self.presenter.action)
        self.lessons = LessonsDock(self)
        add_help_menu(self)

    # -- messages ------------------------------------------------------------------------------

    def show_message(self, text, level="error", box=False):
        """Show `text` in the window's banner (and, with box, in a non-modal message box)."""
        self.banner_box.show_message(text, level, box)

    def confirm_stop(self, what):
        """Stop any run before `what` (an explicit user action: opening a file, loading a model)
        replaces it; no question asked (the finished part of the run is in the Runs dock). True."""
        if self.controls.state != IDLE:
            self.stop_training()
        return True

    # -- experiment ----------------------------------------------------------------------------

    def set_experiment(self, config):
        self._programmatic = True
        try:
            self.panel.set_config(config)
        finally:
            self._programmatic = False
        self._update_actions()

    def load_preset(self, name):
        for preset, config in self.presets:
            if preset == name:
                return self._on_preset_chosen(name, config)
        raise ConfigError(f"unknown preset {name!r}; presets: {', '.join(p for p, _ in self.presets)}")

    def _on_preset_chosen(self, name, config):
        """A preset is a new experiment: the previous run's views are cleared, not left as if current."""
        self.reset()
        self.set_experiment(config)
        self.controls.show_status(f"Preset {name}: press Train (F5)")

    # -- running -------------------------------------------------------------------------------

    def start_training(self, start_paused=False, steps=0):
        if self._runner.active or not self.panel.valid:
            return
        config = self.panel.config()
        self._epochs_before = 0
        if self.session is not None and model_key(self.session.config) == model_key(config):
            # Continue from the latest weights: the worker builds its own network from the snapshot,
            # for config.epochs more epochs; exactly where it stopped when the snapshot has the state.
            snapshot = self.session.snapshot
            setup, new = Continuation(self.session.run_data, snapshot, config.train_config(), config), False
            if continued_exactly(snapshot):          # its events count on: the run's epochs are the total
                config = replace(config, epochs=snapshot.train_state.epochs_done + config.epochs)
            else:
                self._epochs_before = self.session.epochs_done
        else:
            setup, new = NewRun(config), True
        self._pending, self._run_config = (config, new), config
        self._finished_text = None
        self.banner_box.hide()
        self.controls.begin_run()
        worker = self._runner.start(setup, connect=self._connect, start_paused=start_paused, steps=steps,
                                    max_rate=UPDATE_RATE)
        if not new:
            self.session.run = worker.run_id
        self._set_state(PREPARING if new else (PAUSED if start_paused else RUNNING))

    def toggle_pause(self):
        if self.controls.state == RUNNING:
            self._runner.pause()
            self._set_state(PAUSED)
        elif self.controls.state == PAUSED:
            self._runner.resume()
            self._set_state(RUNNING)
        else:
            self._update_actions()

    def step_batch(self):
        if self.controls.state == PAUSED:
            self._runner.step()
        elif self.controls.state == IDLE:
            self.start_training(start_paused=True, steps=1)

    def stop_training(self):
        if self._runner.active:
            self._finished_text = "Stopped"
        self._runner.stop()

    def reset(self):
        """Stop any run and forget the network: the next Train starts from fresh weights; the views
        empty, of the kind of the form's data."""
        self._runner.stop()
        self._redraw.clear()
        self.session = None
        self._last_batch = None
        self.views.forget()
        self.views.follow(is_image_data(self.panel.dataset()))
        self._mark_pending()
        self._update_actions()

    def adopt(self, config, prepared, metrics=None):
        """Make `prepared.network` (e.g. a loaded model) the current network, with its experiment."""
        self._runner.stop()
        self.set_experiment(config)
        self.session = Session(config, RunData.of(prepared).for_window(), Snapshot.of(prepared.network),
                               epochs_done=int((metrics or {}).get("epochs", 0) or 0))
        self.replay.clear()
        self.plots.set_cursor(None)
        self._run_config = config
        self._show_dataset()
        self._mark_pending()
        self.controls.show_status(f"Loaded model · trained {self.session.epochs_done} epochs")
        self._update_actions()

    def _set_state(self, state):
        self.controls.set_state(state, can_train=self.panel.valid, has_network=self.session is not None,
                                continues=self.continues())

    def continues(self):
        """Does Train continue the network shown (it has trained, and the form still describes it)?"""
        return self.session is not None and self.session.epochs_done > 0 and self.panel.valid and \
            model_key(self.session.config) == model_key(self.panel.config())

    def _update_actions(self):
        self._set_state(self.controls.state)

    # -- settings and closing ------------------------------------------------------------------

    def _restore_settings(self):
        s = self.settings
        if s.value("geometry") is not None:
            self.restoreGeometry(s.value("geometry"))
        text = s.value("experiment")
        try:
            config = ExperimentConfig.from_dict(json.loads(text)) if text else None
            if config is not None:
                self.panel.check_fits(config)     # a remembered value the form cannot show: start afresh
        except (ValueError, TypeError, RecursionError):
            config = None
        if config is None and self.presets:       # first launch: a preset that trains in seconds
            config = dict(self.presets).get(FIRST_PRESET, self.presets[0][1])
        if config is not None:
            self.set_experiment(config)

    def save_settings(self):
        self.settings.setValue("geometry", self.saveGeometry())
        self.layout_defaults.remember()
        try:
            self.settings.setValue("experiment", self.panel.config().to_json())
        except (TypeError, ValueError):
            pass
        self.settings.sync()

    def shutdown(self):
        """Stop training, any reading of a dataset and the race, range test, robustness and gradient check
        jobs (idempotent)."""
        self._runner.shutdown()
        self.files.opener.shutdown()
        self.lr_finder.shutdown()
        self.race.shutdown()
        self.diagnostics.inspector.shutdown()
        self.lessons.coach.wait()
        for dialog in list(self.files.dialogs):    # an evaluation's robustness computation stops
            dialog.close()
        robustness_view.wait_for_cancelled()

    def showEvent(self, event):
        super().showEvent(event)
        if self.layout_defaults.default:        # a default arrangement: sized for the window as shown
            QTimer.singleShot(0, self.layout_defaults.size_docks)

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange:   # maximised: the default widths again, once the
            self._resized_by_state = True                   # window manager has given the new size

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self._resized_by_state and self.layout_defaults.default and self.isVisible():
            self._resized_by_state = False
            QTimer.singleShot(0, self.layout_defaults.size_docks)

    def closeEvent(self, event):
        self.shutdown()
        self.save_settings()
        self.banner_box.close_boxes()
        super().closeEvent(event)

    def save_screenshot(self, path):
        self.redraw()
        return self.grab().save(str(path))
