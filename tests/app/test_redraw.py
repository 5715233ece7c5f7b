"""The redraw scheduler: one stale view per tick, never more often than allowed, all on flush.

Every scheduler here reads a fake clock, so no test depends on the machine's uptime (the origin of
`time.perf_counter`): each runs with the clock starting at 0 (a just-booted machine) and at 1e9.
"""

import pytest

from nnviz.app.runtime.redraw import RedrawScheduler


class FakeClock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture(params=[0.0, 1e9], ids=["clock-at-0", "clock-at-1e9"])
def clock(request):
    return FakeClock(request.param)


def test_every_marked_view_is_updated_once_with_the_latest_data(qtbot, clock):
    scheduler = RedrawScheduler(share=0.5, max_rate=1000, clock=clock)
    calls = []
    for name in ("plots", "heatmaps"):
        scheduler.add(name, lambda n=name: calls.append(n))
    scheduler.mark()
    scheduler.mark("plots")                       # marking twice before a draw draws once
    qtbot.waitUntil(lambda: not scheduler.pending and len(calls) == 2)
    assert sorted(calls) == ["heatmaps", "plots"]
    assert set(scheduler.costs) == {"plots", "heatmaps"}


def test_a_view_never_drawn_is_drawn_at_once_then_not_more_often_than_its_rate(qtbot, clock):
    scheduler = RedrawScheduler(share=1.0, max_rate=1000, clock=clock)
    calls = []
    scheduler.add("slow", lambda: calls.append(1), max_rate=0.001)
    scheduler.mark("slow")
    qtbot.waitUntil(lambda: calls == [1])         # never drawn: no wait, whatever the clock's origin
    clock.now += 999.0
    scheduler.mark("slow")
    scheduler._tick()                             # its timer fires (early, on a busy machine): not its turn
    assert calls == [1] and scheduler.pending == {"slow"}     # its turn is 1000 s after the last...
    clock.now += 1.0
    scheduler.mark("slow")
    qtbot.waitUntil(lambda: calls == [1, 1])      # ...and comes then
    scheduler.mark("slow")
    assert scheduler.pending == {"slow"}
    scheduler.flush()                             # a screenshot needs it now: drawn at once
    assert calls == [1, 1, 1] and not scheduler.pending


def test_one_very_slow_frame_holds_the_next_back_for_at_most_max_wait(qtbot, clock):
    scheduler = RedrawScheduler(share=0.5, max_rate=1000, max_wait=0.001, clock=clock, cpu_clock=clock)
    calls = []
    scheduler.add("plots", _costly(clock, calls, "plots", 100.0))     # 100 s of CPU: a 100 s wait uncapped
    scheduler.mark("plots")
    qtbot.waitUntil(lambda: calls == ["plots"] and not scheduler.pending)
    scheduler.mark("plots")
    qtbot.waitUntil(lambda: calls == ["plots", "plots"])     # after 1 ms, not 100 s


def test_one_very_slow_frame_does_not_starve_its_view_of_later_frames(qtbot, clock):
    scheduler = RedrawScheduler(share=0.5, max_rate=1e6, max_wait=0.001, clock=clock, cpu_clock=clock)
    calls = []
    scheduler.add("plots", _costly(clock, calls, "plots", 100.0))     # its first frame: 100 s
    scheduler.mark("plots")
    qtbot.waitUntil(lambda: calls == ["plots"] and not scheduler.pending)
    for name in ("plots", "network"):                                  # then 1 ms frames, always stale
        scheduler.add(name, _costly(clock, calls, name, 0.001, scheduler, 21))
    scheduler.mark()
    qtbot.waitUntil(lambda: len(calls) >= 21 and not scheduler.pending)
    # Charged as 1 ms (what max_wait idles for), not 100 s: it waits a frame or so, not 100,000.
    assert calls[1:21].count("plots") >= 9


def test_clear_forgets_pending_updates(qtbot, clock):
    scheduler = RedrawScheduler(clock=clock)
    calls = []
    scheduler.add("plots", lambda: calls.append(1))
    scheduler.mark()
    scheduler.clear()
    scheduler.flush()
    assert calls == [] and not scheduler.pending


def _costly(clock, calls, name, cost, scheduler=None, limit=0):
    """An update that takes `cost` CPU seconds on the fake clock and, given the scheduler, has news
    again at once (a view while training runs) until `limit` updates of all views were made (the
    other views' pending updates still come after that)."""
    def update():
        calls.append(name)
        clock.now += cost
        if scheduler is not None and len(calls) < limit:
            scheduler.mark(name)
    return update


def _always_stale(clock, views, frames):
    """Views {name: (cost, weight)} that always have news, drawn `frames` times in all with no idle
    time (share 1); returns the names in the order drawn."""
    scheduler = RedrawScheduler(share=1.0, max_rate=1e6, clock=clock, cpu_clock=clock)
    calls = []
    for name, (cost, weight) in views.items():
        scheduler.add(name, _costly(clock, calls, name, cost, scheduler, frames), weight=weight)
    return scheduler, calls


def test_a_short_budget_is_shared_by_cpu_time_so_a_cheaper_view_gets_more_frames(qtbot, clock):
    scheduler, calls = _always_stale(clock, {"plots": (0.004, 1.0), "network": (0.001, 1.0)}, 50)
    scheduler.mark()
    qtbot.waitUntil(lambda: len(calls) >= 50 and not scheduler.pending)
    plots, network = calls[:50].count("plots"), calls[:50].count("network")
    # Equal CPU time: 4 ms × plots ≈ 1 ms × network, apart by at most one frame of the costlier
    # (so 10 and 40, give or take one).
    assert abs(0.004 * plots - 0.001 * network) <= 0.004 + 1e-12
    assert scheduler.costs == pytest.approx({"plots": 0.004, "network": 0.001}, rel=1e-3)   # float at 1e9 s


def test_weights_scale_the_cpu_time_each_view_gets(qtbot, clock):
    scheduler, calls = _always_stale(clock, {"plots": (0.002, 3.0), "heatmaps": (0.002, 1.0)}, 40)
    scheduler.mark()
    qtbot.waitUntil(lambda: len(calls) >= 40 and not scheduler.pending)
    plots, heatmaps = calls[:40].count("plots"), calls[:40].count("heatmaps")
    assert abs(0.002 * plots / 3.0 - 0.002 * heatmaps) <= 0.002 + 1e-12      # 30 and 10, give or take one


def test_a_view_that_had_nothing_to_draw_banks_no_time(qtbot, clock):
    scheduler, calls = _always_stale(clock, {"plots": (0.001, 1.0), "boundary": (0.001, 1.0)}, 40)
    scheduler.mark("plots", "boundary")
    qtbot.waitUntil(lambda: len(calls) >= 40 and not scheduler.pending)   # ~20 ms each; "network" idle
    start = len(calls)
    for name in ("plots", "boundary", "network"):
        scheduler.add(name, _costly(clock, calls, name, 0.001, scheduler, start + 30))
    scheduler.mark()
    qtbot.waitUntil(lambda: len(calls) >= start + 30 and not scheduler.pending)
    # The newcomer takes its third of the next 30 frames, not the 20 in a row its idle time would buy.
    assert all(9 <= calls[start:start + 30].count(name) <= 11 for name in ("plots", "boundary", "network"))


def test_when_both_are_stale_the_heavier_weighted_view_goes_first(qtbot, clock):
    scheduler = RedrawScheduler(share=1.0, max_rate=1000, clock=clock, cpu_clock=clock)
    calls = []
    scheduler.add("heatmaps", _costly(clock, calls, "heatmaps", 0.001))
    scheduler.add("plots", _costly(clock, calls, "plots", 0.001), weight=3)
    firsts = []
    for _ in range(6):
        n = len(calls)
        clock.now += 1.0                           # both views' turns have come
        scheduler.mark()
        qtbot.waitUntil(lambda: not scheduler.pending)
        firsts.append(calls[n])
    assert calls.count("plots") == calls.count("heatmaps") == 6     # both stale each time: both drawn
    assert firsts[1:] == ["plots"] * 5


def test_a_view_off_screen_gets_no_frames_until_it_is_shown_and_marked(qtbot, clock):
    scheduler = RedrawScheduler(share=1.0, max_rate=1000, clock=clock)
    calls, on_screen = [], {"network": False}
    scheduler.add("network", lambda: calls.append("network"), shown=lambda: on_screen["network"])
    scheduler.add("plots", lambda: calls.append("plots"))
    scheduler.mark()
    qtbot.waitUntil(lambda: calls == ["plots"])
    scheduler._tick()                                        # a tick comes: the view behind a tab is not drawn
    assert calls == ["plots"] and not scheduler.pending     # behind a tab: not drawn, nothing to wait for
    on_screen["network"] = True                                          # its tab comes to the front
    scheduler.mark("network")
    qtbot.waitUntil(lambda: calls == ["plots", "network"] and not scheduler.pending)
