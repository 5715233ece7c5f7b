"""The window keeps the file guarantees: a read-only model is not replaced, a zip bomb is not unpacked,
a CSV value beyond float32 is a message; each said in one line naming the file."""

from nnviz.prepare import prepare
from tests.app.conftest import tiny_digits
from tests.guard.test_npz import zip_bomb


def test_saving_over_a_read_only_model_is_refused_in_one_line(tmp_path, make_window):
    window = make_window(tiny_digits())
    window.adopt(tiny_digits(), prepare(tiny_digits()))
    path = tmp_path / "kept.npz"
    path.write_bytes(b"my old model")
    path.chmod(0o444)
    window.files.save(str(path))
    assert window.banner.text() == (f"Cannot save the model: {path}: the file is read-only; nnviz does not "
                                    f"overwrite it (make it writable, or choose another name)")
    assert path.read_bytes() == b"my old model"


def test_loading_a_zip_bomb_model_is_a_message_not_an_unpacking(tmp_path, make_window):
    window = make_window(tiny_digits())
    path = zip_bomb(tmp_path / "bomb.npz")
    window.files.load(str(path))
    assert window.banner.text().startswith(f"Cannot load the model: {path}: 'W0.npy' would expand from ")
    assert window.banner.text().endswith("(more than 32 times): not a model file nnviz wrote")


def test_a_csv_with_a_value_beyond_float32_is_a_message(qtbot, tmp_path, make_window):
    window = make_window(tiny_digits())
    path = tmp_path / "huge.csv"
    path.write_text("a,b,label\n" + "".join(f"{i},{1e300 if i == 5 else i},{'xy'[i % 2]}\n" for i in range(20)))
    window.files.open_dataset(str(path))
    qtbot.waitUntil(lambda: "1e+300 is too large" in window.banner.text())
    assert window.banner.text().endswith(f"{path}: line 7, column b: 1e+300 is too large; the network computes in "
                                         f"float32, at most ±3.4e+38")
    assert window.panel.config().dataset == "digits8x8"
