"""Turn an experiment config into a ready-to-train run: the one place the CLI and the GUI both do it.

    prepared = prepare(config)
    for event in train(prepared.network, prepared.train_data, prepared.train_config):
        ...

Everything random (dataset split, training subset, validation split, initial weights, batch order,
dropout, augmentation) is drawn from `config.seed`, each from its own stream (nnviz.seeds), so the
same config always gives the same run. `prepare_race` builds the
runs of a race: one experiment with several optimisers or learning rates, from one start.
"""

import os
from dataclasses import dataclass, replace

from nnviz.core import Network, TrainConfig, TrainData
from nnviz.core.checkpoint import TrainState
from nnviz.core.footprint import training_bytes
from nnviz.data import (
    IMAGE_SHAPES,
    Dataset,
    idx_files,
    idx_image_shape,
    load_csv_dataset,
    load_dataset,
    load_idx_folder,
    load_image_folder,
    make_augmenter,
    split_validation,
)
from nnviz.guard import UserError, check_fits, open_regular
from nnviz.io import (
    CSV_PREFIX,
    IDX_PREFIX,
    IMAGES_PREFIX,
    ConfigError,
    ExperimentConfig,
    dataset_path,
    resolve_dataset_path,
)
from nnviz.seeds import stream


@dataclass(frozen=True)
class Prepared:
    """dataset: the whole dataset (its test set is for the final evaluation); network: freshly
    initialised; train_data: the training subset minus the validation split, with the augmenter;
    train_config: the training hyperparameters; resume: the TrainState a continued run goes on from
    (None: a run from its start)."""

    dataset: Dataset
    network: Network
    train_data: TrainData
    train_config: TrainConfig
    resume: TrainState | None = None


def check_openable(config: ExperimentConfig) -> None:
    """What can be judged of a validated `config` without reading its data (File → Open experiment
    does this before showing it): its dataset file or folder is there (an IDX folder with its four
    files), and its hidden layers fit in memory whatever the data's width. UserError naming the
    path or the field."""
    prefix, path = dataset_path(config.dataset)
    if prefix == IDX_PREFIX:
        idx_files(path)
    elif prefix == CSV_PREFIX:
        open_regular(path).close()
    elif prefix == IMAGES_PREFIX and not os.path.isdir(path):
        raise UserError(f"{path}: {'not a folder' if os.path.exists(path) else 'no such folder'}")
    if config.layers is None:       # the smallest data: one input, two classes
        sizes = [1, *config.hidden_layers, config.n_outputs(2)]
        check_fits(f"hidden_layers {list(config.hidden_layers)}",
                   training_bytes(sizes, config.batch_size, config.batch_size, config.optimizer))


def load_config_dataset(config: ExperimentConfig, name: str | None = None) -> Dataset:
    """The dataset `config` names (or `name` instead), with its size/noise/classes/test_fraction settings.

    The dataset's own options apply only to the dataset the config was written for; another
    `name` is loaded with its defaults (and the config's seed, so 8x8 digits split the same way).
    """
    own = name is None or name == config.dataset
    split = {"test_fraction": config.test_fraction} if own and config.test_fraction is not None else {}
    prefix, path = dataset_path(resolve_dataset_path(name or config.dataset, "."))
    if prefix == IDX_PREFIX:
        return load_idx_folder(path)
    if prefix == CSV_PREFIX:
        return load_csv_dataset(path, config.label_column if own else None, seed=config.seed, **split)
    if prefix == IMAGES_PREFIX:
        return load_image_folder(path, config.image_size if own else None, seed=config.seed, **split)
    name = name or config.dataset
    if name != config.dataset:
        return load_dataset(name, seed=config.seed)
    return load_dataset(name, seed=config.seed, n_samples=config.n_samples, noise=config.noise,
                        classes=config.classes, **split)


def image_shape_of(dataset: str) -> tuple[int, int] | None:
    """(height, width) of the images of the dataset an experiment names, known without loading it (the
    registered image sets; an IDX folder from its file's header), or None: point sets, CSV files, image
    folders, and a folder that cannot be read (loading it says why)."""
    prefix, path = dataset_path(resolve_dataset_path(dataset, "."))
    if prefix == IDX_PREFIX:
        try:
            return idx_image_shape(path)
        except UserError:
            return None
    return IMAGE_SHAPES.get(dataset)


def training_split(config: ExperimentConfig, dataset: Dataset):
    """(X_train, y_train, X_val, y_val): the first `train_subset` training samples after a seeded
    shuffle (all when 0), then `validation_split` of those held out (X_val None when 0)."""
    X, y = dataset.X_train, dataset.y_train
    if config.train_subset and config.train_subset < len(X):
        keep = stream(config.seed, "subset").permutation(len(X))[:config.train_subset]
        X, y = X[keep], y[keep]
    if not config.validation_split:
        return X, y, None, None
    X_train, y_train, X_val, y_val = split_validation(X, y, config.validation_split,
                                                        stream(config.seed, "validation"))
    if len(X_train) == 0 or len(X_val) == 0:
        raise ConfigError(f"validation_split: {config.validation_split!r} leaves no training or no "
                          f"validation samples out of {len(X)}", "validation_split")
    return X_train, y_train, X_val, y_val


def make_data_augmenter(config: ExperimentConfig, dataset: Dataset):
    """The augmenter for `config` (None without augmentation); ConfigError for point datasets."""
    if not config.augment_shift and not config.augment_rotation and not config.augment_elastic:
        return None
    if dataset.image_shape is None:
        raise ConfigError(f"augment_shift/augment_rotation/augment_elastic: augmentation needs images; "
                          f"dataset {dataset.name} holds {dataset.n_features}-D points", "augment_shift")
    return make_augmenter(dataset.image_shape, config.augment_shift, config.augment_rotation,
                          config.augment_elastic)


def prepare(config: ExperimentConfig, dataset: Dataset | None = None) -> Prepared:
    """Validate `config`, load its dataset (or use the `dataset` given) and build the run."""
    config.validate()
    dataset = dataset if dataset is not None else load_config_dataset(config)
    X_train, y_train, X_val, y_val = training_split(config, dataset)
    _check_two_classes(config, dataset, y_train)
    data = TrainData(X_train, y_train, X_val, y_val, make_data_augmenter(config, dataset))
    network = config.build_network(dataset.n_features, dataset.n_classes,
                                   n_samples=max(len(dataset.X_train), len(dataset.X_test)),
                                   image_shape=dataset.image_shape)
    return Prepared(dataset, network, data, config.train_config())


def _check_two_classes(config: ExperimentConfig, dataset: Dataset, y_train) -> None:
    """ConfigError when the labels y_train the network would train on hold fewer than two classes: it
    would learn to answer one class and report a perfect score."""
    if len(y_train) and y_train.min() == y_train.max():
        raise ConfigError(f"{config.dataset}: the training split holds only one class, "
                          f"{dataset.class_names[int(y_train[0])]!r} ({len(y_train)} samples); a classifier "
                          f"needs at least two classes to train on", "dataset")


MIN_CONTESTANTS, MAX_CONTESTANTS = 2, 4
# A learning rate each optimiser usually trains well with (Adam and RMSprop divide by √v: smaller η).
TYPICAL_ETA = {"sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "rmsprop": 0.001, "adam": 0.001}


def race_eta(config: ExperimentConfig, optimizer: str) -> float:
    """The η a race gives `optimizer` unless told: the experiment's own with its own optimiser, else
    the optimiser's typical one."""
    return config.learning_rate if optimizer == config.optimizer else TYPICAL_ETA.get(optimizer, 0.01)


@dataclass(frozen=True)
class Contestant:
    """One run of a race: its name ("adam η 0.001"), its experiment and its prepared run."""

    name: str
    config: ExperimentConfig
    prepared: Prepared


def race_variants(text: str, config: ExperimentConfig) -> list[tuple[str, float]]:
    """[(optimizer, η)] from "sgd,momentum:0.01,adam" (η after a colon; without one, `race_eta`);
    ConfigError naming a part that is neither."""
    variants = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            raise ConfigError(f"{text!r} has an empty entry; give 2 to 4 of OPTIMIZER or OPTIMIZER:η separated "
                              f"by commas (e.g. sgd,adam or sgd:0.01,sgd:0.1)", "optimizer")
        name, _, eta = (s.strip() for s in part.partition(":"))
        try:
            variants.append((name, float(eta) if eta else race_eta(config, name)))
        except ValueError:
            raise ConfigError(f"{part!r} is not OPTIMIZER or OPTIMIZER:η (e.g. adam:0.001)", "optimizer") from None
    return variants


def prepare_race(config: ExperimentConfig, variants) -> list[Contestant]:
    """The contestants of a race: `config` once per (optimizer, learning_rate) in `variants`.

    The experiment is prepared once: every contestant trains on the same data, and its network is
    a copy of the one initial network, so all start from identical weights; they share the seed,
    so they also draw the same batch order. Only the optimiser and η differ.
    """
    configs = race_configs(config, variants)
    start = prepare(config)
    return [Contestant(f"{c.optimizer} η {c.learning_rate:g}", c,
                       Prepared(start.dataset, start.network.copy(), start.train_data, c.train_config()))
            for c in configs]


def race_configs(config: ExperimentConfig, variants) -> list[ExperimentConfig]:
    """`config` with each (optimizer, learning_rate) of `variants`, validated; ConfigError for fewer than
    MIN_CONTESTANTS or more than MAX_CONTESTANTS variants, a repeated one, or a bad name or η."""
    variants = [(str(optimizer), float(eta)) for optimizer, eta in variants]
    if not MIN_CONTESTANTS <= len(variants) <= MAX_CONTESTANTS:
        raise ConfigError(f"a race needs {MIN_CONTESTANTS} to {MAX_CONTESTANTS} optimisers or learning rates, "
                          f"got {len(variants)}", "optimizer")
    if len(set(variants)) < len(variants):
        raise ConfigError("a race's optimisers and learning rates must differ: "
                          f"{', '.join(f'{o} η {eta:g}' for o, eta in variants)}", "optimizer")
    return [replace(config, optimizer=optimizer, learning_rate=eta).validate() for optimizer, eta in variants]
