"""`nnviz race`: one experiment with 2-4 optimisers or learning rates, side by side from the same start."""

import time

from nnviz.cli.common import EXIT_INTERRUPTED, experiment_config
from nnviz.cli.stop_flag import StopFlag
from nnviz.core import EpochEnd, Finished, accuracy, train
from nnviz.core.race import interleave
from nnviz.guard import UserError
from nnviz.prepare import prepare_race, race_variants


def cmd_race(args):
    """Train the contestants interleaved, a batch each in turn; print each one's result as it finishes.
    Ctrl-C stops them all (each still evaluated); exit status 130 then."""
    config = experiment_config(args)
    try:
        variants = race_variants(args.optimizers, config)
    except UserError as error:
        raise UserError(f"--optimizers: {error}") from None
    contestants = prepare_race(config, variants)
    with StopFlag() as stop:
        _race(contestants, config.seed, stop)
    return EXIT_INTERRUPTED if stop.requested else 0


def _race(contestants, seed, stop):
    started = time.perf_counter()
    runs = [train(c.prepared.network, c.prepared.train_data, c.prepared.train_config,
                  should_stop=lambda: stop.requested) for c in contestants]
    print(f"race on {contestants[0].prepared.dataset.name} from the same initial weights and batch order "
          f"(seed {seed}): {', '.join(c.name for c in contestants)}", flush=True)
    last_loss = {}
    for i, event in interleave(runs):
        if isinstance(event, EpochEnd):
            last_loss[i] = event.train_loss
        if isinstance(event, Finished):
            c = contestants[i]
            dataset = c.prepared.dataset
            test = accuracy(dataset.y_test, c.prepared.network.predict(dataset.X_test))
            loss = f"{last_loss[i]:.4f}" if i in last_loss else "–"
            print(f"{c.name}: test accuracy {test:.2%}, final train loss {loss} ({event.epochs_completed} "
                  f"epochs, {event.reason})", flush=True)
    print(f"race done in {time.perf_counter() - started:.1f} s")


def add_parser(commands, experiment_options):
    """The `race` sub-command on the `commands` sub-parsers."""
    p = commands.add_parser("race", help="train 2-4 optimisers or learning rates side by side from the same start")
    experiment_options(p)
    p.add_argument("--optimizers", required=True, metavar="OPT[:ETA],...",
                   help="2 to 4 contestants, e.g. sgd,momentum,adam or sgd:0.01,sgd:0.1 (without :ETA, the "
                        "experiment's η for its own optimiser, else a typical one)")
    p.add_argument("--epochs", type=int, help="override the number of epochs")
    p.set_defaults(run=cmd_race)
