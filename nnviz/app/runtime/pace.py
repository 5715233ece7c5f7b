"""How fast a run goes: full speed, a fixed number of batches a second, or watchable (Auto)."""

import math

from nnviz.data import TOY_DATASETS

WATCH_SECONDS = 20.0        # a watchable run of a 2-D toy set or a table takes about this long
WATCH_IMAGES_SECONDS = 60.0  # and one of images (MNIST: see accuracy pass 95% after 2 of 10 epochs) ...
WATCH_IMAGES_FROM = 10_000   # ... of a set this large or larger (smaller ones, 8x8 digits, train at full speed)
WATCHABLE = "watchable"     # the pace choice resolved per run by `watchable_pace`
# (label, batches a second or WATCHABLE); 0 is full speed. WATCHABLE's label is `auto_label`'s.
CHOICES = ((None, WATCHABLE), ("Full speed", 0.0), ("1000 batches/s", 1000.0),
           ("100 batches/s", 100.0), ("30 batches/s", 30.0), ("10 batches/s", 10.0), ("1 batch/s", 1.0))


def auto_label(dataset):
    """What the default pace does for the experiment's `dataset` (a name, "csv:…", "images:…", "idx:…"),
    as the Speed box says it: a run on points or a table takes ~WATCH_SECONDS, on MNIST-size image sets
    ~WATCH_IMAGES_SECONDS; the 8x8 digits train at full speed."""
    if dataset in TOY_DATASETS or str(dataset).startswith("csv:"):
        return f"Auto: watchable (~{WATCH_SECONDS:.0f} s a run)"
    if dataset == "digits8x8":
        return "Auto: full speed (small images)"
    large = " (large image sets)" if str(dataset).startswith("images:") else ""
    return f"Auto: watchable (~{WATCH_IMAGES_SECONDS:.0f} s a run{large})"


def watchable_pace(prepared):
    """The one rule for the default pace, in batches a second: the run's batches (those still to do,
    for a continued run) spread over ~WATCH_SECONDS on points and tables, so that the boundary can be
    seen bending, and over ~WATCH_IMAGES_SECONDS on image sets of WATCH_IMAGES_FROM images or more,
    so that the accuracy can be watched climbing epoch by epoch; never below 1. A pace only holds
    training back: a machine too slow for it trains at full speed. Smaller image sets (a run is over
    in seconds) and a run with a time budget (the budget is its length) train at full speed (0)."""
    config, rows = prepared.train_config, len(prepared.train_data.X_train)
    if config.time_budget or (prepared.dataset.image_shape is not None and rows < WATCH_IMAGES_FROM):
        return 0.0
    resume = getattr(prepared, "resume", None)
    epochs = max(config.epochs - (resume.epochs_done if resume is not None else 0), 1)
    batches = math.ceil(rows / config.batch_size) * epochs
    seconds = WATCH_SECONDS if prepared.dataset.image_shape is None else WATCH_IMAGES_SECONDS
    return max(batches / seconds, 1.0)
