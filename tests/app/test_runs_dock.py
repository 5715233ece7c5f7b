"""RunsDock: overlaid curves, diff-only table with the form's labels, rescaling, colours, groups, persistence."""

import csv
import io

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog

from nnviz.app.runs import runs_dock
from nnviz.app.runs.runs_dock import RESULTS, RunsDock
from nnviz.core import EpochEnd
from nnviz.io import ExperimentConfig
from nnviz.io.run_store import RunStore
from nnviz.io.runs import load_runs, record_from_history

from .readers import curve_data


def _events(losses, val=True):
    return [EpochEnd(e, len(losses), loss, 1 - loss / 2, loss + 0.05 if val else None,
                     (1 - loss / 2 - 0.02) if val else None, 0.1, (), e * 0.5, 0.5, 100.0)
            for e, loss in enumerate(losses, start=1)]


def _run(name, learning_rate, losses, hidden=(32,), test_accuracy=0.9, val=True, dataset="mnist", **fields):
    config = ExperimentConfig(dataset=dataset, hidden_layers=list(hidden), learning_rate=learning_rate,
                              epochs=len(losses), **fields)
    final = {"test_accuracy": test_accuracy, "finish_reason": "completed"}
    return record_from_history(name, config, _events(losses, val), final)


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


def _legend_names(dock):
    """The runs named in the legend under the plots (after the line-style keys in italics)."""
    return [label.text for _, label in dock.plots.legend.items if not label.text.startswith("<i>")]


def _headers(dock):
    return [dock.table.horizontalHeaderItem(c).text() for c in range(dock.table.columnCount())]


def _table(dock):
    headers = _headers(dock)
    return [dict(zip(headers, (dock.table.item(r, c).text() for c in range(len(headers)))))
            for r in range(dock.table.rowCount())]


def test_two_runs_overlay_their_loss_and_accuracy_curves_with_a_legend(dock, two):
    for row, run in enumerate(two):
        train_loss, val_loss, band = dock.curves(row, "loss")
        x, y = curve_data(train_loss)
        np.testing.assert_array_equal(x, run.curves["epoch"])
        np.testing.assert_allclose(y, run.curves["train_loss"])
        np.testing.assert_allclose(curve_data(val_loss)[1], run.curves["val_loss"])
        train_acc = dock.curves(row, "accuracy")[0]
        np.testing.assert_allclose(curve_data(train_acc)[1], 100 * np.array(run.curves["train_accuracy"]))
        assert train_loss.isVisible() and band is None
    assert _legend_names(dock) == ["slow", "fast"]
    assert _legend_names(dock) == ["slow", "fast"]
    assert dock.curves(0, "loss")[0].opts["pen"].color() != dock.curves(1, "loss")[0].opts["pen"].color()


def test_unchecking_a_run_hides_its_curves_and_rescales_the_axes_to_the_others(qtbot, dock):
    long = _run("long", 0.1, list(np.linspace(3.0, 2.0, 100)))
    short = _run("short", 0.1, [0.4, 0.3, 0.2], hidden=(8,))
    dock.add_run(long)
    dock.add_run(short)
    dock.show()
    qtbot.waitExposed(dock)
    x_range = lambda: dock.plots.plots["loss"].getViewBox().viewRange()[0]      # noqa: E731
    y_range = lambda: dock.plots.plots["loss"].getViewBox().viewRange()[1]      # noqa: E731
    assert x_range()[1] >= 100
    dock.set_checked(0, False)
    assert not dock.curves(0, "loss")[0].isVisible() and dock.curves(1, "loss")[0].isVisible()
    # The view now spans the short run's data: epochs 1-3, losses 0.2-0.45 (val = loss + 0.05).
    assert 3 <= x_range()[1] < 3.5 and 0.5 < x_range()[0] <= 1
    assert 0.45 <= y_range()[1] < 0.6 and 0.1 < y_range()[0] <= 0.2
    assert _legend_names(dock) == ["short"]
    assert dock.checked_runs() == [short]


def test_clicking_a_checkbox_toggles_the_run(qtbot, dock, two):
    dock.show()
    qtbot.waitExposed(dock)
    dock.grab()                         # one paint: the table's rows are laid out
    rect = dock.table.visualItemRect(dock.table.item(1, 0))
    checkbox = QPoint(rect.left() + 12, rect.center().y())      # the indicator sits at the cell's left
    qtbot.mouseClick(dock.table.viewport(), Qt.MouseButton.LeftButton, pos=checkbox)
    assert not dock.is_checked(1) and not dock.curves(1, "loss")[0].isVisible()
    assert _legend_names(dock) == ["slow"]


def test_the_table_lists_exactly_the_settings_that_differ_among_the_checked_runs(dock, two):
    third = _run("third", 0.01, [2.0, 1.0, 0.5], dropout=0.2, test_accuracy=0.85)
    dock.add_run(third)
    # slow vs fast vs third: hidden layers, learning rate, epochs and dropout differ (in the form's order).
    assert _headers(dock) == ["run", *RESULTS, "Hidden layers", "Learning rate", "Epochs", "Dropout (hidden)"]
    rows = _table(dock)
    assert [r["Learning rate"] for r in rows] == ["0.01", "0.5", "0.01"]
    assert [r["Hidden layers"] for r in rows] == ["32", "64-32", "32"]
    assert [r["test accuracy"] for r in rows] == ["81.00 %", "93.00 %", "85.00 %"]
    assert rows[0]["final val acc"] == f"{100 * (1 - 1.2 / 2 - 0.02):.2f} %"
    assert rows[1]["best val acc"] == f"{100 * (1 - 0.2 / 2 - 0.02):.2f} % (epoch 4)"
    assert rows[1]["time"] == "2.00 s"
    dock.set_checked(1, False)             # slow vs third: only dropout differs (both 3 epochs, η 0.01, 32)
    assert _headers(dock) == ["run", *RESULTS, "Dropout (hidden)"]


def test_a_long_name_is_shortened_in_the_legend_only(dock):
    name = "Two spirals: tanh carves a curved boundary × 5 seeds"
    dock.add_run(_run(name, 0.1, [1.0, 0.5]))
    assert _legend_names(dock) == ["Two spirals: t…ndary × 5 seeds"]      # 14 + … + 15 characters
    assert _table(dock)[0]["run"] == name


def test_renaming_a_run_renames_its_record_and_legend_entry(dock, two):
    dock.table.item(0, 0).setText("baseline")
    assert dock.runs[0].name == "baseline"
    assert _legend_names(dock) == ["baseline", "fast"]


def test_twenty_runs_get_twenty_clearly_different_colours(dock):
    for i in range(20):
        dock.add_run(_run(f"r{i}", 0.1 + i, [1.0, 0.5]))
    rgb = np.array([e.color for e in dock.entries], dtype=float) / 255
    lin = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    xyz = lin @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    f = np.cbrt(xyz / np.array([0.95047, 1.0, 1.08883]))          # no colour is dark enough for the linear part
    lab = np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)
    distances = np.linalg.norm(lab[:, None] - lab[None], axis=-1) + np.eye(20) * 1e9
    assert distances.min() > 20                                    # CIE76 ΔE: clearly different


def test_runs_are_grouped_by_dataset(dock, two):
    dock.add_run(_run("xor run", 1.0, [0.7, 0.6], dataset="xor", hidden=(4,)))
    assert [dock.dataset_box.itemText(i) for i in range(dock.dataset_box.count())] == ["mnist (2 runs)",
                                                                                       "xor (1 run)"]
    assert [r["run"] for r in _table(dock)] == ["xor run"]          # the newest run's dataset
    assert _legend_names(dock) == ["xor run"]
    dock.dataset_box.setCurrentIndex(0)
    assert [r["run"] for r in _table(dock)] == ["slow", "fast"]
    assert _legend_names(dock) == ["slow", "fast"]


def test_runs_of_one_seed_group_are_one_row_with_mean_and_std(dock):
    tests = [0.90, 0.92, 0.97]
    runs = [_run(f"g seed {s}", 0.1, [1.0 - 0.1 * s, 0.6, 0.4 + 0.05 * s], seed=s, test_accuracy=t)
            for s, t in enumerate(tests)]
    for run in runs:
        dock.add_run(runs_dock.dataclasses.replace(run, group="g1"))
    assert dock.table.rowCount() == 1
    assert _table(dock)[0]["test accuracy"] == f"{100 * np.mean(tests):.2f} ± {100 * np.std(tests, ddof=1):.2f} %"
    train, val, band = dock.curves(0, "loss")
    values = np.array([r.curve("val_loss") for r in runs])
    np.testing.assert_allclose(curve_data(val)[1], values.mean(axis=0))
    lower, upper = band.edges
    np.testing.assert_allclose(curve_data(upper)[1], values.mean(axis=0) + values.std(axis=0, ddof=1))
    np.testing.assert_allclose(curve_data(lower)[1], values.mean(axis=0) - values.std(axis=0, ddof=1))
    assert band.isVisible()
    area = band.path().boundingRect()                 # the filled area spans the band, not an empty path
    upper_values = values.mean(axis=0) + values.std(axis=0, ddof=1)
    lower_values = values.mean(axis=0) - values.std(axis=0, ddof=1)
    assert area.top() == pytest.approx(lower_values.min()) and area.bottom() == pytest.approx(upper_values.max())
    assert area.left() == 1 and area.right() == 3


def test_a_stopped_run_is_marked_stopped(dock):
    run = _run("halted", 0.1, [1.0])
    dock.add_run(runs_dock.dataclasses.replace(run, final_metrics={**run.final_metrics, "finish_reason": "stopped"}))
    assert _table(dock)[0]["status"] == "stopped"


def test_runs_pinned_and_renamed_survive_a_restart_and_unpinned_ones_make_room(qtbot, tmp_path):
    store = RunStore(tmp_path / "runs", keep_unpinned=2)
    first = RunsDock(store=store)
    qtbot.addWidget(first)
    first.add_run(_run("keep me", 0.1, [1.0, 0.5]))
    first.table.selectRow(0)
    first.pin_button.click()
    first.table.item(0, 0).setText("pinned one")
    for i in range(3):
        first.add_run(_run(f"run {i}", 0.2 + i, [1.0, 0.5]))
    assert [r.name for r in first.runs] == ["pinned one", "run 1", "run 2"]      # run 0 made room
    assert _table(first)[0]["status"] == "pinned"

    second = RunsDock(store=RunStore(tmp_path / "runs", keep_unpinned=2))      # the app restarted
    qtbot.addWidget(second)
    assert [(r.name, r.pinned) for r in second.runs] == [("pinned one", True), ("run 1", False),
                                                          ("run 2", False)]
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == sorted(f"{r.run_id}.json" for r in second.runs)
    second.table.selectRow(1)
    second.delete_button.click()
    assert len(RunStore(tmp_path / "runs").load()[0]) == 2


def test_export_csv_writes_one_row_per_run(dock, two, tmp_path, monkeypatch):
    path = tmp_path / "runs.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), "CSV (*.csv)"))
    dock.export_button.click()
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert [(r["name"], r["learning_rate"], r["test_accuracy"]) for r in rows] == [("slow", "0.01", "0.81"),
                                                                                   ("fast", "0.5", "0.93")]
    assert "Exported 2 runs" in dock.status.text()


def test_save_then_load_in_a_new_dock_gives_the_same_runs(qtbot, dock, two, tmp_path, monkeypatch):
    path = tmp_path / "session.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dock.save_button.click()
    assert load_runs(path) == list(two)
    other = RunsDock()
    qtbot.addWidget(other)
    other.load_button.click()
    assert other.runs == list(two)
    assert _legend_names(other) == ["slow", "fast"]
    other.load(path)                                     # loading again adds nothing twice
    assert len(other.runs) == 2


def test_a_corrupt_file_is_reported_in_the_dock_with_its_name(dock, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{oops")
    dock.load(path)
    assert str(path) in dock.status.text() and "line 1, column 2" in dock.status.text()
    assert dock.runs == []


def test_a_cancelled_file_dialog_does_nothing(dock, two, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    dock.save()
    assert dock.status.text() == ""


def test_deleting_a_run_removes_its_curves_and_row(dock, two):
    items = dock.curves(0, "loss")
    dock.table.selectRow(0)
    dock.delete_button.click()
    assert dock.runs == [two[1]] and dock.table.rowCount() == 1
    assert items[0] not in dock.plots.plots["loss"].items
    assert _legend_names(dock) == ["fast"]


def test_a_single_run_shows_the_key_settings_and_no_validation_curve_without_validation(dock):
    dock.add_run(_run("only", 0.1, [1.0, 0.8], val=False))
    assert {"Dataset", "Hidden layers", "Learning rate"} <= set(_headers(dock))
    assert np.isnan(curve_data(dock.curves(0, "loss")[1])[1]).all()
    assert _table(dock)[0]["final val acc"] == ""


def _drawn_items(dock):
    return {name: len(plot.listDataItems()) for name, plot in dock.plots.plots.items()}


def test_a_store_of_many_runs_opens_drawing_only_the_checked_run_and_reading_no_snapshots(qtbot, tmp_path,
                                                                                          monkeypatch):
    """1,000 run files once took 14 s to open: every run's curves were created at once."""
    from nnviz.io import run_store

    store = RunStore(tmp_path / "runs", keep_unpinned=1000)
    runs = [runs_dock.dataclasses.replace(_run(f"run {i}", 0.1, [1.0, 0.5], dataset=("mnist", "xor")[i % 2]),
                                          timestamp=f"2024-01-01T10:{i // 60:02}:{i % 60:02}") for i in range(40)]
    for run in runs:
        store.save(run, run_store.snapshot_arrays([2, 1], [1], [1], np.zeros((1, 3))))
    reads = []
    monkeypatch.setattr(run_store, "read_npz", lambda *a, **k: reads.append(a))
    dock = RunsDock(store=store)
    qtbot.addWidget(dock)
    assert len(dock.runs) == 40 and dock.dataset_box.currentData() == "xor"    # the latest run's dataset
    assert dock.table.rowCount() == 20
    assert reads == []
    assert _drawn_items(dock) == {"loss": 2, "accuracy": 2}             # train and validation of the one checked
    dock.set_checked(0, True)                                            # a run checked is drawn then
    assert _drawn_items(dock) == {"loss": 4, "accuracy": 4}
    np.testing.assert_allclose(curve_data(dock.curves(0, "loss")[0])[1], runs[1].curves["train_loss"])


def test_after_many_big_runs_the_small_runs_and_pinned_ones_are_all_kept_and_removals_are_said(qtbot, tmp_path):
    """Each MNIST run once kept 47-95 MB of snapshots and the 300 MB cap silently removed small runs."""
    from nnviz.io import run_store

    store = RunStore(tmp_path / "runs", max_bytes=4 * 2**20)
    dock = RunsDock(store=store)
    qtbot.addWidget(dock)
    small = [_run(name, 0.1, [1.0, 0.5], dataset=name) for name in ("xor", "circles", "spirals")]
    for run in small:
        dock.add_run(run, snapshots=run_store.snapshot_arrays([2, 4, 2], np.arange(50), np.arange(50) // 10,
                                                              np.zeros((50, 22))))
    dock.add_run(_run("pinned mnist", 0.1, [1.0, 0.5]), snapshots=_big_snapshots())
    dock.table.selectRow(0)
    dock.pin_button.click()
    for i in range(14):                   # MNIST-sized: 60 snapshots of 25,000 parameters (6 MB) each run
        dock.add_run(_run(f"mnist {i}", 0.1, [1.0, 0.5]), snapshots=_big_snapshots())
    names = [r.name for r in dock.runs]
    assert names[:4] == ["xor", "circles", "spirals", "pinned mnist"]   # never pushed out
    assert names[4:] == [f"mnist {i}" for i in range(2, 14)]            # the newest 12 unpinned of mnist
    for run in dock.runs[:4]:
        assert store.snapshots(run.run_id) is not None                  # small and pinned runs replay still
    assert sum(store.size(r.run_id) for r in dock.runs) <= store.max_bytes
    assert dock.status.text().startswith("Removed the run “mnist 1”: only the newest 12 unpinned runs of a "
                                         "dataset are kept (pin a run to keep it); Removed the replay snapshots")
    assert "the saved runs took more than 4 MB; its curves and results stay" in dock.status.text()


def _big_snapshots():
    from nnviz.io.run_store import snapshot_arrays

    return snapshot_arrays([24_999, 1], np.arange(60), np.arange(60) // 30, np.ones((60, 25_000)))
