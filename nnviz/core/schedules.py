"""Learning-rate schedules: η as a function of training progress.

`progress` is the fraction of training done, in [0, 1] (the run's position in epochs, `run_position`,
over the run's epochs, or training time / time budget when a budget is set, whichever is further);
`epoch` counts from 0.
"""

import math

SCHEDULES = ("constant", "step", "cosine")


def learning_rate(schedule, base, *, progress, epoch, step_epochs=10, step_gamma=0.5,
                  min_lr=0.0, warmup=0.0):
    """η for the schedule:

    constant  η₀
    step      η₀ γ^⌊epoch / step_epochs⌋
    cosine    η_min + (η₀ − η_min) (1 + cos πp) / 2
    warmup    for p < warmup the rate is scaled by p / warmup (linear warm-up).
    """
    if schedule == "constant":
        lr = base
    elif schedule == "step":
        lr = base * step_gamma ** (epoch // step_epochs)
    elif schedule == "cosine":
        p = min(max(progress, 0.0), 1.0)
        lr = min_lr + (base - min_lr) * 0.5 * (1.0 + math.cos(math.pi * p))
    else:
        raise ValueError(f"schedule: unknown schedule {schedule!r}; allowed: {', '.join(SCHEDULES)}")
    if warmup > 0 and progress < warmup:
        lr *= max(progress / warmup, 1e-3)
    return lr
