"""Every bundled preset loads, validates and trains on a reduced budget; the failure demos fail as promised;
every seed preset, run in full with its default seed, reaches the threshold its expected text states.

The spread over seeds (and the numbers in the README) come from bench/presets.py, not from here.
"""

import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nnviz.core import BatchEnd, EpochEnd, Finished, train
from nnviz.io import load_preset, preset_names
from nnviz.prepare import prepare

ISSUE_PRESETS = {"nielsen-sigmoid", "relu-l2-he", "mnist-mlp", "digits8x8", "xor", "dying-relu",
                 "vanishing-sigmoid", "spirals", "fast", "best"}
MNIST_SUBSET = 1500


def reduced(name, epochs=2, subset=MNIST_SUBSET):
    """The preset with a small MNIST subset, a few epochs and no time budget."""
    config = load_preset(name)
    changes = {"time_budget": 0.0, "epochs": min(config.epochs, epochs)}
    if config.dataset == "mnist":
        changes["train_subset"] = subset
    return dataclasses.replace(config, **changes).validate()


def run(config):
    prepared = prepare(config)
    events = list(train(prepared.network, prepared.train_data, prepared.train_config))
    return prepared, events


def test_every_preset_the_issue_names_is_bundled():
    assert ISSUE_PRESETS <= set(preset_names())


@pytest.mark.parametrize("name", preset_names())
def test_preset_trains_and_its_loss_falls(name):
    toy = load_preset(name).dataset in ("xor", "spirals", "circles", "moons", "blobs")
    prepared, events = run(reduced(name, epochs=300 if toy else 2))
    first = next(e for e in events if isinstance(e, BatchEnd))
    last = [e for e in events if isinstance(e, EpochEnd)][-1]
    assert isinstance(events[-1], Finished) and events[-1].reason == "completed"
    assert last.train_loss < first.loss


@pytest.mark.parametrize("name", ["fast", "best", "best-conv"])
def test_fast_and_best_follow_the_clock_and_train_on_all_60k(name):
    config = load_preset(name)
    assert config.time_budget > 0 and config.schedule == "cosine"
    assert config.epochs >= 1000, "the time budget, not the epoch count, ends the run"
    assert config.validation_split == 0 and not config.restore_best
    assert config.augment_shift > 0


def test_lenet_on_a_small_subset_beats_chance_clearly():
    """Two epochs on 1,500 images (chance: 10%) already read most digits; the full run is in bench/presets.py."""
    prepared, events = run(reduced("lenet", epochs=2))
    assert [W.shape for W in prepared.network.weights][:2] == [(6, 1, 5, 5), (16, 6, 5, 5)]
    test = prepared.dataset
    assert np.mean(prepared.network.predict(test.X_test[:1000]) == test.y_test[:1000]) > 0.5


def test_dying_relu_kills_most_hidden_units_in_its_first_epoch():
    _, events = run(reduced("dying-relu", epochs=1, subset=6000))
    epoch = next(e for e in events if isinstance(e, EpochEnd))
    assert epoch.dead_fractions[0] > 0.5


def test_vanishing_sigmoid_first_layer_gradient_is_100x_smaller_than_the_last():
    _, events = run(reduced("vanishing-sigmoid", epochs=1, subset=6000))
    norms = next(e for e in events if isinstance(e, EpochEnd)).grad_norms
    assert len(norms) >= 7 and norms[-1] >= 100 * norms[0]


ROOT = Path(__file__).resolve().parent.parent


def _bench():
    path = ROOT / "bench" / "presets.py"
    spec = importlib.util.spec_from_file_location("bench_presets", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench()


def train_on_the_command_line(name):
    """The Summary record of `nnviz train --preset NAME --json`, run in a fresh process on one BLAS
    thread: on a busy 2-core machine two BLAS threads wait for each other in every small matrix
    product (mnist-mlp took 320 s instead of 5)."""
    done = subprocess.run([sys.executable, "-m", "nnviz", "train", "--preset", name, "--json"],
                          capture_output=True, text=True, cwd=ROOT, check=True,
                          env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("name", list(BENCH.SEED_PRESETS))
def test_seed_preset_reaches_its_threshold_in_full_with_its_default_seed(name):
    """The full recipe: a core change that moves a reproduction below the number its text states
    fails here (nielsen-sigmoid and relu-l2-he take ~15 s each, the others a few seconds)."""
    criterion = BENCH.SEED_PRESETS[name]
    summary = train_on_the_command_line(name)
    assert summary["type"] == "Summary" and summary["reason"] == "completed"
    assert criterion.score(summary) >= criterion.threshold


@pytest.mark.parametrize("name", list(BENCH.SEED_PRESETS))
def test_seed_preset_text_states_the_threshold_ci_asserts(name):
    assert BENCH.SEED_PRESETS[name].target in load_preset(name).expected


def test_the_benchmark_has_a_criterion_for_every_preset_and_keeps_old_rows():
    assert ISSUE_PRESETS <= set(BENCH.CRITERIA)
    rows = [["xor", "all 4 points right", "100.00% test", "yes", "10000", "2.0 s", "240"]]
    seed_rows = [["xor", "all 4 points right", "all 4 points right", "0-4", "100.00 ± 0.00%", "100.00%",
                  "100.00% (0)", "5/5", "100.00% (0)"]]
    text = BENCH._document(rows, seed_rows)
    assert BENCH._rows_in(text) == {"xor": rows[0]}
    assert BENCH._rows_in(text, BENCH.SEEDS_HEADER) == {"xor": seed_rows[0]}


def test_the_seed_table_row_states_mean_sample_std_median_worst_and_the_default_seed():
    scores = {0: 94.0, 1: 95.0, 2: 96.0, 3: 86.0}      # nielsen-sigmoid's default seed is 0
    row = BENCH.seed_row("nielsen-sigmoid", scores)
    # mean 92.75; sample std √((1.25² + 2.25² + 3.25² + 6.75²) / 3) = √(62.75 / 3) = 4.57;
    # median (94 + 95) / 2; two seeds reach the threshold 94.5%
    assert row[3:] == ["0-3", "92.75 ± 4.57%", "94.50%", "86.00% (3)", "2/4", "94.00% (0)"]


def test_circles_features_solves_circles_with_no_hidden_layer():
    prepared, events = run(load_preset("circles-features"))
    net, test = prepared.network, prepared.dataset
    assert net.sizes == [2, 2] and net.features == ("x1^2", "x2^2")
    assert np.mean(net.predict(test.X_test) == test.y_test) >= 0.97
