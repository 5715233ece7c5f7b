"""`nnviz train --resume`: 2 epochs, then a resume to 4, give the weights of 4 epochs in one go, bit for bit
(Adam, dropout, shift augmentation, a step schedule), and bad resumes are one-line errors."""

import json

import numpy as np
import pytest

from nnviz.cli import commands as cli
from nnviz.io import load_model, save_model

EXPERIMENT = {"dataset": "digits8x8", "train_subset": 120, "validation_split": 0.2, "hidden_layers": [16],
              "optimizer": "adam", "learning_rate": 0.01, "batch_size": 32, "dropout": 0.2,
              "augment_shift": 1, "schedule": "step", "step_epochs": 1, "step_gamma": 0.7, "seed": 4}


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    return code, capsys.readouterr()


@pytest.fixture
def experiment(tmp_path):
    path = tmp_path / "exp.json"
    path.write_text(json.dumps(EXPERIMENT))
    return path


def weights(path):
    net = load_model(path).network
    return np.concatenate([p.ravel() for p in net.params()])


def test_two_epochs_then_a_resume_to_four_equal_four_in_one_go(capsys, tmp_path, experiment):
    half, resumed, whole = tmp_path / "half.npz", tmp_path / "resumed.npz", tmp_path / "whole.npz"
    assert run(capsys, "train", "--config", experiment, "--epochs", 2, "--save", half, "--quiet")[0] == 0
    assert run(capsys, "train", "--resume", half, "--epochs", 4, "--save", resumed, "--quiet")[0] == 0
    assert run(capsys, "train", "--config", experiment, "--epochs", 4, "--save", whole, "--quiet")[0] == 0
    np.testing.assert_array_equal(weights(resumed), weights(whole))
    assert not np.array_equal(weights(half), weights(whole))
    state = load_model(resumed).train_state
    assert (state.epochs_done, state.batches_done, state.optimizer) == (4, 0, "adam")
    assert load_model(resumed).metrics["epochs"] == 4


def test_a_resume_that_cannot_go_on_says_why(capsys, tmp_path, experiment):
    half = tmp_path / "half.npz"
    run(capsys, "train", "--config", experiment, "--epochs", 2, "--save", half, "--quiet")
    code, out = run(capsys, "train", "--resume", half, "--epochs", 2)
    assert code == 2 and out.err.strip().endswith(f"{half} has trained 2 epochs already; give the total to "
                                                  "reach, more than 2")
    code, out = run(capsys, "train", "--resume", half, "--epochs", 4, "--seed", 1)
    assert code == 2 and "--resume goes on with the saved run's seed" in out.err
    bare = tmp_path / "bare.npz"
    save_model(bare, load_model(half).network)                  # weights only, no experiment or state
    code, out = run(capsys, "train", "--resume", bare, "--epochs", 4)
    assert code == 2 and f"{bare}: holds no experiment to resume from" in out.err
    assert len(out.err.strip().splitlines()) == 1


def test_the_progress_line_measures_the_run_by_its_position_after_a_batch_size_change():
    """Epoch 7 of 10, batch 1 of 2 (the batch doubled after 6 epochs of 4 batches, step 25): 65% done,
    and 6.5 epochs in 13 s of training leave 3.5 epochs, 7 s (by steps it would be 25/20 = 125%)."""
    import io
    import math

    from nnviz.cli.console import TrainingConsole
    from nnviz.core import BatchEnd

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    console = TrainingConsole(out, False, 10, math.inf)
    console.batch(BatchEnd(7, 1, 2, 25, 0.5, 0.1, 1000, 13.0))
    line = out.getvalue()
    assert line.startswith("\r[" + "#" * 13 + "." * 7 + "] epoch 7/10  batch 1/2")
    assert line.rstrip().endswith("ETA 0:07")
