"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, metadata
from pathlib import Path
from urllib.parse import quote

from ecrfix import __version__, rule_info
from ecrfix.model import FIXED, SUPPRESSED, Finding
from ecrfix.regions import Region, edit_region, finding_region, fix_edits
from ecrfix.report import sorted_findings
from ecrfix.run import FileError, FileReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FALLBACK_URI = "https://pypi.org/project/ecrfix/"

Json = dict[str, object]


def render_sarif(reports: Sequence[FileReport], errors: Sequence[FileError]) -> str:
    texts = {r.path: r.original for r in reports}
    results = [
        _result(path, finding, texts.get(path, ""))
        for path, finding in sorted_findings(reports)
        # a fixed finding is gone from the file on disk, so there is nothing left to alert on
        if finding.status != FIXED
    ]
    run: Json = {
        "tool": {"driver": _driver()},
        "invocations": [_invocation(reports, errors)],
        "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _driver() -> Json:
    return {
        "name": "ecrfix",
        "version": __version__,
        "informationUri": _information_uri(),
        "rules": [
            {
                "id": rule_info.RULE_ID,
                "name": rule_info.RULE_NAME,
                "shortDescription": {"text": rule_info.SHORT},
                "fullDescription": {"text": rule_info.FULL},
                "helpUri": rule_info.HELP_URI,
                "help": {"text": rule_info.HELP_TEXT, "markdown": rule_info.HELP_MARKDOWN},
                "defaultConfiguration": {"level": "warning"},
                "properties": {
                    "tags": list(rule_info.TAGS),
                    "precision": "very-high",
                    "security-severity": rule_info.SECURITY_SEVERITY,
                },
            }
        ],
    }


def _information_uri() -> str:
    try:
        urls = metadata("ecrfix").get_all("Project-URL") or []
    except PackageNotFoundError:
        urls = []
    for entry in urls:  # "Homepage, https://..."
        label, _, url = str(entry).partition(",")
        if label.strip().lower() in ("homepage", "source", "repository") and url.strip():
            return url.strip()
    return FALLBACK_URI


def _result(path: str, finding: Finding, text: str) -> Json:
    result: Json = {
        "ruleId": rule_info.RULE_ID,
        "ruleIndex": 0,
        "level": "warning",
        "message": {"text": finding.message},
        "locations": [
            {"physicalLocation": _physical(path, finding_region(text, finding))},
        ],
        "partialFingerprints": {"primaryLocationLineHash": _fingerprint(finding)},
        "properties": {
            "resource": finding.resource,
            "resourceType": finding.resource_type,
            "issueType": finding.issue_type,
            "status": finding.status,
        },
    }
    if finding.status == SUPPRESSED:
        result["suppressions"] = [{"kind": "inSource", "justification": finding.reason}]
    edits = fix_edits(finding)
    if edits:
        replacements = [
            {"deletedRegion": _region(edit_region(text, e)), "insertedContent": {"text": e.new}}
            for e in sorted(edits)
        ]
        result["fixes"] = [
            {
                "description": {"text": rule_info.FIX},
                "artifactChanges": [
                    {"artifactLocation": _artifact(path), "replacements": replacements}
                ],
            }
        ]
    return result


def _fingerprint(finding: Finding) -> str:
    # GitHub uses a supplied hash instead of hashing the lines around the result; keying it on
    # the resource keeps one alert per repository however the lines above it move or change.
    key = "\0".join((rule_info.RULE_ID, finding.resource_type, finding.resource))
    return hashlib.sha256(key.encode()).hexdigest()[:16] + ":1"


def _artifact(path: str) -> Json:
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.getcwd())
    if relative.split(os.sep, 1)[0] == os.pardir:
        return {"uri": Path(absolute).as_uri()}
    return {"uri": quote(Path(relative).as_posix()), "uriBaseId": SRCROOT}


def _physical(path: str, region: Region) -> Json:
    return {"artifactLocation": _artifact(path), "region": _region(region)}


def _region(region: Region) -> Json:
    return {
        "startLine": region.start_line,
        "startColumn": region.start_column,
        "endLine": region.end_line,
        "endColumn": region.end_column,
    }


def _invocation(reports: Sequence[FileReport], errors: Sequence[FileError]) -> Json:
    notes: list[Json] = []
    for error in errors:
        notes.append(_notification("error", error.path, error.message, error.line))
    for report in sorted(reports, key=lambda r: r.path):
        for key, line in report.warnings:
            message = f"duplicate key '{key}' (the last one applies)"
            notes.append(_notification("warning", report.path, message, line))
    invocation: Json = {"executionSuccessful": not errors}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def _notification(level: str, path: str, message: str, line: int | None) -> Json:
    location: Json = {"artifactLocation": _artifact(path)}
    if line:
        location["region"] = {"startLine": line}
    return {
        "level": level,
        "message": {"text": message},
        "locations": [{"physicalLocation": location}],
    }
