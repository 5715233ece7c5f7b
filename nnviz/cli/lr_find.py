"""`nnviz lr-find`: the learning-rate range test of an experiment, its suggestion and the curve as a log."""

from nnviz.core import lr_range_test
from nnviz.io import write_metrics
from nnviz.prepare import prepare


def cmd_lr_find(args, experiment, check_output):
    """Run the range test from the experiment's initialisation; print the suggested η and why."""
    check_output(args.log, (".csv", ".jsonl"))
    config = experiment(args)
    prepared = prepare(config)
    result = lr_range_test(prepared.network, prepared.train_data, prepared.train_config,
                           min_lr=args.min_lr, max_lr=args.max_lr, steps=args.steps)
    print(f"learning-rate range test on {prepared.dataset.name} ({config.optimizer}, batches of "
          f"{prepared.train_config.batch_size}): {len(result.losses)} batches, η from "
          f"{args.min_lr:g} to {args.max_lr:g}")
    if result.suggestion is None:
        print(f"no suggestion: {result.reason}")
    else:
        print(f"suggested learning rate: {result.suggestion:.3g}")
        print(f"why: {result.reason}")
        source = f"--config {args.config}" if args.config else f"--preset {args.preset}"
        print(f"try: nnviz train {source} --learning-rate {result.suggestion:.3g}")
    if args.log:
        write_metrics(args.log, [{"learning_rate": eta, "loss": loss, "smoothed_loss": smoothed}
                                 for eta, loss, smoothed in zip(result.learning_rates, result.losses,
                                                                result.smoothed)])
        print(f"curve written to {args.log}")
    return 0 if result.suggestion is not None else 1


def add_parser(commands, experiment_options, run):
    """The `lr-find` sub-command on the `commands` sub-parsers; `run` is what it calls."""
    p = commands.add_parser("lr-find", help="suggest a learning rate (range test)")
    experiment_options(p)
    p.add_argument("--min-lr", type=float, default=1e-5, help="first learning rate (default 1e-5)")
    p.add_argument("--max-lr", type=float, default=10.0, help="last learning rate (default 10)")
    p.add_argument("--steps", type=int, default=200, help="batches, η growing exponentially (default 200)")
    p.add_argument("--log", metavar="FILE.csv", help="write the curve: learning_rate, loss, smoothed_loss")
    p.set_defaults(run=run)
