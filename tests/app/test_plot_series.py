"""The live plots' curve buffers: a long curve is drawn as its buckets' peaks, and no spike is lost."""

import numpy as np

from nnviz.app.views.plot_series import Series, peaks


def test_peaks_keeps_each_groups_lowest_and_highest_point_in_order():
    x = np.arange(8.0)
    y = np.array([3.0, 1.0, 2.0, 5.0, 9.0, 4.0, np.nan, 0.0])
    px, py = peaks(x, y, 4)             # groups [3 1 2 5] and [9 4 nan 0]
    np.testing.assert_array_equal(px, [1, 3, 4, 7])
    np.testing.assert_array_equal(py, [1, 5, 9, 0])


def test_a_short_curve_is_drawn_whole():
    s = Series(buckets=8)
    s.extend(np.arange(16.0), np.arange(16.0) ** 2)
    x, y = s.shown()
    np.testing.assert_array_equal(x, np.arange(16.0))
    np.testing.assert_array_equal(y, np.arange(16.0) ** 2)


def test_a_long_curve_grown_in_chunks_is_drawn_small_with_every_spike_and_only_real_points():
    rng = np.random.default_rng(0)
    x, y = np.arange(100_000.0), 1.0 + rng.random(100_000)
    y[[123, 54_321, 99_990]] = [50.0, 80.0, 70.0]           # divergence spikes
    y[77_777] = -3.0
    s = Series(buckets=64)
    for start in range(0, len(x), 777):                      # as frames arrive
        s.extend(x[start:start + 777], y[start:start + 777])
        sx, sy = s.shown()
    assert len(sx) <= 2 * 64 + 2 * 2048                       # peaks of ≤ 64 buckets, ≤ 1 bucket (k ≤ 2048) of raw tail
    assert np.all(np.diff(sx) > 0)                            # in x order
    np.testing.assert_array_equal(sy, y[sx.astype(int)])      # every point drawn is a real point
    assert {123, 54_321, 77_777, 99_990} <= set(sx.astype(int))
    assert sy.max() == 80.0 and sy.min() == -3.0
    np.testing.assert_array_equal(s.y, y)                     # the data itself (CSV export) is whole


def test_clearing_starts_a_new_curve_drawn_whole():
    s = Series(buckets=4)
    s.extend(np.arange(100.0), np.zeros(100))
    s.shown()
    s.clear()
    s.extend([0.0, 1.0], [5.0, 6.0])
    np.testing.assert_array_equal(s.shown()[1], [5.0, 6.0])


def test_a_long_curve_always_ends_at_its_newest_point():
    rng = np.random.default_rng(1)
    s = Series(buckets=4)
    for n in (16, 8, 8, 32):                                # the last chunks fill whole buckets
        s.extend(len(s.x) + np.arange(float(n)), rng.random(n))
        sx, sy = s.shown()
        assert sx[-1] == s.x[-1] and sy[-1] == s.y[-1]
        assert np.all(np.diff(sx) > 0)
