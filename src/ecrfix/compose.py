from __future__ import annotations

import warnings
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError, YAMLWarning
from ruamel.yaml.nodes import Node
from ruamel.yaml.resolver import VersionedResolver

from ecrfix.errors import TemplateError
from ecrfix.limits import MAX_DEPTH, TooDeep, check_graph, too_deep

_TAB_PROBLEM = "found character '\\t' that cannot start any token"


class _OnceResolver(VersionedResolver):
    """ruamel's resolver, asking for the YAML version once per file, and bounding depth.

    With the libyaml parser, ruamel finds the version (always the default: that parser
    keeps no version to read) through two caught AttributeErrors for every scalar: 40% of
    the time of composing a YAML template.

    libyaml's composer calls `descend_resolver` before it composes each node and recurses
    in C for each level: raising here stops it at MAX_DEPTH + 1 levels, far from a stack
    overflow, and long before its parser's cost grows with the square of the depth."""

    _ecrfix_depth = 0

    def descend_resolver(self, parent: Any, index: Any) -> None:
        self._ecrfix_depth += 1
        # the node about to be composed is under MAX_DEPTH + 1 collections: its parent is
        # the first one too deep (an empty collection at that depth is left to check_graph)
        if self._ecrfix_depth > MAX_DEPTH + 1:
            raise too_deep(int(parent.start_mark.line) + 1)
        if self.yaml_path_resolvers:  # pragma: no cover - ecrfix adds none
            super().descend_resolver(parent, index)

    def ascend_resolver(self) -> None:
        self._ecrfix_depth -= 1
        if self.yaml_path_resolvers:  # pragma: no cover - ecrfix adds none
            super().ascend_resolver()

    @property
    def processing_version(self) -> Any:
        version = self.__dict__.get("_ecrfix_version")
        if version is None:
            version = super().processing_version
            if not hasattr(self.loadumper, "_scanner"):  # no scanner to say otherwise later
                self.__dict__["_ecrfix_version"] = version
        return version


def _composer(pure: bool) -> YAML:
    yaml = YAML(typ="safe", pure=pure)
    if not pure:
        yaml.Resolver = _OnceResolver
    return yaml


def compose_documents(body: str) -> list[Node]:
    """Compose every YAML (or JSON) document of `body` into position-carrying nodes.

    libyaml's composer is much faster but rejects some valid templates
    (`{RegistryId: !Ref AWS::AccountId}`), the pure one rejects others (a tab before a
    comment): a file is refused only when both refuse it, with the pure one's message.
    Nesting and alias expansion are bounded (see limits.py).
    """
    try:
        documents = _compose(body, pure=False)
    except TooDeep:
        raise
    except TemplateError:
        documents = _compose_pure(body)
    check_graph(documents, has_aliases="*" in body)
    return documents


def _compose_pure(body: str) -> list[Node]:
    # The pure scanner refuses a tab that separates tokens (`a: 1\t# note`), which YAML
    # allows and libyaml reads; a file that libyaml refuses for another reason may hold such
    # tabs too. Each tab the scanner stops at, past the indentation of its line, is read as a
    # space: one character for one keeps every mark's index, line and column.
    text = body
    while True:
        try:
            return _parse(text, pure=True)
        except MarkedYAMLError as exc:
            at = _separating_tab(text, exc)
            if at is None:
                break
            text = text[:at] + " " + text[at + 1 :]
        except Exception:  # reported as the original text has it, just below
            break
    return _compose(body, pure=True)  # the error, as the original text has it


def _separating_tab(text: str, exc: MarkedYAMLError) -> int | None:
    mark: Any = exc.problem_mark
    if exc.problem != _TAB_PROBLEM or mark is None:
        return None
    at = int(mark.index)
    line_start = text.rfind("\n", 0, at) + 1
    if text[at : at + 1] != "\t" or not text[line_start:at].strip(" \t"):
        return None  # a tab in the indentation is an error, not a separator
    return at


def _parse(text: str, pure: bool) -> list[Node]:
    with warnings.catch_warnings():
        # YAML lets a later anchor reuse a name (aliases take the latest): not for stderr
        warnings.simplefilter("ignore", YAMLWarning)
        return [doc for doc in _composer(pure).compose_all(text) if doc is not None]


def _compose(body: str, pure: bool) -> list[Node]:
    try:
        return _parse(body, pure)
    except TemplateError:
        raise
    except MarkedYAMLError as exc:
        raise TemplateError(_describe(exc), _line_of(exc)) from None
    except YAMLError as exc:
        raise TemplateError(f"cannot parse: {exc}") from None
    except RecursionError:
        raise TemplateError("nesting is too deep to parse") from None
    except Exception as exc:
        # the parsers raise assorted exceptions on some malformed input (bad escapes, odd
        # tags, an AssertionError for `%YAML 1.3`): any of them means the file cannot be read
        raise TemplateError(f"cannot parse: {exc}") from None


def _line_of(exc: MarkedYAMLError) -> int | None:
    mark: Any = exc.problem_mark or exc.context_mark
    return None if mark is None else int(mark.line) + 1


def _describe(exc: MarkedYAMLError) -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    text = ": ".join(str(p) for p in parts) or "cannot parse"
    mark: Any = exc.problem_mark or exc.context_mark
    if mark is not None:
        text += f" (column {int(mark.column) + 1})"
    return f"invalid YAML/JSON: {text}"
