"""A file named on the command line that mentions ECR but does not parse.

A Jinja or Go source of a template is an error with its line (nothing was checked, so the
run must not pass); prose that quotes a template (Markdown...) is skipped with a note.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrfix.cli import main

JINJA = (
    "{%- macro policy() %}\n"
    "      LifecyclePolicyText: x\n"
    "{%- endmacro %}\n"
    "Resources:\n"
    "  Repo:\n"
    "    Type: AWS::ECR::Repository\n"
)
MARKDOWN = "# ECR\n\nResources: use `Type: AWS::ECR::Repository`: like this\n"


@pytest.mark.parametrize("name", ["ecr.j2", "ecr.yaml.tmpl", "ecr.gotmpl"])
def test_named_templated_source_is_an_error(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_text(JINJA)
    code = main(["--write", str(path)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"{path}:1: error: invalid YAML/JSON: while scanning for the next token: "
        "found character '%' that cannot start any token (column 2)",
        "0 repositories fixed in 0 files, 1 file with errors (1 file checked)",
    ]
    assert path.read_text() == JINJA


@pytest.mark.parametrize("name", ["README.md", "notes.RST", "ecr.txt"])
def test_named_prose_is_skipped_with_a_note(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_text(MARKDOWN)
    assert main(["--check", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"{path}: note: not a CloudFormation template, skipped\n"
        "would fix 0 repositories in 0 files (1 file checked)\n"
    )
