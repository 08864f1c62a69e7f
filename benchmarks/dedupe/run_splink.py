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
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import logging
import os
import re
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from simpul.children.matching import normalize_name  # noqa: E402

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
    return pa.table(dict(cols)), truth


def settings(SettingsCreator, block_on, cl, cll):
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
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "birth_year"),
            block_on("surname", "birth_year"),
            block_on("sorted_name"),
            block_on("nik_a"),
            block_on("nik_b"),
            block_on("mother_first", "birth_year"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def prf(pred: set, truth: set) -> dict:
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(truth) if truth else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "fp": len(pred) - tp,
        "fn": len(truth) - tp,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--normalize", choices=["generic", "simpul"], default="generic")
    parser.add_argument("--u-pairs", type=float, default=1e7)
    args = parser.parse_args(argv)

    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.WARNING)
    csv_path = args.dir / f"children_{args.n}.csv"
    if not csv_path.exists():
        from generate import main as generate_main

        generate_main(["--n", str(args.n), "--out", str(args.dir)])
    table, truth = load(csv_path, args.normalize)
    by_true: dict[str, list[str]] = defaultdict(list)
    for rid, tid in truth.items():
        by_true[tid].append(rid)
    true_pairs = {tuple(sorted(p)) for ids in by_true.values() for p in combinations(ids, 2)}

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    db_api = DuckDBAPI()
    df = db_api.register(table)
    linker = Linker(df, settings(SettingsCreator, block_on, cl, cll), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nik"), block_on("full_name", "birth_date")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_pairs, seed=1)
    times["train_u_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    times["train_m_s"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    rows = predictions.as_pyarrow_table().select(["id_l", "id_r", "match_probability"])
    times["predict_s"] = time.perf_counter() - t2
    times["total_s"] = time.perf_counter() - t0

    scored = [
        (tuple(sorted((a, b))), p)
        for a, b, p in zip(
            rows["id_l"].to_pylist(),
            rows["id_r"].to_pylist(),
            rows["match_probability"].to_pylist(),
            strict=True,
        )
    ]
    sweep = {}
    best = (0.0, None)
    for thr in (0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999):
        m = prf({pair for pair, p in scored if p >= thr}, true_pairs)
        sweep[str(thr)] = f"P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f}"
        if m["f1"] > best[0]:
            best = (m["f1"], thr)
    result = {
        "n": table.num_rows,
        "normalize": args.normalize,
        "true_pairs": len(true_pairs),
        "scored_pairs": len(scored),
        "blocking_recall_at_p0.01": round(
            len({p for p, _ in scored} & true_pairs) / len(true_pairs), 4
        ),
        "times": {k: round(v, 1) for k, v in times.items()},
        "p_0.9": prf({pair for pair, p in scored if p >= 0.9}, true_pairs),
        "p_0.5": prf({pair for pair, p in scored if p >= 0.5}, true_pairs),
        "best_f1": {"f1": best[0], "threshold": best[1]},
        "threshold_sweep": sweep,
        "load_avg_1m": round(os.getloadavg()[0], 1),
        "date": dt.date.today().isoformat(),
    }
    print(json.dumps(result, indent=2))
    suffix = "" if args.normalize == "generic" else f"_{args.normalize}"
    (args.dir / f"result_splink_{args.n}{suffix}.json").write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
