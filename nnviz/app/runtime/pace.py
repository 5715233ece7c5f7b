"""How fast a run goes: full speed, a fixed number of batches a second, or watchable (2-D toy data)."""

import math

from nnviz.data import TOY_DATASETS

WATCH_SECONDS = 20.0        # a watchable run of a 2-D toy set takes about this long
WATCHABLE = "watchable"     # the pace choice resolved per run by `watchable_pace`
# (label, batches a second or WATCHABLE); 0 is full speed. WATCHABLE's label is `auto_label`'s.
CHOICES = ((None, WATCHABLE), ("Full speed", 0.0), ("1000 batches/s", 1000.0),
           ("100 batches/s", 100.0), ("30 batches/s", 30.0), ("10 batches/s", 10.0), ("1 batch/s", 1.0))


def auto_label(dataset):
    """What the default pace does for the experiment's `dataset` (a name, "csv:…", "images:…", "idx:…"),
    as the Speed box says it: point sets and tables are watched, images train at full speed."""
    points = dataset in TOY_DATASETS or str(dataset).startswith("csv:")
    return f"Auto: watchable (~{WATCH_SECONDS:.0f} s a run)" if points else "Auto: full speed (images)"


def watchable_pace(prepared):
    """The one rule for the default pace: a 2-D toy set's run is spread over ~WATCH_SECONDS, so that
    the boundary can be seen bending; an image dataset trains at full speed (0)."""
    if prepared.dataset.image_shape is not None:
        return 0.0
    config = prepared.train_config
    batches = math.ceil(len(prepared.train_data.X_train) / config.batch_size) * config.epochs
    return max(batches / WATCH_SECONDS, 1.0)
