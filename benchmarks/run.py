"""Run the duplicate-detection benchmark (simpul and splink) at the given sizes.

    python benchmarks/run.py [--sizes 10000,100000,1000000] [--skip-splink]

Generates var/bench/children_<n>.csv when missing, runs benchmarks/dedupe/run_simpul.py and
benchmarks/dedupe/run_splink.py in their own processes, and prints a Markdown table of
the results (also written to var/bench/results.md). splink is optional: install it with
`pip install -e '.[bench]'`. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEDUPE = ROOT / "benchmarks" / "dedupe"
OUT = ROOT / "var" / "bench"


def run(script: str, *args: str) -> None:
    cmd = [sys.executable, str(DEDUPE / script), *args]
    print("$", " ".join(cmd[1:]), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--seed", default="42")
    parser.add_argument(
        "--splink-large",
        action="store_true",
        help="also run splink at 1M and above (strict blocking rules and a DuckDB memory "
        "limit: about 25 min and 9 GB RAM at 1M)",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    has_splink = importlib.util.find_spec("splink") is not None
    if not has_splink and not args.skip_splink:
        print(
            "splink is not installed (pip install -e '.[bench]'): running simpul only",
            file=sys.stderr,
        )
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in sizes:
        if not (OUT / f"children_{n}.csv").exists():
            run("generate.py", "--n", str(n), "--seed", args.seed)
        run("run_simpul.py", "--n", str(n))  # always the full scan
        s = json.loads((OUT / f"result_simpul_{n}.json").read_text())
        rows.append(
            f"| {n:,} | simpul | {s['likely']['precision']:.3f} | {s['likely']['recall']:.3f} "
            f"| {s['likely']['f1']:.3f} | {s['likely_or_possible']['recall']:.3f} "
            f"| {s['check']['p50_ms']} / {s['check']['p95_ms']} "
            f"| {s['scan']['total_s_extrapolated']} s | {_hard(s)} |"
        )
        if has_splink and not args.skip_splink and (n < 1_000_000 or args.splink_large):
            run("run_splink.py", "--n", str(n))
            k = json.loads((OUT / f"result_splink_{n}.json").read_text())
            rows.append(
                f"| {n:,} | splink (p≥0.9) | {k['p_0.9']['precision']:.3f} "
                f"| {k['p_0.9']['recall']:.3f} | {k['p_0.9']['f1']:.3f} | – | – "
                f"| {k['times']['total_s']} s | – |"
            )
    table = "\n".join(
        [
            "| records | system | precision | recall | F1 | recall (likely+possible) "
            "| one check p50 / p95 ms | full scan "
            "| false pairs likely / possible: twins, siblings, namesakes |",
            "|---|---|---|---|---|---|---|---|---|",
            *rows,
        ]
    )
    (OUT / "results.md").write_text(table + "\n")
    print(table)
    print(f"(load average {os.getloadavg()[0]:.1f}; details in {OUT}/result_*.json)")


def _hard(result: dict) -> str:
    """ "36 / 114 of 7,240; …" for twins, siblings and namesakes (older results: "–")."""
    kinds = result.get("false_pairs")
    if not kinds:
        return "–"
    return "; ".join(
        f"{kinds[k]['likely']} / {kinds[k]['possible']} of {kinds[k]['pairs']:,}"
        for k in ("twins", "siblings", "namesakes")
    )


if __name__ == "__main__":
    main()
