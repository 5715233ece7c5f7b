"""File datasets (idx:, csv:, images:) in experiment files: paths relative to the file, `~` expanded."""

import json

import pytest

from nnviz.io import ConfigError, ExperimentConfig, load_experiment, resolve_dataset_path


def write_experiment(path, **values):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values), encoding="utf-8")
    return path


@pytest.mark.parametrize("prefix", ["idx:", "csv:", "images:"])
def test_a_relative_path_is_relative_to_the_experiment_file_not_the_working_directory(tmp_path, monkeypatch, prefix):
    experiment = write_experiment(tmp_path / "experiments" / "mine.json", dataset=f"{prefix}../data/set")
    monkeypatch.chdir(tmp_path / "experiments")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert load_experiment(experiment).dataset == f"{prefix}{tmp_path / 'data' / 'set'}"
    assert load_experiment(tmp_path / "experiments" / "mine.json").dataset == f"{prefix}{tmp_path / 'data' / 'set'}"


def test_a_relative_experiment_path_resolves_against_the_working_directory(tmp_path, monkeypatch):
    write_experiment(tmp_path / "exp" / "mine.json", dataset="csv:table.csv")
    monkeypatch.chdir(tmp_path)
    assert load_experiment("exp/mine.json").dataset == f"csv:{tmp_path / 'exp' / 'table.csv'}"


def test_home_is_expanded_and_absolute_paths_and_registry_names_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    home = write_experiment(tmp_path / "e" / "home.json", dataset="idx:~/fashion")
    assert load_experiment(home).dataset == f"idx:{tmp_path / 'home' / 'fashion'}"
    absolute = write_experiment(tmp_path / "e" / "abs.json", dataset="idx:/data/fashion")
    assert load_experiment(absolute).dataset == "idx:/data/fashion"
    named = write_experiment(tmp_path / "e" / "named.json", dataset="spirals")
    assert load_experiment(named).dataset == "spirals"
    assert resolve_dataset_path("csv: ~/x.csv", "/anywhere") == f"csv:{tmp_path / 'home' / 'x.csv'}"


@pytest.mark.parametrize("values, message", [
    ({"dataset": "csv:  "}, "dataset: 'csv:  ' is not allowed; write idx:/path/to/folder, csv:"),
    ({"dataset": "csv:a.csv", "label_column": 2.5}, "label_column: 2.5 is not allowed; must be a string or a whole"),
    ({"dataset": "images:digits", "image_size": 2}, "image_size: 2 is not allowed; must be a whole number ≥ 4"),
    ({"dataset": "images:digits", "image_size": 100000}, "image_size: 100000 is not allowed; must be at most 512"),
])
def test_bad_file_dataset_settings_name_the_field(values, message):
    with pytest.raises(ConfigError) as caught:
        ExperimentConfig.from_dict(values).validate()
    assert str(caught.value).startswith(message)


def test_label_column_takes_a_name_or_an_index():
    assert ExperimentConfig(dataset="csv:a.csv", label_column="species").validate().label_column == "species"
    assert ExperimentConfig(dataset="csv:a.csv", label_column=-1).validate().label_column == -1


def test_a_nul_byte_in_a_dataset_path_is_a_config_error_naming_the_file(tmp_path):
    path = tmp_path / "nul.json"
    path.write_text('{"dataset": "csv:/tmp/a\\u0000b.csv"}')
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    assert str(caught.value) == (f"{path}: dataset: 'csv:/tmp/a\\x00b.csv' is not allowed; a file path cannot "
                                 f"hold a NUL byte")
