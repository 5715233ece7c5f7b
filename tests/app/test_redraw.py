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
    qtbot.wait(20)
    assert calls == [1] and scheduler.pending == {"slow"}     # its turn is 1000 s after the last...
    clock.now += 1.0
    scheduler.mark("slow")
    qtbot.waitUntil(lambda: calls == [1, 1])      # ...and comes then
    scheduler.mark("slow")
    assert scheduler.pending == {"slow"}
    scheduler.flush()                             # a screenshot needs it now: drawn at once
    assert calls == [1, 1, 1] and not scheduler.pending


def test_clear_forgets_pending_updates(qtbot, clock):
    scheduler = RedrawScheduler(clock=clock)
    calls = []
    scheduler.add("plots", lambda: calls.append(1))
    scheduler.mark()
    scheduler.clear()
    scheduler.flush()
    assert calls == [] and not scheduler.pending


def test_when_both_are_stale_the_heavier_weighted_view_goes_first(qtbot, clock):
    scheduler = RedrawScheduler(share=1.0, max_rate=1000, clock=clock)
    calls = []
    scheduler.add("heatmaps", lambda: calls.append("heatmaps"))
    scheduler.add("plots", lambda: calls.append("plots"), weight=3)
    firsts = []
    for _ in range(6):
        n = len(calls)
        clock.now += 1.0                           # both views' turns have come
        scheduler.mark()
        qtbot.waitUntil(lambda: not scheduler.pending)
        firsts.append(calls[n])
    assert calls.count("plots") == calls.count("heatmaps") == 6     # both stale each time: both drawn
    assert firsts[1:] == ["plots"] * 5
