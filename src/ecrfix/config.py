"""Configuration: `[tool.ecrfix]` in pyproject.toml, or `.ecrfix.toml`, nearest folder first."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from ecrfix.files import TEMPLATES, Selection
from ecrfix.model import CREATION_TEMPLATE, REPOSITORY, Settings

OWN_FILE = ".ecrfix.toml"
PYPROJECT = "pyproject.toml"
TEMPLATE_GLOBS = ("*.yaml", "*.yml", "*.json", "*.template")
_LISTS = ("include", "exclude", "extend-exclude", "resource-types")
_FLAGS = ("strict", "unsafe-fixes")


class ConfigError(Exception):
    """A configuration file that cannot be read or holds a bad key or value."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{_shown(path)}: {message}")


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)


class Config(NamedTuple):
    path: Path | None = None  # the file it came from; None when there is none
    include: tuple[str, ...] = TEMPLATE_GLOBS
    exclude: tuple[str, ...] = ()
    strict: bool = False
    unsafe_fixes: bool = False
    resource_types: frozenset[str] = frozenset({REPOSITORY, CREATION_TEMPLATE})

    @property
    def root(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()

    def settings(self, strict: bool | None, unsafe_fixes: bool | None) -> Settings:
        """Flags given on the command line win over the file."""
        return Settings(
            strict=self.strict if strict is None else strict,
            unsafe_fixes=self.unsafe_fixes if unsafe_fixes is None else unsafe_fixes,
            resource_types=self.resource_types,
        )

    def selection(self) -> Selection:
        """Which files a folder walk checks: included and not excluded, with globs matched
        like .gitignore lines, relative to the folder of the configuration file."""
        if self.include == TEMPLATE_GLOBS and not self.exclude:
            return TEMPLATES  # the walk's own test, without a glob match per file
        root = self.root.resolve()
        include, exclude = _spec(self.include), _spec(self.exclude)

        def file(path: str) -> bool:
            relative = _relative(path, root)
            return bool(include.match_file(relative)) and not exclude.match_file(relative)

        def skip_folder(path: str) -> bool:
            return bool(exclude.match_file(_relative(path, root) + "/"))

        return Selection(file, skip_folder)


@functools.lru_cache(maxsize=8)
def _spec(patterns: tuple[str, ...]) -> Any:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def _relative(path: str, root: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:  # outside the project: only globs without a slash can match
        return absolute.name


def find_config(start: Path) -> Path | None:
    """The nearest `.ecrfix.toml`, or pyproject.toml with a `[tool.ecrfix]` table."""
    for folder in (start, *start.parents):
        own = folder / OWN_FILE
        if own.is_file():
            return own
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and "ecrfix" in _read(pyproject).get("tool", {}):
            return pyproject
    return None


def load_config(path: str | None = None) -> Config:
    """The configuration named by `--config`, else the nearest one, else the defaults."""
    found = Path(path) if path is not None else find_config(Path.cwd().resolve())
    if found is None:
        return Config()
    data = _read(found)
    if found.name == PYPROJECT:
        table = data.get("tool", {}).get("ecrfix")
        if table is None and path is not None:
            raise ConfigError(found, "no [tool.ecrfix] table")
        return _parse(found, table or {}, "[tool.ecrfix] ")
    return _parse(found, data, "")


def _read(path: Path) -> dict[str, Any]:
    # imported here: most runs find no configuration file, and the parser costs 2 ms
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(path, f"cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"invalid TOML: {exc}") from None


def _parse(path: Path, table: dict[str, Any], where: str) -> Config:
    config = Config(path=path)
    for key, value in sorted(table.items()):
        if key in _FLAGS:
            if not isinstance(value, bool):
                raise ConfigError(path, f"{where}'{key}' must be true or false")
            if key == "strict":
                config = config._replace(strict=value)
            else:
                config = config._replace(unsafe_fixes=value)
        elif key in _LISTS:
            items = _strings(path, where, key, value)
            if key == "resource-types":
                config = config._replace(resource_types=_types(path, where, items))
            elif key == "include":
                config = config._replace(include=items)
            else:
                config = config._replace(exclude=config.exclude + items)
        else:
            raise ConfigError(path, f"{where}unknown key '{key}'")
    return config


def _strings(path: Path, where: str, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(path, f"{where}'{key}' must be a list of non-empty strings")
    return tuple(value)


def _types(path: Path, where: str, items: Iterable[str]) -> frozenset[str]:
    known = (REPOSITORY, CREATION_TEMPLATE)
    types = frozenset(items)
    unknown = sorted(types - set(known))
    if unknown or not types:
        raise ConfigError(
            path,
            f"{where}'resource-types' accepts {' and '.join(known)}"
            + (f", not '{unknown[0]}'" if unknown else ""),
        )
    return types
