"""Predicting a huge photo: time and peak memory of `nnviz predict` on a 4000x4000 JPEG and PNG.

Each case runs in its own process (so peak RSS is that case's alone) and is repeated; the best
time and the largest peak are kept. A 28x28 PNG gives the baseline: the difference in peak RSS
is what reading the big image costs. The images are an MNIST test digit enlarged, dark on white.

    python bench/predict_image.py [--repeats 3] [--side 4000]
"""

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe


def peak_rss_mb():
    """This process's peak resident memory: VmHWM (Linux; unlike ru_maxrss it restarts at exec), else ru_maxrss."""
    try:
        status = Path("/proc/self/status").read_text()
        return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(model, image):
    """Run `nnviz predict MODEL IMAGE` in this process; print its time, peak RSS and top class as JSON."""
    from nnviz.cli import commands as cli

    out = io.StringIO()
    start = time.perf_counter()
    with redirect_stdout(out):
        code = cli.main(["predict", model, image])
    seconds = time.perf_counter() - start
    peak_mb = peak_rss_mb()
    print(json.dumps({"code": code, "seconds": seconds, "peak_mb": peak_mb, "top": out.getvalue().split()[:1]}))


def make_files(folder, side):
    from PIL import Image

    from nnviz.core import Network
    from nnviz.data import load_dataset
    from nnviz.io import save_model

    model = folder / "model.npz"
    save_model(model, Network([784, 128, 64, 10], hidden="relu", output="softmax", loss="cross_entropy", seed=0))
    digit = 255 - (load_dataset("mnist").X_test[0].reshape(28, 28) * 255).round().astype(np.uint8)
    files = {"28x28 PNG (baseline)": folder / "small.png"}
    Image.fromarray(digit).save(files["28x28 PNG (baseline)"])
    big = Image.fromarray(digit).resize((side, side), Image.Resampling.BILINEAR).convert("RGB")
    for kind, options in (("JPEG", {"quality": 92}), ("PNG", {"compress_level": 1})):
        files[f"{side}x{side} {kind}"] = folder / f"big.{kind.lower()}"
        big.save(files[f"{side}x{side} {kind}"], **options)
    return model, files


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--side", type=int, default=4000)
    parser.add_argument("--child", nargs=2, metavar=("MODEL", "IMAGE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    print(describe())
    with tempfile.TemporaryDirectory() as tmp:
        model, files = make_files(Path(tmp), args.side)
        print(f"{'image':<22}{'file MB':>9}{'predict s':>11}{'peak RSS MB':>13}{'over baseline MB':>18}  top class")
        baseline = None
        for name, path in files.items():
            runs = [json.loads(subprocess.run([sys.executable, __file__, "--child", str(model), str(path)],
                                              capture_output=True, text=True, check=True).stdout)
                    for _ in range(args.repeats)]
            seconds, peak = min(r["seconds"] for r in runs), max(r["peak_mb"] for r in runs)
            baseline = peak if baseline is None else baseline
            print(f"{name:<22}{path.stat().st_size / 1e6:>9.2f}{seconds:>11.3f}{peak:>13.0f}"
                  f"{peak - baseline:>18.0f}  {runs[0]['top'][0] if runs[0]['code'] == 0 else 'error'}")


if __name__ == "__main__":
    main()
