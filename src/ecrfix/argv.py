from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TypedDict

# typer checks every option that is not a plain flag with pydantic, whose import alone costs
# more than ecrfix's whole work on the few files a pre-commit hook passes. The usual command
# lines (mode flags, --jobs N, paths) are read here; anything else — help, version, other
# options, `--`, a value typer would refuse — goes to typer, which handles or reports it.
FLAGS = {
    "--check": "check",
    "--diff": "diff",
    "--write": "write",
    "--strict": "strict",
    "--unsafe-fixes": "unsafe_fixes",
}
JOBS = ("--jobs", "-j")
COMPLETION_VARIABLE = "_ECRFIX_COMPLETE"  # set when a shell asks typer for completions


class QuickOptions(TypedDict, total=False):
    paths: list[str] | None
    check: bool
    diff: bool
    write: bool
    strict: bool
    unsafe_fixes: bool
    jobs: int


def quick_options(args: Sequence[str]) -> QuickOptions | None:
    """Keyword arguments for the command when `args` is a usual command line, else None."""
    if COMPLETION_VARIABLE in os.environ:
        return None
    options = QuickOptions()
    paths: list[str] = []
    items = iter(args)
    for arg in items:
        if arg in FLAGS:
            options[FLAGS[arg]] = True  # type: ignore[literal-required]
        elif arg in JOBS or arg.startswith("--jobs="):
            value = arg.partition("=")[2] if arg.startswith("--jobs=") else next(items, "")
            if not (value.isascii() and value.isdigit() and int(value) >= 1):
                return None
            options["jobs"] = int(value)
        elif arg == "-" or not arg.startswith("-"):
            paths.append(arg)
        else:
            return None
    options["paths"] = paths or None
    return options
