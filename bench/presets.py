"""Run the bundled presets headless, exactly as `nnviz train --preset NAME --json` does, and tabulate them.

Each preset runs in its own `python -m nnviz train` process (so the wall time includes start-up,
loading the data and the final test evaluation); presets with a time budget get `--time-budget`.
Prints one row per preset — what it must reach, what it measured, epochs, wall time and the
machine's sgemm GFLOPS measured just before the run — and writes the table into docs/presets.md
(rows of presets not run this time are kept from the file, and so are its hand-written notes).

    python bench/presets.py                 # every preset
    python bench/presets.py fast best       # only these
    python bench/presets.py --no-write xor  # print, leave docs/presets.md alone
"""

import argparse
import json
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


def _test_at_least(target):
    def check(run):
        return run.test >= target / 100, f"{_percent(run.test)} test"
    return f"≥ {target}% test", check


def _budgeted_test(target, budget):
    def check(run):
        return run.test >= target / 100 and run.wall <= budget, f"{_percent(run.test)} test"
    return f"≥ {target}% test within {budget} s", check


def _report(run):
    return True, f"{_percent(run.test)} test"


def _xor(run):
    return run.test == 1.0, f"{round(run.test * 4)}/4 points right"


def _dying(run):
    dead = max(run.layer(-1, "dead_fraction")[:-1])
    return dead > 0.5, f"{dead:.0%} dead hidden units, {_percent(run.test)} test"


def _vanishing(run):
    norms = run.layer(1, "grad_norm")
    ratio = norms[-1] / max(norms[0], 1e-30)
    return ratio >= 100, f"last/first gradient norm {ratio:.0f}x in epoch 1, {_percent(run.test)} test"


def _spirals(run):
    train = run.summary["train_accuracy"]
    return train >= 0.97, f"{_percent(train)} train, {_percent(run.test)} test"


# preset -> (what it must reach, check(run) -> (met, measured), extra CLI arguments)
CRITERIA = {
    "nielsen-sigmoid": (*_test_at_least(95.0), []),
    "relu-l2-he": (*_test_at_least(96.3), []),
    "mnist-mlp": ("report", _report, []),
    "digits8x8": (*_test_at_least(94.7), []),
    "xor": ("all 4 points right", _xor, []),
    "dying-relu": ("> 50% dead hidden units", _dying, []),
    "vanishing-sigmoid": ("first-layer gradient ≥ 100x smaller", _vanishing, []),
    "spirals": ("≥ 97% train", _spirals, []),
    "circles-features": (*_test_at_least(97.0), []),
    "fast": (*_budgeted_test(99.0, 60), ["--time-budget", "60"]),
    "best": (*_budgeted_test(99.4, 600), ["--time-budget", "600"]),
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
    return [name, target, measured, "yes" if met else "**no**", str(run.summary["epochs"]),
            f"{run.wall:.1f} s", f"{gflops:.0f}"]


def _markdown(rows):
    lines = [TABLE_HEADER, "|" + "---|" * TABLE_HEADER.count(" | ") + "---|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def _rows_in(text):
    """{preset: row cells} from the table of an earlier docs/presets.md."""
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == TABLE_HEADER.count("|") - 1 and cells[0] in CRITERIA:
            rows[cells[0]] = cells
    return rows


def _document(rows):
    """docs/presets.md: the measured table, then every preset's title, description and expectation."""
    parts = ["## Presets", "",
             "Every preset is one command away (`nnviz train --preset NAME`) and one click away in the GUI's "
             "Presets menu. The table is written by `python bench/presets.py`, which runs each preset exactly "
             "that way (`fast` and `best` with `--time-budget 60` / `600`; the wall time includes start-up, "
             "loading MNIST and the final test evaluation) and measures the machine's float32 matrix-product "
             "speed (sgemm GFLOPS) just before each run.", "",
             _markdown(rows), ""]
    for name in preset_names():
        config = load_preset(name)
        first, second = config.description.splitlines()
        parts += [f"### `{name}` — {config.title}", "", first, "", second, "",
                  f"*Expected:* {config.expected}", ""]
    return "\n".join(parts)


def _updated(text, rows):
    """The document for `rows`, keeping the hand-written notes of an earlier docs/presets.md
    (everything from NOTES on)."""
    notes = text.find(NOTES)
    return _document(rows) + ("\n" + text[notes:] if notes >= 0 else "")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("presets", nargs="*", help="presets to run (default: all)")
    parser.add_argument("--no-write", action="store_true", help=f"do not update {DOC.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    known = preset_names()
    unknown = [name for name in args.presets if name not in known]
    if unknown:
        parser.error(f"unknown preset(s) {', '.join(unknown)}; presets: {', '.join(known)}")
    names = args.presets or [name for name in CRITERIA if name in known] + \
        [name for name in known if name not in CRITERIA]
    print(TABLE_HEADER, flush=True)
    fresh = {}
    for name in names:
        fresh[name] = measure(name)
        print("| " + " | ".join(fresh[name]) + " |", flush=True)
    if not args.no_write:
        text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        merged = {**_rows_in(text), **fresh}
        order = [name for name in CRITERIA if name in merged] + sorted(set(merged) - set(CRITERIA))
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(_updated(text, [merged[name] for name in order]), encoding="utf-8")
        print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
