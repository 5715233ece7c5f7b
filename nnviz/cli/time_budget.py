"""`nnviz train --time-budget`: how much of the command's budget is left for training."""

import dataclasses
import math
import time

from nnviz.guard import UserError

BUDGET_SAFETY = 0.1             # seconds kept free for saving and printing


def evaluation_reserve(net, X_test):
    """Seconds to keep for the final test evaluation: twice one measured pass, plus a margin."""
    start = time.perf_counter()
    net.predict(X_test)
    return 2 * (time.perf_counter() - start) + BUDGET_SAFETY


def budgeted(train_config, budget, start, net, X_test):
    """(TrainConfig with the training budget, wall-clock deadline for training) so that loading,
    training and the final test evaluation together take at most `budget` seconds from `start`."""
    if not (budget > 0 and math.isfinite(budget)):
        raise UserError(f"--time-budget: {budget!r} is not allowed; must be seconds > 0")
    deadline = start + budget - evaluation_reserve(net, X_test)
    remaining = deadline - time.perf_counter()
    if remaining <= 0:
        raise UserError(f"--time-budget: {budget:g} s leaves no time to train "
                         f"(loading took {time.perf_counter() - start:.1f} s)")
    # The core's budget counts training time only; the deadline also covers handling the events.
    return dataclasses.replace(train_config, time_budget=0.98 * remaining), deadline
