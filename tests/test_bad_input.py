"""A corpus of malformed files and arguments fed to the command line: each gets exit 2 and one plain line.

No case may hang (FIFOs are refused without opening them for a blocking read), allocate what the
data does not need (sizes are checked against an injected amount of available memory first) or
print a traceback.
"""

import json
import os

import numpy as np
import pytest

from nnviz.cli import commands as cli
from nnviz.core import Network
from nnviz.data import write_idx
from nnviz.guard import memory
from nnviz.io import ExperimentConfig, save_model

GB = 10**9


@pytest.fixture(autouse=True)
def one_gigabyte_available(monkeypatch):
    """Every case sees 1 GB of available memory, whatever the machine has."""
    monkeypatch.setattr(memory, "available_bytes", lambda: GB)


def experiment(tmp_path, **settings):
    path = tmp_path / "experiment.json"
    path.write_text(json.dumps({"dataset": "xor", "hidden_layers": [4], "epochs": 1, **settings}))
    return path


def text_file(tmp_path, content, name="experiment.json", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return path


def fifo(tmp_path, name="pipe.json"):
    path = tmp_path / name
    os.mkfifo(path)
    return path


def dev_zero_link(tmp_path, name="zero.json"):
    path = tmp_path / name
    path.symlink_to("/dev/zero")
    return path


def point_model(tmp_path):
    path = tmp_path / "xor.npz"
    save_model(path, Network([2, 4, 2], hidden="tanh", seed=0), ExperimentConfig(dataset="xor", hidden_layers=[4]))
    return path


def digits_model(tmp_path, dataset="digits8x8"):
    path = tmp_path / "digits.npz"
    save_model(path, Network([64, 4, 10], seed=0), ExperimentConfig(dataset=dataset, hidden_layers=[4]))
    return path


def npy_header_claiming(tmp_path, shape):
    """A .npy file whose header claims `shape` float64 but that holds no data."""
    path = tmp_path / "image.npy"
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return path


def idx_folder(tmp_path, train_labels):
    folder = tmp_path / "idx"
    folder.mkdir()
    n = len(train_labels)
    write_idx(folder / "train-images-idx3-ubyte", np.zeros((n, 2, 2), np.uint8))
    write_idx(folder / "train-labels-idx1-ubyte", np.array(train_labels, np.uint8))
    write_idx(folder / "t10k-images-idx3-ubyte", np.zeros((2, 2, 2), np.uint8))
    write_idx(folder / "t10k-labels-idx1-ubyte", np.array([0, 1], np.uint8))
    return folder


CASES = {
    # files that are not regular files
    "config is a FIFO": lambda t: ["train", "--config", fifo(t)],
    "config is /dev/zero": lambda t: ["train", "--config", dev_zero_link(t)],
    "config is a folder": lambda t: ["train", "--config", t],
    "model is a FIFO": lambda t: ["evaluate", fifo(t, "m.npz")],
    "model is /dev/zero": lambda t: ["predict", dev_zero_link(t, "m.npz"), "--point", "0", "0"],
    "image is a FIFO": lambda t: ["predict", digits_model(t), fifo(t, "digit.png")],
    "image is /dev/zero": lambda t: ["predict", digits_model(t), dev_zero_link(t, "digit.png")],
    "IDX file is a FIFO": lambda t: ["train", "--config", experiment(t, dataset=f"idx:{_fifo_in_idx(t)}")],
    # pathological JSON
    "100,000 nested brackets": lambda t: ["train", "--config", text_file(t, "[" * 100_000 + "]" * 100_000)],
    "nested 40 levels": lambda t: ["train", "--config", text_file(t, '{"title": ' + "[" * 40 + "]" * 40 + "}")],
    "a 5,000-digit number": lambda t: ["train", "--config", text_file(t, '{"epochs": ' + "9" * 5000 + "}")],
    "a 200,000-character value": lambda t: ["train", "--config", experiment(t, activation="x" * 200_000)],
    "a 200,000-character key": lambda t: ["train", "--config", experiment(t, **{"k" * 200_000: 1})],
    "UTF-8 with a BOM": lambda t: ["train", "--config", text_file(t, '{"epochs": 1}', encoding="utf-8-sig")],
    "UTF-16 without a BOM": lambda t: ["train", "--config", text_file(t, '{"epochs": 1}', encoding="utf-16-le")],
    "UTF-16": lambda t: ["train", "--config", text_file(t, '{"epochs": 1}', encoding="utf-16")],
    "latin-1": lambda t: ["train", "--config", text_file(t, '{"title": "café"}', encoding="latin-1")],
    # sizes that cannot fit in memory (1 GB available)
    "a hidden layer of 1e9 units": lambda t: ["train", "--config", experiment(t, hidden_layers=[10**9])],
    "two hidden layers of 1e5 units": lambda t: ["train", "--config", experiment(t, hidden_layers=[10**5, 10**5])],
    "gradcheck with 1e5 x 1e5": lambda t: ["gradcheck", "--config", experiment(t, hidden_layers=[10**5, 10**5])],
    "1e9 toy points": lambda t: ["train", "--config", experiment(t, n_samples=10**9)],
    "an .npy header claiming 100000x100000": lambda t: ["predict", digits_model(t),
                                                         npy_header_claiming(t, (100_000, 100_000))],
    "thousands of hidden layers": lambda t: ["train", "--config", experiment(t, hidden_layers=[2] * 5000)],
    # values that silently produce garbage
    "predict --point nan nan": lambda t: ["predict", point_model(t), "--point", "nan", "nan"],
    "predict --point inf 0": lambda t: ["predict", point_model(t), "--point", "inf", "0"],
    "IDX label 200": lambda t: ["train", "--config", experiment(t, dataset=f"idx:{idx_folder(t, [0, 1, 200, 1])}",
                                                                   validation_split=0.0)],
    # saving to a folder; a model whose data folder is gone
    "--save to a folder": lambda t: ["train", "--config", experiment(t), "--save", _folder(t, "out.npz")],
    "model trained on a missing IDX folder": lambda t: ["evaluate", digits_model(t, f"idx:{t / 'gone'}")],
    "model trained on a missing CSV file": lambda t: ["evaluate", digits_model(t, f"csv:{t / 'gone.csv'}")],
}


def _fifo_in_idx(tmp_path):
    folder = idx_folder(tmp_path, [0, 1, 0, 1])
    (folder / "train-images-idx3-ubyte").unlink()
    os.mkfifo(folder / "train-images-idx3-ubyte")
    return folder


def _folder(tmp_path, name):
    (tmp_path / name).mkdir()
    return tmp_path / name


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_line_and_exit_2(case, tmp_path, capsys):
    argv = [str(a) for a in CASES[case](tmp_path)]
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("nnviz: error: ") and len(err) < 500, err


@pytest.mark.parametrize("case,message", [
    ("--save to a folder", "out.npz: is a folder"),
    ("a 200,000-character value", "activation: 'xxx"),
    ("a 5,000-digit number", "line 1, column 12: 'epochs': a whole number of more than 20 digits"),
    ("a hidden layer of 1e9 units", "hidden_layers [1000000000] on 2 inputs needs about 4.31 TB of memory; "
                                    "1 GB is available"),
    ("IDX label 200", "labels span 0..200, but 198 of those 201 classes never occur"),
    ("model trained on a missing IDX folder", "trained on idx:"),
    ("model trained on a missing IDX folder", "gone, which does not exist (any more); name the data with --dataset"),
])
def test_the_message_names_what_is_wrong(case, message, tmp_path, capsys):
    cli.main([str(a) for a in CASES[case](tmp_path)])
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("error", [ValueError("an internal check"), KeyError("x"), OSError("no file in it")])
def test_any_other_exception_is_reported_as_a_bug_with_its_traceback(error, monkeypatch, capsys):
    def broken(args):
        raise error
    monkeypatch.setattr(cli, "cmd_presets", broken)
    code = cli.main(["presets"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("nnviz: this is a bug in nnviz; please report it") and "Traceback" in err
