"""Learning-rate schedules against their formulas."""

import math

import pytest

from nnviz.core import learning_rate


def test_constant():
    assert learning_rate("constant", 0.3, progress=0.7, epoch=5) == 0.3


def test_step_halves_every_step_epochs():
    rates = [learning_rate("step", 1.0, progress=0, epoch=e, step_epochs=3, step_gamma=0.5)
             for e in range(7)]
    assert rates == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]


@pytest.mark.parametrize("p", [0.0, 0.25, 0.5, 1.0])
def test_cosine_follows_half_a_cosine_to_the_floor(p):
    expected = 0.01 + (0.1 - 0.01) * 0.5 * (1 + math.cos(math.pi * p))
    assert learning_rate("cosine", 0.1, progress=p, epoch=0, min_lr=0.01) == pytest.approx(expected)


def test_warmup_ramps_linearly():
    assert learning_rate("constant", 1.0, progress=0.05, epoch=0, warmup=0.1) == pytest.approx(0.5)
    assert learning_rate("constant", 1.0, progress=0.2, epoch=0, warmup=0.1) == 1.0


def test_unknown_schedule_is_named():
    with pytest.raises(ValueError, match="schedule.*allowed"):
        learning_rate("exponential", 0.1, progress=0, epoch=0)
