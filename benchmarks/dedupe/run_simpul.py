"""Benchmark of simpul.matching on a real SQLite file with indexed blocking columns.

    python benchmarks/dedupe/run_simpul.py --n 100000 [--queries 1000] [--workers 2]

Needs var/bench/children_<n>.csv (generate.py makes it if missing). Prints and writes
var/bench/result_simpul_<n>.json with:

- build: time to compute the blocking keys, insert, index, and fill the token-frequency table;
- check: one duplicate check for random records = one SQL query over the indexed key
  columns (OR of IN-lists) + scoring + ranking; p50/p95/max in ms, candidates per check,
  and the share of true duplicates shown (likely/possible) in the top 10;
- scan: the registry-wide scan of simpul.matching.scanning (the engine of the app's
  background job): every pair a check from either record would fetch (a self-join of the
  query values on the key columns), each scored once; candidate pairs, pairs scored after
  the engine's upper-bound filter, wall time, peak memory (PSS of all processes), and
  blocking recall;
- quality: pairwise precision / recall / F1 of "likely" and of "likely or possible", from
  the full scan;
- false_pairs: how many pairs of twins, of siblings and of same-name children (namesakes)
  the scan rates "likely" and "possible", out of how many such pairs the data holds.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import json
import math
import multiprocessing as mp
import os
import random
import resource
import sqlite3
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from simpul.matching import (  # noqa: E402
    BLOCKING_COLUMNS,
    InMemoryTokenStats,
    PersonRecord,
    blocking_keys,
    candidate_key_values,
    compare,
    frequency_tokens,
    rank_candidates,
)
from simpul.matching.scanning import DuplicateScanner, ScanCounters  # noqa: E402

TODAY = dt.date(2026, 1, 1)
FIELDS = (
    "id",
    "full_name",
    "aliases",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "birth_year",
    "nik",
    "mother_name",
    "kelurahan_code",
)


def load_csv(path: Path) -> tuple[list[PersonRecord], dict[str, str], list[dict]]:
    """The records, their true child, and per record the truth columns the matcher never sees
    (true child, family, kind of the child)."""
    records: list[PersonRecord] = []
    truth: dict[str, str] = {}
    rows: list[dict] = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            records.append(row_to_record(row))
            truth[row["id"]] = row["true_id"]
            rows.append(
                {
                    k: row[k]
                    for k in ("true_id", "family_id", "kind", "full_name", "birth_date")
                    if k in row
                }
            )
    return records, truth, rows


HARD_KINDS = ("twins", "siblings", "namesakes")


class HardNegatives:
    """Pairs of records of two *different* children that look alike, by kind:

    - twins: children of one family born together (generator kind "twin"; triplets too);
    - siblings: other children of one family (kind "sibling", some born months apart);
    - namesakes: children of different families with the same full name (as first
      registered; the generator's "namesake" groups and the natural ones).

    ``total[kind]`` counts every such pair of records (the denominator); ``kind_of`` tells
    which kind a predicted pair is, if any."""

    def __init__(self, rows: list[dict]) -> None:
        child_kind: dict[str, str] = {}
        child_name: dict[str, str] = {}
        for row in rows:
            if row["kind"] != "duplicate":
                child_kind[row["true_id"]] = row["kind"]
                child_name[row["true_id"]] = " ".join(row["full_name"].lower().split())
        self.true = [r["true_id"] for r in rows]
        self.family = [r["family_id"] for r in rows]
        self.child_kind = child_kind
        self.name_of = [child_name.get(t, "") for t in self.true]
        self.total = dict.fromkeys(HARD_KINDS, 0)
        by_family: dict[str, Counter] = defaultdict(Counter)
        by_name: dict[str, Counter] = defaultdict(Counter)
        for i, t in enumerate(self.true):
            by_family[self.family[i]][t] += 1
            by_name[self.name_of[i]][(self.family[i], t)] += 1
        for members in by_family.values():
            for (ta, na), (tb, nb) in combinations(sorted(members.items()), 2):
                self.total[self._family_kind(ta, tb)] += na * nb
        for members in by_name.values():
            k = sum(members.values())
            same_family = Counter()
            for (fam, _t), c in members.items():
                same_family[fam] += c
            self.total["namesakes"] += k * (k - 1) // 2 - sum(
                c * (c - 1) // 2 for c in same_family.values()
            )

    def _family_kind(self, ta: str, tb: str) -> str:
        kinds = {self.child_kind.get(ta), self.child_kind.get(tb)}
        return "twins" if "twin" in kinds else "siblings"

    def kind_of(self, i: int, j: int) -> str | None:
        if self.true[i] == self.true[j]:
            return None
        if self.family[i] == self.family[j]:
            return self._family_kind(self.true[i], self.true[j])
        if self.name_of[i] and self.name_of[i] == self.name_of[j]:
            return "namesakes"
        return "other"

    def report(self, scored: list[tuple[int, int, float, str]]) -> dict:
        """How many pairs of each kind the scan rates "likely", and "possible"."""
        out = {k: {"pairs": self.total[k], "likely": 0, "possible": 0} for k in HARD_KINDS}
        out["other"] = {"pairs": None, "likely": 0, "possible": 0}
        for i, j, _score, level in scored:
            if level == "unlikely":
                continue
            kind = self.kind_of(i, j)
            if kind is not None:
                out[kind][level] += 1
        for k in HARD_KINDS:
            n = out[k]["pairs"]
            out[k]["likely_share"] = round(out[k]["likely"] / n, 5) if n else None
        return out


def row_to_record(row) -> PersonRecord:
    return PersonRecord(
        id=row["id"],
        full_name=row["full_name"],
        aliases=tuple(a for a in (row["aliases"] or "").split("|") if a),
        sex=row["sex"] or None,
        birth_date=dt.date.fromisoformat(row["birth_date"]) if row["birth_date"] else None,
        birth_date_estimated=bool(row["birth_date_estimated"]),
        birth_year=int(row["birth_year"]) if row["birth_year"] else None,
        nik=row["nik"] or None,
        mother_name=row["mother_name"] or None,
        kelurahan_code=row["kelurahan_code"] or None,
    )


def build_db(records: list[PersonRecord], path: Path) -> float:
    if path.exists():
        path.unlink()
    t0 = time.perf_counter()
    con = sqlite3.connect(path)
    cols = ", ".join(f"{c} TEXT" for c in BLOCKING_COLUMNS)
    con.executescript(
        f"""
        PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
        CREATE TABLE child (id TEXT PRIMARY KEY, full_name TEXT, aliases TEXT, sex TEXT,
            birth_date TEXT, birth_date_estimated INTEGER, birth_year INTEGER, nik TEXT,
            mother_name TEXT, kelurahan_code TEXT, {cols});
        CREATE TABLE token_frequency (token TEXT PRIMARY KEY, n INTEGER NOT NULL);
        """
    )
    counts: dict[str, int] = defaultdict(int)
    rows = []
    for r in records:
        keys = blocking_keys(r)
        for tok in frequency_tokens(r):
            counts[tok] += 1
        rows.append(
            (
                r.id,
                r.full_name,
                "|".join(r.aliases),
                r.sex,
                r.birth_date.isoformat() if r.birth_date else None,
                int(r.birth_date_estimated),
                r.birth_year,
                r.nik,
                r.mother_name,
                r.kelurahan_code,
                *(keys[c] for c in BLOCKING_COLUMNS),
            )
        )
    marks = ", ".join("?" * (10 + len(BLOCKING_COLUMNS)))
    con.executemany(f"INSERT INTO child VALUES ({marks})", rows)
    con.executemany("INSERT INTO token_frequency VALUES (?, ?)", sorted(counts.items()))
    for c in BLOCKING_COLUMNS:
        con.execute(f"CREATE INDEX ix_child_{c} ON child ({c})")
    con.execute("ANALYZE")
    con.commit()
    con.close()
    return time.perf_counter() - t0


def load_stats(con: sqlite3.Connection) -> InMemoryTokenStats:
    counts = dict(con.execute("SELECT token, n FROM token_frequency"))
    total = con.execute("SELECT count(*) FROM child").fetchone()[0]
    return InMemoryTokenStats(counts, total)


def db_row_to_record(row) -> PersonRecord:
    return PersonRecord(
        id=row[0],
        full_name=row[1],
        aliases=tuple(a for a in (row[2] or "").split("|") if a),
        sex=row[3],
        birth_date=dt.date.fromisoformat(row[4]) if row[4] else None,
        birth_date_estimated=bool(row[5]),
        birth_year=row[6],
        nik=row[7],
        mother_name=row[8],
        kelurahan_code=row[9],
    )


def blocking_where(query: PersonRecord, stats) -> tuple[str, list[str]]:
    """The WHERE clause of a check: an OR of IN-lists over the indexed key columns."""
    clauses, params = [], []
    for col, values in candidate_key_values(query, today=TODAY, stats=stats).items():
        if values:
            clauses.append(f"{col} IN ({', '.join('?' * len(values))})")
            params.extend(sorted(values))
    # A record with nothing to look up (a name that is only a title, no NIK, no mother) finds
    # nothing.
    return " OR ".join(clauses) or "0", params


def check(con: sqlite3.Connection, query: PersonRecord, stats) -> tuple[list, int]:
    """One duplicate check: the blocking query over the indexes, then scoring and ranking."""
    where, params = blocking_where(query, stats)
    sql = f"SELECT {', '.join(FIELDS)} FROM child WHERE {where}"
    candidates = [db_row_to_record(r) for r in con.execute(sql, params)]
    return rank_candidates(query, candidates, stats, limit=10), len(candidates)


def query_plan(con, query, stats) -> str:
    where, params = blocking_where(query, stats)
    return " / ".join(
        r[-1] for r in con.execute(f"EXPLAIN QUERY PLAN SELECT id FROM child WHERE {where}", params)
    )


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


# ---------------------------------------------------------------------------- full scan

_SCANNER: DuplicateScanner | None = None
_CHUNK = 2000  # anchors taken at a time


def _scan_chunks(next_start) -> tuple[list[tuple[int, int, float, str]], ScanCounters]:
    """Scan chunks of anchors until none is left; ``next_start`` (a shared counter) hands
    out the chunks, so the processes stay busy until the end."""
    assert _SCANNER is not None
    counters = ScanCounters()
    hits: list[tuple[int, int, float, str]] = []
    while True:
        with next_start.get_lock():
            start = next_start.value
            next_start.value += _CHUNK
        if start >= len(_SCANNER):
            return hits, counters
        hits += [
            (h.i, h.j, h.result.score, h.result.level)
            for h in _SCANNER.scan(start, start + _CHUNK, counters=counters)
        ]


def _scan_in_child(next_start, conn) -> None:
    conn.send(_scan_chunks(next_start))
    conn.close()


class MemorySampler(threading.Thread):
    """Peak proportional set size (PSS: shared pages split between processes) of this
    process and its children, sampled every second."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self._done = threading.Event()

    @staticmethod
    def _pss_kb(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _pids(self) -> list[int]:
        pids = [os.getpid()]
        try:
            for tid in os.listdir(f"/proc/{os.getpid()}/task"):
                with open(f"/proc/{os.getpid()}/task/{tid}/children") as fh:
                    pids += [int(x) for x in fh.read().split()]
        except OSError:
            pass
        return pids

    def run(self) -> None:
        while not self._done.wait(1.0):
            self.peak_kb = max(self.peak_kb, sum(self._pss_kb(p) for p in self._pids()))

    def stop(self) -> int:
        self._done.set()
        self.peak_kb = max(self.peak_kb, sum(self._pss_kb(p) for p in self._pids()))
        return self.peak_kb


def full_scan(con: sqlite3.Connection, stats, workers: int) -> dict:
    """The registry-wide scan with simpul.matching.scanning (the engine the app's background
    job uses): records streamed from the SQLite file in id order with their stored keys,
    every candidate pair from the blocking self-join scored once."""
    global _SCANNER
    t0 = time.perf_counter()
    scanner = DuplicateScanner(stats, today=TODAY)
    cols = ", ".join(BLOCKING_COLUMNS)
    for row in con.execute(f"SELECT {', '.join(FIELDS)}, {cols} FROM child ORDER BY rowid"):
        scanner.add(
            db_row_to_record(row), dict(zip(BLOCKING_COLUMNS, row[len(FIELDS) :], strict=True))
        )
    t_load = time.perf_counter() - t0
    scanner.prepare()
    t_prepare = time.perf_counter() - t0 - t_load
    _SCANNER = scanner
    gc.collect()
    gc.freeze()  # keep the forked workers from copying every object's page on collection
    # This process scans too, next to workers - 1 forked children: one copy fewer of the
    # pages that reference counting makes private to each process.
    ctx = mp.get_context("fork")
    next_start = ctx.Value("q", 0)
    t1 = time.perf_counter()
    children = []
    for _ in range(workers - 1):
        receive, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_scan_in_child, args=(next_start, send))
        proc.start()
        children.append((proc, receive))
    hits, counters = _scan_chunks(next_start)
    for proc, receive in children:
        part, c = receive.recv()
        proc.join()
        hits += part
        counters.add(c)
    t_pairs = time.perf_counter() - t1
    hits.sort()
    return {
        "scanner": scanner,
        "hits": hits,
        "counters": counters,
        "load_s": t_load,
        "prepare_s": t_prepare,
        "pairs_s": t_pairs,
        "total_s": time.perf_counter() - t0,
    }


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
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--errors", type=int, default=0, help="print N missed and N false pairs")
    parser.add_argument("--no-scan", action="store_true", help="only build and time checks")
    parser.add_argument(
        "--scan-sample",
        type=float,
        default=1.0,
        help="obsolete (the full scan runs); accepted for benchmarks/run.py",
    )
    args = parser.parse_args(argv)
    csv_path = args.dir / f"children_{args.n}.csv"
    if not csv_path.exists():
        from generate import main as generate_main

        generate_main(["--n", str(args.n), "--out", str(args.dir)])
    records, truth, truth_rows = load_csv(csv_path)
    hard = HardNegatives(truth_rows)
    del truth_rows
    index = {r.id: i for i, r in enumerate(records)}
    by_true: dict[str, list[int]] = defaultdict(list)
    for r in records:
        by_true[truth[r.id]].append(index[r.id])
    true_pairs = {p for members in by_true.values() for p in combinations(sorted(members), 2)}

    db_path = args.dir / f"simpul_{args.n}.sqlite3"
    t_build = build_db(records, db_path)
    print(f"[simpul n={args.n}] build {t_build:.1f}s", file=sys.stderr)
    con = sqlite3.connect(db_path)
    stats = load_stats(con)

    # (a) one check
    rng = random.Random(7)
    sample = rng.sample(records, min(args.queries, len(records)))
    times, cpu, n_cands, found, expected = [], [], [], 0, 0
    for q in sample:
        t0, c0 = time.perf_counter(), time.thread_time()
        ranked, n = check(con, q, stats)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
        n_cands.append(n)
        dups = {records[i].id for i in by_true[truth[q.id]]} - {q.id}
        expected += len(dups)
        found += len(dups & {c.id for c, _res in ranked})
    plan = query_plan(con, sample[0], stats)
    check_res = {
        "queries": len(sample),
        "p50_ms": round(percentile(times, 50), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "max_ms": round(max(times), 2),
        "cpu_p50_ms": round(percentile(cpu, 50), 2),
        "cpu_p95_ms": round(percentile(cpu, 95), 2),
        "mean_candidates": round(statistics.mean(n_cands), 1),
        "p95_candidates": percentile(n_cands, 95),
        "duplicates_shown": f"{found}/{expected}",
        "recall_shown": round(found / expected, 4) if expected else None,
        "plan": plan,
    }
    print(f"[simpul n={args.n}] check {check_res}", file=sys.stderr)

    if args.no_scan:
        result = {"n": len(records), "build_s": round(t_build, 1), "check": check_res}
        print(json.dumps(result, indent=2))
        return result

    # (b) full scan, (c) quality. The scanner reads its own copy of the records from the
    # SQLite file (rowid order = CSV order, so positions are the same as here).
    if args.scan_sample < 1.0:
        print("--scan-sample is obsolete: the full scan runs", file=sys.stderr)
    del records, sample, index, by_true, truth
    gc.collect()
    sampler = MemorySampler()
    sampler.start()
    scan = full_scan(con, stats, args.workers)
    peak_pss_mb = sampler.stop() / 1024
    scanner, scored, counters = scan["scanner"], scan["hits"], scan["counters"]
    blocked_true = sum(1 for i, j in true_pairs if j in set(scanner.candidates(i)))
    likely = {(i, j) for i, j, _s, lvl in scored if lvl == "likely"}
    possible = {(i, j) for i, j, _s, lvl in scored if lvl != "unlikely"}
    sweep = {}
    for t in range(math.ceil(scanner.min_score), 27):
        m = prf({(i, j) for i, j, sc, _lvl in scored if sc >= t}, true_pairs)
        sweep[t] = f"P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f}"
    result = {
        "n": len(scanner),
        "true_pairs": len(true_pairs),
        "build_s": round(t_build, 1),
        "load_avg_1m": round(os.getloadavg()[0], 1),
        "date": dt.date.today().isoformat(),
        "check": check_res,
        "scan": {
            "candidate_pairs": counters.candidate_pairs,
            "scored_pairs": counters.scored,
            "pairs_at_min_score": counters.hits,
            "min_score": round(scanner.min_score, 2),
            "load_s": round(scan["load_s"], 1),
            "prepare_s": round(scan["prepare_s"], 1),
            "pairs_s": round(scan["pairs_s"], 1),
            "total_s": round(scan["total_s"], 1),
            "total_s_extrapolated": round(scan["total_s"], 1),  # benchmarks/run.py reads this
            "workers": args.workers,
            "peak_pss_mb": round(peak_pss_mb),
            "peak_rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "peak_rss_worker_mb": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            ),
            "blocking_recall": round(blocked_true / len(true_pairs), 4) if true_pairs else None,
        },
        "likely": prf(likely, true_pairs),
        "likely_or_possible": prf(possible, true_pairs),
        "false_pairs": hard.report(scored),
        "threshold_sweep": sweep,
    }
    print(json.dumps(result, indent=2))
    (args.dir / f"result_simpul_{args.n}.json").write_text(json.dumps(result, indent=2))
    for kind, c in result["false_pairs"].items():
        print(
            f"[simpul n={args.n}] false pairs, {kind}: {c['likely']} likely, "
            f"{c['possible']} possible (of {c['pairs']} pairs)",
            file=sys.stderr,
        )
    if args.errors:
        show_errors(scanner.records, stats, true_pairs - likely, likely - true_pairs, args.errors)
        false_hard = {
            kind: {
                (i, j)
                for i, j, _s, lvl in scored
                if lvl != "unlikely" and hard.kind_of(i, j) == kind
            }
            for kind in HARD_KINDS
        }
        for kind, pairs in false_hard.items():
            show_errors(scanner.records, stats, set(), pairs, args.errors, label=kind.upper())
    return result


def show_errors(records, stats, missed, false, k, label="FALSE"):
    rng = random.Random(1)
    for title, items in (("MISSED", missed), (label, false)):
        if not items and title == "MISSED":
            continue
        print(f"--- {title} ({len(items)})")
        for i, j in rng.sample(sorted(items), min(k, len(items))):
            a, b = records[i], records[j]
            res = compare(a, b, stats)
            print(
                f"{res.score:6.1f} {res.level:8} | {a.full_name} ({a.sex} {a.birth_date or a.birth_year} "
                f"{a.nik} m={a.mother_name} {a.kelurahan_code} al={a.aliases}) | {b.full_name} ({b.sex} "
                f"{b.birth_date or b.birth_year} {b.nik} m={b.mother_name} {b.kelurahan_code} al={b.aliases})"
            )
            print("        ", [(r.field, r.outcome, r.weight) for r in res.reasons])


if __name__ == "__main__":
    main()
