"""Template text from plain values, as people write it: YAML in block style with
short-form intrinsics and a few comments, or indented JSON with `Fn::` intrinsics."""

from __future__ import annotations

import json
import random
import re
from typing import Any

SHORT_TAGS = {"Ref": "!Ref", "Fn::Sub": "!Sub", "Fn::GetAtt": "!GetAtt", "Fn::Equals": "!Equals"}
_PLAIN = re.compile(r"[A-Za-z_/$][\w ./:${}*-]*")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    plain = _PLAIN.fullmatch(text) and ": " not in text and not text.endswith(":")
    if plain and text.lower() not in _RESERVED and " #" not in text:
        return text
    return "'" + text.replace("'", "''") + "'"


def intrinsic(value: Any) -> tuple[str, Any] | None:
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if key in SHORT_TAGS:
            return SHORT_TAGS[key], arg
    return None


def flow(value: Any) -> str:
    tagged = intrinsic(value)
    return scalar(value) if tagged is None else f"{tagged[0]} {scalar(tagged[1])}"


def to_yaml(value: Any, indent: str = "") -> list[str]:
    """Block-style lines for a mapping or sequence (short tags for intrinsics)."""
    lines: list[str] = []
    items = value.items() if isinstance(value, dict) else (("- ", v) for v in value)
    for key, item in items:
        head = f"{indent}{key}" if key == "- " else f"{indent}{key}:"
        tagged = intrinsic(item)
        if tagged is not None:
            tag, arg = tagged
            arg = "[" + ", ".join(map(flow, arg)) + "]" if isinstance(arg, list) else scalar(arg)
            lines.append(f"{head}{'' if key == '- ' else ' '}{tag} {arg}")
        elif isinstance(item, dict | list) and item:
            if key == "- " and isinstance(item, dict):
                sub = to_yaml(item, indent + "  ")
                lines.append(f"{indent}- {sub[0].lstrip()}")
                lines += sub[1:]
            else:
                lines.append(head)
                lines += to_yaml(item, indent + "  ")
        elif key == "- ":
            lines.append(f"{head}{scalar(item)}")
        else:
            lines.append(f"{head} {scalar(item)}")
    return lines


def render(doc: dict[str, Any], fmt: str, rng: random.Random, indent: int = 0) -> str:
    if fmt == "json":
        return json.dumps(doc, indent=indent or rng.choice([2, 4])) + "\n"
    lines = to_yaml(doc)
    out: list[str] = []
    for line in lines:
        if line.startswith("  ") and not line.startswith("   ") and rng.random() < 0.3:
            out.append(f"  # ---- {line.strip().rstrip(':')} ----")  # a banner above some keys
        out.append(line)
    return "\n".join(out) + "\n"
