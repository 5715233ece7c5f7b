"""Atomic saves: the target is named in every error, and no temporary file outlives a save."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from nnviz.io import atomic_write, atomic_write_text
from nnviz.io.atomic import remove_stale_temporaries


def test_saving_onto_a_folder_names_the_folder(tmp_path):
    target = tmp_path / "model.npz"
    target.mkdir()
    with pytest.raises(IsADirectoryError) as error:
        atomic_write_text(target, "x")
    assert error.value.filename == str(target) and "is a folder" in str(error.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]


def test_a_temporary_file_of_a_killed_save_is_removed_by_the_next_save(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".runs.json.{int(dead.stdout)}.abc123.tmp"
    alive = tmp_path / f".runs.json.{os.getppid()}.def456.tmp"      # a save still running elsewhere
    other = tmp_path / f".other.json.{int(dead.stdout)}.abc123.tmp"
    for path in (stale, alive, other):
        path.write_text("half")
    atomic_write_text(tmp_path / "runs.json", "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, other.name, "runs.json"])
    remove_stale_temporaries(tmp_path / "other.json")
    assert not other.exists()


def run_script(tmp_path, body):
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {os.getcwd()!r})
        from nnviz.io import atomic_write
        target = {str(tmp_path / "out.bin")!r}
    """) + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminated_save_removes_its_temporary_file_then_ends_as_the_signal_says(tmp_path, signum):
    done = run_script(tmp_path, f"""
        def write(f):
            f.write(b"half")
            os.kill(os.getpid(), {int(signum)})
            f.write(b"never")
        atomic_write(target, write)
        print("survived")
    """)
    assert done.returncode == -signum and "survived" not in done.stdout
    assert list(tmp_path.iterdir()) == []


def test_a_second_ctrl_c_while_a_save_cleans_up_prints_no_traceback(tmp_path):
    done = run_script(tmp_path, """
        from nnviz.cli import commands
        real_unlink, pressed = os.unlink, []
        def unlink_after_a_second_ctrl_c(path):
            if not pressed:
                pressed.append(True)
                os.kill(os.getpid(), signal.SIGINT)
            real_unlink(path)
        os.unlink = unlink_after_a_second_ctrl_c
        def save(path, *args):
            atomic_write(path, lambda f: os.kill(os.getpid(), signal.SIGINT))
        commands.save_model = save
        sys.exit(commands.main(["train", "--preset", "xor", "--epochs", "1", "--quiet", "--save", target]))
    """)
    assert done.returncode == 130 and done.stderr == "nnviz: interrupted\n"
    assert list(tmp_path.iterdir()) == []


def test_an_error_while_writing_leaves_no_temporary_file(tmp_path):
    def fail(f):
        f.write(b"half")
        raise RuntimeError("disk on fire")
    with pytest.raises(RuntimeError):
        atomic_write(tmp_path / "out.bin", fail)
    assert list(tmp_path.iterdir()) == []


def test_saving_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "model.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    atomic_write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new" and link.read_text() == "new"
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["model.json"]     # no temporary left


def test_a_dangling_symlink_creates_the_file_it_names(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "made.json")
    atomic_write_text(link, "new")
    assert link.is_symlink() and (tmp_path / "made.json").read_text() == "new"


def test_a_read_only_file_is_refused_and_left_as_it_was(tmp_path):
    target = tmp_path / "model.json"
    target.write_text("mine")
    target.chmod(0o444)
    with pytest.raises(PermissionError) as error:
        atomic_write_text(target, "new")
    assert error.value.filename == str(target) and "the file is read-only" in error.value.strerror
    assert target.read_text() == "mine" and sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


@pytest.mark.parametrize("umask, expected", [(0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_a_new_file_gets_the_users_umask(tmp_path, umask, expected):
    previous = os.umask(umask)
    try:
        atomic_write_text(tmp_path / "new.json", "x")
    finally:
        os.umask(previous)
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == expected


def test_an_existing_file_keeps_its_mode_whatever_the_umask(tmp_path):
    target = tmp_path / "shared.json"
    target.write_text("old")
    target.chmod(0o664)
    previous = os.umask(0o077)
    try:
        atomic_write_text(target, "new")
    finally:
        os.umask(previous)
    assert target.stat().st_mode & 0o777 == 0o664 and target.read_text() == "new"
