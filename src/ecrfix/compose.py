from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import Node
from ruamel.yaml.resolver import VersionedResolver

from ecrfix.errors import TemplateError


class _OnceResolver(VersionedResolver):
    """ruamel's resolver, asking for the YAML version once per file.

    With the libyaml parser, ruamel finds the version (always the default: that parser
    keeps no version to read) through two caught AttributeErrors for every scalar: 40% of
    the time of composing a YAML template."""

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
    """
    try:
        return _compose(body, pure=False)
    except TemplateError:
        return _compose(body, pure=True)


def _compose(body: str, pure: bool) -> list[Node]:
    try:
        return [doc for doc in _composer(pure).compose_all(body) if doc is not None]
    except MarkedYAMLError as exc:
        raise TemplateError(_describe(exc), _line_of(exc)) from None
    except YAMLError as exc:
        raise TemplateError(f"cannot parse: {exc}") from None
    except RecursionError:
        raise TemplateError("nesting is too deep to parse") from None
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        # the parsers raise these on some malformed input (bad escapes, odd tags)
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
