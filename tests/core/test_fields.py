"""Setting checks: one message format, the field's name carried on the error."""

import math

import pytest

from nnviz.core import TrainConfig
from nnviz.core.fields import MAX_SHOWN, FieldError, choice, number, shown, whole
from nnviz.io import ConfigError, ExperimentConfig, load_experiment


@pytest.mark.parametrize("check, message", [
    (lambda: number("lr", 0.0, 0, None, low_open=True), "lr: 0.0 is not allowed; must be a number > 0"),
    (lambda: number("p", 1.0, 0, 1, high_open=True), "p: 1.0 is not allowed; must be a number ≥ 0 and < 1"),
    (lambda: number("noise", math.nan, 0, optional=True), "noise: nan is not allowed; must be a number ≥ 0 or null"),
    (lambda: whole("epochs", 2.5, 1), "epochs: 2.5 is not allowed; must be a whole number ≥ 1"),
    (lambda: whole("flag", True, 0), "flag: True is not allowed; must be a whole number ≥ 0"),
    (lambda: choice("loss", "l3", ("a", "b")), "loss: 'l3' is not allowed; allowed: a, b"),
])
def test_a_bad_value_names_the_field_the_value_and_the_rule(check, message):
    with pytest.raises(FieldError) as caught:
        check()
    assert str(caught.value) == message
    assert caught.value.field == message.split(":")[0]


def test_good_values_and_allowed_nulls_pass():
    number("lr", 0.1, 0, None, low_open=True)
    number("noise", None, 0, optional=True)
    whole("classes", None, 2, optional=True)
    choice("loss", "a", ("a", "b"))


def test_a_long_value_is_cut_in_the_message():
    text = shown("x" * 10_000)
    assert len(text) == MAX_SHOWN and text.endswith("…")


@pytest.mark.parametrize("config, field", [
    (TrainConfig(learning_rate=-1), "learning_rate"),
    (TrainConfig(restore_best=1), "restore_best"),
])
def test_train_config_errors_carry_their_field(config, field):
    with pytest.raises(FieldError) as caught:
        config.validate()
    assert caught.value.field == field and str(caught.value).startswith(f"{field}: ")


@pytest.mark.parametrize("changes, field", [
    ({"noise": -1.0}, "noise"),
    ({"learning_rate": 0.0}, "learning_rate"),               # checked by the core's TrainConfig
    ({"output": "sigmoid", "loss": "cross_entropy"}, "loss"),
    ({"hidden_layers": [4, 0]}, "hidden_layers"),
    ({"early_stopping": 3, "validation_split": 0.0}, "early_stopping"),
    ({"input_features": ["x1", "x1"]}, "input_features"),
    ({"dataset": "mnsit"}, "dataset"),
])
def test_experiment_errors_are_config_errors_carrying_their_field(changes, field):
    with pytest.raises(ConfigError) as caught:
        ExperimentConfig(**changes).validate()
    assert caught.value.field == field


def test_a_file_error_keeps_the_field_and_names_the_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"dropout": 1.5}', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    assert caught.value.field == "dropout" and str(caught.value).startswith(f"{path}: dropout: 1.5")
    path.write_text('{"drpout": 0.5}', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    assert caught.value.field is None and "did you mean dropout" in str(caught.value)
