"""Preset experiments: the JSON files bundled in resources/presets/, by name (file stem)."""

from nnviz.resources import resource_path

from .experiment import ConfigError, ExperimentConfig, load_experiment


def preset_folder():
    return resource_path("presets")


def preset_names() -> list[str]:
    """Names of the bundled presets, sorted."""
    return sorted(p.stem for p in preset_folder().glob("*.json"))


def list_presets() -> list[tuple[str, ExperimentConfig]]:
    """(name, config) for every bundled preset, sorted by name."""
    return [(name, load_preset(name)) for name in preset_names()]


def load_preset(name: str) -> ExperimentConfig:
    """The validated preset `name`; ConfigError listing the known names if there is none."""
    names = preset_names()
    if name not in names:
        raise ConfigError(f"unknown preset {name!r}; presets: {', '.join(names)}")
    return load_experiment(preset_folder() / f"{name}.json")
