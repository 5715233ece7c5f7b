"""Training throughput: the nnviz core against a plain vectorised NumPy loop (and PyTorch, if present).

One epoch of MNIST, 784-128-64-10 ReLU/softmax + cross-entropy, He init, plain SGD, batch 64 and
128, float32. Each contender runs the same number of samples in the same process; rounds
alternate between them (each round starting with the next contender) and the best round of each
is kept, so that background load hurts all alike. Prints samples/s and the ratio nnviz / reference.

    python bench/throughput.py [--rounds 5] [--samples 60000]

With --conv it trains the `lenet` preset's network (two 5x5 convolutions with 2x2 max-pooling,
dense 120-84-10, ReLU, softmax + cross-entropy, plain SGD) against the same network in PyTorch on
the same batches, and prints one row per batch size: lenet, the batch size, both samples/s and
nnviz/pytorch (without PyTorch it prints nnviz alone and says so).

    python bench/throughput.py --conv [--rounds 3] [--samples 6000]
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe

from nnviz.core import Network, TrainConfig, train
from nnviz.data import load_dataset
from nnviz.io import load_preset

SIZES = [784, 128, 64, 10]
LEARNING_RATE = 0.1
# A pause before each run, so that no contender starts while the previous one's thread pool
# (PyTorch's OpenMP threads spin for a while after their last task) still holds the CPU.
SETTLE_SECONDS = 0.5


def run_nnviz(X, y, batch_size, seed):
    net = Network(SIZES, hidden="relu", output="softmax", loss="cross_entropy", init="he", seed=seed)
    config = TrainConfig(optimizer="sgd", learning_rate=LEARNING_RATE, batch_size=batch_size,
                         epochs=1, seed=seed)
    start = time.perf_counter()
    for _ in train(net, (X, y), config):
        pass
    return len(X) / (time.perf_counter() - start)


def run_plain_numpy(X, y, batch_size, seed):
    """The reference: a careful, independent mini-batch loop, as one writes it by hand."""
    rng = np.random.default_rng(seed)
    Ws = [(rng.standard_normal((a, b)) * np.sqrt(2.0 / a)).astype(np.float32)
          for a, b in zip(SIZES[:-1], SIZES[1:])]
    bs = [np.zeros(b, dtype=np.float32) for b in SIZES[1:]]
    start = time.perf_counter()
    order = rng.permutation(len(X))
    for i in range(0, len(X), batch_size):
        idx = order[i:i + batch_size]
        xb, yb = X[idx], y[idx]
        h1 = np.maximum(xb @ Ws[0] + bs[0], 0)
        h2 = np.maximum(h1 @ Ws[1] + bs[1], 0)
        z = h2 @ Ws[2] + bs[2]
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        loss = -np.mean(np.log(p[np.arange(len(idx)), yb] + 1e-12))  # noqa: F841 (a loop reports it)
        d3 = p
        d3[np.arange(len(idx)), yb] -= 1
        d3 /= len(idx)
        d2 = (d3 @ Ws[2].T) * (h2 > 0)
        d1 = (d2 @ Ws[1].T) * (h1 > 0)
        grads = [(xb.T @ d1, d1.sum(axis=0)), (h1.T @ d2, d2.sum(axis=0)), (h2.T @ d3, d3.sum(axis=0))]
        for W, b, (dW, db) in zip(Ws, bs, grads):
            W -= LEARNING_RATE * dW
            b -= LEARNING_RATE * db
    return len(X) / (time.perf_counter() - start)


def make_torch_runner():
    try:
        import torch
    except ImportError:
        return None

    def run_torch(X, y, batch_size, seed):
        torch.manual_seed(seed)
        model = torch.nn.Sequential(
            torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64), torch.nn.ReLU(),
            torch.nn.Linear(64, 10))
        optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
        loss_fn = torch.nn.CrossEntropyLoss()
        Xt, yt = torch.from_numpy(X.copy()), torch.from_numpy(y)
        start = time.perf_counter()
        order = torch.randperm(len(X))
        for i in range(0, len(X), batch_size):
            idx = order[i:i + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()
        return len(X) / (time.perf_counter() - start)

    run_torch.version = torch.__version__
    run_torch.threads = torch.get_num_threads()
    return run_torch


LENET_RATE = 0.05


def run_nnviz_lenet(X, y, batch_size, seed):
    """One epoch of nnviz's own training loop on the lenet preset's layers."""
    net = Network([784, 10], layers=load_preset("lenet").layers, image_shape=(28, 28), seed=seed)
    config = TrainConfig(optimizer="sgd", learning_rate=LENET_RATE, batch_size=batch_size, epochs=1, seed=seed)
    start = time.perf_counter()
    for _ in train(net, (X, y), config):
        pass
    return len(X) / (time.perf_counter() - start)


def make_torch_lenet_runner():
    try:
        import torch
    except ImportError:
        return None
    nn = torch.nn

    def run_torch(X, y, batch_size, seed):
        torch.manual_seed(seed)
        model = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10))
        optimizer = torch.optim.SGD(model.parameters(), lr=LENET_RATE)
        loss_fn = nn.CrossEntropyLoss()
        Xt, yt = torch.from_numpy(X.reshape(-1, 1, 28, 28).copy()), torch.from_numpy(y)
        start = time.perf_counter()
        # The batches nnviz trains on: train() draws its first epoch's order from default_rng(seed).
        order = torch.from_numpy(np.random.default_rng(seed).permutation(len(X)))
        for i in range(0, len(X), batch_size):
            idx = order[i:i + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()
        return len(X) / (time.perf_counter() - start)

    run_torch.version = torch.__version__
    run_torch.threads = torch.get_num_threads()
    return run_torch


def best_rounds(contenders, X, y, batch_size, rounds):
    """Best samples/s of each contender over `rounds` rounds, each round starting with the next one."""
    best = {name: 0.0 for name in contenders}
    names = list(contenders)
    for round_ in range(rounds):
        for name in names[round_ % len(names):] + names[:round_ % len(names)]:
            time.sleep(SETTLE_SECONDS)
            best[name] = max(best[name], contenders[name](X, y, batch_size, seed=round_))
    return best


def main_conv(X, y, rounds):
    contenders = {"nnviz": run_nnviz_lenet}
    torch_runner = make_torch_lenet_runner()
    if torch_runner:
        contenders["pytorch"] = torch_runner
        print(f"pytorch {torch_runner.version} on the CPU, {torch_runner.threads} threads")
    else:
        print("pytorch: not installed (pip install torch to compare); nnviz alone")
    print(f"one epoch of {len(X)} MNIST samples, lenet (conv 6x5x5 same, maxpool 2, conv 16x5x5, maxpool 2, "
          f"dense 120-84-10), SGD, float32, the same batches, best of {rounds} alternating rounds\n")
    print(f"{'network':<8}{'batch':>6}  " + "  ".join(f"{name + ' samples/s':>20}" for name in contenders)
          + ("  nnviz/pytorch" if torch_runner else ""))
    for batch_size in (64, 128):
        best = best_rounds(contenders, X, y, batch_size, rounds)
        row = f"{'lenet':<8}{batch_size:>6}  " + "  ".join(f"{best[name]:>20,.0f}" for name in contenders)
        if torch_runner:
            row += f"  {best['nnviz'] / best['pytorch']:>13.2f}"
        print(row, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conv", action="store_true", help="lenet against PyTorch instead of the MLP")
    parser.add_argument("--rounds", type=int, default=None, help="default 5 (3 with --conv)")
    parser.add_argument("--samples", type=int, default=None,
                        help="training samples per epoch (default 60000, 6000 with --conv)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (3 if args.conv else 5)
    samples = args.samples or (6000 if args.conv else 60000)

    print(describe())
    mnist = load_dataset("mnist")
    X = np.ascontiguousarray(mnist.X_train[:samples])
    y = mnist.y_train[:samples].astype(np.int64)
    if args.conv:
        main_conv(X, y, rounds)
        return
    contenders = {"nnviz": run_nnviz, "numpy loop": run_plain_numpy}
    torch_runner = make_torch_runner()
    if torch_runner:
        contenders["pytorch"] = torch_runner
        print(f"pytorch {torch_runner.version} on the CPU, {torch_runner.threads} threads")
    else:
        print("pytorch: not installed (pip install torch to add it to the comparison)")
    print(f"one epoch of {len(X)} MNIST samples, 784-128-64-10 ReLU/softmax, SGD, float32, "
          f"best of {rounds} alternating rounds\n")

    print(f"{'batch':>5}  " + "  ".join(f"{name + ' samples/s':>20}" for name in contenders)
          + "  nnviz/numpy" + ("  nnviz/pytorch" if torch_runner else ""))
    for batch_size in (64, 128):
        best = best_rounds(contenders, X, y, batch_size, rounds)
        row = f"{batch_size:>5}  " + "  ".join(f"{best[name]:>20,.0f}" for name in contenders)
        row += f"  {best['nnviz'] / best['numpy loop']:>11.2f}"
        if torch_runner:
            row += f"  {best['nnviz'] / best['pytorch']:>13.2f}"
        print(row, flush=True)


if __name__ == "__main__":
    main()
