"""Run the bundled presets headless, exactly as `nnviz train --preset NAME --json` does, and tabulate them.

Each preset runs in its own `python -m nnviz train` process (so the wall time includes start-up,
loading the data and the final test evaluation); presets with a time budget get `--time-budget`.
Prints one row per preset — what it must reach, what it measured, epochs, wall time and the
machine's sgemm GFLOPS measured just before the run — and writes the table into docs/presets.md
(rows of presets not run this time are kept from the file, and so are its hand-written notes).

With `--seeds N` it runs each seed preset (the reproductions in SEED_PRESETS) with seeds 0 … N−1
instead and tabulates the spread beside the published number: mean ± sample std, median, the worst
seed, how many seeds meet the preset's threshold, and what its default seed gives.

    python bench/presets.py                 # every preset
    python bench/presets.py fast best       # only these
    python bench/presets.py --no-write xor  # print, leave docs/presets.md alone
    python bench/presets.py --seeds 5       # the seed presets over seeds 0-4
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import sgemm_gflops

from nnviz.io import load_preset, preset_names

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "presets.md"
TABLE_HEADER = "| preset | must reach | measured | met | epochs | wall time | sgemm GFLOPS |"
SEEDS_HEADER = "| preset | published | must reach | seeds | mean ± std | median | worst (seed) | met | default seed |"
NOTES = "<!-- notes: kept as written when bench/presets.py updates this file -->"


@dataclass
class Run:
    """What one `nnviz train --json` run printed: its epoch records and the closing summary."""

    epochs: list
    summary: dict
    wall: float

    @property
    def test(self):
        return self.summary["test_accuracy"]

    def layer(self, epoch, stat):
        """The `stat` of every weight layer at `epoch` (1-based; -1 for the last)."""
        record = self.epochs[epoch - 1 if epoch > 0 else epoch]
        return [layer[stat] for layer in record["layers"]]


def _percent(x):
    return f"{100 * x:.2f}%"


@dataclass(frozen=True)
class SeedCriterion:
    """A reproduction's claim: the number its authors published, and the threshold (in %) on the
    `measure` accuracy ("test" or "train") that its default seed must reach here — the preset's
    expected text states it, and tests/test_presets_train.py asserts it in CI."""

    published: str
    threshold: float
    measure: str = "test"
    target_text: str = ""

    @property
    def target(self):
        return self.target_text or f"≥ {self.threshold:g}% {self.measure}"

    def score(self, summary):
        """The measured accuracy in % from a run's summary (the CLI's Summary record)."""
        return 100 * summary[f"{self.measure}_accuracy"]

    def check(self, run):
        score = self.score(run.summary)
        measured = f"{score:.2f}% {self.measure}"
        if self.measure != "test":
            measured += f", {_percent(run.test)} test"
        return score >= self.threshold, measured


# The seed presets: reproductions of a published number (mnist-mlp: of its own measured one).
SEED_PRESETS = {
    "nielsen-sigmoid": SeedCriterion("≥ 95.0% test (the book: ≈ 95%, 95.42% at its best epoch of one run)", 94.5),
    "relu-l2-he": SeedCriterion("≥ 96.3% test", 96.3),
    "digits8x8": SeedCriterion("≥ 94.7% test", 94.7),
    "xor": SeedCriterion("all 4 points right", 100.0, target_text="all 4 points right"),
    "spirals": SeedCriterion("≥ 97% train", 97.0, "train"),
    "mnist-mlp": SeedCriterion("none (report)", 97.3),
}


def _test_at_least(target):
    def check(run):
        return run.test >= target / 100, f"{_percent(run.test)} test"
    return f"≥ {target}% test", check


def _budgeted_test(target, budget):
    def check(run):
        return run.test >= target / 100 and run.wall <= budget, f"{_percent(run.test)} test"
    return f"≥ {target}% test within {budget} s", check


def _report(run):
    """No threshold: the row reports the accuracy beside the published claim."""
    return None, f"{_percent(run.test)} test"


def _dying(run):
    dead = max(run.layer(-1, "dead_fraction")[:-1])
    return dead > 0.5, f"{dead:.0%} dead hidden units, {_percent(run.test)} test"


def _vanishing(run):
    norms = run.layer(1, "grad_norm")
    ratio = norms[-1] / max(norms[0], 1e-30)
    return ratio >= 100, f"last/first gradient norm {ratio:.0f}x in epoch 1, {_percent(run.test)} test"


# preset -> (what it must reach, check(run) -> (met: True, False or None, measured), extra CLI arguments)
CRITERIA = {
    **{name: (seed.target, seed.check, []) for name, seed in SEED_PRESETS.items()},
    "dying-relu": ("> 50% dead hidden units", _dying, []),
    "vanishing-sigmoid": ("first-layer gradient ≥ 100x smaller", _vanishing, []),
    "circles-features": (*_test_at_least(97.0), []),
    "fast": (*_budgeted_test(99.0, 60), ["--time-budget", "60"]),
    "best": (*_budgeted_test(99.4, 600), ["--time-budget", "600"]),
    "best-conv": (*_budgeted_test(99.4, 600), ["--time-budget", "600"]),
    "lenet": (*_budgeted_test(99.0, 600), ["--time-budget", "600"]),
    "convnetjs-mnist": ("≈ 99% test (the demo's claim)", _report, []),
}


def run_preset(name, extra):
    """Run `nnviz train --preset name --json` in a fresh process; return its Run."""
    command = [sys.executable, "-m", "nnviz", "train", "--preset", name, "--json", *extra]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()}")
    epochs, summary = [], None
    for line in done.stdout.splitlines():
        record = json.loads(line)
        if record["type"] == "EpochEnd":
            epochs.append(record)
        elif record["type"] == "Summary":
            summary = record
    return Run(epochs, summary, wall)


def measure(name):
    """The table row (a list of cells) for preset `name`."""
    target, check, extra = CRITERIA.get(name, ("report", _report, []))
    gflops = sgemm_gflops(repeats=10)
    run = run_preset(name, extra)
    met, measured = check(run)
    return [name, target, measured, {True: "yes", False: "**no**", None: "report"}[met], str(run.summary["epochs"]),
            f"{run.wall:.1f} s", f"{gflops:.0f}"]


def seed_row(name, scores):
    """The seed table's row for preset `name` from {seed: score in %}."""
    criterion = SEED_PRESETS[name]
    values = list(scores.values())
    worst = min(scores, key=scores.get)
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    default = load_preset(name).seed
    met = sum(value >= criterion.threshold for value in values)
    seeds = sorted(scores)
    return [name, criterion.published, criterion.target, f"{seeds[0]}-{seeds[-1]}",
            f"{statistics.mean(values):.2f} ± {spread:.2f}%", f"{statistics.median(values):.2f}%",
            f"{scores[worst]:.2f}% ({worst})", f"{met}/{len(values)}",
            f"{scores[default]:.2f}% ({default})" if default in scores else "not run"]


def measure_seeds(name, n_seeds, log=print):
    """Run preset `name` with seeds 0 … n_seeds−1 (logging each); its seed table row."""
    criterion = SEED_PRESETS[name]
    scores = {}
    for seed in range(n_seeds):
        run = run_preset(name, ["--seed", str(seed)])
        scores[seed] = criterion.score(run.summary)
        log(f"  {name} seed {seed}: {scores[seed]:.2f}% {criterion.measure} ({run.wall:.1f} s)")
    return seed_row(name, scores)


def _markdown(header, rows):
    lines = [header, "|" + "---|" * header.count(" | ") + "---|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def _rows_in(text, header=TABLE_HEADER):
    """{preset: row cells} from the table under `header` in an earlier docs/presets.md."""
    rows, inside = {}, False
    for line in text.splitlines():
        if line.startswith("| preset |"):
            inside = line == header
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if inside and line.startswith("| ") and len(cells) == header.count("|") - 1 and cells[0] in CRITERIA:
            rows[cells[0]] = cells
    return rows


def _document(rows, seed_rows):
    """docs/presets.md: the measured tables, then every preset's title, description and expectation."""
    parts = ["## Presets", "",
             "Every preset is one command away (`nnviz train --preset NAME`) and one click away in the GUI's "
             "Presets menu. The table is written by `python bench/presets.py`, which runs each preset exactly "
             "that way (`fast` with `--time-budget 60`, `best`, `best-conv` and `lenet` with `600`; the wall "
             "time includes start-up, "
             "loading MNIST and the final test evaluation) and measures the machine's float32 matrix-product "
             "speed (sgemm GFLOPS) just before each run.", "",
             _markdown(TABLE_HEADER, rows), "",
             "### Over seeds", "",
             "One run is one draw: the seed sets the initial weights, the validation split and the batch "
             "order, and even float rounding (another BLAS kernel on another CPU) moves a 30-epoch SGD run by "
             "a few tenths of a percent. `python bench/presets.py --seeds 5` runs each reproduction with "
             "seeds 0-4 and sets the spread beside the published number: mean ± sample standard deviation, "
             "median, the worst seed, how many seeds reach the preset's threshold (the default seed must: "
             "tests/test_presets_train.py checks it in CI) and what the default seed gives.", "",
             _markdown(SEEDS_HEADER, seed_rows), ""]
    for name in preset_names():
        config = load_preset(name)
        first, second = config.description.splitlines()
        parts += [f"### `{name}` — {config.title}", "", first, "", second, "",
                  f"*Expected:* {config.expected}", ""]
    return "\n".join(parts)


def _updated(text, rows, seed_rows):
    """The document for the rows, keeping the hand-written notes of an earlier docs/presets.md
    (everything from NOTES on)."""
    notes = text.find(NOTES)
    return _document(rows, seed_rows) + ("\n" + text[notes:] if notes >= 0 else "")


def _in_order(rows, names):
    return [rows[name] for name in names if name in rows] + \
        [rows[name] for name in sorted(set(rows) - set(names))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("presets", nargs="*", help="presets to run (default: all, or with --seeds every seed preset)")
    parser.add_argument("--seeds", type=int, default=0, metavar="N",
                        help="run the seed presets with seeds 0 … N-1 and tabulate the spread")
    parser.add_argument("--no-write", action="store_true", help=f"do not update {DOC.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    known = preset_names()
    allowed = SEED_PRESETS if args.seeds else known
    unknown = [name for name in args.presets if name not in allowed]
    if unknown:
        what = "seed presets" if args.seeds else "presets"
        parser.error(f"unknown {what} {', '.join(unknown)}; {what}: {', '.join(allowed)}")
    if args.seeds < 0:
        parser.error(f"--seeds: {args.seeds} is negative")
    fresh, fresh_seeds = {}, {}
    if args.seeds:
        print(SEEDS_HEADER, flush=True)
        for name in args.presets or list(SEED_PRESETS):
            fresh_seeds[name] = measure_seeds(name, args.seeds, log=lambda line: print(line, flush=True))
            print("| " + " | ".join(fresh_seeds[name]) + " |", flush=True)
    else:
        print(TABLE_HEADER, flush=True)
        for name in args.presets or [name for name in CRITERIA if name in known] + \
                [name for name in known if name not in CRITERIA]:
            fresh[name] = measure(name)
            print("| " + " | ".join(fresh[name]) + " |", flush=True)
    if not args.no_write:
        text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        rows = {**_rows_in(text), **fresh}
        seed_rows = {**_rows_in(text, SEEDS_HEADER), **fresh_seeds}
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(_updated(text, _in_order(rows, CRITERIA), _in_order(seed_rows, SEED_PRESETS)),
                       encoding="utf-8")
        print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
