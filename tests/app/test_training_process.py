"""The training process: isolated from the folder the app was started in, its framing, its lifecycle."""

import os
import pickle
import signal
from functools import partial
from types import SimpleNamespace

import numpy as np
import pytest

from nnviz.app.runs.race_worker import RaceJob
from nnviz.app.runtime import snapshot
from nnviz.app.runtime.jobs import GradientCheckJob, RangeTestJob
from nnviz.app.runtime.opened import OpenDataset
from nnviz.app.runtime.process_job import ProcessJob
from nnviz.app.runtime.runner import TrainingRunner
from nnviz.app.runtime.snapshot import Continuation, RunData, Snapshot
from nnviz.app.runtime.training_process import HEADER, Channel, GarbledMessage, TrainingProcess
from nnviz.core import TrainConfig, TrainData
from nnviz.evaluation import RobustnessJob
from nnviz.prepare import prepare, race_variants
from tests.app.conftest import tiny_digits, tiny_spirals
from tests.app.test_main_window import click
from tests.app.training_jobs import XOR_X, XOR_Y, QtModulesAfter, announcing, never_ready, xor_job

PLANTED = "raise SystemExit('a planted {name}.py ran in the training process')\n"


def test_modules_in_the_launch_folder_are_never_imported_by_the_training_process(qtbot, make_window, tmp_path,
                                                                                 monkeypatch, capfd):
    launch = tmp_path / "launch"
    launch.mkdir()
    for name in ("queue", "numpy", "struct", "pickle"):        # modules the training process imports
        (launch / f"{name}.py").write_text(PLANTED.format(name=name))
    monkeypatch.chdir(launch)
    TrainingProcess.close_idle()                               # no process started from elsewhere
    window = make_window(tiny_digits(epochs=2))
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window.controls.state == "idle" and window.session is not None, timeout=30000)
    assert window.session.epochs_done == 2
    assert "Finished" in window.controls.state_label.text()
    assert "planted" not in capfd.readouterr().err


def test_a_run_trains_with_a_planted_module_in_the_launch_folder(qtbot, tmp_path, monkeypatch):
    (tmp_path / "queue.py").write_text(PLANTED.format(name="queue"))
    monkeypatch.chdir(tmp_path)
    TrainingProcess.close_idle()
    runner = TrainingRunner()
    finished = []
    runner.start(partial(xor_job, epochs=2), connect=lambda worker: worker.finished.connect(
        lambda run, event: finished.append(event.reason)))
    with qtbot.waitSignal(runner.stopped, timeout=20000):
        pass
    runner.shutdown()
    assert finished == ["completed"]


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_GETPIPE_SZ"), reason="pipe sizes are Linux's")
def test_a_report_of_mnists_weights_fits_whole_in_the_pipe_so_the_child_never_waits_to_write_it():
    """Through the default 64 KB pipe the child waited in write() until the UI had read a 440 KB report."""
    import fcntl

    process = TrainingProcess()
    stdout = os.open(f"/proc/{process.pid}/fd/1", os.O_RDONLY | os.O_NONBLOCK)     # the child's end of it
    try:
        size = fcntl.fcntl(stdout, fcntl.F_GETPIPE_SZ)
        weights = sum(n_in * n_out + n_out for n_in, n_out in ((784, 128), (128, 64), (64, 10)))
        assert size >= 4 * weights            # float32
    finally:
        os.close(stdout)
        process.close()


# -- framing -------------------------------------------------------------------------------------

def channel_pair():
    """(sending end, receiving end) of one pipe."""
    read, write = os.pipe()
    return Channel(None, os.fdopen(write, "wb")), Channel(os.fdopen(read, "rb"), None)


def test_a_message_crosses_the_channel_whole_and_in_order():
    sender, receiver = channel_pair()
    weights = np.arange(12, dtype=np.float32).reshape(3, 4)
    sender.send(("updated", 3, weights))
    sender.send(("done", 3))
    name, run, received = receiver.receive()
    assert (name, run) == ("updated", 3) and received.dtype == np.float32
    np.testing.assert_array_equal(received, weights)
    assert receiver.receive() == ("done", 3)


def test_a_message_cut_short_is_the_end_of_the_channel_not_a_wait():
    sender, receiver = channel_pair()
    payload = pickle.dumps(("updated", 1, list(range(100))))
    sender._writing.write(HEADER.pack(len(payload)) + payload[:len(payload) // 2])
    sender._writing.close()
    with pytest.raises(EOFError, match="in the middle of a message"):
        receiver.receive()


def test_a_header_cut_short_is_the_end_of_the_channel():
    sender, receiver = channel_pair()
    sender._writing.write(HEADER.pack(10)[:5])
    sender._writing.close()
    with pytest.raises(EOFError, match="closed the channel"):
        receiver.receive()


def test_an_announced_length_no_message_has_is_refused_without_reading_it():
    sender, receiver = channel_pair()
    sender._writing.write(HEADER.pack(1 << 30))
    sender._writing.flush()                     # nothing follows: reading it would wait forever
    with pytest.raises(GarbledMessage, match="1,073,741,824 bytes"):
        receiver.receive()


def test_held_run_data_goes_as_its_key_and_each_end_resolves_it_to_its_own():
    sender, receiver = channel_pair()
    small = RunData(None, TrainData(XOR_X, XOR_Y), TrainConfig())
    whole = RunData.of(SimpleNamespace(dataset=None, train_data=TrainData(np.tile(XOR_X, (10, 1)),
                                                                         np.tile(XOR_Y, 10)),
                                       train_config=TrainConfig()), key=small.key)
    sender.held, receiver.held = {small.key: small}, {small.key: whole}
    other = RunData(None, TrainData(XOR_X[:4], XOR_Y[:4]), TrainConfig())     # not held: goes whole
    sender.send(("start", small, other), sender.held_data)
    _, resolved, copied = receiver.receive()
    assert resolved is whole and copied.key == other.key and copied is not other
    np.testing.assert_array_equal(copied.train_data.X_train, XOR_X[:4])


# -- the window's copy of a run's data -------------------------------------------------------------

def test_the_window_gets_a_sample_of_large_training_arrays_with_the_run_s_row_count(monkeypatch):
    prepared = prepare(tiny_digits(train_subset=0, validation_split=0.0))
    data = RunData.of(prepared)
    assert data.for_window() is data                         # 8x8 digits are small: sent whole
    monkeypatch.setattr(snapshot, "WINDOW_TRAIN_BYTES", 1000)
    shown = data.for_window()
    n = len(prepared.train_data.X_train)
    assert shown.key == data.key and not shown.complete and shown.rows == n == 1797 - len(prepared.dataset.X_test)
    assert len(shown.train_data.X_train) == len(shown.dataset.X_train) == snapshot.WINDOW_SAMPLE
    rows = {row.tobytes() for row in prepared.train_data.X_train}
    assert all(row.tobytes() in rows for row in shown.train_data.X_train)     # real training rows
    assert shown.dataset.X_test is prepared.dataset.X_test


def test_a_continuation_of_data_the_process_no_longer_holds_prepares_it_again(monkeypatch):
    config = tiny_digits(train_subset=0, validation_split=0.0)
    prepared = prepare(config)
    monkeypatch.setattr(snapshot, "WINDOW_TRAIN_BYTES", 1000)
    shown = RunData.of(prepared).for_window()
    first = Snapshot.of(prepared.network)
    again = Continuation(shown, first, prepared.train_config, config)()
    np.testing.assert_array_equal(again.train_data.X_train, prepared.train_data.X_train)
    np.testing.assert_array_equal(again.network.weights[0], first.weights[0])


# -- lifecycle: reuse, a dead, frozen or garbled process, Stop --------------------------------------

class Runs:
    """A runner and what its runs reported (in the UI thread, as the window gets it)."""

    def __init__(self, qtbot):
        self.qtbot, self.runner = qtbot, TrainingRunner()
        self.ready, self.failed, self.finished = [], [], []

    def start(self, setup):
        def connect(worker):
            worker.ready.connect(lambda run, data, first: self.ready.append(data))
            worker.failed.connect(lambda run, message: self.failed.append(message))
            worker.finished.connect(lambda run, event: self.finished.append(event.reason))

        self.runner.start(setup, connect=connect)
        return self.runner._reader.process

    def run(self, setup):
        with self.qtbot.waitSignal(self.runner.stopped, timeout=30000):
            process = self.start(setup)
        return process


@pytest.fixture
def runs(qtbot):
    runs = Runs(qtbot)
    yield runs
    runs.runner.shutdown()


def test_the_next_run_reuses_the_idle_process(runs):
    first = runs.run(partial(xor_job, epochs=2))
    second = runs.run(partial(xor_job, epochs=2))
    assert second is first and second.alive and runs.finished == ["completed", "completed"]


def test_the_training_process_imports_no_qt_for_a_run_or_any_job(qtbot, runs):
    """The child needs callbacks only: a run and every kind of job the window sends (each unpickled, so its
    module imported, and run there) leave Qt and pyqtgraph unimported in it."""
    config = tiny_digits(epochs=1)
    TrainingProcess.close_idle()
    process = runs.run(partial(prepare, config))
    assert runs.finished == ["completed"]
    prepared = prepare(config)
    X, y = prepared.train_data.X_train[:8], prepared.train_data.y_train[:8]
    jobs = (RangeTestJob(config), GradientCheckJob(prepared.network, X, y, 0.0, 10), OpenDataset(config),
            RaceJob(config, race_variants("sgd,adam", config)),
            RobustnessJob(prepared.network, prepared.dataset, ["noise"], max_samples=20))
    job = ProcessJob(QtModulesAfter(jobs))
    assert job.process is process                      # the idle process the run used
    with qtbot.waitSignal(job.result, timeout=60000) as result:
        job.start()
    job.wait()
    assert result.args[0] == []


def test_a_continuation_sends_held_data_as_its_key_and_data_no_longer_held_whole(runs):
    digits, spirals = tiny_digits(epochs=1), tiny_spirals(epochs=1)
    runs.run(partial(prepare, digits))
    a, weights_a = runs.ready[-1], runs.runner.final[1]
    runs.run(Continuation(a, weights_a, digits.train_config(), digits))        # held: sent as its key
    assert runs.ready[-1].key == a.key and runs.ready[-1].dataset is a.dataset   # and not sent back
    runs.run(partial(prepare, spirals))                                        # the dataset changes
    b = runs.ready[-1]
    assert b.key != a.key and b.dataset.name == "spirals"
    process = runs.run(Continuation(a, weights_a, digits.train_config(), digits))    # a is no longer held
    again = runs.ready[-1]
    assert again.key == a.key and again.dataset.name == "digits8x8" and again.rows == a.rows
    np.testing.assert_array_equal(again.train_data.X_train, a.train_data.X_train)
    assert set(process.channel.held) == {a.key} and runs.finished == ["completed"] * 4


def test_a_frozen_training_process_is_ended_and_reported_as_not_responding(qtbot, runs):
    process = runs.start(partial(xor_job, epochs=100000))
    qtbot.waitUntil(lambda: len(runs.ready) == 1, timeout=30000)
    runs.runner.heartbeat_timeout = 1.0
    os.kill(process.pid, signal.SIGSTOP)
    with qtbot.waitSignal(runs.runner.stopped, timeout=30000):
        pass
    assert runs.failed == ["the training process stopped responding and was ended; the last weights it sent "
                           "are kept"]
    assert runs.finished == ["failed"]
    qtbot.waitUntil(lambda: not process.alive)
    runs.run(partial(xor_job, epochs=1))                                        # in a new process
    assert runs.finished[-1] == "completed"


def test_stop_ends_a_frozen_process_and_says_stopped_not_killed(qtbot, runs):
    process = runs.start(partial(xor_job, epochs=100000))
    qtbot.waitUntil(lambda: len(runs.ready) == 1, timeout=30000)
    os.kill(process.pid, signal.SIGSTOP)
    runs.runner.stop()                                 # the heartbeat timeout is far off: Stop ends it
    assert not runs.runner.active
    qtbot.waitUntil(lambda: runs.finished == ["stopped"])
    assert runs.failed == []
    qtbot.waitUntil(lambda: not process.alive)


def test_stop_while_the_data_is_still_being_read_ends_the_process_at_once(qtbot, runs):
    process = runs.start(never_ready)
    runs.runner.stop()
    assert not runs.runner.active
    qtbot.waitUntil(lambda: runs.finished == ["stopped"])
    assert runs.failed == [] and runs.ready == []
    qtbot.waitUntil(lambda: not process.alive)


def test_a_report_announcing_a_gigabyte_is_refused_at_once(qtbot, runs):
    with qtbot.waitSignal(runs.runner.stopped, timeout=30000):
        runs.start(partial(announcing, 1 << 30))
    assert runs.failed == ["the training process sent a report that cannot be read (GarbledMessage: a message of "
                           "1,073,741,824 bytes was announced (at most 536,870,912)); the last weights it sent "
                           "are kept"]


def test_a_report_that_never_comes_is_a_process_that_stopped_responding(qtbot, runs):
    runs.run(partial(xor_job, epochs=1))               # a started process: the heartbeat timeout applies
    runs.runner.heartbeat_timeout = 1.0
    with qtbot.waitSignal(runs.runner.stopped, timeout=30000):
        runs.start(partial(announcing, 100 << 20))     # heartbeats trickle into it: never a whole report
    assert runs.failed == ["the training process stopped responding and was ended; the last weights it sent "
                           "are kept"]


def test_the_window_says_when_its_training_process_stopped_responding_and_trains_again(qtbot, make_window):
    window = make_window(tiny_digits())
    click(qtbot, window, window.controls.train)
    qtbot.waitUntil(lambda: window.session is not None and window.session.snapshot.step > 0, timeout=30000)
    window._runner.heartbeat_timeout = 1.0
    step = window.session.snapshot.step
    os.kill(window._runner._reader.process.pid, signal.SIGSTOP)
    qtbot.waitUntil(lambda: window.controls.state == "idle", timeout=30000)
    assert window.banner_box.label.text() == ("Training failed: the training process stopped responding and "
                                              "was ended; the last weights it sent are kept")
    assert window.controls.state_label.text() == "Failed" and window.session.snapshot.step >= step
    click(qtbot, window, window.controls.train)                 # continues in a new process
    qtbot.waitUntil(lambda: window.session.snapshot.step > step + 50, timeout=30000)
    window.close()
