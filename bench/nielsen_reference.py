"""Nielsen's network.py (chapter 1) written again, independently of nnviz.core, and run over several seeds.

The network, cost and training are network.py's: 784-30-10 sigmoid units, quadratic cost
C = 1/2 ‖a − y‖², weights and biases drawn from N(0, 1), SGD with η = 3.0 on mini-batches of 10,
w ← w − (η/m) Σₓ ∂Cₓ/∂w, 30 epochs, the training data reshuffled every epoch, trained on the first
50,000 MNIST training images (mnist.pkl.gz's training part), in float64 (`--float32` to compare
with nnviz's default precision). Only the loop over the
samples of a mini-batch is replaced by matrix products (the same sum, rounded differently):

    δᴸ = (a − y) ⊙ σ'(zᴸ)          δˡ = (Wˡ⁺¹ᵀ δˡ⁺¹) ⊙ σ'(zˡ)          ∂C/∂Wˡ = Σₓ δˡ aˡ⁻¹ᵀ

For each seed it prints the test accuracy after the last epoch, at network.py's best epoch (the book
quotes the peak of its per-epoch test accuracy: 95.42% at epoch 28) and the test recall of the worst
class, which shows an output unit that has gone dark (a digit never predicted). The seeds are numbers
for this script's own random streams: seed N here is not nnviz's seed N.

    python bench/nielsen_reference.py                        # seeds 0-4
    python bench/nielsen_reference.py --seeds 10             # seeds 0-9
    python bench/nielsen_reference.py --seeds 200 --epochs 1 # how often a digit is lost early
"""

import argparse
import gzip
import sys
from pathlib import Path

import numpy as np

MNIST = Path(__file__).resolve().parent.parent / "resources" / "datasets" / "mnist"
SIZES = (784, 30, 10)
ETA, BATCH, EPOCHS, N_TRAIN = 3.0, 10, 30, 50_000


def read_idx(name):
    """The array in one gzipped IDX file of the bundled MNIST (uint8 images or labels)."""
    data = gzip.decompress((MNIST / name).read_bytes())
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_mnist(dtype=np.float64):
    """(X_train, y_train, X_test, y_test): pixels in [0, 1] as `dtype`, one image per row."""
    def images(name):
        raw = read_idx(name)
        return (raw.reshape(len(raw), -1) / 255.0).astype(dtype)
    X, y = images("train-images-idx3-ubyte.gz"), read_idx("train-labels-idx1-ubyte.gz")
    return X[:N_TRAIN], y[:N_TRAIN], images("t10k-images-idx3-ubyte.gz"), read_idx("t10k-labels-idx1-ubyte.gz")


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class Network:
    """network.py's Network, one sample per row: a = σ(a_prev Wᵀ + b)."""

    def __init__(self, rng, dtype=np.float64):
        self.weights = [rng.standard_normal((n_out, n_in)).astype(dtype) for n_in, n_out in zip(SIZES[:-1], SIZES[1:])]
        self.biases = [rng.standard_normal(n_out).astype(dtype) for n_out in SIZES[1:]]

    def feedforward(self, a):
        for W, b in zip(self.weights, self.biases):
            a = sigmoid(a @ W.T + b)
        return a

    def update_mini_batch(self, X, Y):
        """One SGD step on the mini-batch X: (m, 784), Y: (m, 10) one-hot."""
        activations = [X]
        for W, b in zip(self.weights, self.biases):
            activations.append(sigmoid(activations[-1] @ W.T + b))
        a = activations[-1]
        delta = (a - Y) * a * (1.0 - a)                            # BP1: cost_derivative ⊙ σ'(z)
        step = ETA / len(X)
        for layer in range(len(self.weights) - 1, -1, -1):
            grad_W = delta.T @ activations[layer]                    # BP4, summed over the batch
            grad_b = delta.sum(axis=0)                               # BP3
            if layer > 0:
                h = activations[layer]
                delta = (delta @ self.weights[layer]) * h * (1.0 - h)  # BP2, with the weights before the step
            self.weights[layer] -= step * grad_W
            self.biases[layer] -= step * grad_b

    def predict(self, X):
        return self.feedforward(X).argmax(axis=1)


def run(seed, data, epochs=EPOCHS):
    """Train one network.py run; returns (per-epoch test accuracies, worst class and its recall at the end)."""
    X, y, X_test, y_test = data
    rng = np.random.default_rng(seed)
    net = Network(rng, X.dtype)
    Y = np.eye(10, dtype=X.dtype)[y]
    accuracies = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH):
            batch = order[start:start + BATCH]
            net.update_mini_batch(X[batch], Y[batch])
        accuracies.append(float((net.predict(X_test) == y_test).mean()))
    predicted = net.predict(X_test)
    recall = [float((predicted[y_test == k] == k).mean()) for k in range(10)]
    worst = int(np.argmin(recall))
    return accuracies, worst, recall[worst]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="run seeds 0 .. N-1 (default 5)")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help=f"epochs per run (default {EPOCHS})")
    parser.add_argument("--float32", action="store_true", help="compute in float32 instead of float64")
    args = parser.parse_args(argv)
    data = load_mnist(np.float32 if args.float32 else np.float64)
    print(f"| seed | test after epoch {args.epochs} | peak test (epoch) | worst class: test recall |")
    print("|---|---|---|---|")
    finals, peaks, lost = [], [], 0
    for seed in range(args.seeds):
        accuracies, worst, recall = run(seed, data, args.epochs)
        peak = int(np.argmax(accuracies))
        finals.append(accuracies[-1])
        peaks.append(accuracies[peak])
        lost += recall < 0.1
        print(f"| {seed} | {100 * accuracies[-1]:.2f}% | {100 * accuracies[peak]:.2f}% ({peak + 1}) "
              f"| {worst}: {100 * recall:.1f}% |", flush=True)
    for name, values in ((f"after epoch {args.epochs}", finals), ("peak", peaks)):
        values = 100 * np.array(values)
        print(f"{name}: mean {values.mean():.2f}% ± {values.std(ddof=1) if len(values) > 1 else 0:.2f}, "
              f"median {np.median(values):.2f}%, worst {values.min():.2f}%")
    print(f"runs with a digit never predicted (test recall < 10%): {lost} of {args.seeds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
