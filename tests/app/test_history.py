"""SnapshotHistory: log-spaced steps, ordered positions, even thinning within the memory and count bounds."""


from nnviz.app.runtime.history import SnapshotHistory, keep_step, snapshot_bytes
from nnviz.app.runtime.snapshot import Snapshot
from nnviz.core import Network


def snap(step, sizes=(4, 3, 2)):
    return Snapshot.of(Network(list(sizes), seed=step), step=step)


def test_the_kept_steps_are_log_spaced():
    assert [s for s in range(1, 100) if keep_step(s)] == [1, 2, 3, 4, 6, 8, 11, 16, 23, 32, 45, 64, 91]


def test_thinning_keeps_the_whole_run_evenly_covered():
    history = SnapshotHistory(max_count=50)
    one = snap(0)
    for step in range(1000):
        history.add(step, one)
    # 1,000 offered, at most 50 kept: every 32nd (a power-of-two stride), old and new alike.
    assert history.positions == list(range(0, 1000, 32))


def test_memory_stays_within_the_byte_bound():
    one = snap(0, (100, 50, 10))
    history = SnapshotHistory(max_bytes=20 * snapshot_bytes(one))
    for step in range(300):
        history.add(step, one)
    assert history.nbytes <= 20 * snapshot_bytes(one) and history.nbytes == len(history) * snapshot_bytes(one)
    assert history.positions == list(range(0, 300, 16))


def test_a_position_not_after_the_last_is_ignored_and_nearest_finds_the_closest():
    history = SnapshotHistory()
    history.add(1.0, snap(1))
    history.add(1.0, snap(2))
    history.add(0.5, snap(3))
    history.add(2.5, snap(4))
    assert history.positions == [1.0, 2.5] and history.nearest(2.0) == 1


def test_every_early_epoch_is_kept_then_at_most_one_per_interval():
    from nnviz.app.runtime.history import EVERY_EPOCH_UP_TO, KEEP_INTERVAL, keep_epoch

    assert all(keep_epoch(epoch, 0.0) for epoch in range(1, EVERY_EPOCH_UP_TO + 1))
    assert not keep_epoch(EVERY_EPOCH_UP_TO + 1, KEEP_INTERVAL / 2)
    assert keep_epoch(EVERY_EPOCH_UP_TO + 1, KEEP_INTERVAL)          # slow epochs: every one
