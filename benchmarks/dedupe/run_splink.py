"""The same benchmark data through splink (DuckDB backend), for comparison.

    pip install -e '.[bench]'
    python benchmarks/dedupe/run_splink.py --n 100000 [--normalize simpul]

A conventional splink model, the way its documentation suggests: generic name clean-up
(lowercase, no punctuation; `--normalize simpul` uses simpul's Indonesian normaliser
instead), forename/surname with Jaro-Winkler and term-frequency adjustments, date of birth,
NIK with Damerau-Levenshtein, sex, mother's name and region levels. u by random sampling,
m by expectation maximisation on two blocking rules, then `predict` over blocking rules
similar to simpul's keys. Reports pairwise precision / recall / F1 at match probability
0.9 and 0.5, and the best F1 over thresholds, with the time of each phase.

Large inputs (more than LARGE_N records, or `--blocking strict` / `--memory-safe`): the
default prediction rules (first name + year, family name + year, mother's first name +
year, ...) make blocks of thousands of records at 1M, i.e. over a billion pairs, which does
not fit this machine. The strict rules (STRICT_RULES) add the date of birth, the kelurahan
or kecamatan, or the mother's full name to each name key and keep the count to tens of
millions; DuckDB gets a memory limit, two threads and a spill directory under var/bench.
The number of pairs each rule adds is estimated with splink's blocking analysis and printed
before `predict`. The model (comparisons and training) is the same in both modes.

    python benchmarks/dedupe/run_splink.py --n 1000000            # strict + memory-safe
    python benchmarks/dedupe/run_splink.py --n 100000 --blocking strict   # for comparison
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import logging
import os
import re
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[2]
# Above this many records the strict blocking rules and the memory-safe DuckDB settings are
# used unless told otherwise.
LARGE_N = 300_000

# Prediction blocking rules: each a tuple of columns that must be equal.
DEFAULT_RULES = [
    ("first_name", "birth_year"),
    ("surname", "birth_year"),
    ("sorted_name",),
    ("nik_a",),
    ("nik_b",),
    ("mother_first", "birth_year"),
]
STRICT_RULES = [
    ("first_name", "surname", "birth_year"),
    ("first_name", "birth_date"),
    ("surname", "birth_date"),
    ("birth_date", "kelurahan_code"),
    ("first_name", "surname", "kelurahan_code"),
    ("first_name", "birth_year", "kecamatan_code"),
    ("surname", "birth_year", "kecamatan_code"),
    ("mother_first", "birth_date"),
    ("mother_name", "birth_year", "kecamatan_code"),
    ("mother_name", "first_name"),
    ("mother_name", "surname"),
    ("nik_a", "birth_year"),
    ("nik_b",),
    ("sorted_name",),
]
sys.path.insert(0, str(ROOT))

from simpul.matching import normalize_name  # noqa: E402

_CLEAN = re.compile(r"[^a-z ]")


def generic_clean(name: str) -> str:
    return " ".join(_CLEAN.sub(" ", (name or "").lower().split(",")[0]).split())


def load(path: Path, normalize: str) -> tuple[pa.Table, dict[str, str]]:
    clean = normalize_name if normalize == "simpul" else generic_clean
    cols: dict[str, list] = defaultdict(list)
    truth: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            truth[row["id"]] = row["true_id"]
            name = clean(row["full_name"])
            tokens = name.split()
            cols["id"].append(row["id"])
            cols["full_name"].append(name or None)
            cols["first_name"].append(tokens[0] if tokens else None)
            cols["surname"].append(tokens[-1] if len(tokens) > 1 else None)
            cols["sorted_name"].append(" ".join(sorted(tokens)) or None)
            cols["sex"].append(row["sex"] or None)
            cols["birth_date"].append(row["birth_date"] or None)
            cols["birth_year"].append(row["birth_year"] or None)
            cols["nik"].append(row["nik"] or None)
            cols["nik_a"].append(row["nik"][:8] if row["nik"] else None)
            cols["nik_b"].append(row["nik"][8:] if row["nik"] else None)
            mother = clean(row["mother_name"])
            cols["mother_name"].append(mother or None)
            cols["mother_first"].append(mother.split()[0] if mother else None)
            cols["kelurahan_code"].append(row["kelurahan_code"] or None)
            cols["kecamatan_code"].append(row["kelurahan_code"][:8] or None)
    return pa.table(dict(cols)), truth


def settings(SettingsCreator, block_on, cl, cll, rules=DEFAULT_RULES):
    region = cl.CustomComparison(
        [
            cll.NullLevel("kelurahan_code"),
            cll.ExactMatchLevel("kelurahan_code"),
            cll.CustomLevel(
                "substr(kelurahan_code_l, 1, 8) = substr(kelurahan_code_r, 1, 8)",
                label_for_charts="same kecamatan",
            ),
            cll.CustomLevel(
                "substr(kelurahan_code_l, 1, 5) = substr(kelurahan_code_r, 1, 5)",
                label_for_charts="same kota",
            ),
            cll.ElseLevel(),
        ],
        output_column_name="kelurahan_code",
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="id",
        comparisons=[
            cl.ForenameSurnameComparison(
                "first_name", "surname", forename_surname_concat_col_name="full_name"
            ),
            cl.JaroWinklerAtThresholds("sorted_name", [0.95, 0.88]),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("birth_year"),
            cl.DamerauLevenshteinAtThresholds("nik", [1, 2]),
            cl.ExactMatch("sex"),
            cl.JaroWinklerAtThresholds("mother_name", [0.92, 0.8]),
            region,
        ],
        blocking_rules_to_generate_predictions=[block_on(*cols) for cols in rules],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def prf_counts(n_pred: int, tp: int, n_truth: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_truth if n_truth else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "fp": n_pred - tp,
        "fn": n_truth - tp,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--normalize", choices=["generic", "simpul"], default="generic")
    parser.add_argument("--u-pairs", type=float, default=1e7)
    parser.add_argument(
        "--blocking",
        choices=["auto", "default", "strict"],
        default="auto",
        help=f"prediction blocking rules; auto = strict above {LARGE_N:,} records",
    )
    parser.add_argument(
        "--memory-safe",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"DuckDB memory limit, threads and spill directory (default: above {LARGE_N:,})",
    )
    parser.add_argument("--memory-limit", default="8GB")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--count-sample",
        type=float,
        default=None,
        help="record sample for the pair-count estimate (default: exact, 0.05 for "
        "rule sets that are not used)",
    )
    args = parser.parse_args(argv)
    large = args.n > LARGE_N
    blocking = args.blocking if args.blocking != "auto" else ("strict" if large else "default")
    memory_safe = large if args.memory_safe is None else args.memory_safe
    rules = STRICT_RULES if blocking == "strict" else DEFAULT_RULES

    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    logging.getLogger("splink").setLevel(logging.WARNING)
    csv_path = args.dir / f"children_{args.n}.csv"
    if not csv_path.exists():
        from generate import main as generate_main

        generate_main(["--n", str(args.n), "--out", str(args.dir)])
    table, truth = load(csv_path, args.normalize)
    group_sizes: dict[str, int] = defaultdict(int)
    for tid in truth.values():
        group_sizes[tid] += 1
    n_true_pairs = sum(k * (k - 1) // 2 for k in group_sizes.values())

    import duckdb

    config: dict[str, object] = {}
    if memory_safe:
        tmp = args.dir / "duckdb_tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        config = {
            "memory_limit": args.memory_limit,
            "threads": args.threads,
            "temp_directory": str(tmp),
            "preserve_insertion_order": False,
        }
    con = duckdb.connect(config=config)
    db_api = DuckDBAPI(con)
    df = db_api.register(table)
    con.register("__bench_truth", pa.table({"id": list(truth), "true_id": list(truth.values())}))

    # How many pairs will predict score? Estimated with splink's blocking analysis, before
    # predict (for the rules not used, on a 5 % sample, to show what they would cost).
    comparisons: dict[str, list[dict]] = {}
    t_count = time.perf_counter()
    for name, rule_set in (("default", DEFAULT_RULES), ("strict", STRICT_RULES)):
        used = name == blocking
        if not used and not large:
            continue
        sample = args.count_sample or (1.0 if used else 0.05)
        counts = count_comparisons_from_blocking_rules(
            df,
            blocking_rules=[block_on(*cols) for cols in rule_set],
            link_type="dedupe_only",
            unique_id_column_name="id",
            record_sample_proportion=sample,
        )
        comparisons[name] = [
            {
                "rule": " + ".join(cols),
                "marginal": c["marginal_comparison_count"],
                "cumulative": c["cumulative_comparison_count"],
            }
            for cols, c in zip(rule_set, counts, strict=True)
        ]
        print(
            f"{name} blocking rules{' (used)' if used else ''}, record sample {sample}:",
            file=sys.stderr,
        )
        for c in comparisons[name]:
            print(
                f"  {c['rule']:<45} +{c['marginal']:>14,}  = {c['cumulative']:>14,}",
                file=sys.stderr,
            )
    count_s = time.perf_counter() - t_count
    print(f"pair counts in {count_s:.1f} s", file=sys.stderr, flush=True)

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    linker = Linker(
        df, settings(SettingsCreator, block_on, cl, cll, rules), log_level=logging.WARNING
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nik"), block_on("full_name", "birth_date")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_pairs, seed=1)
    times["train_u_s"] = time.perf_counter() - t0
    print(f"u trained at {times['train_u_s']:.0f} s", file=sys.stderr, flush=True)
    t1 = time.perf_counter()
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    times["train_m_s"] = time.perf_counter() - t1
    print(f"m trained in {times['train_m_s']:.0f} s", file=sys.stderr, flush=True)
    t2 = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    times["predict_s"] = time.perf_counter() - t2
    times["total_s"] = time.perf_counter() - t0

    # Evaluated in DuckDB: a Python set of millions of pairs would cost gigabytes at 1M.
    # splink scores each pair once (id_l < id_r; later rules skip pairs of earlier ones),
    # so counting rows is counting distinct pairs.
    thresholds = (0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999)
    selects = ", ".join(
        f"count(*) filter (where p >= {t}), count(*) filter (where p >= {t} and same)"
        for t in thresholds
    )
    counts = con.execute(
        f"""
        select count(*), count(distinct least(id_l, id_r) || '|' || greatest(id_l, id_r)),
               {selects}
        from (
            select s.id_l, s.id_r, s.match_probability as p, tl.true_id = tr.true_id as same
            from {predictions.physical_name} s
            join __bench_truth tl on tl.id = s.id_l
            join __bench_truth tr on tr.id = s.id_r
        )
        """
    ).fetchone()
    n_scored, n_distinct = counts[0], counts[1]
    assert n_scored == n_distinct, (n_scored, n_distinct)
    at = {
        t: (counts[2 + 2 * i], counts[3 + 2 * i]) for i, t in enumerate(thresholds)
    }  # threshold -> (predicted pairs, true positives)
    sweep = {}
    best = (0.0, None)
    for thr in thresholds:
        m = prf_counts(*at[thr], n_true_pairs)
        sweep[str(thr)] = f"P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f}"
        if m["f1"] > best[0]:
            best = (m["f1"], thr)
    result = {
        "n": table.num_rows,
        "normalize": args.normalize,
        "blocking": blocking,
        "blocking_rules": [" + ".join(cols) for cols in rules],
        "comparisons": comparisons.get(blocking, [{}])[-1].get("cumulative"),
        "comparisons_by_rule": comparisons,
        "duckdb_config": config,
        "true_pairs": n_true_pairs,
        "scored_pairs": n_scored,
        "blocking_recall_at_p0.01": round(at[0.01][1] / n_true_pairs, 4),
        "times": {k: round(v, 1) for k, v in times.items()},
        "pair_count_s": round(count_s, 1),
        "p_0.9": prf_counts(*at[0.9], n_true_pairs),
        "p_0.5": prf_counts(*at[0.5], n_true_pairs),
        "best_f1": {"f1": best[0], "threshold": best[1]},
        "threshold_sweep": sweep,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_avg_1m": round(os.getloadavg()[0], 1),
        "date": dt.date.today().isoformat(),
    }
    print(json.dumps(result, indent=2))
    suffix = "" if args.normalize == "generic" else f"_{args.normalize}"
    if blocking == "strict" and not large:
        suffix += "_strict"
    elif blocking == "default" and large:
        suffix += "_default"
    (args.dir / f"result_splink_{args.n}{suffix}.json").write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
