"""A long session in the window: does its memory level off, or grow with every run?

Cycles eight presets (2-D toys, MNIST MLPs, ten sigmoid layers, LeNet) in one window, offscreen, as
a student would over an hour: choose the preset, train for --seconds, stop, open Evaluate, close it.
Prints the window process's resident memory (VmRSS) after each run, and the growth from the end of
the first round to the end of the last: a window that frees what it no longer shows stays level
(each round adds runs to the Runs dock, which keeps them within its budget). Linux only (/proc).

    python bench/long_session.py [--rounds 3] [--seconds 6]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

PRESETS = ("spirals", "xor", "mnist-mlp", "circles-features", "digits8x8", "vanishing-sigmoid", "lenet",
           "dying-relu")


def resident_mb():
    for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc")


def wait(app, seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=6.0, help="training per run")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv)
    from nnviz.app.main_window import MainWindow

    scratch = Path(tempfile.mkdtemp(prefix="nnviz-bench-"))        # not the user's settings or Runs store
    window = MainWindow(settings=QSettings(str(scratch / "s.ini"), QSettings.Format.IniFormat), restore=False,
                        runs_folder=scratch / "runs")
    window.resize(1366, 768)
    window.show()
    ends = []
    for round_ in range(1, args.rounds + 1):
        for preset in PRESETS:
            window.load_preset(preset)
            wait(app, 0.3)
            window.start_training()
            wait(app, args.seconds)
            window.stop_training()
            wait(app, 1.5)
            dialog = window.files.evaluate()
            wait(app, 1.0)
            if dialog is not None:
                dialog.close()
            wait(app, 0.2)
            print(f"round {round_}  {preset:18s} {resident_mb():7.1f} MB", flush=True)
        ends.append(resident_mb())
    window.close()
    print(f"end of round 1: {ends[0]:.0f} MB; end of round {args.rounds}: {ends[-1]:.0f} MB; "
          f"growth {ends[-1] - ends[0]:+.0f} MB over {(args.rounds - 1) * len(PRESETS)} runs")


if __name__ == "__main__":
    main()
