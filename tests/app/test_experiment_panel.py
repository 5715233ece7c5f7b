"""The experiment panel: every setting editable, bad values explained inline, presets described."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QStyle, QStyleOptionComboBox

import nnviz.app.views.experiment_panel as experiment_panel
from nnviz.app.views.experiment_form import FORM, OPEN_IDX
from nnviz.app.views.experiment_panel import ExperimentPanel
from nnviz.io import ExperimentConfig, list_presets, load_preset

from .conftest import tiny_digits, tiny_spirals


@pytest.fixture
def panel(qtbot):
    panel = ExperimentPanel(list_presets())
    qtbot.addWidget(panel)
    panel.show()
    return panel


def choose(panel, name, value):
    combo = panel.editors[name]
    combo.setCurrentIndex(combo.findData(value))


def test_a_config_shown_in_the_panel_reads_back_unchanged(panel):
    for config in (tiny_digits(l2=1e-4, dropout=0.2, clip_norm=5.0, augment_shift=2),
                   tiny_spirals(optimizer="rmsprop", rho=0.95, schedule="cosine", min_learning_rate=1e-4),
                   tiny_spirals(noise=0.083, test_fraction=0.33),      # between the sliders' steps
                   ExperimentConfig(hidden_layers=[], early_stopping=3, restore_best=True)):
        panel.set_config(config)
        assert panel.config() == config
        assert panel.valid


def test_every_edit_reaches_the_config(qtbot, panel):
    panel.set_config(tiny_digits())
    with qtbot.waitSignal(panel.changed):
        choose(panel, "optimizer", "adam")
    panel.editors["beta2"].setText("0.99")
    panel.editors["batch_size"].setValue(64)
    panel.editors["restore_best"].setChecked(True)
    choose(panel, "activation", "tanh")
    config = panel.config()
    assert (config.optimizer, config.beta2, config.batch_size, config.restore_best, config.activation) == \
        ("adam", 0.99, 64, True, "tanh")


def test_hidden_layers_can_be_added_resized_and_removed(qtbot, panel):
    panel.set_config(tiny_digits(hidden_layers=[16]))
    layers = panel.editors["hidden_layers"]
    layers.add_button.click()
    layers.spins[1].setValue(8)
    assert panel.config().hidden_layers == [16, 8]
    layers.spins[0]._row.findChildren(experiment_panel.QToolButton)[0].click()
    assert panel.config().hidden_layers == [8]


def test_a_layer_without_units_is_marked_with_the_reason(panel):
    panel.set_config(tiny_digits())
    panel.editors["hidden_layers"].spins[0].setValue(0)
    assert not panel.valid
    assert "≥ 1" in panel.fields["hidden_layers"].error.text()
    assert panel.fields["hidden_layers"].error.isVisibleTo(panel)


def test_several_bad_values_are_all_reported_at_once(panel):
    panel.set_config(tiny_digits())
    panel.editors["learning_rate"].setText("-1")
    panel.editors["dropout"].setText("1.5")
    panel.editors["momentum"].setText("x")
    assert set(panel.errors) >= {"learning_rate", "dropout", "momentum"}
    assert "momentum" in panel.errors and panel.fields["momentum"].isVisibleTo(panel)  # shown though sgd
    assert "3 settings" in panel.problems.text()


def test_early_stopping_without_a_validation_set_is_explained(panel):
    panel.set_config(tiny_digits(validation_split=0.0))
    panel.editors["early_stopping"].setValue(3)
    assert "validation" in panel.errors["early_stopping"]


def test_only_the_chosen_optimiser_and_schedule_show_their_parameters(panel):
    panel.set_config(tiny_digits(optimizer="sgd", schedule="constant"))
    visible = lambda name: panel.fields[name].isVisibleTo(panel)   # noqa: E731
    assert not visible("momentum") and not visible("beta1") and not visible("step_gamma")
    choose(panel, "optimizer", "adam")
    choose(panel, "schedule", "step")
    assert visible("beta1") and visible("epsilon") and visible("step_gamma") and not visible("momentum")


def test_toy_sets_show_points_and_noise_and_images_show_augmentation(panel):
    panel.set_config(tiny_spirals())
    assert panel.fields["noise"].isVisibleTo(panel) and not panel.fields["augment_shift"].isVisibleTo(panel)
    choose(panel, "dataset", "mnist")
    assert panel.fields["augment_shift"].isVisibleTo(panel) and not panel.fields["noise"].isVisibleTo(panel)


def test_the_noise_and_training_ratio_sliders_show_for_toy_sets_with_their_values(qtbot, panel):
    panel.set_config(tiny_spirals(dataset="blobs"))
    noise, ratio = panel.editors["noise"], panel.editors["test_fraction"]
    assert panel.fields["noise"].isVisibleTo(panel) and panel.fields["test_fraction"].isVisibleTo(panel)
    assert noise.readout.text() == "0.25 (default)" and ratio.readout.text() == "80% train · 20% test (default)"
    assert "test set" in ratio.toolTip() and "standard deviation" in noise.toolTip()
    ratio.slider.setFocus()
    for _ in range(6):                               # → a larger training share, 5% a step
        qtbot.keyClick(ratio.slider, Qt.Key.Key_Right)
    assert ratio.readout.text() == "90% train · 10% test" and panel.config().test_fraction == 0.1
    noise.slider.setValue(40)
    assert panel.config().noise == 0.4 and noise.readout.text() == "0.40"
    choose(panel, "dataset", "mnist")          # its own test set and no noise: the sliders do not apply
    assert not panel.fields["noise"].isVisibleTo(panel) and not panel.fields["test_fraction"].isVisibleTo(panel)
    assert panel.valid and (panel.config().noise, panel.config().test_fraction) == (None, None)
    choose(panel, "dataset", "blobs")
    assert (panel.config().noise, panel.config().test_fraction) == (0.4, 0.1)


def test_open_idx_folder_adds_the_folder_as_a_dataset(panel, monkeypatch, tmp_path):
    monkeypatch.setattr(experiment_panel, "choose_idx_folder", lambda parent, folders: str(tmp_path))
    choose(panel, "dataset", OPEN_IDX)
    assert panel.config().dataset == f"idx:{tmp_path}"
    monkeypatch.setattr(experiment_panel, "choose_idx_folder", lambda parent, folders: "")
    choose(panel, "dataset", OPEN_IDX)   # cancelled: stays where it was
    assert panel.config().dataset == f"idx:{tmp_path}"


def test_presets_are_listed_with_their_description_and_shown_when_chosen(qtbot, panel):
    presets = dict(list_presets())
    actions = [a for a in panel.presets_menu.actions() if not a.isSeparator()]
    assert len(actions) == len(presets)
    name, config = "mnist-mlp", presets["mnist-mlp"]
    action = next(a for a in actions if a.text().endswith("[mnist-mlp]"))      # the CLI name is shown
    assert config.description.splitlines()[0] in action.toolTip()
    with qtbot.waitSignal(panel.presetChosen) as chosen:
        action.trigger()
    assert chosen.args == [name, config]
    panel.set_config(config)
    assert config.title in panel.info.text() and "Expect" in panel.info.text()
    panel.editors["epochs"].setValue(3)
    assert "modified" in panel.info.text()


def test_typing_an_elastic_distortion_reaches_the_config_and_a_bad_one_is_explained(qtbot, panel):
    panel.set_config(tiny_digits())
    assert panel.fields["augment_elastic"].isVisibleTo(panel)
    editor = panel.editors["augment_elastic"]
    editor.selectAll()
    qtbot.keyClicks(editor, "34")
    assert panel.config().augment_elastic == 34.0 and panel.valid
    editor.selectAll()
    qtbot.keyClicks(editor, "-3")
    assert not panel.valid
    assert "augment_elastic" in panel.errors and "≥ 0" in panel.fields["augment_elastic"].error.text()
    choose(panel, "dataset", "spirals")
    assert not panel.fields["augment_elastic"].isVisibleTo(panel) or "augment_elastic" in panel.errors


def test_the_presets_menu_is_grouped_and_shows_no_raw_markdown(panel):
    sections = [a.text() for a in panel.presets_menu.actions() if a.isSeparator()]
    assert sections == ["Seed networks", "Failures to diagnose", "2-D toys", "Records"]
    panel.set_config(dict(list_presets())["fast"])           # its expectation quotes `--time-budget 60`
    assert "`" not in panel.info.text() and "<code>--time-budget 60</code>" in panel.info.text()


def test_every_field_has_a_tooltip_and_an_error_does_not_erase_it(panel):
    for _, name, *_ in FORM:
        assert len(panel.editors[name].toolTip()) > 20, name
    panel.editors["learning_rate"].setText("-1")
    assert "learning_rate" in panel.errors
    panel.editors["learning_rate"].setText("0.1")
    assert "typical" in panel.editors["learning_rate"].toolTip()


def wheel(widget, notches=-1):
    """Turn the mouse wheel `notches` (negative: towards the user) over the middle of `widget`."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, 120 * notches),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_form_past_unfocused_settings_and_turns_a_focused_one(qtbot, panel):
    """Three notches over the Dataset box switched Spirals to Circles while the user scrolled the form."""
    panel.resize(320, 400)
    panel.set_config(tiny_spirals(hidden_layers=[16, 16]))
    qtbot.wait(10)
    bar = panel.verticalScrollBar()
    for name in ("dataset", "n_samples", "activation"):
        editor = panel.editors[name]
        panel.ensureWidgetVisible(editor)
        before, config = bar.value(), panel.config()
        wheel(editor, -3)
        assert panel.config() == config, name                # nothing changed ...
        assert bar.value() > before or bar.value() == bar.maximum(), name     # ... the form scrolled
    spin = panel.editors["hidden_layers"].spins[0]            # a hidden layer's width, added with the layers
    panel.ensureWidgetVisible(spin)
    wheel(spin, 1)
    assert panel.config().hidden_layers == [16, 16]
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    wheel(spin, 1)                                             # once focused, the wheel edits it
    assert panel.config().hidden_layers == [17, 16]


def test_the_training_ratio_slider_has_room_beside_its_label(qtbot, panel):
    """The "80% train · 20% test" readout squeezed the slider to 14 px: it looked like a check box."""
    panel.resize(300, 600)
    panel.set_config(tiny_spirals())
    qtbot.wait(10)
    slider = panel.editors["test_fraction"].slider
    assert slider.isVisible() and slider.width() >= 100, slider.width()
    assert panel.editors["test_fraction"].readout.text() == "80% train · 20% test (default)"


@pytest.mark.parametrize("config, widths", [(tiny_spirals(hidden_layers=[]), [8, 8]),
                                            (tiny_digits(hidden_layers=[]), [128, 128]),
                                            (tiny_spirals(hidden_layers=[5]), [5, 5, 5])],
                         ids=["points", "images", "copies-the-last"])
def test_add_layer_copies_the_last_width_or_starts_at_one_that_suits_the_data(qtbot, panel, config, widths):
    """"+ Add layer" added 32 units whatever the data."""
    panel.set_config(config)
    editor = panel.editors["hidden_layers"]
    for _ in range(2):
        qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert panel.config().hidden_layers == widths


def test_an_error_is_written_across_the_form_and_the_field_being_typed_in_stays_put(qtbot, panel):
    """The error was squeezed into the field's column ("-1.0 is not / allowed; must be / a number > 0",
    cut off), and the lines it and "(modified)" added above moved the field away under the typing."""
    panel.resize(300, 600)
    panel.set_config(dict(list_presets())["mnist-mlp"])
    field = panel.editors["learning_rate"]
    panel.ensureWidgetVisible(field)
    qtbot.wait(10)
    where = field.mapTo(panel.viewport(), field.rect().topLeft())
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    field.selectAll()
    qtbot.keyClicks(field, "-1")
    error = panel.fields["learning_rate"].error
    assert error.isVisible() and error.text() == "-1.0 is not allowed; must be a number > 0"
    assert error.width() >= 200 and error.height() < 2 * error.fontMetrics().lineSpacing()   # one line, whole
    assert field.mapTo(panel.viewport(), field.rect().topLeft()) == where


def text_room(editor):
    """(the longest text the editor may show, the px its text area has): every item of a combo box,
    the value shown by a spin box."""
    if isinstance(editor, QComboBox):
        option = QStyleOptionComboBox()
        editor.initStyleOption(option)
        field = editor.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                              QStyle.SubControl.SC_ComboBoxEditField, editor)
        texts = [editor.itemText(i) for i in range(editor.count())]
        return max(texts, key=editor.fontMetrics().horizontalAdvance), field.width()
    edit = editor.lineEdit()
    return edit.text(), edit.contentsRect().width() - 4         # QLineEdit keeps 2 px each side of its text


@pytest.mark.parametrize("config", [load_preset("mnist-mlp"), tiny_spirals(hidden_layers=[128, 1024])],
                         ids=["mnist-mlp", "spirals"])
def test_no_spin_box_or_combo_box_text_is_clipped_at_the_docked_width(qtbot, panel, config):
    """At 1280x720 the dock is the panel's narrowest: "128 units" showed as "128 unit", the MNIST
    dataset box cut "Open IDX folder…", the loss box "binary_cross_entropy". A row too narrow for its
    field now puts the field under its label."""
    panel.resize(panel.minimumWidth(), 700)
    panel.set_config(config)
    qtbot.wait(10)
    editors = [e for e in panel.findChildren(QAbstractSpinBox) + panel.findChildren(QComboBox) if e.isVisible()]
    assert len(editors) > 10
    for editor in editors:
        text, room = text_room(editor)
        assert editor.fontMetrics().horizontalAdvance(text) <= room, (text, room)


def test_a_zero_that_means_all_or_off_says_so(qtbot, panel):
    panel.set_config(tiny_digits(train_subset=0, augment_shift=0, early_stopping=0))
    for name, shown in (("train_subset", "all"), ("augment_shift", "off"), ("early_stopping", "off")):
        editor = panel.editors[name]
        assert editor.text() == shown
        editor.setFocus()
        editor.selectAll()
        qtbot.keyClicks(editor, "3")
        assert editor.text() == "3" and getattr(panel.config(), name) == 3
    assert panel.editors["batch_size"].text() == str(panel.config().batch_size)     # a number stays a number
