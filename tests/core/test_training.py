"""The training generator: events, determinism, dropout, early stopping, divergence, budgets."""

import numpy as np
import pytest

from nnviz.core import BatchEnd, Diverged, EpochEnd, Finished, Network, TrainConfig, TrainData, evaluate, train


def blobs(seed=0, n=240):
    rng = np.random.default_rng(seed)
    centres = np.array([[1.5, 0.0], [-1.5, 0.0], [0.0, 1.5]])
    y = rng.integers(0, 3, n)
    return (centres[y] + 0.5 * rng.standard_normal((n, 2))).astype(np.float32), y


def run(net, data, **config):
    return list(train(net, data, TrainConfig(**config)))


def test_events_arrive_in_order_with_consistent_counts():
    X, y = blobs()
    net = Network([2, 6, 3], hidden="tanh", init="xavier")
    events = run(net, (X, y), batch_size=50, epochs=3, learning_rate=0.2)
    batches = [e for e in events if isinstance(e, BatchEnd)]
    epochs = [e for e in events if isinstance(e, EpochEnd)]
    assert len(batches) == 3 * 5 and [e.epoch for e in epochs] == [1, 2, 3]
    assert isinstance(events[-1], Finished) and events[-1].reason == "completed"
    assert [b.step for b in batches] == list(range(1, 16))
    assert batches[-1].samples_seen == 3 * 240
    first = epochs[0]
    assert first.val_loss is None and 0 <= first.train_accuracy <= 1
    assert len(first.layers) == 2 and len(first.dead_fractions) == 1
    assert all(s.grad_norm > 0 and s.weight_norm > 0 and s.update_ratio > 0 for s in first.layers)
    # The epoch's train loss is the sample-weighted mean of its batch losses.
    losses = [b.loss for b in batches[:5]]
    assert first.train_loss == pytest.approx(np.average(losses, weights=[50, 50, 50, 50, 40]), rel=1e-5)


def test_same_config_and_seed_give_identical_numbers():
    X, y = blobs()
    results = []
    for _ in range(2):
        net = Network([2, 8, 3], seed=3)
        events = run(net, (X, y), optimizer="adam", learning_rate=0.01, batch_size=16, epochs=2,
                     dropout=0.2, seed=5)
        results.append(([e.loss for e in events if isinstance(e, BatchEnd)], net.weights[0].copy()))
    assert results[0][0] == results[1][0]
    np.testing.assert_array_equal(results[0][1], results[1][1])
    other = Network([2, 8, 3], seed=3)
    run(other, (X, y), optimizer="adam", learning_rate=0.01, batch_size=16, epochs=2, dropout=0.2, seed=6)
    assert not np.array_equal(other.weights[0], results[0][1])


def test_dropout_applies_in_training_only():
    X, y = blobs()
    net = Network([2, 16, 3], seed=0)
    run(net, (X, y), batch_size=32, epochs=2, dropout=0.5, learning_rate=0.1)
    # Inference is deterministic and equals the plain forward pass with every unit on.
    P1, P2 = net.predict_proba(X), net.predict_proba(X)
    np.testing.assert_array_equal(P1, P2)
    h = np.maximum(X @ net.weights[0] + net.biases[0], 0)
    z = h @ net.weights[1] + net.biases[1]
    expected = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(P1, expected / expected.sum(axis=1, keepdims=True), rtol=1e-5)


BATCH_ORDER, DROPOUT = 2, 3      # their places in nnviz.seeds.STREAMS


def seed_stream(seed, place):
    """The generator of the seed stream at `place`: the seed's SeedSequence child there (written
    here from the documented rule, not taken from the core)."""
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(place + 1)[place])


def test_dropout_trains_the_first_batch_on_the_masked_network():
    """One batch (the whole set) at p = 0.5: the loss is the cross-entropy of the net whose hidden
    units are dropped where a 16-bit integer falls below 2¹⁵ and the rest doubled."""
    X, y = blobs()
    net = Network([2, 16, 3], seed=0)
    W1, b1, W2, b2 = (a.astype(np.float64) for a in (net.weights[0], net.biases[0], net.weights[1], net.biases[1]))
    events = run(net, (X, y), batch_size=240, epochs=1, dropout=0.5, seed=4)
    order = seed_stream(4, BATCH_ORDER).permutation(240)
    keep = seed_stream(4, DROPOUT).integers(0, 1 << 16, size=(240, 16), dtype=np.uint16) >= 1 << 15
    h = np.maximum(X[order] @ W1 + b1, 0) * keep * 2.0
    z = h @ W2 + b2
    log_p = z - z.max(axis=1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    expected = -np.mean(log_p[np.arange(240), y[order]])
    assert events[0].loss == pytest.approx(expected, rel=1e-5)
    assert 0.3 < keep.mean() < 0.7


def test_early_stopping_restores_the_best_weights():
    X, y = blobs(0, 60)
    Xv, yv = blobs(1, 200)
    net = Network([2, 64, 3], seed=0)
    data = TrainData(X, y, Xv, yv)
    events = run(net, data, optimizer="adam", learning_rate=0.05, batch_size=8, epochs=200,
                 early_stopping=3)
    finished = events[-1]
    epochs = [e for e in events if isinstance(e, EpochEnd)]
    best = min(epochs, key=lambda e: e.val_loss)
    assert finished.reason == "early_stopping"
    assert finished.best_epoch == best.epoch
    assert epochs[-1].epoch == best.epoch + 3
    assert evaluate(net, Xv, yv)[0] == pytest.approx(best.val_loss, rel=1e-6)


def test_early_stopping_without_validation_data_is_refused():
    X, y = blobs()
    with pytest.raises(ValueError, match="early_stopping"):
        train(Network([2, 3]), (X, y), TrainConfig(early_stopping=2))


def test_divergence_is_detected_and_the_last_good_weights_are_kept():
    X, y = blobs()
    net = Network([2, 16, 3], hidden="tanh", output="linear", loss="quadratic", init="xavier", seed=0)
    gen = train(net, (X, y), TrainConfig(learning_rate=0.05, batch_size=40, epochs=1))
    for _ in gen:
        pass
    good = [W.copy() for W in net.weights]
    events = run(net, (X, y), learning_rate=50.0, batch_size=40, epochs=5)
    assert any(isinstance(e, Diverged) for e in events)
    diverged = next(e for e in events if isinstance(e, Diverged))
    assert "restored" in diverged.message
    assert events[-1].reason == "diverged"
    assert all(np.array_equal(W, W0) for W, W0 in zip(net.weights, good))
    assert np.isfinite(net.loss(X, y))


def test_nan_inputs_are_named_not_reported_as_divergence():
    X, y = blobs()
    X[5, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        run(Network([2, 3]), (X, y), batch_size=240)


def test_stopping_between_batches_leaves_the_weights_of_the_steps_done():
    """Closing the generator after step 7 leaves exactly the weights of 7 plain SGD steps on the
    batches of the loop's seeded order, computed here with `gradients`."""
    X, y = blobs()
    net = Network([2, 8, 3], seed=0, dtype=np.float64)
    by_hand = net.copy()
    gen = train(net, (X, y), TrainConfig(optimizer="sgd", batch_size=10, epochs=50, learning_rate=0.1, seed=2))
    for event in gen:
        if isinstance(event, BatchEnd) and event.step == 7:
            break
    gen.close()
    order = seed_stream(2, BATCH_ORDER).permutation(240)
    for b in range(7):
        idx = order[10 * b:10 * (b + 1)]
        for (dW, db), W, bias in zip(by_hand.gradients(X[idx], y[idx]), by_hand.weights, by_hand.biases):
            W -= 0.1 * dW
            bias -= 0.1 * db
    for W, W_hand in zip(net.weights + net.biases, by_hand.weights + by_hand.biases):
        np.testing.assert_allclose(W, W_hand, rtol=1e-12, atol=1e-14)


class BatchClock:
    """A fake clock on which every training batch takes one second (the augmenter moves it)."""

    def __init__(self):
        self.now = 1e9

    def __call__(self):
        return self.now

    def augment(self, X, rng):
        self.now += 1.0
        return X


def test_time_budget_stops_the_run_at_the_first_batch_past_it():
    """Batches of 24 (10 an epoch), each taking 1 s on the injected clock; a budget of 10.5 s ends
    the run after batch 11, in epoch 2, which still gets its EpochEnd."""
    X, y = blobs()
    clock = BatchClock()
    events = list(train(Network([2, 8, 3]), TrainData(X, y, augment=clock.augment),
                        TrainConfig(batch_size=24, epochs=100000, time_budget=10.5), clock=clock))
    assert events[-1].reason == "time_budget"
    assert events[-1].elapsed == 11.0
    assert sum(isinstance(e, BatchEnd) for e in events) == 11
    assert isinstance(events[-2], EpochEnd) and events[-2].epoch == 2


def test_cosine_schedule_decays_over_the_run():
    X, y = blobs()
    events = run(Network([2, 3]), (X, y), batch_size=24, epochs=4, schedule="cosine",
                 learning_rate=0.1)
    rates = [e.learning_rate for e in events if isinstance(e, BatchEnd)]
    assert rates[0] == pytest.approx(0.1, rel=1e-2) and rates[-1] < 1e-3
    assert all(a >= b for a, b in zip(rates, rates[1:]))


def test_gradient_clipping_bounds_the_first_update():
    X, y = blobs()
    for clip in (0.0, 0.01):
        net = Network([2, 3], seed=0)
        W0 = net.weights[0].copy()
        b0 = net.biases[0].copy()
        gen = train(net, (X, y), TrainConfig(batch_size=240, learning_rate=1.0, clip_norm=clip))
        next(gen)
        step = np.sqrt(np.sum((net.weights[0] - W0) ** 2) + np.sum((net.biases[0] - b0) ** 2))
        if clip:
            assert step == pytest.approx(0.01, rel=1e-4)
        else:
            assert step > 0.05


def test_augment_is_applied_to_training_batches():
    X, y = blobs()
    seen = []

    def augment(Xb, rng):
        seen.append(len(Xb))
        return Xb + rng.normal(0, 0.01, Xb.shape)

    run(Network([2, 3]), TrainData(X, y, augment=augment), batch_size=100, epochs=1)
    assert seen == [100, 100, 40]


@pytest.mark.parametrize("field,value", [("learning_rate", 0.0), ("batch_size", 0), ("dropout", 1.0),
                                         ("optimizer", "lbfgs"), ("epochs", 2.5), ("momentum", 1.0),
                                         ("schedule", "linear"), ("clip_norm", -1.0),
                                         ("learning_rate", float("nan"))])
def test_bad_hyperparameters_name_the_field_and_value(field, value):
    with pytest.raises(ValueError, match=field) as err:
        TrainConfig(**{field: value}).validate()
    assert repr(value) in str(err.value) or str(value) in str(err.value)


def test_should_stop_ends_the_run_with_evaluation_and_finished():
    X, y = blobs()
    Xv, yv = blobs(1, 60)
    calls = []

    def should_stop():
        calls.append(1)
        return len(calls) == 4

    events = list(train(Network([2, 8, 3]), TrainData(X, y, Xv, yv),
                        TrainConfig(batch_size=10, epochs=50), should_stop=should_stop))
    assert sum(isinstance(e, BatchEnd) for e in events) == 4
    assert isinstance(events[-2], EpochEnd) and events[-2].val_accuracy is not None
    assert events[-1].reason == "stopped" and events[-1].epochs_completed == 0     # 4 of 24 batches


def test_batch_accuracy_is_the_share_of_the_batch_classified_right():
    X, y = blobs()
    net = Network([2, 8, 3], seed=1)
    expected = np.mean(net.predict(X) == y)
    first = next(iter(train(net, (X, y), TrainConfig(batch_size=240, learning_rate=1e-9))))
    assert first.accuracy == pytest.approx(expected)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov"])
def test_training_steps_equal_hand_applied_updates(optimizer):
    """One epoch of full batches against θ updated by hand from Network.gradients (η folded or not)."""
    X, y = blobs(seed=6, n=40)
    net = Network([2, 5, 3], seed=7, dtype=np.float64)
    by_hand = net.copy()
    lr, mu = 0.3, 0.9
    run(net, (X, y), optimizer=optimizer, learning_rate=lr, momentum=mu, batch_size=40, epochs=3, l2=0.01)
    velocity = [np.zeros_like(p) for p in by_hand.params()]
    for _ in range(3):
        grads = [g for pair in by_hand.gradients(X, y, 0.01) for g in pair]
        for p, g, v in zip(by_hand.params(), grads, velocity):
            if optimizer == "sgd":
                p -= lr * g
            else:
                v *= mu
                v -= lr * g
                p += mu * v - lr * g if optimizer == "nesterov" else v
    for trained, expected in zip(net.params(), by_hand.params()):
        np.testing.assert_allclose(trained, expected, rtol=1e-10, atol=1e-12)


def test_a_network_built_from_arrays_trains_like_the_network_it_came_from():
    """A loaded model (Network.from_params, its own copy of the arrays) trains like the original."""
    X, y = blobs(seed=8, n=60)
    original = Network([2, 6, 3], seed=9, dtype=np.float64)
    rebuilt = Network.from_params([W.copy() for W in original.weights], [b.copy() for b in original.biases],
                                  "relu", "softmax", "cross_entropy")
    for net in (original, rebuilt):
        run(net, (X, y), optimizer="momentum", learning_rate=0.2, batch_size=16, epochs=4, seed=3)
    for trained, expected in zip(rebuilt.params(), original.params()):
        np.testing.assert_allclose(trained, expected, rtol=1e-12)
    assert not np.allclose(rebuilt.weights[0], Network([2, 6, 3], seed=9, dtype=np.float64).weights[0])


def test_a_network_with_input_features_trains_on_points_and_validates_on_points():
    from nnviz.core.features import expand_features
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (200, 2))
    y = (X[:, 0] ** 2 + X[:, 1] ** 2 < 0.5).astype(np.int64)           # a disc: linear in x1², x2²
    features = ["x1^2", "x2^2"]
    net = Network([2, 2], output="softmax", features=features, seed=0, dtype=np.float64)
    twin = Network([2, 2], output="softmax", seed=0, dtype=np.float64)  # the same net, fed features by hand
    config = TrainConfig(optimizer="adam", learning_rate=0.1, epochs=30, batch_size=50)
    events = list(train(net, TrainData(X, y, X[:50], y[:50]), config))
    list(train(twin, TrainData(expand_features(features, X), y, expand_features(features, X[:50]), y[:50]), config))
    np.testing.assert_allclose(net.weights[0], twin.weights[0], rtol=1e-12)
    assert events[-2].val_accuracy >= 0.95 and np.mean(net.predict(X) == y) >= 0.95
