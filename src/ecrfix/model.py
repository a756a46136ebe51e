from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from ecrfix.edits import Edit

REPOSITORY = "AWS::ECR::Repository"
CREATION_TEMPLATE = "AWS::ECR::RepositoryCreationTemplate"
PROPERTY = "ImageTagMutability"
EXPECTED = "IMMUTABLE"

MISSING = "MissingAttribute"
INCORRECT = "IncorrectValue"

FIXABLE = "fixable"
FIXED = "fixed"
UNFIXABLE = "unfixable"
SUPPRESSED = "suppressed"

# CloudFormation takes templates of up to 1 MB; past ten times that a file is not read.
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024


class _Delete(Enum):
    DELETE = "delete"  # an enum member stays itself when a report crosses processes


DELETE = _Delete.DELETE  # a Change value: the key at that path is removed

PathItem = str | int


class Change(NamedTuple):
    """What a fix means for the loaded document: `path` (document index first) takes `value`."""

    path: tuple[PathItem, ...]
    value: object


class Settings(NamedTuple):
    strict: bool = False
    unsafe_fixes: bool = False
    resource_types: frozenset[str] = frozenset({REPOSITORY, CREATION_TEMPLATE})
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; larger files are not read (0: none)


class Finding(NamedTuple):
    line: int  # 1-based, as KICS reports it
    column: int
    resource: str
    resource_type: str
    issue_type: str
    actual_value: str
    status: str
    reason: str = ""
    edits: tuple[Edit, ...] = ()
    changes: tuple[Change, ...] = ()
    unsafe: bool = False
    expected_value: str = EXPECTED

    @property
    def message(self) -> str:
        text = (
            f"{self.resource} ({self.resource_type}): {PROPERTY} is {self.actual_value}, "
            f"expected {self.expected_value}"
        )
        return f"{text}: {self.reason}" if self.reason else text
