"""The redraw scheduler: one stale view per tick, never more often than allowed, all on flush."""

from nnviz.app.runtime.redraw import RedrawScheduler


def test_every_marked_view_is_updated_once_with_the_latest_data(qtbot):
    scheduler = RedrawScheduler(share=0.5, max_rate=1000)
    calls = []
    for name in ("plots", "heatmaps"):
        scheduler.add(name, lambda n=name: calls.append(n))
    scheduler.mark()
    scheduler.mark("plots")                       # marking twice before a draw draws once
    qtbot.waitUntil(lambda: not scheduler.pending and len(calls) == 2)
    assert sorted(calls) == ["heatmaps", "plots"]
    assert set(scheduler.costs) == {"plots", "heatmaps"}


def test_a_view_is_not_updated_more_often_than_its_rate(qtbot):
    scheduler = RedrawScheduler(share=1.0, max_rate=1000)
    calls = []
    scheduler.add("slow", lambda: calls.append(1), max_rate=0.001)
    scheduler.mark("slow")
    qtbot.waitUntil(lambda: calls == [1])
    scheduler.mark("slow")
    assert scheduler.pending == {"slow"}          # waits for its turn (1000 s away)...
    scheduler.flush()                             # ...unless a screenshot needs it now
    assert calls == [1, 1] and not scheduler.pending


def test_clear_forgets_pending_updates(qtbot):
    scheduler = RedrawScheduler()
    calls = []
    scheduler.add("plots", lambda: calls.append(1))
    scheduler.mark()
    scheduler.clear()
    scheduler.flush()
    assert calls == [] and not scheduler.pending


def test_when_both_are_stale_the_heavier_weighted_view_goes_first(qtbot):
    scheduler = RedrawScheduler(share=1.0, max_rate=1000)
    calls = []
    scheduler.add("heatmaps", lambda: calls.append("heatmaps"))
    scheduler.add("plots", lambda: calls.append("plots"), weight=3)
    firsts = []
    for _ in range(6):
        n = len(calls)
        scheduler.mark()
        qtbot.waitUntil(lambda: not scheduler.pending)
        firsts.append(calls[n])
    assert calls.count("plots") == calls.count("heatmaps") == 6     # both stale each time: both drawn
    assert firsts[1:] == ["plots"] * 5
