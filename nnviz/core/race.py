"""Several training runs side by side: their event generators stepped in turn, a few batches each.

    runs = [train(net_a, data, config_a), train(net_b, data, config_b)]
    for i, event in interleave(runs):        # (index of the run, its event)
        ...

Run i trains `batches` batches (with whatever events come between them: an epoch's end, a
divergence), then run i + 1 does, and so on round the runs still going; a run leaves the rotation
after its `Finished`. The runs therefore advance together — after any turn their step counts
differ by at most `batches` — whatever their speed. Each run keeps its own network, optimiser and
random stream, so interleaving changes none of their numbers: run i trains exactly as it would
alone. Closing the generator closes every run's generator.
"""

from .events import BatchEnd, Finished


def interleave(runs, batches=1):
    """Yield (index, event) from the training generators `runs`, `batches` batches of each in turn."""
    if batches < 1:
        raise ValueError(f"batches: must be ≥ 1, got {batches!r}")
    runs = list(runs)
    going = list(enumerate(runs))
    try:
        while going:
            for turn in list(going):
                i, run = turn
                done = 0
                while done < batches:
                    event = next(run, None)
                    if event is None or isinstance(event, Finished):
                        going.remove(turn)
                        if event is not None:
                            yield i, event
                        break
                    done += isinstance(event, BatchEnd)
                    yield i, event
    finally:
        for run in runs:
            run.close()
