"""File → Open experiment refuses, at open, what would only fail at Train: as the command line does."""

import json
from dataclasses import asdict

import pytest

from nnviz.guard import memory


def experiment(tmp_path, **settings):
    path = tmp_path / "experiment.json"
    path.write_text(json.dumps({"dataset": "xor", "hidden_layers": [4], **settings}))
    return path


def only_test_files(tmp_path):
    folder = tmp_path / "fashion"
    folder.mkdir()
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        (folder / name).write_bytes(b"")
    return folder


@pytest.mark.parametrize("changes, message", [
    (lambda t: {"hidden_layers": [100000, 100000]}, "hidden_layers [100000, 100000] needs about"),
    (lambda t: {"dataset": f"idx:{only_test_files(t)}"},
     "fashion: missing train-images-idx3-ubyte[.gz]; an IDX folder needs train-images-idx3-ubyte"),
    (lambda t: {"dataset": f"idx:{t / 'experiment.json'}"}, "experiment.json: not a folder"),
    (lambda t: {"dataset": "idx:~/mnist-copy"}, "home/mnist-copy: no such folder"),
    (lambda t: {"dataset": f"csv:{t / 'gone.csv'}"}, "gone.csv: no such file"),
    (lambda t: {"dataset": f"images:{t / 'gone'}"}, "gone: no such folder"),
])
def test_an_experiment_that_could_not_train_is_refused_at_open(window, tmp_path, monkeypatch, changes, message):
    monkeypatch.setattr(memory, "available_bytes", lambda: 8 * 10**9)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    before = asdict(window.panel.config())
    window.files.open_experiment(str(experiment(tmp_path, **changes(tmp_path))))
    assert message in window.banner.text() and "Cannot open the experiment" in window.banner.text()
    assert "\n" not in window.banner.text()
    assert asdict(window.panel.config()) == before


def test_an_experiment_that_fits_opens(window, tmp_path, monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 8 * 10**9)
    window.files.open_experiment(str(experiment(tmp_path, hidden_layers=[1000, 1000])))
    assert window.panel.config().hidden_layers == [1000, 1000]
