"""Files: experiment configs (JSON), presets, model files (.npz) and metric logs. Imports nnviz.core only."""

from .atomic import atomic_write, atomic_write_text, check_replaceable
from .experiment import (
    CSV_PREFIX,
    DATASET_NAMES,
    IDX_PREFIX,
    IMAGES_PREFIX,
    ConfigError,
    ExperimentConfig,
    dataset_path,
    load_experiment,
    resolve_dataset_path,
    save_experiment,
)
from .json_values import json_value
from .logs import LOG_FORMATS, epoch_row, event_record, write_metrics
from .model_file import (
    FORMAT,
    LoadedModel,
    ModelFileError,
    ModelMismatchError,
    check_compatible,
    load_model,
    save_model,
)
from .presets import list_presets, load_preset, preset_names

__all__ = [
    "atomic_write", "atomic_write_text", "check_replaceable", "DATASET_NAMES", "IDX_PREFIX", "CSV_PREFIX",
    "IMAGES_PREFIX",
    "dataset_path", "resolve_dataset_path", "ConfigError", "ExperimentConfig",
    "load_experiment", "save_experiment", "LOG_FORMATS", "epoch_row", "event_record", "write_metrics", "FORMAT",
    "LoadedModel", "ModelFileError", "ModelMismatchError", "check_compatible", "load_model", "save_model",
    "json_value", "list_presets", "load_preset", "preset_names",
]
