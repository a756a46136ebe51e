"""The checker of intended changes itself: it accepts each fix shape and nothing else."""

from __future__ import annotations

import pytest

from . import invariants as inv


@pytest.mark.parametrize(
    ("old", "new", "kinds"),
    [
        ("  ImageTagMutability: MUTABLE\n", "  ImageTagMutability: IMMUTABLE\n", [inv.REWRITE]),
        (
            '  "ImageTagMutability": "mutable",',
            '  "ImageTagMutability": "IMMUTABLE",',
            [inv.REWRITE],
        ),
        ('  "ImageTagMutability": null', '  "ImageTagMutability": "IMMUTABLE"', [inv.REWRITE]),
        ("  ImageTagMutability:  # x\n", "  ImageTagMutability: IMMUTABLE  # x\n", [inv.REWRITE]),
        ("  P: {}\n", "  P: {ImageTagMutability: IMMUTABLE}\n", [inv.INLINE]),
        ("  P: { }\n", "  P: { ImageTagMutability: IMMUTABLE }\n", [inv.INLINE]),
        ("  P: ~  # x\n", "  P: {ImageTagMutability: IMMUTABLE}  # x\n", [inv.INLINE]),
        ("  P: {A: b}\n", "  P: {ImageTagMutability: IMMUTABLE, A: b}\n", [inv.INLINE]),
        (
            '{"R": {"Type": "X"}, "S": {"Type": "X"}}',
            '{"R": {"Type": "X","Properties":{"ImageTagMutability":"IMMUTABLE"}}, '
            '"S": {"Type": "X", "Properties": {"ImageTagMutability": "IMMUTABLE"}}}',
            [inv.INLINE, inv.INLINE],
        ),
        ('    "Type": "X"\n', '    "Type": "X",\n', [inv.COMMA]),
        ("    Type: X", "    Type: X\n", [inv.EOL]),
    ],
)
def test_allowed_line_changes(old: str, new: str, kinds: list[str]) -> None:
    assert inv.line_changes(old, new) == kinds


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("  A: MUTABLE\n", "  A: MUTABLE \n", id="trailing space"),
        pytest.param("  A: 'x'\n", '  A: "x"\n', id="quote style"),
        pytest.param("  A: x\r\n", "  A: x\n", id="line ending"),
        pytest.param("  P: {A: b}\n", "  P: {ImageTagMutability: IMMUTABLE, A: c}\n", id="more"),
        pytest.param("  P: {A: b}\n", "  P: {ImageTagMutability: IMMUTABLE,, A: b}\n", id="comma"),
        pytest.param("  Name: app\n", "  Name: app2\n", id="another value"),
    ],
)
def test_other_line_changes_are_refused(old: str, new: str) -> None:
    assert inv.line_changes(old, new) is None


def test_diff_events_count_each_shape() -> None:
    before = "R:\n  Type: X\n  Properties:\n    A: b\nS:\n  Type: X\n"
    after = (
        "R:\n  Type: X\n  Properties:\n    ImageTagMutability: IMMUTABLE\n    A: b\n"
        "S:\n  Type: X\n  Properties:\n    ImageTagMutability: IMMUTABLE\n"
    )
    assert inv.diff_events(before, after, "\n") == {inv.KEY_ADDED: 2, inv.PROPERTIES_ADDED: 1}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param("a: 1\n", "a: 1\n# ImageTagMutability: IMMUTABLE\n", id="added comment"),
        pytest.param("a: 1\nb: 2\n", "a: 1\n", id="removed line"),
        pytest.param("a: 1\n", "a: 1\nImageTagMutability: IMMUTABLE\r\n", id="other ending"),
        pytest.param("a: 1\n", "a: 1,\n", id="comma with nothing after"),
    ],
)
def test_diff_events_refuse_the_rest(before: str, after: str) -> None:
    with pytest.raises(inv.Unintended):
        inv.diff_events(before, after, "\n")


def test_only_intended_data_changes() -> None:
    before = inv.load("Resources:\n  R:\n    Type: X\n  S:\n    Type: X\n")
    fixed = "Resources:\n  R:\n    Type: X\n    Properties: {ImageTagMutability: IMMUTABLE}\n"
    inv.assert_only_intended_data(before, inv.load(fixed + "  S:\n    Type: X\n"), {(0, "R")})
    with pytest.raises(AssertionError):
        inv.assert_only_intended_data(before, inv.load(fixed + "  S:\n    Type: Y\n"), {(0, "R")})
