"""The Markdown table of benchmark results."""

from __future__ import annotations

from dataclasses import dataclass

from measure import Command

HEADER = (
    "| workload | ecrfix | ecrfix peak RSS | reference | reference time | reference peak RSS "
    "| ratio | target | met |"
)


@dataclass
class Row:
    workload: str
    ecrfix: Command
    reference: Command
    direction: str  # "slower": ecrfix / reference; "faster": reference / ecrfix
    target: float | None  # None: shown for context, no target
    rss_limit_mb: float | None = None

    @property
    def ratio(self) -> float:
        if self.direction == "faster":
            return self.reference.median / self.ecrfix.median
        return self.ecrfix.median / self.reference.median

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        faster = self.direction == "faster"
        ok = self.ratio >= self.target if faster else self.ratio <= self.target
        if self.rss_limit_mb is not None:
            ok = ok and self.ecrfix.peak_rss_mb < self.rss_limit_mb
        return ok

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "—"
        bound = (
            f"≥ {self.target:g}x faster" if self.direction == "faster" else (f"≤ {self.target:g}x")
        )
        if self.rss_limit_mb is not None:
            bound += f", RSS < {self.rss_limit_mb:g} MB"
        return bound


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def render(rows: list[Row]) -> str:
    lines = [HEADER, "|" + "---|" * 9]
    for row in rows:
        ratio = f"{row.ratio:.2f}x" + (" faster" if row.direction == "faster" else "")
        met = {None: "", True: "met", False: "**not met**"}[row.met]
        lines.append(
            f"| {row.workload} | {seconds(row.ecrfix.median)} | {row.ecrfix.peak_rss_mb:.0f} MB "
            f"| {row.reference.name} | {seconds(row.reference.median)} "
            f"| {row.reference.peak_rss_mb:.0f} MB | {ratio} | {row.target_text} | {met} |"
        )
    return "\n".join(lines)
