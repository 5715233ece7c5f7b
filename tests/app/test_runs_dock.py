"""RunsDock: two runs overlay their curves with legend entries, the table shows what differs, files round-trip."""

import csv
import io

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from nnviz.app.diagnostics import runs_dock
from nnviz.app.diagnostics.runs_dock import RunsDock, curve_data
from nnviz.core import EpochEnd
from nnviz.io import ExperimentConfig
from nnviz.io.runs import load_runs, record_from_history


def _events(losses, val=True):
    return [EpochEnd(e, len(losses), loss, 1 - loss / 2, loss + 0.05 if val else None,
                     (1 - loss / 2 - 0.02) if val else None, 0.1, (), e * 0.5, 0.5, 100.0)
            for e, loss in enumerate(losses, start=1)]


def _run(name, learning_rate, losses, hidden=(32,), test_accuracy=0.9, val=True):
    config = ExperimentConfig(hidden_layers=list(hidden), learning_rate=learning_rate, epochs=len(losses))
    return record_from_history(name, config, _events(losses, val), {"test_accuracy": test_accuracy})


@pytest.fixture
def dock(qtbot):
    widget = RunsDock()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    return widget


@pytest.fixture
def two(dock):
    a = _run("slow", 0.01, [2.0, 1.5, 1.2], test_accuracy=0.81)
    b = _run("fast", 0.5, [1.0, 0.5, 0.3, 0.2], hidden=(64, 32), test_accuracy=0.93)
    dock.add_run(a)
    dock.add_run(b)
    return a, b


def _legend_names(dock, plot):
    return [label.text for _, label in dock.legends[plot].items]


def _table(dock):
    headers = [dock.table.horizontalHeaderItem(c).text() for c in range(dock.table.columnCount())]
    return [dict(zip(headers, (dock.table.item(r, c).text() for c in range(len(headers)))))
            for r in range(dock.table.rowCount())]


def test_two_runs_overlay_their_loss_and_accuracy_curves_with_a_legend(dock, two):
    a, b = two
    for row, run in enumerate(two):
        train_loss, val_loss = dock.curves[row]["loss"]
        x, y = curve_data(train_loss)
        np.testing.assert_array_equal(x, run.curves["epoch"])
        np.testing.assert_allclose(y, run.curves["train_loss"])
        np.testing.assert_allclose(curve_data(val_loss)[1], run.curves["val_loss"])
        train_acc, _ = dock.curves[row]["accuracy"]
        np.testing.assert_allclose(curve_data(train_acc)[1], 100 * np.array(run.curves["train_accuracy"]))
        assert train_loss.isVisible() and train_loss in dock.plots["loss"].items
    assert _legend_names(dock, "loss")[-2:] == ["slow", "fast"]
    assert _legend_names(dock, "accuracy") == ["slow", "fast"]
    assert dock.curves[0]["loss"][0].opts["pen"].color() != dock.curves[1]["loss"][0].opts["pen"].color()


def test_unchecking_a_run_hides_its_curves_and_legend_entry_without_new_items(qtbot, dock, two):
    items = list(dock.plots["loss"].items)
    dock.set_checked(0, False)
    assert not dock.curves[0]["loss"][0].isVisible() and not dock.curves[0]["accuracy"][1].isVisible()
    assert dock.curves[1]["loss"][0].isVisible()
    assert _legend_names(dock, "accuracy") == ["fast"]
    assert dock.checked_runs() == [two[1]]
    dock.set_checked(0, True)
    assert dock.curves[0]["loss"][0].isVisible() and _legend_names(dock, "accuracy") == ["slow", "fast"]
    assert list(dock.plots["loss"].items) == items


def test_clicking_a_checkbox_toggles_the_run(qtbot, dock, two):
    dock.show()
    qtbot.waitExposed(dock)
    dock.grab()                         # one paint: the table's rows are laid out
    rect = dock.table.visualItemRect(dock.table.item(1, 0))
    checkbox = QPoint(rect.left() + 12, rect.center().y())      # the indicator sits at the cell's left
    qtbot.mouseClick(dock.table.viewport(), Qt.MouseButton.LeftButton, pos=checkbox)
    assert not dock.is_checked(1) and not dock.curves[1]["loss"][0].isVisible()
    assert _legend_names(dock, "accuracy") == ["slow"]


def test_the_table_compares_the_settings_that_differ_and_the_results(dock, two):
    rows = _table(dock)
    assert [r["run"] for r in rows] == ["slow", "fast"]
    assert [r["learning_rate"] for r in rows] == ["0.01", "0.5"]
    assert [r["hidden_layers"] for r in rows] == ["32", "64-32"]
    assert [r["epochs"] for r in rows] == ["3", "4"]
    assert [r["test accuracy"] for r in rows] == ["81.00 %", "93.00 %"]
    assert rows[0]["val accuracy"] == f"{100 * (1 - 1.2 / 2 - 0.02):.2f} %"
    assert rows[1]["time"] == "2.00 s"
    assert "activation" not in rows[0]          # the same in both runs


def test_renaming_a_run_renames_its_record_and_legend_entry(dock, two):
    dock.table.item(0, 0).setText("baseline")
    assert dock.runs[0].name == "baseline"
    assert _legend_names(dock, "accuracy") == ["baseline", "fast"]


def test_export_csv_writes_one_row_per_run(dock, two, tmp_path, monkeypatch):
    path = tmp_path / "runs.csv"
    monkeypatch.setattr(runs_dock.QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), "CSV (*.csv)"))
    dock.export_button.click()
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert [(r["name"], r["learning_rate"], r["test_accuracy"]) for r in rows] == [("slow", "0.01", "0.81"),
                                                                                   ("fast", "0.5", "0.93")]
    assert "Exported 2 runs" in dock.status.text()


def test_save_then_load_in_a_new_dock_gives_the_same_runs(qtbot, dock, two, tmp_path, monkeypatch):
    path = tmp_path / "session.json"
    monkeypatch.setattr(runs_dock.QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(runs_dock.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dock.save_button.click()
    assert load_runs(path) == list(two)
    other = RunsDock()
    qtbot.addWidget(other)
    other.load_button.click()
    assert other.runs == list(two)
    assert _legend_names(other, "accuracy") == ["slow", "fast"]
    other.load(path)                                     # loading again adds nothing twice
    assert len(other.runs) == 2


def test_a_corrupt_file_is_reported_in_the_dock_with_its_name(dock, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{oops")
    dock.load(path)
    assert str(path) in dock.status.text() and "not a runs file" in dock.status.text()
    assert dock.runs == []


def test_a_cancelled_file_dialog_does_nothing(dock, two, monkeypatch):
    monkeypatch.setattr(runs_dock.QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    dock.save()
    assert dock.status.text() == ""


def test_removing_a_run_removes_its_curves_and_row(dock, two):
    items = dock.curves[0]["loss"]
    dock.table.selectRow(0)
    dock.remove_button.click()
    assert dock.runs == [two[1]] and dock.table.rowCount() == 1
    assert items[0] not in dock.plots["loss"].items
    assert _legend_names(dock, "accuracy") == ["fast"]


def test_a_single_run_shows_the_key_settings_and_no_validation_curve_without_validation(dock):
    dock.add_run(_run("only", 0.1, [1.0, 0.8], val=False))
    headers = [dock.table.horizontalHeaderItem(c).text() for c in range(dock.table.columnCount())]
    assert {"dataset", "hidden_layers", "learning_rate"} <= set(headers)
    assert np.isnan(curve_data(dock.curves[0]["loss"][1])[1]).all()
    assert _table(dock)[0]["val accuracy"] == ""
