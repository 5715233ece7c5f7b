"""What a lesson asks of the window: its experiment applied, its controls shown or hidden, the view
to watch brought to the front and outlined, and the run's measured state for a check.

The measured state is built by nnviz.lessons.measured_state from what the window already keeps:
the epochs of the current network (the diagnostics' history), whether the run diverged (the health
dock), the latest weights, the dataset and the unit the student knocked out in the network view.
A step trained on a lesson's hand-made points or weights (Nielsen's neuron) runs in a training
process (a `HandMadeRun` job); its trained network comes back to be shown.
"""

from dataclasses import replace

import pyqtgraph as pg

from nnviz.app.run_controls import IDLE
from nnviz.app.runtime.process_job import ProcessJob
from nnviz.guard import UserError
from nnviz.io import ExperimentConfig
from nnviz.lessons.measure import LESSON_KEYS, HandMadeRun, measured_state, start_config, step_start

OUTLINE = "#ff7f0e"
PLOT_VIEWS = {"loss": "loss", "accuracy": "accuracy", "learning_rate": "learning_rate",
              "gradients": "grad_norm", "dead_units": "dead_units"}
DOCK_VIEWS = {"boundary": "predict", "draw": "predict", "network": "network", "activations": "activations",
              "health": "health", "runs": "runs"}
DOCK_OUTLINE = f"QDockWidget::title {{ background: {OUTLINE}; color: white; }}"


class LessonCoach:
    def __init__(self, window):
        self.window = window
        self.lesson = None
        self._outlined = None
        self._look_after_run = None
        self._adopted = False          # the window shows a network a run here made
        self._runs = []

    def begin(self, lesson):
        """A lesson opens: the window forgets its network and takes the lesson's start experiment."""
        self.lesson = lesson
        self.window.reset()
        self.window.set_experiment(self._in_words_of_the_lesson(start_config(lesson.start)))
        self.window.panel.set_lesson_fields(lesson.show, lesson.lock)

    def end(self):
        self.window.panel.set_lesson_fields()
        self.look(None)

    def apply(self, settings, fresh=False):
        """Set these experiment fields in the form (a step's own settings). With `fresh` (a step that
        trains: its check is measured from the lesson's start, as `nnviz lesson check` does) the
        window forgets its network, so that Train starts afresh rather than continue the last run;
        so it does after a run made here and before another dataset."""
        settings = {k: v for k, v in settings.items() if k not in LESSON_KEYS}
        values = self.window.panel.config().to_dict()
        if fresh or self._adopted or settings.get("dataset", values["dataset"]) != values["dataset"]:
            self._adopted = False
            self.window.reset()
        if settings:
            values = {**values, **settings}
            self.window.set_experiment(self._in_words_of_the_lesson(ExperimentConfig.from_dict(values)))

    def _in_words_of_the_lesson(self, config):
        """The experiment headed by the lesson's title and objective: the preset it starts from says
        things ("no hidden layer needed") that the lesson's own settings may contradict."""
        return replace(config, title=f"Lesson: {self.lesson.title}", description=self.lesson.objective, expected="")

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

    def look_for(self, task):
        """Show the task's view: for a run made here on 2-D points, once it has run."""
        view = getattr(task, "look", None)
        self._look_after_run = view
        if self.runs_here(task) and view in PLOT_VIEWS:
            view = None        # the window's plots stay empty: the panel draws the run's curve
        self.look(view)

    def runs_here(self, task):
        """Does this task train on the lesson's hand-made points or weights (in the panel, not the
        window)? So its own settings and its intended ones say (hand_made = false: it does not)."""
        start = self._start_of(task)
        return start.points is not None or start.weights is not None

    def _start_of(self, task):
        return step_start(self.lesson.start, {**getattr(task, "do_settings", {}), **task.intended})

    def run_here(self, task, done):
        """Train the task's hand-made run with the form's settings in a training process; done(measured, error)."""
        try:
            config = self.window.panel.config()
        except UserError as error:
            done(None, str(error))
            return
        run = ProcessJob(HandMadeRun(config, self._start_of(task)))
        run.result.connect(lambda result: self._ran_here(config, result, "", done))
        run.failed.connect(lambda error: self._ran_here(config, None, error, done))
        run.finished.connect(lambda: self._release(run))
        self._runs.append(run)
        run.start()

    def _release(self, run):
        self._runs.remove(run)
        run.wait()
        run.deleteLater()

    def _ran_here(self, config, result, error, done):
        """A run made here: on 2-D points the window's views show its network (the network view's
        unit maps, the boundary); the panel gets its measured state."""
        if result is None:
            done(None, error)
            return
        prepared, measured = result
        if prepared.dataset.n_features == 2 and prepared.dataset.image_shape is None:
            self.window.adopt(config, prepared, {"epochs": len(measured.losses)})
            self._adopted = True
            self.look(self._look_after_run)
        done(measured, "")

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
        diverged = w.diagnostics.health.divergence is not None      # maybe before any epoch ended
        if session is None or not (epochs or diverged):
            raise UserError("Train first (F5), then Check.")
        ablated = sorted(w.network_view.interventions.ablated)
        if len(ablated) > 1:
            raise UserError(f"Knock out exactly one unit for this check ({len(ablated)} are out: Restore all).")
        run_data = session.run_data
        return measured_state(epochs, diverged, session.snapshot.network(),
                              run_data.dataset, run_data.train_data.X_train, run_data.train_data.y_train,
                              ablated[0] if ablated else None)
