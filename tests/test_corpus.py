"""ecrfix on the real-world corpus of ../shared/corpus: exact fixes, untouched bystanders.

For each file of corpus/ecr that parses, the fix changes exactly the intended lines (see
tests/invariants.py for what each shape may change), re-parses, changes only the intended
data (PyYAML + deepdiff), and a second run does nothing. Templated sources are errors with a
line; corpus/general and corpus/decoys come out of `--write` byte for byte.
"""

from __future__ import annotations

import filecmp
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ecrfix.cli import main
from ecrfix.compose import compose_documents
from ecrfix.engine import analyze
from ecrfix.errors import TemplateError
from ecrfix.model import FIXABLE, INCORRECT, PROPERTY, Finding
from ecrfix.source import Source, decode

from . import invariants as inv
from .conftest import shared_dir
from .corpus import copy_folder, names, notes, templating

SHIBBOLETH = "aws-samples__aws-refarch-shibboleth__templates__deployment-pipeline.yaml"
COMMENTED_OUT = (
    "aws-samples__aws-genomics-workflows__src__templates___common__container-build.template.yaml"
)
IN_DESCRIPTION = (
    "aws-cloudformation__aws-cloudformation-resource-providers-ecr__"
    "aws-ecr-repository__template.yml"
)


def expected_events(source: Source, before: list[Any], finding: Finding) -> Counter[str]:
    """The changes one repository's fix should make, from the shape of the original text."""
    resource = before[int(finding.changes[0].path[0])]["Resources"][finding.resource]
    props = resource.get("Properties")
    if finding.issue_type == INCORRECT or (isinstance(props, dict) and PROPERTY in props):
        return Counter({inv.REWRITE: 1})
    # MissingAttribute points at `Properties`, or at the logical id when it has none
    line = source.text.splitlines()[finding.line - 1][finding.column - 1 :]
    value = line.split(":", 1)[1].split(" #", 1)[0].strip()
    if value in inv.NULLS or (value.startswith("{") and value.count("{") == value.count("}")):
        return Counter({inv.INLINE: 1})
    if "Properties" in resource:
        return Counter({inv.KEY_ADDED: 1})
    added = Counter({inv.PROPERTIES_ADDED: 1, inv.KEY_ADDED: 1})
    if source.body.lstrip().startswith("{"):
        added[inv.CLOSE_ADDED] += 1
    return added


def fix_exactly(path: Path) -> tuple[Source, str, list[Finding]]:
    """Fix one file and assert every invariant; returns what it fixed."""
    source = decode(path.read_bytes())
    outcome = analyze(source)
    assert {f.status for f in outcome.findings} <= {FIXABLE}, outcome.findings
    fixed = [f for f in outcome.findings if f.status == FIXABLE]
    events = inv.diff_events(source.text, outcome.fixed, source.newline)
    before = inv.load(source.text)
    expected: Counter[str] = Counter()
    for finding in fixed:
        expected += expected_events(source, before, finding)
    assert +Counter({k: v for k, v in events.items() if k not in (inv.COMMA, inv.EOL)}) == expected
    if not fixed:
        assert outcome.fixed == source.text
        return source, outcome.fixed, fixed
    compose_documents(outcome.fixed[source.body_offset :])  # re-parses with ecrfix's composer
    inv.assert_only_intended_data(
        before, inv.load(outcome.fixed), {(int(f.changes[0].path[0]), f.resource) for f in fixed}
    )
    again = analyze(decode(outcome.fixed.encode("utf-8")))
    assert again.fixed == outcome.fixed, "a second run must change nothing"
    assert again.findings == []
    return source, outcome.fixed, fixed


@pytest.mark.parametrize("name", names("ecr"))
def test_ecr_file_is_fixed_exactly(name: str) -> None:
    path = shared_dir("corpus", "ecr") / name
    if "TEMPLATING" in notes().get(f"ecr/{name}", ""):
        with pytest.raises(TemplateError):
            analyze(decode(path.read_bytes()))
        return
    fix_exactly(path)


def test_ecr_counts() -> None:
    """99 files need a fix: DESIGN.md's 98 left out the one a round-trip loader refuses."""
    folder = shared_dir("corpus", "ecr")
    flagged = {n for n in names("ecr") if "TEMPLATING" in notes()[f"ecr/{n}"]}
    shapes: Counter[str] = Counter()
    needing, repositories = set(), 0
    for name in sorted(set(names("ecr")) - flagged):
        source, fixed, findings = fix_exactly(folder / name)
        if findings:
            needing.add(name)
            repositories += len(findings)
            shapes += inv.diff_events(source.text, fixed, source.newline)
    assert (len(flagged), len(needing), repositories) == (7, 99, 137)
    assert shapes == {
        inv.KEY_ADDED: 133,
        inv.PROPERTIES_ADDED: 25,
        inv.CLOSE_ADDED: 4,
        inv.COMMA: 4,
        inv.REWRITE: 4,
    }
    # By DESIGN.md §1 its repository needs the fix: a real template, the resource under the
    # top-level Resources with no ImageTagMutability. Its only oddity is elsewhere: two
    # `Name` parameters and a duplicated `Name` in a pipeline action, which PyYAML-style
    # round-trip loaders (ruamel's, cfn-lint's, checkov's) refuse and CloudFormation reads
    # last-one-wins. ecrfix fixes it, verifies it, and warns about the duplicates.
    assert SHIBBOLETH in needing
    outcome = analyze(decode((folder / SHIBBOLETH).read_bytes()))
    assert outcome.warnings == [("Name", 9), ("Name", 356)]
    assert [(f.resource, f.line) for f in outcome.findings] == [("ECRRepo", 75)]


@pytest.mark.parametrize("name", templating("ecr"))
def test_templated_source_is_an_error_with_a_line(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = shared_dir("corpus", "ecr") / name
    copy = tmp_path / name
    copy.write_bytes(path.read_bytes())
    code = main(["--write", str(copy)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    first = err.splitlines()[0]
    where, _, message = first.partition(": error: ")
    assert where.startswith(f"{copy}:") and where.rsplit(":", 1)[1].isdigit(), first
    assert message.startswith("invalid YAML/JSON: ")
    assert "Traceback" not in err
    assert copy.read_bytes() == path.read_bytes()


def test_cli_writes_what_the_engine_computes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = shared_dir("corpus", "ecr")
    copy = copy_folder(source, tmp_path / "ecr")
    code = main(["--write", str(copy)])
    _, err = capsys.readouterr()
    # the six templated .yml files are errors; the .j2 one is not walked
    assert code == 2
    assert err.count(": error: ") == 6
    assert err.splitlines()[-1] == (
        "137 repositories fixed in 99 files, 6 files with errors (116 files checked)"
    )
    for path in sorted(source.iterdir()):
        written = (copy / path.name).read_bytes()
        try:
            expected = analyze(decode(path.read_bytes())).fixed.encode("utf-8")
        except TemplateError:
            expected = path.read_bytes()
        assert written == expected, path.name


@pytest.mark.parametrize("folder", ["general", "decoys"])
def test_bystanders_are_left_alone(
    folder: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = shared_dir("corpus", folder)
    copy = copy_folder(source, tmp_path / folder)
    code = main(["--write", str(copy)])
    out, err = capsys.readouterr()
    walked = sum(1 for p in source.iterdir() if p.suffix in (".yaml", ".yml", ".json", ".template"))
    assert (code, out) == (0, "")
    assert err == f"0 repositories fixed in 0 files ({walked} files checked)\n"
    match = filecmp.dircmp(source, copy)
    assert (match.left_only, match.right_only, match.diff_files) == ([], [], [])
    for path in sorted(source.iterdir()):
        assert (copy / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize("name", [COMMENTED_OUT, IN_DESCRIPTION])
def test_ecr_named_outside_a_resource_is_no_finding(name: str) -> None:
    path = shared_dir("corpus", "general") / name
    data = path.read_bytes()
    assert b"AWS::ECR::Repository" in data
    outcome = analyze(decode(data))
    assert outcome.is_template
    assert (outcome.findings, outcome.fixed) == ([], data.decode("utf-8"))


@pytest.mark.parametrize("name", templating("general"))
def test_templated_source_without_ecr_is_never_parsed(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """general/'s Go/Jinja sources declare no ECR resource: the byte prefilter skips them,
    so, named or walked, they are no error (parsing them would be the error)."""
    path = shared_dir("corpus", "general") / name
    assert b"AWS::ECR::" not in path.read_bytes()
    copy = tmp_path / name
    copy.write_bytes(path.read_bytes())
    assert main(["--write", str(copy)]) == 0
    assert capsys.readouterr() == ("", "0 repositories fixed in 0 files (1 file checked)\n")
    assert copy.read_bytes() == path.read_bytes()
