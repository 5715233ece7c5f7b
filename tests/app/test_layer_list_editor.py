"""The form's layer list: built by clicks and typing, each layer's output shape shown, a bad layer named."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.app.views.experiment_panel import ExperimentPanel
from nnviz.data import write_idx
from nnviz.io import ExperimentConfig, list_presets

from .conftest import tiny_digits


@pytest.fixture
def panel(qtbot):
    panel = ExperimentPanel(list_presets())
    qtbot.addWidget(panel)
    panel.show()
    return panel


def add(qtbot, editor, kind):
    """Choose `kind` in the list of kinds with the keyboard and click + Add."""
    choose(qtbot, editor.add_kind, kind)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)


def type_into(qtbot, spin, text):
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)


def choose(qtbot, combo, value):
    """Step a closed combo box to `value` with the arrow keys, as a user can."""
    steps = combo.findData(value) - combo.currentIndex()
    for _ in range(abs(steps)):
        qtbot.keyClick(combo, Qt.Key.Key_Down if steps > 0 else Qt.Key.Key_Up)
    assert combo.currentData() == value


def lines(editor):
    return [editor.list.item(i).text() for i in range(editor.list.count())]


def test_lenet_built_by_clicks_and_typing_is_the_experiments_layer_list_with_each_output_shape(qtbot, panel):
    panel.set_config(ExperimentConfig(dataset="mnist"))
    editor = panel.editors["layers"]
    assert panel.config().layers is None and editor.empty.isVisible() and not editor.list.isVisible()
    add(qtbot, editor, "conv")
    type_into(qtbot, editor.size, "6")
    type_into(qtbot, editor.kernel, "5")
    add(qtbot, editor, "maxpool")
    add(qtbot, editor, "dense")
    type_into(qtbot, editor.size, "120")
    add(qtbot, editor, "dense")
    type_into(qtbot, editor.size, "84")
    editor.list.setCurrentRow(1)              # the pooling layer selected: a conv added goes after it
    add(qtbot, editor, "conv")
    type_into(qtbot, editor.size, "16")
    type_into(qtbot, editor.kernel, "5")
    choose(qtbot, editor.padding, "valid")
    editor.list.setCurrentRow(4)              # a dense layer selected: a pooling layer still goes before it
    add(qtbot, editor, "maxpool")
    assert panel.config().layers == [
        {"conv": 6, "kernel": 5, "padding": "same"}, {"maxpool": 2}, {"conv": 16, "kernel": 5, "padding": "valid"},
        {"maxpool": 2}, {"dense": 120}, {"dense": 84}]
    assert panel.valid
    # 28 "same" → 28; pool 2 → 14; 5x5 "valid" → 14 − 4 = 10; pool 2 → 5
    assert lines(editor) == ["[0] conv 6 × 5×5 same → 28×28×6", "[1] maxpool 2 → 14×14×6",
                             "[2] conv 16 × 5×5 valid → 10×10×16", "[3] maxpool 2 → 5×5×16",
                             "[4] dense 120", "[5] dense 84"]


def test_a_kernel_too_big_for_its_map_is_named_under_the_list_and_its_line_turns_red(qtbot, panel):
    panel.set_config(tiny_digits())                                         # 8x8 images
    editor = panel.editors["layers"]
    add(qtbot, editor, "conv")                                              # 3x3 "same": 8x8
    add(qtbot, editor, "maxpool")                                           # 4x4
    add(qtbot, editor, "conv")
    type_into(qtbot, editor.kernel, "5")
    choose(qtbot, editor.padding, "valid")
    error = panel.fields["layers"].error
    assert not panel.valid and error.isVisible()
    assert error.text() == 'layers[2]: conv: kernel 5 on a 4x4 map; use a kernel ≤ 4 or padding "same"'
    assert lines(editor)[2] == "⚠ [2] conv 8 × 5×5 valid"
    assert editor.list.item(2).foreground().color().name() == "#c62828"
    assert lines(editor)[:2] == ["[0] conv 8 × 3×3 same → 8×8×8", "[1] maxpool 2 → 4×4×8"]
    type_into(qtbot, editor.kernel, "4")                                    # 4x4 → 1x1: fine
    assert panel.valid and not error.isVisible()
    assert lines(editor)[2] == "[2] conv 8 × 4×4 valid → 1×1×8"


def test_moving_removing_and_changing_a_layers_kind(qtbot, panel):
    panel.set_config(tiny_digits(layers=[{"conv": 4, "kernel": 3}, {"dense": 16}]))
    editor = panel.editors["layers"]
    assert not panel.editors["hidden_layers"].isEnabled()              # unused while the list has layers
    editor.list.setCurrentRow(1)
    assert not editor.down_button.isEnabled() and editor.up_button.isEnabled()
    qtbot.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)           # dense before the conv: refused
    assert not panel.valid
    assert panel.fields["layers"].error.text() == ("layers[1]: conv after a dense or flatten layer; "
                                                   "convolutions and pooling come first")
    qtbot.mouseClick(editor.down_button, Qt.MouseButton.LeftButton)
    assert panel.valid and panel.config().layers == [{"conv": 4, "kernel": 3}, {"dense": 16}]
    editor.list.setCurrentRow(0)
    choose(qtbot, editor.kind_choice, "avgpool")                          # the conv becomes a 2x2 average
    assert panel.config().layers == [{"avgpool": 2}, {"dense": 16}]
    assert editor.size.isVisible() and not editor.kernel.isVisible() and not editor.padding.isVisible()
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert panel.config().layers is None and panel.valid and editor.empty.isVisible()
    assert not editor.remove_button.isEnabled() and not editor.details.isVisible()
    assert panel.editors["hidden_layers"].isEnabled()


def test_the_json_view_shows_the_list_and_a_list_typed_there_replaces_the_rows(qtbot, panel):
    panel.set_config(tiny_digits())
    editor = panel.editors["layers"]
    assert not editor.json_line.isVisible()
    qtbot.mouseClick(editor.json_button, Qt.MouseButton.LeftButton)
    assert editor.json_line.isVisible() and editor.json_line.text() == ""
    qtbot.keyClicks(editor.json_line, '[{"conv": 4, "kernel": 3}, {"maxpool": 2}, {"dense": 16}]')
    assert panel.config().layers == [{"conv": 4, "kernel": 3}, {"maxpool": 2}, {"dense": 16}] and panel.valid
    assert lines(editor) == ["[0] conv 4 × 3×3 valid → 6×6×4", "[1] maxpool 2 → 3×3×4", "[2] dense 16"]
    editor.json_line.selectAll()
    qtbot.keyClicks(editor.json_line, '[{"conv": 4}]')
    assert not panel.valid
    assert panel.fields["layers"].error.text() == 'layers[0]: a conv layer needs a "kernel" (e.g. 5)'
    editor.json_line.selectAll()
    qtbot.keyClicks(editor.json_line, '[{"conv": 4,')
    assert not panel.valid and "not JSON" in panel.fields["layers"].error.text()
    editor.json_line.selectAll()
    qtbot.keyClick(editor.json_line, Qt.Key.Key_Delete)
    assert panel.valid and panel.config().layers is None
    editor.list.setCurrentRow(-1)
    add(qtbot, editor, "dense")                                             # rows edited: the text follows
    assert editor.json_line.text() == '[{"dense": 64}]'


def test_the_lenet_preset_shows_its_layers_and_reads_back_unchanged(panel):
    lenet = dict(list_presets())["lenet"]
    panel.set_config(lenet)
    assert lines(panel.editors["layers"])[0] == "[0] conv 6 × 5×5 same → 28×28×6"
    assert panel.config() == lenet and panel.valid


def test_the_padding_box_and_the_list_agree_however_the_box_is_set(qtbot, panel):
    """The padding box followed only a user's activation: set otherwise, it showed "same" while the list
    (and the experiment) kept "valid"."""
    panel.set_config(tiny_digits(layers=[{"conv": 4, "kernel": 3}]))
    editor = panel.editors["layers"]
    editor.list.setCurrentRow(0)
    editor.padding.setCurrentIndex(editor.padding.findData("same"))
    assert panel.config().layers == [{"conv": 4, "kernel": 3, "padding": "same"}]
    assert lines(editor) == ["[0] conv 4 × 3×3 same → 8×8×4"]


def test_an_idx_folders_image_size_is_read_to_check_the_layers(qtbot, panel, tmp_path):
    for stem, kind, shape in (("train-images", "idx3", (2, 5, 7)), ("train-labels", "idx1", (2,)),
                              ("t10k-images", "idx3", (1, 5, 7)), ("t10k-labels", "idx1", (1,))):
        write_idx(tmp_path / f"{stem}-{kind}-ubyte", np.zeros(shape, np.uint8))
    layers = [{"conv": 2, "kernel": 3}, {"conv": 2, "kernel": 5}]
    panel.set_config(tiny_digits(dataset=f"idx:{tmp_path}", layers=layers))
    editor = panel.editors["layers"]
    assert lines(editor)[0] == "[0] conv 2 × 3×3 valid → 3×5×2"                    # 5x7 images: 3x5 maps
    assert panel.fields["layers"].error.text() == ('layers[1]: conv: kernel 5 on a 3x5 map; use a kernel ≤ 3 '
                                                   'or padding "same"')
