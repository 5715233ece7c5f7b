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


def test_evaluate_ablate_knocks_out_a_whole_filter_of_a_conv_layer(capsys, tmp_path):
    from nnviz.data import load_dataset
    from nnviz.io import load_model

    config = tmp_path / "conv.json"
    config.write_text('{"dataset": "digits8x8", "layers": [{"conv": 4, "kernel": 3, "padding": "same"}, '
                      '{"maxpool": 2}, {"dense": 16}], "epochs": 3, "learning_rate": 0.1}', encoding="utf-8")
    assert cli.main(["train", "--config", str(config), "--save", str(tmp_path / "m.npz"), "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["evaluate", str(tmp_path / "m.npz"), "--ablate", "1:2"]) == 0
    out = capsys.readouterr().out
    net, test = load_model(tmp_path / "m.npz").network, load_dataset("digits8x8")
    # By hand: filter 2's map held at 0 is the dense layer's rows 2, 6, 10, ... (pooled 4x4x4, (h, w, c)) zeroed.
    zeroed = net.copy()
    zeroed.weights[1][2::4, :] = 0
    ablated = np.mean(zeroed.predict(test.X_test) == test.y_test)
    intact = np.mean(net.predict(test.X_test) == test.y_test)
    assert ablated != intact
    assert f"with hidden units 1:2 knocked out: test accuracy {ablated:.2%} (intact {intact:.2%})" in out
    assert cli.main(["evaluate", str(tmp_path / "m.npz"), "--ablate", "1:4"]) == 2
    assert "hidden layer 1 has filters 0..3, not 4" in capsys.readouterr().err
