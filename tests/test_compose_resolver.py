from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ecrfix.compose import compose_documents
from ecrfix.verify import Loaded

from .conftest import GOLDEN, shared_dir

SCALARS = """\
%YAML 1.1
---
Resources:
  Repo:
    Type: AWS::ECR::Repository
    Properties:
      A: [yes, no, on, off, true, False, ~, null, '', 0o17, 017, 0x1f, 1_000, 1e3, .inf]
      B: [2001-12-14, -.5, +1, 0b101, "yes", !!str 1, !Ref X, !!binary aGk=]
      C: 12:30:45
      ImageTagMutability: MUTABLE
...
---
Other: {a: 1, b: [2, 3.0], c: 'x'}
"""


def _stock(text: str) -> list[object]:
    """What ruamel's own composers make of `text`: libyaml's, else the pure-Python one."""
    try:
        docs = list(YAML(typ="safe", pure=False).compose_all(text))
    except YAMLError:
        docs = list(YAML(typ="safe", pure=True).compose_all(text))
    return [Loaded().load(doc) for doc in docs if doc is not None]


def _ours(text: str) -> list[object]:
    return [Loaded().load(doc) for doc in compose_documents(text)]


def test_scalars_resolve_as_with_ruamels_own_resolver() -> None:
    ours = _ours(SCALARS)
    assert ours == _stock(SCALARS)
    values = ours[0]["Resources"]["Repo"]["Properties"]["A"]  # type: ignore[index]
    assert values[:5] == ["yes", "no", "on", "off", ("tag:yaml.org,2002:bool", "true")]


def _files() -> list[Path]:
    return sorted(p for case in GOLDEN.iterdir() for p in case.glob("input.*"))


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.parent.name)
def test_golden_inputs_compose_as_with_ruamels_own_resolver(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert _ours(text) == _stock(text)


def test_corpus_composes_as_with_ruamels_own_resolver() -> None:
    corpus = shared_dir("corpus")
    compared = 0
    for path in sorted(corpus.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json", ".template"):
            continue
        text = path.read_bytes().decode("utf-8", "replace").removeprefix("\ufeff")
        try:
            stock = _stock(text)
        except YAMLError:  # neither composer takes it (templating, Markdown)
            continue
        assert _ours(text) == stock, path.name
        compared += 1
    assert compared > 400
