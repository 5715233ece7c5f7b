"""The command line, run in-process through main([...]) (and once as `python -m nnviz`)."""

import contextlib
import io
import itertools
import json
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from nnviz.cli import commands as cli
from nnviz.cli import model_commands
from nnviz.core import EpochEnd, LayerStats, Network
from nnviz.data import load_dataset, xor_points
from nnviz.io import load_model, save_model


def run_quietly(*argv):
    """main(argv) with stdout and stderr captured, for module-scoped fixtures (no capsys there)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    """The digits8x8 preset trained in full (100 epochs, about a second) and saved."""
    path = tmp_path_factory.mktemp("digits") / "m.npz"
    return run_quietly("train", "--preset", "digits8x8", "--save", path) + (path,)


@pytest.fixture(scope="module")
def xor(tmp_path_factory):
    path = tmp_path_factory.mktemp("xor") / "x.npz"
    return run_quietly("train", "--preset", "xor", "--save", path, "--quiet") + (path,)


def test_train_digits8x8_reaches_90_percent_and_saves_the_model(digits):
    code, out, err, path = digits
    assert code == 0 and err == ""
    accuracy = float(re.search(r"test accuracy (\d+\.\d+)% on 359 digits8x8 test samples \(final weights\)",
                               out).group(1))
    assert accuracy >= 90.0
    assert len(re.findall(r"^epoch +\d+/100  train loss", out, re.M)) == 100
    assert re.search(r"100 epochs in [\d.]+ s wall time \([\d,]+ samples/s while training\); "
                     r"finished: completed", out)
    loaded = load_model(path)
    assert loaded.config.title.startswith("8x8 digits")
    assert loaded.metrics["test_accuracy"] == pytest.approx(accuracy / 100, abs=5e-5)


def test_train_xor_gets_all_four_points_right(xor):
    code, out, _, path = xor
    assert code == 0
    assert "epoch " not in out and "test accuracy 100.00% on 4 xor test samples" in out
    X, y = xor_points()
    np.testing.assert_array_equal(load_model(path).network.predict(X), y)


def test_evaluate_prints_a_confusion_matrix_whose_total_is_the_test_size(capsys, digits):
    code, out, err = run(capsys, "evaluate", digits[3])
    assert code == 0 and err == ""
    lines = out.splitlines()
    header = lines.index(next(line for line in lines if line.lstrip().startswith("true\\pred")))
    rows = [list(map(int, line.split()[1:12])) for line in lines[header + 1:header + 11]]
    matrix = np.array(rows)[:, :10]
    totals = np.array(rows)[:, 10]
    np.testing.assert_array_equal(matrix.sum(axis=1), totals)
    assert matrix.sum() == 359
    accuracy = float(re.search(r"test accuracy (\d+\.\d+)%", out).group(1))
    assert accuracy == pytest.approx(100 * np.trace(matrix) / 359, abs=0.01)


def test_evaluate_json_is_one_object_with_the_confusion_matrix(capsys, digits):
    code, out, _ = run(capsys, "evaluate", digits[3], "--json")
    record = json.loads(out)
    assert code == 0 and record["type"] == "Evaluation" and record["test_samples"] == 359
    assert np.sum(record["confusion_matrix"]) == 359 and len(record["per_class_accuracy"]) == 10


def test_evaluate_ablate_prints_the_accuracy_without_those_units_next_to_the_intact_one(capsys, digits):
    code, out, err = run(capsys, "evaluate", digits[3], "--ablate", "1:0,1:5")
    net, test = load_model(digits[3]).network, load_dataset("digits8x8")
    zeroed = net.copy()
    zeroed.weights[1][[0, 5], :] = 0          # hidden units 0 and 5 of layer 1 send nothing on
    ablated = np.mean(zeroed.predict(test.X_test) == test.y_test)
    intact = np.mean(net.predict(test.X_test) == test.y_test)
    assert code == 0 and err == ""
    assert (f"with hidden units 1:0, 1:5 knocked out: test accuracy {ablated:.2%} (intact {intact:.2%})"
            in out)


@pytest.mark.parametrize("units,message", [("1-3", "'1-3' is not LAYER:UNIT"),
                                           ("2:0", "layer 2 is not a hidden layer"),
                                           ("", "--ablate: no units given"), (" ", "--ablate: no units given")])
def test_evaluate_ablate_names_a_bad_unit(capsys, digits, units, message):
    code, out, err = run(capsys, "evaluate", digits[3], "--ablate", units)
    assert code == 2 and message in err and "Traceback" not in err


def test_predict_classifies_saved_test_digits(capsys, tmp_path, digits):
    test = load_dataset("digits8x8")
    right = 0
    for i in range(10):
        image = tmp_path / f"digit{i}.npy"
        np.save(image, test.X_test[i].reshape(8, 8))
        code, out, err = run(capsys, "predict", digits[3], image)
        lines = out.splitlines()
        assert code == 0 and err == "" and len(lines) == 3
        classes = [int(line.split()[0]) for line in lines]
        probabilities = [float(line.split()[1]) for line in lines]
        assert probabilities == sorted(probabilities, reverse=True) and sum(probabilities) <= 1.0001
        assert len(set(classes)) == 3
        right += classes[0] == test.y_test[i]
    assert right >= 8


def test_predict_a_point_with_a_2d_model(capsys, xor):
    code, out, _ = run(capsys, "predict", xor[3], "--point", "1", "0")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].split()[0] == "1" and float(lines[0].split()[1]) > 0.9


def test_json_lines_are_the_events_then_a_summary(capsys):
    code, out, err = run(capsys, "train", "--preset", "xor", "--epochs", "30", "--json")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and err == ""
    assert [r["type"] for r in records].count("EpochEnd") == 30
    assert {r["type"] for r in records} == {"BatchEnd", "EpochEnd", "Finished", "Summary"}
    assert records[-2]["type"] == "Finished" and records[-1]["type"] == "Summary"
    epoch = next(r for r in records if r["type"] == "EpochEnd")
    assert set(epoch) == {"type", "health_ratios", "findings"} | set(EpochEnd.__dataclass_fields__)
    assert {f["detector"] for f in epoch["findings"]} >= {"stuck_at_chance", "divergence"}
    assert len(epoch["layers"]) == 2 and set(epoch["layers"][0]) == set(LayerStats.__dataclass_fields__)
    assert records[-1]["reason"] == "completed" and records[-1]["epochs"] == 30


def test_log_and_quiet(capsys, tmp_path):
    log = tmp_path / "run.csv"
    code, out, _ = run(capsys, "train", "--preset", "xor", "--epochs", "20", "--log", log, "--quiet")
    assert code == 0 and "epoch " not in out and f"metrics log written to {log}" in out
    lines = log.read_text().splitlines()
    assert lines[0].startswith("epoch,train_loss,") and len(lines) == 21


def test_a_terminal_gets_a_progress_line(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    assert cli.main(["train", "--preset", "digits8x8", "--epochs", "2"]) == 0
    text = screen.getvalue()
    assert re.search(r"\r\[[#.]{20}\] epoch 1/2  batch \d+/45  loss \d\.\d{4}  ETA 0:\d\d", text)
    assert re.search(r"\repoch    2/2  train loss", text)   # drawn over the cleared progress line


def test_gradcheck_passes_on_a_preset(capsys):
    code, out, _ = run(capsys, "gradcheck", "--preset", "digits8x8")
    assert code == 0
    assert len(re.findall(r"^layer \d +\d+x\d+  relative error \S+  PASS$", out, re.M)) == 2
    assert out.splitlines()[-1].startswith("PASS")


def test_gradcheck_json(capsys):
    code, out, _ = run(capsys, "gradcheck", "--preset", "xor", "--json")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["type"] for r in records] == ["GradCheckLayer", "GradCheckLayer", "Summary"]
    assert records[0]["shape"] == [2, 2] and records[0]["relative_error"] < 1e-6 and records[-1]["passed"]


def test_a_failed_gradient_check_exits_1(capsys, monkeypatch):
    monkeypatch.setattr(model_commands, "gradient_check", lambda *a, **k: [1e-9, 3e-4])
    code, out, _ = run(capsys, "gradcheck", "--preset", "xor")
    assert code == 1 and "relative error 3.00e-04  FAIL" in out and out.splitlines()[-1].startswith("FAIL")


def test_presets_lists_names_titles_and_expectations(capsys):
    code, out, _ = run(capsys, "presets")
    assert code == 0
    for name in ("digits8x8", "mnist-mlp", "xor"):
        assert re.search(rf"^{name} +\S", out, re.M)
    assert out.count("expected: ") >= 3


def test_divergence_prints_the_cores_message_exits_1_and_saves_nothing(capsys, tmp_path):
    config = tmp_path / "hot.json"
    config.write_text(json.dumps({"dataset": "digits8x8", "hidden_layers": [32], "learning_rate": 50,
                                  "validation_split": 0}))
    code, out, err = run(capsys, "train", "--config", config, "--save", tmp_path / "m.npz")
    assert code == 1
    assert re.search(r"the loss (exploded|became NaN).*last good weights were restored", err)
    assert "finished: diverged" in out and not (tmp_path / "m.npz").exists()


def test_ctrl_c_stops_cleanly_prints_the_summary_and_saves(capsys, monkeypatch, tmp_path):
    real_train = cli.train

    class InterruptedAfterTwoEpochs:
        def __init__(self, *args, **kwargs):
            self.run = real_train(*args, **kwargs)

        def __iter__(self):
            for event in self.run:
                yield event
                if isinstance(event, EpochEnd) and event.epoch == 2:
                    signal.raise_signal(signal.SIGINT)

        def state(self):
            return self.run.state()

    monkeypatch.setattr(cli, "train", InterruptedAfterTwoEpochs)
    path = tmp_path / "m.npz"
    code, out, _ = run(capsys, "train", "--preset", "digits8x8", "--save", path)
    assert code == 130
    # The stop lands after the next batch: epoch 3 ends early, evaluated like any other, but only
    # the two whole epochs count as completed; the saved state resumes inside epoch 3.
    assert "2 epochs in" in out and "finished: interrupted" in out and "test accuracy" in out
    state = load_model(path).train_state
    assert (state.epochs_done, state.batches_done) == (2, 1)
    assert load_model(path).metrics["reason"] == "interrupted"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_time_budget_ends_training_in_time(capsys, monkeypatch):
    # The command's clock is a fake one that moves 1 ms a reading, whatever the machine's speed: 0.3 s
    # of budget leave ~0.2 s (300 readings) for training after the evaluation's reserve (2 x 1 ms + 0.1 s).
    readings = itertools.count()
    monkeypatch.setattr(time, "perf_counter", lambda: 1e6 + next(readings) * 1e-3)
    code, out, err = run(capsys, "train", "--preset", "xor", "--time-budget", "0.3", "--json")
    assert code == 0, err
    summary = json.loads(out.splitlines()[-1])
    assert summary["reason"] == "time_budget"
    assert 0 < summary["epochs"] < 300


def test_a_time_budget_with_epochs_stops_at_whichever_comes_first(capsys):
    code, out, _ = run(capsys, "train", "--preset", "xor", "--epochs", "5", "--time-budget", "30", "--json")
    summary = json.loads(out.splitlines()[-1])
    assert code == 0 and summary["reason"] == "completed" and summary["epochs"] == 5


@pytest.fixture
def broken_files(tmp_path):
    (tmp_path / "bad.json").write_text('{"epochs": 3,,}')
    (tmp_path / "hyper.json").write_text('{"learning_rate": -0.1}')
    (tmp_path / "corrupt.npz").write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    np.save(tmp_path / "blank.npy", np.zeros((28, 28)))
    save_model(tmp_path / "wide.npz", Network([784, 10]))
    return tmp_path


@pytest.mark.parametrize("argv, message", [
    (["train", "--preset", "nope"],
     "unknown preset 'nope'; presets: best, best-conv, circles-features, convnetjs-mnist, digits8x8"),
    (["train", "--config", "{d}/missing.json"], "missing.json: no such file"),
    (["train", "--config", "{d}/bad.json"], "bad.json: line 1, column"),
    (["train", "--config", "{d}/hyper.json"], "learning_rate: -0.1 is not allowed"),
    (["train", "--preset", "xor", "--epochs", "0"], "epochs: 0 is not allowed"),
    (["train", "--preset", "xor", "--save", "{d}/no/such/m.npz"], "does not exist"),
    (["train", "--preset", "xor", "--time-budget", "-1"], "--time-budget: -1.0 is not allowed"),
    (["train"], "one of the arguments --config --preset --resume is required"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["evaluate", "{d}/missing.npz"], "missing.npz: no such file"),
    (["evaluate", "{d}/corrupt.npz"], "corrupt.npz: damaged or truncated"),
    (["evaluate", "{d}/wide.npz"], "holds no experiment"),
    (["evaluate", "{d}/wide.npz", "--dataset", "digits8x8"], "model expects 784 inputs, dataset digits8x8 has 64"),
    (["predict", "{d}/wide.npz", "{d}/blank.npy"], "nothing drawn"),
    (["predict", "{d}/wide.npz", "{d}/missing.png"], "missing.png"),
    (["predict", "{d}/wide.npz", "--point", "1", "2"], "--point: the model takes 784 inputs"),
    (["gradcheck", "--preset", "xor", "--samples", "0"], "--samples"),
])
def test_a_user_error_is_one_line_on_stderr_with_exit_status_2(capsys, broken_files, argv, message):
    with pytest.raises(SystemExit) if argv[0] == "frobnicate" or argv == ["train"] else contextlib.nullcontext() \
            as exited:
        code = cli.main([a.format(d=broken_files) for a in argv])
    code = exited.value.code if exited else code
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("nnviz: error: ")
    assert message in err and "Traceback" not in err


def test_the_module_entry_point(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "nnviz", "train", "--preset", "xor", "--epochs", "3", "--quiet"],
                        capture_output=True, text=True, cwd=tmp_path)
    assert ok.returncode == 0 and "3 epochs in" in ok.stdout and ok.stderr == ""
    bad = subprocess.run([sys.executable, "-m", "nnviz", "evaluate", "missing.npz"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr == "nnviz: error: missing.npz: no such file\n"


def test_a_read_only_model_file_is_refused_before_training(capsys, tmp_path):
    model = tmp_path / "kept.npz"
    model.write_bytes(b"my old model")
    model.chmod(0o444)
    code, out, err = run(capsys, "train", "--preset", "xor", "--epochs", "1", "--save", model, "--quiet")
    assert code == 2 and out == ""
    assert err.strip() == (f"nnviz: error: {model}: the file is read-only; nnviz does not overwrite it "
                           f"(make it writable, or choose another name)")
    assert model.read_bytes() == b"my old model"


@pytest.mark.parametrize("argv, message", [
    (["race", "--preset", "xor", "--optimizers", ",,,"],
     "nnviz: error: --optimizers: ',,,' has an empty entry; give 2 to 4 of OPTIMIZER or OPTIMIZER:η separated by "
     "commas (e.g. sgd,adam or sgd:0.01,sgd:0.1)"),
    (["race", "--preset", "xor", "--optimizers", "sgd,,adam"], "nnviz: error: --optimizers: 'sgd,,adam' has an empty"),
    (["lr-find", "--preset", "xor", "--max-lr", "1e308"],
     "nnviz: error: max_lr: 1e+308 is not allowed; must be at most 1e+06 (every loss explodes long before)"),
])
def test_arguments_that_once_gave_puzzling_answers_are_refused_in_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err.startswith(message) and len(err.strip().splitlines()) == 1
