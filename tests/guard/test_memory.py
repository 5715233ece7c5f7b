"""Memory checks: the estimate against what is available (injected), in a message naming both."""

import pytest

from nnviz.guard import MemoryLimitError, UserError, available_bytes, check_fits, format_bytes, memory


def test_available_memory_is_read_from_the_system():
    available = available_bytes()
    assert available is None or available > 0


def test_work_beyond_the_available_share_is_refused_naming_both_numbers(monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 10**9)
    check_fits("a small thing", int(memory.MAX_SHARE * 10**9))
    with pytest.raises(MemoryLimitError, match=r"^a big thing needs about 80 GB of memory; 1 GB is available$"):
        check_fits("a big thing", 80 * 10**9)
    assert issubclass(MemoryLimitError, UserError)


def test_unknown_available_memory_refuses_nothing(monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: None)
    check_fits("anything", 10**30)


@pytest.mark.parametrize("n,text", [(512, "512 B"), (3_200_000, "3.2 MB"), (80 * 10**9, "80 GB"),
                                    (4.31e12, "4.31 TB")])
def test_bytes_are_written_for_people(n, text):
    assert format_bytes(n) == text
