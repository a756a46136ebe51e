from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from ecrfix.cli import main
from ecrfix.model import FIXABLE, SUPPRESSED, UNFIXABLE, Finding
from ecrfix.render_github import command, escape_data, escape_property, render_github
from ecrfix.run import FileError, FileReport

MUTABLE = (
    "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n"
    "    Properties:\n      ImageTagMutability: MUTABLE\n"
)
TITLE = "title=ecrfix (ecr-image-tag-not-immutable)"
ANNOTATION = (
    f"::warning file=a.yaml,line=5,col=7,{TITLE}::Repo (AWS::ECR::Repository): "
    "ImageTagMutability is 'MUTABLE', expected IMMUTABLE [fixable]\n"
)


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain text", "plain text", "plain text"),
        ("100%", "100%25", "100%25"),
        ("%0A", "%250A", "%250A"),  # an escape already in the text stays literal
        ("two\nlines", "two%0Alines", "two%0Alines"),
        ("crlf\r\n", "crlf%0D%0A", "crlf%0D%0A"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("C:\\dir,x\n", "C:\\dir,x%0A", "C%3A\\dir%2Cx%0A"),
    ],
)
def test_escaping(raw: str, data: str, prop: str) -> None:
    assert (escape_data(raw), escape_property(raw)) == (data, prop)


def test_command_escapes_properties_and_message() -> None:
    line = command("warning", {"file": "a,b:c.yaml", "line": 3}, "50% done\nnext")
    assert line == "::warning file=a%2Cb%3Ac.yaml,line=3::50%25 done%0Anext"


def _finding(status: str, reason: str = "") -> Finding:
    return Finding(
        4, 5, "Repo", "AWS::ECR::Repository", "MissingAttribute", "missing", status, reason
    )


def test_render_levels_and_order() -> None:
    reports = [
        FileReport("b.yaml", [_finding(UNFIXABLE, "value: not known,\nyet")]),
        FileReport("a.yaml", [_finding(FIXABLE), _finding(SUPPRESSED)]),
    ]
    errors = [FileError("c.yaml", "invalid YAML: bad, really", 7), FileError("d", "no such file")]
    assert render_github(reports, errors).splitlines() == [
        f"::warning file=a.yaml,line=4,col=5,{TITLE}::Repo (AWS::ECR::Repository): "
        "ImageTagMutability is missing, expected IMMUTABLE [fixable]",
        f"::warning file=b.yaml,line=4,col=5,{TITLE}::Repo (AWS::ECR::Repository): "
        "ImageTagMutability is missing, expected IMMUTABLE: value: not known,%0Ayet [unfixable]",
        "::error file=c.yaml,line=7,title=ecrfix::invalid YAML: bad, really",
        "::error file=d,title=ecrfix::no such file",
    ]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text(MUTABLE)
    return tmp_path


def test_chosen_under_github_actions(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["--check", "a.yaml"]) == 1
    out, err = capsys.readouterr()
    assert out == ANNOTATION
    assert err == "would fix 1 repository in 1 file (1 file checked)\n"
    # a format given on the command line wins
    assert main(["--check", "--format", "text", "a.yaml"]) == 1
    assert capsys.readouterr().out.startswith("a.yaml:5:7: Repo")


def test_not_chosen_elsewhere(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    main(["--check", "a.yaml"])
    assert capsys.readouterr().out.startswith("a.yaml:5:7: ")


def test_diff_stays_a_patch(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--diff", "--format", "github", "a.yaml"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("--- a/a.yaml\n+++ b/a.yaml\n")
    assert out.endswith("+      ImageTagMutability: IMMUTABLE\n")
    assert err == ANNOTATION + "would fix 1 repository in 1 file (1 file checked)\n"


def test_stdin_write_keeps_stdout_for_the_template(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(MUTABLE.encode())))
    assert main(["--write", "--format", "github", "-"]) == 0
    out, err = capsys.readouterr()
    assert out == MUTABLE.replace("MUTABLE\n", "IMMUTABLE\n")
    assert err.startswith("::notice file=-,line=5,col=7,")


def test_write_gives_notices(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--write", "--format", "github", "a.yaml"]) == 0
    out, _ = capsys.readouterr()
    assert out == ANNOTATION.replace("::warning", "::notice").replace("[fixable]", "[fixed]")
