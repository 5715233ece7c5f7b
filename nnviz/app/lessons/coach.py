"""What a lesson asks of the window: its experiment applied, its controls shown or hidden, the view
to watch brought to the front and outlined, and the run's measured state for a check.

The measured state is built by nnviz.lessons.measured_state from what the window already keeps:
the epochs of the current network (the diagnostics' history), whether the run diverged (the health
dock), the latest weights, the dataset and the unit the student knocked out in the network view.
A step trained on a lesson's hand-made points or weights (Nielsen's neuron) runs in a thread here.
"""

import pyqtgraph as pg
from PySide6.QtCore import QThread, Signal

from nnviz.app.run_controls import IDLE
from nnviz.guard import UserError
from nnviz.io import ExperimentConfig
from nnviz.lessons.measure import LESSON_KEYS, measure, measured_state, start_config, step_start

OUTLINE = "#ff7f0e"
PLOT_VIEWS = {"loss": "loss", "accuracy": "accuracy", "learning_rate": "learning_rate",
              "gradients": "grad_norm", "dead_units": "dead_units"}
DOCK_VIEWS = {"boundary": "predict", "draw": "predict", "network": "network", "activations": "activations",
              "health": "health", "runs": "runs"}
DOCK_OUTLINE = f"QDockWidget::title {{ background: {OUTLINE}; color: white; }}"


class _Run(QThread):
    """measure(config, start) off the UI thread; done(measured, error message) when it ends."""

    done = Signal(object, str)

    def __init__(self, config, start, parent=None):
        super().__init__(parent)
        self.config, self.start_ = config, start

    def run(self):
        try:
            self.done.emit(measure(self.config, self.start_), "")
        except UserError as error:
            self.done.emit(None, str(error))


class LessonCoach:
    def __init__(self, window):
        self.window = window
        self.lesson = None
        self._outlined = None
        self._runs = []

    def begin(self, lesson):
        """A lesson opens: the window forgets its network and takes the lesson's start experiment."""
        self.lesson = lesson
        self.window.reset()
        self.window.set_experiment(start_config(lesson.start))
        self.window.panel.set_lesson_fields(lesson.show, lesson.lock)

    def end(self):
        self.window.panel.set_lesson_fields()
        self.look(None)

    def apply(self, settings):
        """Set these experiment fields in the form (a step's own settings)."""
        settings = {k: v for k, v in settings.items() if k not in LESSON_KEYS}
        if settings:
            values = {**self.window.panel.config().to_dict(), **settings}
            self.window.set_experiment(ExperimentConfig.from_dict(values))

    def planned_epochs(self):
        try:
            return self.window.panel.config().epochs
        except (UserError, ValueError):
            return 10

    # -- the view to watch ---------------------------------------------------------------------

    def look(self, view):
        """Bring `view` to the front and outline it (None: take the outline away)."""
        w = self.window
        if self._outlined is not None:
            kind, name = self._outlined
            if kind == "plot":
                w.plots.plot(name).getViewBox().setBorder(None)
            else:
                w.docks[name].setStyleSheet("")
        self._outlined = None
        if view in PLOT_VIEWS:
            name = PLOT_VIEWS[view]
            w.plots.plot(name).getViewBox().setBorder(pg.mkPen(OUTLINE, width=3))
            self._outlined = ("plot", name)
        elif view in DOCK_VIEWS:
            dock = w.docks[DOCK_VIEWS[view]]
            dock.show()
            dock.raise_()
            dock.setStyleSheet(DOCK_OUTLINE)
            self._outlined = ("dock", DOCK_VIEWS[view])

    @property
    def outlined(self):
        """("plot", plot name) or ("dock", dock name) of the outlined view, or None."""
        return self._outlined

    # -- measuring -----------------------------------------------------------------------------

    def runs_here(self, task):
        """Does this task train on the lesson's hand-made points or weights (in the panel, not the window)?"""
        start = step_start(self.lesson.start, getattr(task, "do_settings", {}))
        return start.points is not None or start.weights is not None

    def run_here(self, task, done):
        """Train the task's hand-made run with the form's settings in a thread; done(measured, error)."""
        try:
            config = self.window.panel.config()
        except UserError as error:
            done(None, str(error))
            return
        run = _Run(config, step_start(self.lesson.start, getattr(task, "do_settings", {})))
        run.done.connect(done)
        run.finished.connect(lambda: self._runs.remove(run))
        self._runs.append(run)
        run.start()

    def wait(self):
        """Wait for runs started here (closing the window)."""
        for run in list(self._runs):
            run.wait()

    def measure(self):
        """The window's run, measured; UserError while there is none or it is still running."""
        w = self.window
        if w.controls.state != IDLE:
            raise UserError("Training is still running: wait for it to finish (or Stop it), then Check.")
        session, epochs = w.session, w.diagnostics.network_epochs
        if session is None or not epochs:
            raise UserError("Train first (F5), then Check.")
        ablated = sorted(w.network_view.interventions.ablated)
        if len(ablated) > 1:
            raise UserError(f"Knock out exactly one unit for this check ({len(ablated)} are out: Restore all).")
        job = session.job
        return measured_state(epochs, w.diagnostics.health.divergence is not None, session.snapshot.network(),
                              job.dataset, job.train_data.X_train, job.train_data.y_train,
                              ablated[0] if ablated else None)
