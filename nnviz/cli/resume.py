"""`nnviz train --resume MODEL.npz [--epochs TOTAL]`: go on training a saved model exactly where it stopped.

The model file holds the experiment, the weights and the run's TrainState (random stream, optimiser
moments, counters; nnviz.core.checkpoint). The data are prepared again from the experiment (the same
seed gives the same split), so 2 epochs and a resume to 4 give the weights of 4 epochs in one go.
A schedule that spans the run (cosine, warm-up) follows the new total from the resumed position.
"""

import dataclasses

from nnviz.guard import UserError
from nnviz.io import load_model
from nnviz.prepare import prepare


def resumed_run(args):
    """(experiment, Prepared with the saved weights, TrainState) for `train --resume`; UserError naming
    the file or the option when it cannot resume."""
    if args.seeds is not None or args.seed is not None:
        raise UserError("--resume goes on with the saved run's seed: it cannot be combined with --seed or --seeds")
    model = load_model(args.resume)
    if model.config is None or model.train_state is None:
        missing = "experiment" if model.config is None else "training state"
        raise UserError(f"{args.resume}: holds no {missing} to resume from (save it with 'nnviz train --save')")
    state = model.train_state
    changes = {k: v for k, v in (("epochs", args.epochs), ("learning_rate", args.learning_rate)) if v is not None}
    config = dataclasses.replace(model.config, **changes).validate()
    if config.epochs <= state.epochs_done:
        raise UserError(f"--epochs: {args.resume} has trained {state.epochs_done} epochs already; "
                        f"give the total to reach, more than {state.epochs_done}")
    prepared = prepare(config)
    try:
        prepared.network.set_params(model.network.weights, model.network.biases)
    except ValueError as error:
        raise UserError(f"{args.resume}: the weights do not fit the experiment's network ({error})") from None
    return config, prepared, state
