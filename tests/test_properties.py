"""Property tests: templates written every which way are fixed exactly, once.

Derandomized, so CI sees the same examples on every run: 600 in all, in seconds.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from ecrfix.cli import main
from ecrfix.compose import compose_documents
from ecrfix.engine import analyze
from ecrfix.model import FIXABLE
from ecrfix.source import decode

from . import invariants as inv
from .generate import Case, json_templates, yaml_templates


def check_invariants(case: Case) -> None:
    source = decode(case.data)
    outcome = analyze(source)
    needing = {name for name, changes in case.expected.items() if changes}
    assert {f.resource: f.status for f in outcome.findings} == dict.fromkeys(needing, FIXABLE)
    events = inv.diff_events(source.text, outcome.fixed, source.newline)
    expected = sum(case.expected.values(), Counter())
    assert +Counter({k: v for k, v in events.items() if k not in (inv.COMMA, inv.EOL)}) == expected
    assert outcome.fixed.startswith("\ufeff") == source.bom
    assert outcome.fixed.endswith("\n") == source.text.endswith("\n")
    compose_documents(outcome.fixed[source.body_offset :])
    inv.assert_only_intended_data(
        inv.load(source.text), inv.load(outcome.fixed), {(0, name) for name in needing}
    )
    again = analyze(decode(outcome.fixed.encode("utf-8")))
    assert (again.findings, again.fixed) == ([], outcome.fixed)
    if case.dumps is not None:
        # the fixed JSON is what json.dumps writes with the original indent and separators
        indent, separators = case.dumps
        (data,) = inv.load(outcome.fixed)
        body = json.dumps(data, indent=indent, separators=separators)
        assert outcome.fixed[source.body_offset :].rstrip("\r\n") == body.replace(
            "\n", source.newline
        )


def check_through_the_cli(case: Case, suffix: str) -> None:
    """--write writes exactly the engine's text, and --check passes afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"template{suffix}"
        path.write_bytes(case.data)
        assert main(["--write", str(path)]) == 0
        assert path.read_bytes() == analyze(decode(case.data)).fixed.encode("utf-8")
        assert main(["--check", str(path)]) == 0


def examples(count: int) -> settings:
    return settings(
        derandomize=True,
        deadline=None,
        max_examples=count,
        suppress_health_check=[HealthCheck.too_slow],
    )


@examples(300)
@given(yaml_templates())
def test_yaml_templates_are_fixed_exactly(case: Case) -> None:
    check_invariants(case)


@examples(200)
@given(json_templates())
def test_json_templates_are_fixed_exactly(case: Case) -> None:
    check_invariants(case)


@examples(50)
@given(yaml_templates())
def test_yaml_cli_write_then_check_is_clean(case: Case) -> None:
    check_through_the_cli(case, ".yaml")


@examples(50)
@given(json_templates())
def test_json_cli_write_then_check_is_clean(case: Case) -> None:
    check_through_the_cli(case, ".json")
