"""Memory: the window's whole process tree (window + training process) against headless training.

Runs `nnviz train --preset mnist-mlp --epochs 1` headless, then the window training the same preset
for --seconds (`nnviz-gui --train-seconds`, offscreen), each as a child of this script, and samples
the resident memory (VmRSS in /proc) of that child and all its descendants every 20 ms. Printed:
each one's peak of the sum over the tree, and the difference. The goal (issue 20): the window's
tree peaks at most 350 MB above headless. Linux only (/proc).

    python bench/memory.py [--seconds 20] [--preset mnist-mlp]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLE_SECONDS = 0.02
GOAL_MB = 350


def children(pid):
    """The pids of `pid`'s direct children (from /proc/PID/task/*/children)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def rss_bytes(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(pid):
    """Resident bytes of `pid` and all its descendants, and how many processes that is."""
    total, count, todo = 0, 0, [pid]
    while todo:
        current = todo.pop()
        total += rss_bytes(current)
        count += 1
        todo += children(current)
    return total, count


def peak_tree_rss(command, env):
    """Run `command`; (peak of the tree's summed RSS in bytes, most processes seen at once, seconds)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    peak, most = 0, 0
    while child.poll() is None:
        total, count = tree_rss(child.pid)
        peak, most = max(peak, total), max(most, count)
        time.sleep(SAMPLE_SECONDS)
    if child.returncode != 0:
        sys.exit(f"{' '.join(command)} failed (exit code {child.returncode})")
    return peak, most, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds the window trains")
    parser.add_argument("--preset", default="mnist-mlp")
    args = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    python = sys.executable
    headless, _, headless_s = peak_tree_rss(
        [python, "-m", "nnviz", "train", "--preset", args.preset, "--epochs", "1", "--quiet"], env)
    with tempfile.TemporaryDirectory(prefix="nnviz-memory-") as scratch:
        window, processes, window_s = peak_tree_rss(
            [python, "-m", "nnviz.app", "--preset", args.preset, "--train-seconds", str(args.seconds),
             "--screenshot", str(Path(scratch) / "window.png")], env)
    mb = 1e6
    print(f"headless  nnviz train --preset {args.preset} --epochs 1: peak RSS {headless / mb:7.0f} MB "
          f"({headless_s:.0f} s)")
    print(f"window    training {args.preset} for {args.seconds:g} s:   peak RSS {window / mb:7.0f} MB "
          f"over {processes} processes ({window_s:.0f} s)")
    difference = (window - headless) / mb
    print(f"difference: {difference:+.0f} MB (goal: at most +{GOAL_MB} MB) "
          f"{'OK' if difference <= GOAL_MB else 'OVER'}")


if __name__ == "__main__":
    main()
