"""optlib.source finds the line that implements a displayed equation."""

import re

import pytest

import optlib
from optlib.source import equation_lines

# Every equation tag that a docstring's algorithm box cites must mark a code line.
FACTORIES = [
    optlib.sgd,
    optlib.adagrad,
    optlib.rmsprop,
    optlib.rprop,
    optlib.adadelta,
    optlib.adam,
    optlib.adamax,
    optlib.nadam,
    optlib.adam_lp,
    optlib.radam,
    optlib.lion,
    optlib.adafactor,
    optlib.muon,
    optlib.schedule_free_adamw,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_every_tag_in_the_algorithm_box_marks_code(factory):
    tags = set(re.findall(r"\(eq\. ([\w-]+)\)", factory.__doc__))
    assert tags, f"{factory.__name__}'s docstring cites no equation"
    for tag in tags:
        block = equation_lines(factory, tag)
        code = [line for line in block.splitlines() if line and not line.startswith("#")]
        assert code and all("=" in line or "return" in line for line in code), (tag, block)


def test_comment_above_brings_the_code_under_it():
    block = equation_lines(optlib.adam, "adam-m")
    assert block.splitlines() == ["# eq. adam-m", "m = b1 * state.m + (1 - b1) * g"]


def test_a_tag_is_not_matched_by_a_longer_one():
    # "adam-m" must not pick up a hypothetical "adam-mu"; "rmsprop-m" not "rmsprop-momentum"
    block = equation_lines(optlib.rmsprop, "rmsprop-m")
    assert "momentum" not in block


def test_unknown_tag_is_an_error_naming_it():
    with pytest.raises(ValueError, match="'no-such-eq'"):
        equation_lines(optlib.adam, "no-such-eq")
    with pytest.raises(ValueError, match="tags"):
        equation_lines(optlib.adam)


def test_a_tag_shows_the_whole_block_under_it_and_no_more():
    """Under a tag comment: every statement of the block (NAdam's mu_t and mu_{t+1}),
    up to the next comment, blank line or compound statement."""
    mu = equation_lines(optlib.nadam, "nadam-mu")
    assert "mu_next = " in mu and "mu_prod = state.mu_prod" in mu and "m = " not in mu
    moments = equation_lines(optlib.nadam, "adam-m")
    assert "m = b1 * state.m" in moments and "v = b2 * state.v" in moments
    assert "return" not in equation_lines(optlib.nadam, "nadam-mbar")
    assert "if centered" not in equation_lines(optlib.rmsprop, "rmsprop-v")


# Tags of the optimizers of the part "After Adam" (issue 19), whose chapters come after
# the library: until a chapter labels the equation, the tag is listed here.
PENDING: set[str] = set()


def test_every_tag_in_optlib_is_an_equation_of_the_book():
    """A reader who finds ``# eq. adam-m`` in optlib finds equation (adam-m) in a chapter."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    pages = "".join(p.read_text() for p in (root / "book").glob("*.ipynb"))
    labels = set(re.findall(r"\$\$ \(([\w-]+)\)", pages.replace("\\n", "\n")))
    code = "".join(p.read_text() for p in (root / "optlib").glob("*.py"))
    tags = set(re.findall(r"eq\. ([a-z0-9]+(?:-[a-z0-9]+)*)", code))
    assert tags, "no tag found: the pattern is wrong"
    missing = tags - labels - PENDING
    assert not missing, f"optlib tags no chapter defines: {sorted(missing)}"
    # a pending tag leaves the list when its chapter defines it, and must exist in optlib
    assert not PENDING & labels, f"defined now, drop from PENDING: {sorted(PENDING & labels)}"
    assert PENDING <= tags, f"PENDING names tags optlib lacks: {sorted(PENDING - tags)}"
