"""The `ecrfix` entry point. The usual command lines (argv.py) run the command directly;
help, completion and every other option go through typer, imported only then: its import
alone costs about as much as the rest of ecrfix's start-up."""

from __future__ import annotations

import os
import sys

from ecrfix.argv import quick_options


def main(argv: list[str] | None = None) -> int:
    quick = quick_options(sys.argv[1:] if argv is None else argv)
    try:
        if quick is not None:
            from ecrfix.command import run_command

            return run_command(**quick)
        from ecrfix.app import app

        app(args=argv, prog_name="ecrfix")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`ecrfix --diff | head`): no traceback, and nothing more to
        # write at exit either
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    return 0
