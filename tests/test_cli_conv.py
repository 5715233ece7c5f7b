"""The command line with networks with convolutions: gradcheck, train, save and predict."""

import numpy as np

from nnviz.cli import commands as cli


def test_gradcheck_of_lenet_passes_every_layer_after_moving_units_off_relus_kink(capsys):
    assert cli.main(["gradcheck", "--preset", "lenet", "--samples", "2", "--max-entries", "6"]) == 0
    out = capsys.readouterr().out
    assert "biases moved by up to ±0.1" in out
    lines = [line for line in out.splitlines() if line.startswith("layer ")]
    assert [line.split()[2] for line in lines] == ["6x1x5x5", "16x6x5x5", "400x120", "120x84", "84x10"]
    assert all(line.endswith("PASS") and float(line.split()[5]) <= 1e-6 for line in lines)


def test_a_conv_experiment_trains_saves_and_predicts_from_the_command_line(capsys, tmp_path):
    config = tmp_path / "conv.json"
    config.write_text('{"dataset": "digits8x8", "layers": [{"conv": 4, "kernel": 3, "padding": "same"}, '
                      '{"maxpool": 2}, {"dense": 16}], "epochs": 3, "learning_rate": 0.1}', encoding="utf-8")
    assert cli.main(["train", "--config", str(config), "--save", str(tmp_path / "m.npz"), "--quiet"]) == 0
    out = capsys.readouterr().out
    accuracy = float(out.split("test accuracy ")[1].split("%")[0])
    assert accuracy > 50                                    # chance: 10%
    digit = np.zeros((8, 8), np.float32)
    digit[1:7, 3:5] = 1.0                                   # a vertical bar, like a 1
    np.save(tmp_path / "digit.npy", digit)
    assert cli.main(["predict", str(tmp_path / "m.npz"), str(tmp_path / "digit.npy")]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 3    # the top 3 classes
