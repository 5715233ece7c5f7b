"""The training memory estimate, against a hand count for a small network."""

from nnviz.core.footprint import training_bytes


def test_a_small_network_is_counted_by_hand():
    # [3, 4, 2]: (3+1)*4 + (4+1)*2 = 26 parameters; Adam keeps 2 slots: 26 * (2 + 2) * 4 bytes = 416;
    # initialising the larger layer draws 16 float64 (and a temporary): 16 * 16 = 256;
    # rows: a batch of min(5, 100) plus a prediction chunk of min(8192, 100) = 105, 3 values per unit
    # (9 units) in float32: 3 * 105 * 9 * 4 = 11340; the targets of 100 samples, 2 outputs each: 100 * 2 * 4 = 800.
    assert training_bytes([3, 4, 2], batch_size=5, n_samples=100, optimizer="adam") == 416 + 256 + 11340 + 800
    # SGD keeps no slot; float64 doubles the per-value bytes.
    assert training_bytes([3, 4, 2], 5, 100, "sgd", itemsize=8) == 26 * 2 * 8 + 256 + 3 * 105 * 9 * 8 + 1600


def test_many_classes_count_the_one_hot_targets_of_every_sample():
    # 100,000 samples of 20,000 classes: the (n, k) float32 targets alone take 8 GB, whatever the batch.
    assert training_bytes([2, 20_000], batch_size=32, n_samples=100_000, optimizer="sgd") >= 100_000 * 20_000 * 4


def test_absurd_sizes_give_an_absurd_number_not_an_overflow():
    assert training_bytes([784, 10**9, 10], 32, 60_000, "sgd") > 10**13
