"""The main window's answers to edits of the experiment and the Speed box while a network exists.

`RunEdits` is a part of `MainWindow` (a mixin). Training settings (learning rate, momentum, L2,
dropout, schedule, batch size, …) edited during a run go to the worker and apply from its next batch,
marked on the learning-rate plot; edits that need a new network (architecture, data, initialiser,
seed) leave the run alone and label the views "previous run" until Train or Reset. No dialog.
"""

from nnviz.app.runtime.pace import WATCHABLE, watchable_pace
from nnviz.app.runtime.session import describe_change, model_key
from nnviz.app.view_reset import is_image_data

LIVE_SETTINGS_DELAY_MS = 300                     # an edit applies once the typing pauses this long
SETTING_COLOR = "#9467bd"


class RunEdits:
    """Experiment edits and pace of MainWindow (uses its panel, session, runner, plots and banner)."""

    def _on_panel_changed(self):
        self._update_actions()
        self.controls.describe_pace(self.panel.dataset())
        if self.session is None:               # no network: the views are those of the form's data
            self.views.follow(is_image_data(self.panel.dataset()))
        if not self._programmatic:
            self._mark_pending()
            self._live_settings.start()       # applied once the typing pauses

    def _apply_live_settings(self):
        """Training settings edited while a run goes apply from its next batch (no dialog, no stop); the
        change is marked on the learning-rate plot. Other changes wait for Train (see _mark_pending)."""
        if not self._runner.active or self.session is None or not self.panel.valid:
            return
        config = self.panel.config()
        if model_key(config) != model_key(self.session.config) or config == self._run_config:
            return
        old, self._run_config = self._run_config, config
        self._runner.apply_settings(config.train_config())
        if self._last_batch is not None:
            x = self.plots.run_position(self._last_batch.epoch, self._last_batch.batch)
            self.plots.mark("learning_rate", x, describe_change(old, config), SETTING_COLOR)

    def set_pace(self, choice):
        """The Speed box: batches a second, or WATCHABLE (the pace rule for each run's data)."""
        rule = watchable_pace if choice == WATCHABLE else choice
        now = rule(self.session.run_data) if callable(rule) and self.session is not None else None
        self._runner.set_pace(rule, now)

    def _mark_pending(self):
        """While the experiment needs a network other than the one shown (architecture, data,
        initialisation, seed), say so: the views belong to the previous run until Train or Reset."""
        stale = self.session is not None and self.panel.valid and \
            model_key(self.panel.config()) != model_key(self.session.config)
        if stale == self._stale:
            return
        self._stale = stale
        self.plots.set_previous_run(stale)
        if stale:
            self.show_message("The experiment now needs a new network: the views show the previous run. "
                              "Train starts the new network; Reset clears the views.", "info")
        else:
            self.banner_box.hide()
