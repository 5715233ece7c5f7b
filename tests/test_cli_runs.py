"""`nnviz lr-find`, `nnviz train --seeds N` and `nnviz race`, run in-process."""

import csv
import dataclasses
import re

import numpy as np
import pytest

from nnviz.cli import commands as cli
from nnviz.core import EpochEnd, accuracy, train
from nnviz.core.lr_finder import steepest_descent
from nnviz.io import load_preset
from nnviz.prepare import prepare, race_eta


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_lr_find_prints_the_steepest_point_of_the_curve_it_writes(capsys, tmp_path):
    log = tmp_path / "curve.csv"
    code, out, err = run(capsys, "lr-find", "--preset", "digits8x8", "--steps", "60", "--log", log)
    assert code == 0 and err == ""
    suggested = float(re.search(r"^suggested learning rate: (\S+)$", out, re.M).group(1))
    with open(log, newline="") as f:
        rows = list(csv.DictReader(f))
    etas = np.array([float(r["learning_rate"]) for r in rows])
    smoothed = np.array([float(r["smoothed_loss"]) for r in rows])
    assert etas[0] == pytest.approx(1e-5) and len(rows) == int(re.search(r"(\d+) batches", out).group(1))
    i, _ = steepest_descent(etas, smoothed)
    assert suggested == pytest.approx(etas[i], rel=5e-3)          # printed to 3 significant digits
    assert f"try: nnviz train --preset digits8x8 --learning-rate {suggested:.3g}" in out


def test_train_with_seeds_prints_each_seed_and_the_mean_and_sample_std(capsys):
    code, out, err = run(capsys, "train", "--preset", "digits8x8", "--epochs", "2", "--seed", "4", "--seeds", "3")
    assert code == 0 and err == ""
    per_seed = {int(s): float(a) for s, a in re.findall(r"^seed (\d+): test accuracy (\d+\.\d+)%", out, re.M)}
    assert list(per_seed) == [4, 5, 6]
    mean, std = map(float, re.search(r"over 3 seeds: (\d+\.\d+)% ± (\d+\.\d+)%", out).groups())
    # Printed to 0.01%: recover the exact accuracies as counts of the 359 test digits.
    values = np.round(np.array(list(per_seed.values())) * 359 / 100) / 359 * 100
    assert mean == pytest.approx(values.mean(), abs=0.0051)
    assert std == pytest.approx(values.std(ddof=1), abs=0.0051)
    # Each seed's run is the same as training that seed alone.
    _, single, _ = run(capsys, "train", "--preset", "digits8x8", "--epochs", "2", "--seed", "5")
    assert f"test accuracy {per_seed[5]:.2f}%" in single


@pytest.mark.parametrize("argv, message", [
    (["train", "--preset", "xor", "--seeds", "0"], "--seeds: 0 is not allowed"),
    (["train", "--preset", "xor", "--seeds", "2", "--json"], "cannot be combined with --json"),
    (["lr-find", "--preset", "xor", "--min-lr", "1", "--max-lr", "0.5"], "0 < η_min < η_max"),
    (["lr-find", "--preset", "xor", "--log", "{d}/curve.txt"], "must end in one of .csv, .jsonl"),
    (["race", "--preset", "xor", "--optimizers", "sgd"], "a race needs 2 to 4"),
    (["race", "--preset", "xor", "--optimizers", "sgd,adam:fast"], "'adam:fast' is not OPTIMIZER or OPTIMIZER:η"),
])
def test_bad_options_are_one_line_with_exit_status_2(capsys, tmp_path, argv, message):
    code, _, err = run(capsys, *[a.format(d=tmp_path) for a in argv])
    assert code == 2 and err.count("\n") == 1 and message in err


def test_race_prints_each_contestants_result_as_if_it_had_trained_alone(capsys):
    code, out, err = run(capsys, "race", "--preset", "digits8x8", "--epochs", "2", "--optimizers", "sgd:0.2,adam")
    assert code == 0 and err == ""
    config = dataclasses.replace(load_preset("digits8x8"), epochs=2)
    for optimizer, eta in (("sgd", 0.2), ("adam", race_eta(config, "adam"))):
        prepared = prepare(dataclasses.replace(config, optimizer=optimizer, learning_rate=eta))
        epochs = [e for e in train(prepared.network, prepared.train_data, prepared.train_config)
                  if isinstance(e, EpochEnd)]
        test = accuracy(prepared.dataset.y_test, prepared.network.predict(prepared.dataset.X_test))
        assert (f"{optimizer} η {eta:g}: test accuracy {test:.2%}, final train loss {epochs[-1].train_loss:.4f} "
                f"(2 epochs, completed)") in out
