"""``fastrl bench``: throughput of fastrl against baselines measured in the same run.

Prints one row per benchmark group: fastrl's steps per second, the baseline's,
their ratio and the issue's targets. ``--json`` saves the measurements and
``--update-readme`` rewrites the table between the README's markers, so the
README's figures are generated, never typed.
"""

from __future__ import annotations

import json
import platform
import re

import numba

from fastrl._bench import GROUPS, machine_info, time_workload
from fastrl._table import format_table

BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"


def _rate(x: float) -> str:
    """A throughput with a readable prefix: 63.7 M, 1.4 k, 12.0."""
    if x >= 1e6:
        return f"{x / 1e6:.1f} M"
    if x >= 1e3:
        return f"{x / 1e3:.1f} k"
    return f"{x:.1f}"


def _target(r: dict) -> str:
    parts = []
    if r["target_per_s"]:
        parts.append(f">= {_rate(r['target_per_s'])} {r['unit']}/s")
    if r["target_ratio"]:
        parts.append(f">= {r['target_ratio']:g}x")
    return ", ".join(parts)


def _ratio(x: float) -> str:
    return f"{x:,.0f}x" if x >= 10 else f"{x:.2f}x"


def _machine() -> str:
    cores = numba.config.NUMBA_NUM_THREADS
    return f"{platform.machine()}, {cores} cores, numba threads {numba.get_num_threads()}"


def measure(scale: float = 1.0, groups: list[str] | None = None) -> list[dict]:
    """Time every selected group's fastrl workload and its baseline; returns one dict per group."""
    rows = []
    for group in GROUPS:
        if groups and group.name not in groups:
            continue
        fast = time_workload(group.name, group.fastrl, scale, repeat=group.repeat)
        base = time_workload(group.baseline_label, group.baseline, scale, repeat=1)
        rows.append(
            {
                "group": group.name,
                "what": group.description,
                "unit": group.unit,
                "fastrl_per_s": fast.steps_per_s,
                "fastrl_seconds": fast.seconds,
                "fastrl_work": fast.work,
                "baseline": group.baseline_label,
                "baseline_per_s": base.steps_per_s,
                "ratio": fast.steps_per_s / base.steps_per_s,
                "target_per_s": group.target_per_s,
                "target_ratio": group.target_ratio,
                **machine_info(),
            }
        )
    return rows


def markdown(rows: list[dict]) -> str:
    """A markdown table of :func:`measure`'s rows."""
    lines = [
        f"Measured by `fastrl bench` on {_machine()}.",
        "",
        "| benchmark | fastrl | baseline | baseline | ratio | target |",
        "| --- | ---: | --- | ---: | ---: | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['what']} | {_rate(r['fastrl_per_s'])} {r['unit']}/s | {r['baseline']} "
            f"| {_rate(r['baseline_per_s'])} {r['unit']}/s | {_ratio(r['ratio'])} | {_target(r)} |"
        )
    return "\n".join(lines)


def run_bench(scale=1.0, json_path=None, readme=None, groups=None) -> int:
    """Measure, print a table, optionally save JSON and rewrite the README's table."""
    rows = measure(scale, groups)
    body = []
    for r in rows:
        body.append(
            [
                r["group"],
                f"{_rate(r['fastrl_per_s'])} {r['unit']}/s",
                f"{_rate(r['baseline_per_s'])} {r['unit']}/s",
                _ratio(r["ratio"]),
                _target(r),
            ]
        )
    print(f"fastrl bench ({_machine()}, threading layer {numba.threading_layer()}, scale {scale})")
    print(format_table(["group", "fastrl", "baseline", "ratio", "target"], body))
    if json_path:
        with open(json_path, "w") as fh:
            json.dump({"machine": _machine(), "scale": scale, "rows": rows}, fh, indent=2)
    if readme:
        with open(readme) as fh:
            text = fh.read()
        pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
        if not pattern.search(text):
            print(f"{readme} has no {BEGIN} ... {END} markers; not rewritten")
            return 1
        text = pattern.sub(lambda _: f"{BEGIN}\n{markdown(rows)}\n{END}", text)
        with open(readme, "w") as fh:
            fh.write(text)
        print(f"rewrote the throughput table in {readme}")
    return 0
