"""The experiment panel: dataset, architecture and training settings, validated inline as you type.

The panel edits an `ExperimentConfig` (the JSON format of the CLI). Every edit re-validates the
whole experiment; each bad field shows its reason in red right under it and `valid` turns False,
which the window uses to disable Train.
"""

from dataclasses import replace

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QGroupBox,
    QLabel,
    QMenu,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.dialog_folders import DialogFolders
from nnviz.app.views.experiment_form import (
    FORM,
    OPEN_IDX,
    OPTIMIZER_PARAMS,
    SCHEDULE_PARAMS,
    make_editor,
    read_value,
    write_value,
)
from nnviz.app.views.field_help import help_for
from nnviz.app.views.form_fields import ERROR_STYLE, MAX_WIDTH, Field
from nnviz.app.views.preset_groups import grouped_presets, markdown_to_html
from nnviz.app.views.wheel_guard import guard_wheel
from nnviz.data import TOY_DATASETS, TOY_DEFAULTS, VARIABLE_CLASSES
from nnviz.guard import shorten
from nnviz.io import IDX_PREFIX, ConfigError, ExperimentConfig, dataset_path
from nnviz.prepare import image_shape_of

MAX_ERROR_PASSES = 12
FIRST_WIDTH = {True: 8, False: 128}   # units of a first hidden layer added: 2-D points (toy sets), images
DEFAULT_TEST_FRACTION = 0.2       # nnviz.data.load_dataset's


def choose_idx_folder(parent, folders):
    """Ask for an IDX folder (where data was last opened, `folders` a DialogFolders)."""
    return folders.folder(parent, "data", "Open an IDX folder (MNIST layout)")


class ExperimentPanel(QScrollArea):
    """Edits an ExperimentConfig. Signals: changed() after any edit; presetChosen(name, config)."""

    changed = Signal()
    presetChosen = Signal(str, object)

    def __init__(self, presets=(), folders=None, parent=None):
        super().__init__(parent)
        self.folders = folders or DialogFolders()        # where "Open IDX folder…" opens
        self.setWidgetResizable(True)
        self._base = ExperimentConfig()
        self._dataset = self._base.dataset
        self._modified = False
        self._loading = False
        self.fields, self.editors, self.errors = {}, {}, {}
        self.lesson_fields = (None, ())   # a lesson's (fields shown or None for all, fields locked)
        body = QWidget()
        column = QVBoxLayout(body)
        column.addLayout(self._build_header(presets))
        self._forms = {}
        for group in ("Data", "Network", "Optimiser", "Training"):
            box = QGroupBox(group)
            self._forms[group] = QFormLayout(box)
            self._forms[group].setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            self._forms[group].setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            column.addWidget(box)
        for group, name, label, kind, option in FORM:
            editor = make_editor(name, kind, option, self._edited, self._dataset_changed)
            self.editors[name] = editor
            self.fields[name] = Field(editor, help_for(name))
            if kind == "layer_list":              # a list with its buttons needs the form's whole width
                editor.title.setText(label)
                editor.title.setToolTip(help_for(name))
                self._forms[group].addRow(self.fields[name])
            else:
                self._forms[group].addRow(label, self.fields[name])
                self._forms[group].labelForField(self.fields[name]).setToolTip(help_for(name))
            self._forms[group].addRow(self.fields[name].error)
        column.addStretch(1)
        self.setWidget(body)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body.setMinimumWidth(280)
        self.setMinimumWidth(300)
        guard_wheel(body)
        self.set_config(ExperimentConfig())

    # -- construction --------------------------------------------------------------------------

    def _build_header(self, presets):
        self.presets_menu = QMenu("&Presets", self)
        for group, members in grouped_presets(presets):
            self.presets_menu.addSection(group)
            for name, config in members:
                action = self.presets_menu.addAction(f"{config.title or name}   [{name}]")
                action.setToolTip(f"{config.description}\nExpect: {config.expected}".replace("`", "").strip())
                action.triggered.connect(lambda _=False, n=name, c=config: self.presetChosen.emit(n, c))
        self.presets_menu.setToolTipsVisible(True)
        self.presets_button = QToolButton()
        self.presets_button.setText("Presets")
        self.presets_button.setMenu(self.presets_menu)
        self.presets_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.problems = QLabel()
        self.problems.setStyleSheet(ERROR_STYLE)
        self.problems.setWordWrap(True)
        # Its line kept while empty: the first error would push the form down under the user's typing.
        self.problems.setMinimumHeight(self.problems.fontMetrics().lineSpacing())
        header = QVBoxLayout()
        header.addWidget(self.presets_button)
        header.addWidget(self.info)
        header.addWidget(self.problems)
        return header

    # -- reading and writing the config --------------------------------------------------------

    def check_fits(self, config):
        """Raise ConfigError (naming the field) when a value of `config` is beyond what its editor holds,
        rather than let the editor clamp it without a word; nothing is changed."""
        for name, editor in self.editors.items():
            value = getattr(config, name)
            if editor.kind == "layers":
                low, high, values = 1, MAX_WIDTH, value
            elif editor.kind in ("int", "opt_int"):
                low, high, values = editor.minimum(), editor.maximum(), [value or 0]
            else:
                continue
            for v in values:
                if not low <= v <= high:
                    raise ConfigError(f"{name}: {shorten(v)} is beyond what this window's field holds "
                                      f"({low:,} to {high:,})", name)

    def set_config(self, config):
        """Show `config` (title, description and expected outcome in the header); ConfigError, with
        nothing changed, when a value does not fit its editor (see `check_fits`)."""
        self.check_fits(config)
        if config.title == self._base.title:             # the same words, on other data: not about it
            config = _words_for(config, self._base.dataset)
        self._loading = True
        try:
            self._base = replace(config, hidden_layers=list(config.hidden_layers))
            for name, editor in self.editors.items():
                write_value(editor, getattr(config, name))
        finally:
            self._loading = False
        self._modified = False
        self._dataset = config.dataset
        self._edited()

    def dataset(self):
        """The dataset the form names now (also while another field is invalid)."""
        return self._values()[0].get("dataset") or ""

    def config(self):
        """The edited experiment (possibly invalid; see `valid` and `errors`); on another dataset than
        the one it was written for, without its title, description and expected outcome."""
        values, _ = self._values()
        return _words_for(replace(self._base, **values), self._base.dataset)

    def _values(self):
        values, errors = {}, {}
        for name in self.editors:
            value, error = read_value(self.editors[name])
            if error:
                errors[name] = error
            else:
                values[name] = value
        dataset = values["dataset"]     # the sliders' settings where they apply (they keep them for later)
        if dataset not in TOY_DATASETS:
            values["noise"] = None
        if dataset == "mnist" or dataset_path(dataset)[0] == IDX_PREFIX:
            values["test_fraction"] = None
        return values, errors

    @property
    def valid(self):
        return not self.errors

    # -- validation ----------------------------------------------------------------------------

    def _find_errors(self):
        """Every bad field with its reason: validate, set the culprit to its default, repeat."""
        values, errors = self._values()
        defaults = ExperimentConfig()
        candidate = replace(self._base, **values)
        for name in errors:
            candidate = replace(candidate, **{name: getattr(defaults, name)})
        for _ in range(MAX_ERROR_PASSES):
            try:
                candidate.validate()
                break
            except ConfigError as error:
                name = error.field
                if name not in self.editors or name in errors:
                    errors.setdefault("_", str(error))
                    break
                errors[name] = str(error).removeprefix(f"{name}: ")
                candidate = replace(candidate, **{name: getattr(defaults, name)})
        return errors

    def _edited(self, *_):
        if self._loading:
            return
        focus = QApplication.focusWidget()
        typing = focus if focus is not None and self.widget().isAncestorOf(focus) else None
        before = typing.mapTo(self.widget(), QPoint(0, 0)).y() if typing else None
        self._modified = self._modified or self.sender() is not None
        self.editors["layers"].set_image_shape(image_shape_of(self.editors["dataset"].currentData()))
        self.errors = self._find_errors()
        for name, field in self.fields.items():
            field.set_error(self.errors.get(name, ""))
        general = self.errors.get("_", "")
        n = len(self.errors)
        self.problems.setText(general or (f"⚠ {n} setting{'s' * (n > 1)} to fix before training" if n else ""))
        self._update_visibility()
        self._update_info()
        if typing is not None:        # lines shown above it (an error, "(modified)") leave the field in place
            self._keep_in_place(typing, before)
        self.changed.emit()

    def _keep_in_place(self, widget, before):
        """Scroll so that `widget` stays where it was in the view (it was `before` px down the form)."""
        self.widget().layout().activate()
        moved = widget.mapTo(self.widget(), QPoint(0, 0)).y() - before
        if moved:
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() + moved)

    def _update_visibility(self):
        values, _ = self._values()
        dataset = values.get("dataset") or ""
        toy = dataset in TOY_DATASETS
        self.editors["noise"].set_default(TOY_DEFAULTS[dataset][1] if toy else 0.0)
        self.editors["test_fraction"].set_default(DEFAULT_TEST_FRACTION)
        self.editors["hidden_layers"].first_width = FIRST_WIDTH[toy]
        shown = {"n_samples": toy, "noise": toy, "test_fraction": toy, "classes": dataset in VARIABLE_CLASSES,
                 "input_features": toy, "train_subset": not toy, "augment_shift": not toy, "augment_rotation": not toy,
                 "augment_elastic": not toy,
                 "early_stopping_metric": bool(values.get("early_stopping"))}
        for name in ("momentum", "beta1", "beta2", "rho", "epsilon"):
            shown[name] = name in OPTIMIZER_PARAMS.get(values.get("optimizer"), ())
        for name in ("step_epochs", "step_gamma", "min_learning_rate"):
            shown[name] = name in SCHEDULE_PARAMS.get(values.get("schedule"), ())
        only, locked = self.lesson_fields
        listed = bool(values.get("layers"))         # a layer list builds the network: hidden_layers unused
        for group, name, *_ in FORM:
            in_lesson = only is None or name in only or name in locked or name in self.errors
            visible = in_lesson and (shown.get(name, True) or name in self.errors)
            self._forms[group].setRowVisible(self.fields[name], visible)
            self.editors[name].setEnabled(name not in locked and not (name == "hidden_layers" and listed))
        self._forms["Network"].labelForField(self.fields["hidden_layers"]).setToolTip(
            "Not used while the layer list below has layers" if listed else help_for("hidden_layers"))

    def set_lesson_fields(self, shown=None, locked=()):
        """Show only the `shown` fields (all when None or empty) and lock the `locked` ones (a lesson's)."""
        self.lesson_fields = (set(shown) if shown else None, set(locked))
        self._update_visibility()

    def _update_info(self):
        c = self.config()
        parts = [f"<b>{c.title}</b>{' <i>(modified)</i>' if self._modified else ''}" if c.title else ""]
        if c.description:
            parts.append(markdown_to_html(c.description))
        if c.expected:
            parts.append(f"<i>Expect:</i> {markdown_to_html(c.expected)}")
        self.info.setText("<br>".join(p for p in parts if p))
        self.info.setVisible(any(parts))

    def _dataset_changed(self, index):
        combo = self.editors["dataset"]
        if combo.itemData(index) == OPEN_IDX and not self._loading:
            folder = choose_idx_folder(self, self.folders)
            self._loading = True
            try:
                write_value(combo, f"{IDX_PREFIX}{folder}" if folder else self._dataset)
            finally:
                self._loading = False
        if combo.currentData() != OPEN_IDX:
            self._dataset = combo.currentData()
        self._edited()


def _words_for(config, dataset):
    """`config`, without the title, description and expected outcome written for `dataset` when its
    own dataset is another (a preset's words about MNIST said nothing true of a CSV file opened)."""
    if config.dataset == dataset:
        return config
    return replace(config, title="", description="", expected="")
