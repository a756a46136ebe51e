from __future__ import annotations


class TemplateError(Exception):
    """A file that cannot be decoded, parsed or safely edited; `line` is 1-based."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message
