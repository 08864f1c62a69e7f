"""Registry-wide duplicate scan: every pair of records that a duplicate check from either
record would fetch, each pair scored once with `matching.compare`, in bounded memory.

Pure Python, no Django: the app's background job (`services.duplicate_scan_run`) feeds it
rows streamed from the database, the benchmark (`benchmarks/dedupe/run_simpul.py`) the rows
of its SQLite file. Both use the same `DuplicateScanner`.

1. **Blocking, as a self-join.** `add()` takes every record in id order with its stored
   blocking values (the ``bk_*`` columns). Each (column, value) becomes an integer key with a
   posting list of the records that hold it. `prepare()` turns every record's check query
   (`matching.candidate_key_values`, with the same token statistics and ``max_block`` as a
   check) into the keys that exist. A pair {i, j} is a candidate when i's query finds j *or*
   j's query finds i: exactly what a check from either record would fetch. Large blocks are
   therefore handled as the check handles them (a value whose expected block exceeds
   ``max_block`` is left out of that record's query, keeping the cheapest name value), and a
   pair one end leaves out is still found from the other end.

2. **Each pair once, no global pair set.** Records are anchors in id order; anchor i collects
   the j > i from the postings of its query keys and from the records whose queries hit its
   own stored keys (a second, inverted posting list), into a per-anchor set. Memory is the
   records, the keys and the postings: O(records), never O(pairs).

3. **Scoring with a safe pre-filter.** Most blocked pairs share one name token and nothing
   else. For each pair an *upper bound* of `compare()`'s score is computed from cheap parts:
   sex, place, date of birth and NIK exactly (or bounded above); the name and the mother's
   name bounded via a token relation precomputed over the registry's vocabulary (two tokens
   are related when `matching._token_match` can pair them, in either order). When each name
   has a token that is related to nothing in the other name (and no compound spelling can
   join them), `compare()` is certain to find a name *conflict*, whose weight is at most -4;
   otherwise the name weighs at most the sum of its relatable tokens' weights (at least 2 each,
   the fixed nickname weight), capped at 22, minus the extra-token penalty. Only pairs whose
   bound reaches ``min_score`` are scored with `compare()`, so a pair that compare() would
   rate likely or possible is never dropped by the filter (`upper_bound` is checked against
   compare() in the tests, and was on all 8.5M candidate pairs of the 100k benchmark data).
"""

from __future__ import annotations

import bisect
import datetime
import time
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from simpul.matching import scoring as matching
from simpul.matching.keys import BLOCKING_COLUMNS, _nik_digits, blocking_keys, candidate_key_values
from simpul.matching.normalise import phonetic_key
from simpul.matching.records import MatchResult, PersonRecord, TokenStats
from simpul.matching.scoring import compare, thresholds

__all__ = ["DuplicateScanner", "ScanCounters", "ScanHit"]

_NAME_MAX = matching._MAX_NAME_WEIGHT  # a name never weighs more
_CONFLICT_MAX = matching._CONFLICT_MAX_WEIGHT  # a name conflict never weighs more
_NICK_WEIGHT = max(matching._KIND_FIXED.values())  # a nickname or initial match
_EXTRA_PENALTY = matching._EXTRA_TOKEN_PENALTY
_EXTRA_MAX = matching._EXTRA_TOKEN_MAX
_MOTHER_MAX = max(matching.W_MOTHER.values())
_MOTHER_CONFLICT = matching.W_MOTHER["disagree"]
_NIK_ONE_SIDE_MAX = max(
    matching.W_NIK["fits_other_record"], matching.W_NIK["contradicts_other_record"]
)
_NIK_ONE_EDIT_MAX = max(
    matching.W_NIK[k] for k in ("one_typo", "serial_differs", "sex_digit_differs")
)
_MARGIN = 0.02  # compare() rounds each name weight and the score to 2 decimals
_FUZZY_JW = 0.9  # below matching's 0.92: the relation is a superset, then checked exactly
_COMPOUND = 1 << 40  # mask bit: two tokens joined may equal this token
_EMPTY: frozenset[int] = frozenset()
_MAX_MASK_TOKENS = 10  # names with more tokens sum their caps per pair


@dataclass(frozen=True)
class ScanHit:
    """A pair scored at least ``min_score``; ``i < j`` are positions in the order of `add()`."""

    i: int
    j: int
    result: MatchResult


@dataclass
class ScanCounters:
    anchors: int = 0
    candidate_pairs: int = 0  # distinct pairs from the blocking self-join
    scored: int = 0  # pairs whose upper bound reached min_score: compare() was called
    hits: int = 0  # pairs scored at least min_score

    def add(self, other: ScanCounters) -> None:
        self.anchors += other.anchors
        self.candidate_pairs += other.candidate_pairs
        self.scored += other.scored
        self.hits += other.hits


def _one_deleted(text: str) -> set[str]:
    """The text and every text with one letter left out."""
    return {text, *(text[:i] + text[i + 1 :] for i in range(len(text)))}


class _Name(NamedTuple):
    """What the bound needs of one name: canonical tokens, their token ids with their caps
    (max of the token's weight and the fixed nickname weight), the weight of the name when
    both names have the same tokens, and the tokens of the vocabulary that two adjacent
    tokens of this name, joined, may equal (a compound: same canonical form or key)."""

    canon: tuple[str, ...]
    ids: tuple[int, ...]
    tokens: tuple[tuple[int, float], ...]  # (token id, cap)
    exact_weight: float
    joined: frozenset[int]


class DuplicateScanner:
    """Add every record in id order (`add`), call `prepare`, then `scan` ranges of anchors.

    ``stats`` must not change during the scan (token weights are cached). ``min_score``
    defaults to the "possible" threshold for these statistics: pairs below it are not
    reported (and may be skipped by the bound without calling compare()).
    """

    def __init__(
        self,
        stats: TokenStats,
        *,
        today: datetime.date | None = None,
        max_block: int | None = None,
        min_score: float | None = None,
    ) -> None:
        self.stats = stats
        self.today = today
        self.max_block = max_block
        self.min_score = thresholds(stats)[1] if min_score is None else min_score
        self.records: list[PersonRecord] = []
        self._keys: dict[str, int] = {}
        self._stored_post: list[list[int]] = []  # key -> records holding it (id order)
        self._stored_keys = array("i")  # per record, flat; offsets below
        self._stored_off = array("q", [0])
        self._query_keys = array("i")
        self._query_off = array("q", [0])
        self._query_post: list[list[int] | None] = []  # key -> records whose query holds it
        self._profiles: list[tuple] = []
        self._vocab: dict[tuple[str, str], int] = {}
        self._related: list[frozenset[int]] = []
        self._name_cache: dict[str, Any] = {}  # while preparing: names, name tuples, codes
        self._ident_tokens: dict[str, list[int]] = {}
        self._prepared = False
        self.timings: dict[str, float] = {}  # of prepare(), in seconds

    def __len__(self) -> int:
        return len(self.records)

    # ------------------------------------------------------------------ building

    def add(self, record: PersonRecord, stored: Mapping[str, str | None] | None = None) -> int:
        """Add the next record (ascending id); ``stored`` are its stored blocking values
        (default: `matching.blocking_keys`). Returns its position."""
        if self._prepared:
            raise RuntimeError("add() after prepare()")
        i = len(self.records)
        self.records.append(record)
        values = blocking_keys(record) if stored is None else stored
        keys = self._keys
        post = self._stored_post
        for c, column in enumerate(BLOCKING_COLUMNS):
            value = values.get(column)
            if not value:
                continue
            name = f"{c}{value}"
            k = keys.get(name)
            if k is None:
                k = keys[name] = len(post)
                post.append([])
            post[k].append(i)
            self._stored_keys.append(k)
        self._stored_off.append(len(self._stored_keys))
        return i

    def prepare(self) -> None:
        """Resolve every record's check query to stored keys; build the bound's data."""
        if self._prepared:
            return
        t0 = time.perf_counter()
        keys = self._keys
        self._query_post = [None] * len(self._stored_post)
        qpost = self._query_post
        for i, rec in enumerate(self.records):
            wanted = candidate_key_values(
                rec, today=self.today, stats=self.stats, max_block=self.max_block
            )
            found: set[int] = set()
            for c, column in enumerate(BLOCKING_COLUMNS):
                for value in wanted.get(column, ()):
                    k = keys.get(f"{c}{value}")
                    if k is not None:
                        found.add(k)
            for k in sorted(found):
                self._query_keys.append(k)
                lst = qpost[k]
                if lst is None:
                    qpost[k] = [i]
                else:
                    lst.append(i)
            self._query_off.append(len(self._query_keys))
        self._keys = {}  # not needed any more
        t1 = time.perf_counter()
        vocab = self._vocab
        for rec in self.records:
            for name in (rec.full_name, *rec.aliases, rec.mother_name):
                if name:
                    p = matching._prepare(name)
                    for token in zip(p.canon, p.raw, strict=True):
                        if token not in vocab:
                            vocab[token] = len(vocab)
        self._build_relation()
        t2 = time.perf_counter()
        self._profiles = [self._profile(rec) for rec in self.records]
        self._name_cache = {}
        self._ident_tokens = {}
        self._prepared = True
        self.timings = {
            "queries_s": t1 - t0,
            "relation_s": t2 - t1,
            "profiles_s": time.perf_counter() - t2,
        }

    # ------------------------------------------------------------------ blocking

    def candidates(self, i: int) -> list[int]:
        """Positions j > i of the records a check from i finds, or whose check finds i."""
        if not self._prepared:
            self.prepare()
        out: set[int] = set()
        qk, qo = self._query_keys, self._query_off
        for k in qk[qo[i] : qo[i + 1]]:
            lst = self._stored_post[k]
            if lst[-1] > i:
                out.update(lst[bisect.bisect_right(lst, i) :])
        sk, so = self._stored_keys, self._stored_off
        for k in sk[so[i] : so[i + 1]]:
            querying = self._query_post[k]
            if querying and querying[-1] > i:
                out.update(querying[bisect.bisect_right(querying, i) :])
        return sorted(out)

    # ------------------------------------------------------------------ scanning

    def scan(
        self, start: int = 0, stop: int | None = None, counters: ScanCounters | None = None
    ) -> Iterator[ScanHit]:
        """Pairs (i, j), start <= i < stop, i < j, scored at least ``min_score``, by i then j."""
        if not self._prepared:
            self.prepare()
        stop = len(self.records) if stop is None else min(stop, len(self.records))
        counters = counters if counters is not None else ScanCounters()
        cut = self.min_score - _MARGIN
        records, stats, min_score = self.records, self.stats, self.min_score
        for i in range(start, stop):
            cands = self.candidates(i)
            counters.anchors += 1
            counters.candidate_pairs += len(cands)
            if not cands:
                continue
            rec = records[i]
            for j, _bound in self._bounds(i, cands, cut):
                counters.scored += 1
                result = compare(rec, records[j], stats)
                if result.score >= min_score:
                    counters.hits += 1
                    yield ScanHit(i, j, result)

    def upper_bound(self, i: int, j: int) -> float:
        """An upper bound of ``compare(records[i], records[j]).score`` (used by the scan to
        skip pairs; exposed for tests)."""
        if not self._prepared:
            self.prepare()
        return next(self._bounds(i, [j], float("-inf")))[1]

    # ------------------------------------------------------------------ the bound

    def _profile(self, rec: PersonRecord) -> tuple:
        """The fields the bound compares, shared between records where possible."""
        cache = self._name_cache
        key = "n" + rec.full_name if not rec.aliases else None
        names = cache.get(key) if key else None
        if names is None:
            found = (self._name(n, weighted=True) for n in (rec.full_name, *rec.aliases) if n)
            names = tuple(n for n in found if n is not None)
            if key:
                cache[key] = names
        mother = self._name(rec.mother_name, weighted=False) if rec.mother_name else None
        bd = rec.birth_date if rec.birth_date is not None and not rec.birth_date_estimated else None
        kel = rec.kelurahan_code or None
        if kel:  # kelurahan, kecamatan and kota codes, compared as strings (as split parts)
            parts = kel.split(".")
            kec = cache.setdefault("p" + ".".join(parts[:3]), ".".join(parts[:3]))
            kota = cache.setdefault("p" + ".".join(parts[:2]), ".".join(parts[:2]))
        else:
            kec = kota = None
        return (
            rec.sex or None,
            kel,
            kec,
            kota,
            rec.year_of_birth,
            bd.toordinal() if bd else None,
            bd,
            _nik_digits(rec.nik),
            names,
            mother,
        )

    def _name(self, name: str, *, weighted: bool) -> _Name | None:
        key = ("w" if weighted else "u") + name
        if key in self._name_cache:
            return self._name_cache[key]
        p = matching._prepare(name)
        prof = None
        if p.canon:
            vocab = self._vocab
            ids = tuple(vocab[token] for token in zip(p.canon, p.raw, strict=True))
            if weighted:
                _us, ws = matching._weights(p, self.stats)
            else:
                ws = [0.0] * len(p.canon)
            joined: set[int] = set()
            for t in range(len(p.canon) - 1):
                j = p.canon[t] + p.canon[t + 1]
                joined.update(self._ident_tokens.get("c" + j, ()))
                joined.update(self._ident_tokens.get("k" + phonetic_key(j), ()))
            prof = _Name(
                canon=p.canon,
                ids=ids,
                tokens=tuple((u, max(w, _NICK_WEIGHT)) for u, w in zip(ids, ws, strict=True)),
                exact_weight=min(sum(ws), _NAME_MAX),
                joined=frozenset(joined) if joined else _EMPTY,
            )
        self._name_cache[key] = prof
        return prof

    def _build_relation(self) -> None:
        """For every token of the vocabulary, the tokens `matching._token_match` can pair it
        with (in either order). Candidates come from indexes (same canonical form or key,
        initials, fuzzy neighbours via rapidfuzz, nickname heads and tails), then each is
        checked with `_token_match` itself."""
        tokens = sorted(self._vocab, key=self._vocab.__getitem__)
        info = [(c, phonetic_key(c), r) for c, r in tokens]
        by_canon: dict[str, list[int]] = defaultdict(list)
        by_key: dict[str, list[int]] = defaultdict(list)
        by_first: dict[str, list[int]] = defaultdict(list)
        by_mid: dict[str, list[int]] = defaultdict(list)  # long[-3:-1]
        for t, (c, k, _r) in enumerate(info):
            by_canon[c].append(t)
            by_key[k].append(t)
            by_first[c[0]].append(t)
            if len(c) >= 3:
                by_mid[c[-3:-1]].append(t)
        long_ids = [t for t, (c, _k, _r) in enumerate(info) if len(c) >= 4]
        keys4 = sorted({info[t][1] for t in long_ids})
        key4_ids: dict[str, list[int]] = defaultdict(list)
        # one edit apart (Levenshtein <= 1) implies a shared "one letter deleted" variant
        edits: dict[str, set[int]] = defaultdict(set)
        for t in long_ids:
            c, k, r = info[t]
            key4_ids[k].append(t)
            for text in (c, r):
                for v in _one_deleted(text):
                    edits[v].add(t)
        fuzzy_by_key: dict[str, list[int]] = {}
        canon_sorted = sorted(by_canon)
        rev_sorted = sorted(c[::-1] for c in by_canon)
        match = matching._token_match

        def prefixed(sorted_list: list[str], prefix: str) -> list[str]:
            lo = bisect.bisect_left(sorted_list, prefix)
            hi = bisect.bisect_left(sorted_list, prefix + "\uffff")
            return sorted_list[lo:hi]

        related: list[frozenset[int]] = []
        for u, (c, k, r) in enumerate(info):
            cand: set[int] = set(by_canon[c]) | set(by_key[k])
            if len(c) == 1:
                cand.update(by_first[c])
            else:
                cand.update(by_canon.get(c[0], ()))
            if len(c) >= 4:
                if k not in fuzzy_by_key:
                    fuzzy_by_key[k] = [
                        t
                        for choice, _score, _ix in process.extract(
                            k,
                            keys4,
                            scorer=JaroWinkler.similarity,
                            score_cutoff=_FUZZY_JW,
                            limit=None,
                        )
                        for t in key4_ids[choice]
                    ]
                cand.update(fuzzy_by_key[k])
                for text in (c, r):
                    for v in _one_deleted(text):
                        cand.update(edits.get(v, ()))
            if len(c) >= 3:  # c as the short form of a nickname
                for other in prefixed(canon_sorted, c):
                    cand.update(by_canon[other])
                if len(c) >= 4:
                    for other in prefixed(rev_sorted, c[::-1]):
                        cand.update(by_canon[other[::-1]])
                if len(c) == 4 and c[:2] == c[2:]:
                    half = c[:2]
                    for other in prefixed(rev_sorted, half[::-1]):
                        cand.update(by_canon[other[::-1]])
                    cand.update(by_mid.get(half, ()))
            for n in range(3, len(c)):  # c as the long form
                cand.update(by_canon.get(c[:n], ()))
                cand.update(by_canon.get(c[-n:], ()))
            for half in (c[-2:], c[-3:-1]):
                cand.update(by_canon.get(half * 2, ()))
            rel = [
                t
                for t in cand
                if t == u
                or match(c, info[t][0], k, info[t][1], r, info[t][2]) is not None
                or match(info[t][0], c, info[t][1], k, info[t][2], r) is not None
            ]
            related.append(frozenset(rel))
        self._related = related
        # tokens by identity ("c" + canonical form, "k" + key), for compound spellings
        ident: dict[str, list[int]] = defaultdict(list)
        for t, (c, k, _r) in enumerate(info):
            ident["c" + c].append(t)
            ident["k" + k].append(t)
        self._ident_tokens = dict(ident)

    def _anchor_name(self, a: _Name, weighted: bool) -> tuple:
        """One name of the anchor, ready for `_bounds`: its canonical tokens, {token id of
        another name: bit mask of the anchor's tokens it can match, plus _COMPOUND when two
        anchor tokens joined may equal it}, the full mask, the summed caps per mask (None:
        sum per pair), its identities and its exact-match weight."""
        rel = self._related
        masks: dict[int, int] = {}
        for t, u in enumerate(a.ids):
            bit = 1 << t
            for v in rel[u]:
                masks[v] = masks.get(v, 0) | bit
        for v in a.joined:
            masks[v] = masks.get(v, 0) | _COMPOUND
        n = len(a.ids)
        full = (1 << n) - 1
        caps = [c for _u, c in a.tokens]
        sums = (
            [sum(c for t, c in enumerate(caps) if m >> t & 1) for m in range(full + 1)]
            if n <= _MAX_MASK_TOKENS
            else None
        )
        return (
            a.canon,
            masks,
            full,
            sums,
            caps,
            frozenset(a.ids),
            a.exact_weight if weighted else _NAME_MAX,
        )

    @staticmethod
    def _name_bound(anchor: tuple, b: _Name, weighted: bool) -> float:
        """Upper bound of ``_compare_token_lists(a, b).weight`` (a: the anchor's name). For
        mothers (not weighted) only whether a conflict is certain (_CONFLICT_MAX) or not
        (_NAME_MAX). `_bounds` inlines this for the common case of one name each."""
        a_canon, masks, full, sums, caps, a_ids, exact = anchor
        b_canon, _ids, b_tokens, _exact, b_joined = b
        if a_canon == b_canon:
            return exact
        seen = 0
        iso_b = 0
        sb = 0.0
        for u, cap in b_tokens:
            m = masks.get(u)
            if m is None:
                iso_b += 1
            else:
                seen |= m
                sb += cap
        if seen & _COMPOUND or (b_joined and not b_joined.isdisjoint(a_ids)):
            return _NAME_MAX  # a compound spelling may join tokens: no cheap bound
        iso_a = (full & ~seen).bit_count()
        if iso_a and iso_b:
            return _CONFLICT_MAX
        if not weighted:
            return _NAME_MAX
        sa = sums[seen] if sums is not None else sum(c for t, c in enumerate(caps) if seen >> t & 1)
        return min(_NAME_MAX, sa, sb) - min(_EXTRA_MAX, _EXTRA_PENALTY * (iso_a + iso_b))

    def _bounds(self, i: int, cands: list[int], cut: float) -> Iterator[tuple[int, float]]:
        """(j, upper bound of compare(records[i], records[j]).score) for the candidates whose
        bound reaches ``cut`` (all of them for cut = -inf)."""
        profiles = self._profiles
        sex_a, kel_a, kec_a, kota_a, year_a, ord_a, bd_a, nik_a, names_a, mother_a = profiles[i]
        anchors = [self._anchor_name(n, True) for n in names_a]
        mother_anchor = self._anchor_name(mother_a, False) if mother_a is not None else None
        single = anchors[0] if len(anchors) == 1 else None
        if single is not None:
            s_canon, s_masks, s_full, s_sums, s_caps, s_ids, s_exact = single
            s_get = s_masks.get
        w_sex_agree, w_sex_disagree = matching.W_SEX["agree"], matching.W_SEX["disagree"]
        wp = matching.W_PLACE
        wb = matching.W_BIRTH
        wn = matching.W_NIK
        name_bound = self._name_bound
        dl = DamerauLevenshtein.distance
        for j in cands:
            sex_b, kel_b, kec_b, kota_b, year_b, ord_b, bd_b, nik_b, names_b, mother_b = profiles[j]
            w = 0.0
            if sex_a and sex_b:
                w += w_sex_agree if sex_a == sex_b else w_sex_disagree
            if kel_a and kel_b:
                if kel_a == kel_b:
                    w += wp["same_kelurahan"]
                elif kec_a == kec_b:
                    w += wp["same_kecamatan"]
                elif kota_a == kota_b:
                    w += wp["same_kota"]
                else:
                    w += wp["different"]
            if year_a is not None and year_b is not None:
                if ord_a is not None and ord_b is not None:
                    if ord_a == ord_b:
                        w += wb["exact"]
                    else:
                        ya, ma, da = bd_a.year, bd_a.month, bd_a.day
                        yb, mb, db = bd_b.year, bd_b.month, bd_b.day
                        if ya == yb and da == mb and ma == db:
                            w += wb["day_month_swapped"]
                        elif ya == yb and ma == mb:
                            w += wb["same_month_year"]
                        elif ma == mb and da == db and abs(ya - yb) <= 2:
                            w += wb["year_typo"]
                        elif abs(ord_a - ord_b) <= 366:
                            w += wb["within_1y"]
                        else:
                            w += wb["disagree"]
                else:
                    gap = abs(year_a - year_b)
                    w += (
                        wb["estimated_within_1y"]
                        if gap <= 1
                        else wb["estimated_within_2y"]
                        if gap <= 2
                        else wb["disagree"]
                    )
            if nik_a and nik_b:
                if nik_a == nik_b:
                    w += wn["exact"]
                else:
                    dist = dl(nik_a, nik_b, score_cutoff=3)
                    w += (
                        _NIK_ONE_EDIT_MAX
                        if dist == 1
                        else wn["two_typos"]
                        if dist == 2
                        else wn["disagree"]
                    )
            elif nik_a or nik_b:
                w += _NIK_ONE_SIDE_MAX
            has_mother = mother_anchor is not None and mother_b is not None
            rest = _MOTHER_MAX if has_mother else 0.0
            if w + _NAME_MAX + rest < cut:
                continue
            if single is not None and len(names_b) == 1:
                # name_bound(single, names_b[0], True), inlined: the hot path
                b_canon, _ids, b_tokens, _exact, b_joined = names_b[0]
                if b_canon == s_canon:
                    w += s_exact
                else:
                    seen = 0
                    iso_b = 0
                    sb = 0.0
                    for u, cap in b_tokens:
                        m = s_get(u)
                        if m is None:
                            iso_b += 1
                        else:
                            seen |= m
                            sb += cap
                    if seen & _COMPOUND or (b_joined and not b_joined.isdisjoint(s_ids)):
                        w += _NAME_MAX
                    else:
                        iso_a = (s_full & ~seen).bit_count()
                        if iso_a and iso_b:
                            w += _CONFLICT_MAX
                        else:
                            sa = (
                                s_sums[seen]
                                if s_sums is not None
                                else sum(c for t, c in enumerate(s_caps) if seen >> t & 1)
                            )
                            w += min(_NAME_MAX, sa, sb) - min(
                                _EXTRA_MAX, _EXTRA_PENALTY * (iso_a + iso_b)
                            )
            elif anchors and names_b:
                best = float("-inf")
                for anchor in anchors:
                    for nb in names_b:
                        v = name_bound(anchor, nb, True)
                        if v > best:
                            best = v
                w += best
            if (
                mother_anchor is not None
                and mother_b is not None
                and w + _MOTHER_MAX >= cut
                and name_bound(mother_anchor, mother_b, False) <= _CONFLICT_MAX
            ):
                rest = _MOTHER_CONFLICT
            if w + rest >= cut:
                yield j, w + rest
