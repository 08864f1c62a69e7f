"""Normalisation of Indonesian names: canonical tokens, spelling and a phonetic key.

Titles and punctuation go, old spelling becomes new (dj→j, tj→c, oe→u, ch→kh, sj→sy, nj→ny),
doubled letters collapse, Muhammad/Muhamad/Muh./M./Mochammad become one token, Nurul becomes
Nur, "bin"/"binti" and the father's name after it are dropped. A second, coarser *phonetic
key* per token merges sounds that Indonesians write several ways (y/j/i, z/s, q/k, f/v/p,
kh/h, sy/s, a final h, ...).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["name_tokens", "normalize_name", "phonetic_key"]


# --------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------

# Whole tokens dropped from names: honorifics, kinship words, "baby of Mrs" (By. Ny.).
_TITLE_TOKENS = frozenset(
    {
        "h",
        "hj",
        "haji",
        "hajah",
        "hajjah",
        "dr",
        "drs",
        "dra",
        "ir",
        "prof",
        "alm",
        "almh",
        "almarhum",
        "almarhumah",
        "sdr",
        "sdri",
        "tn",
        "ny",
        "nn",
        "nona",
        "nyonya",
        "bpk",
        "bapak",
        "ibu",
        "bu",
        "pak",
        "by",
        "bayi",
        "an",
        "anak",
        "dik",
        "adik",
        "kak",
        "tgk",
        "teuku",
        "tengku",
        "cut",
        "raden",
        "rr",
        "dt",
        "datuk",
    }
)
# Everything from these tokens on is a patronym ("Ahmad bin Yusuf"): not compared.
_PATRONYM_TOKENS = frozenset({"bin", "binti", "bt", "bte", "binte"})

# Spelled variants (after the spelling rules below) mapped to one canonical token.
_CANONICAL = {
    **dict.fromkeys(
        [
            "m",
            "md",
            "mhd",
            "muh",
            "moh",
            "mohd",
            "muhd",
            "mhmd",
            "muhamad",
            "muhammad",
            "mohamad",
            "mohammad",
            "mohamed",
            "muhamed",
            "mokhamad",
            "mukhamad",
            "mokh",
            "muhamat",
            "mohamat",
            "mukhammad",
            "mochammad",
            "mochamad",
            "mukammad",
            "mamad",
        ],
        "muhammad",
    ),
    **dict.fromkeys(["akhmad", "ahmat", "akhmat", "ahmed", "achmad", "amad"], "ahmad"),
    **dict.fromkeys(["nurul", "nor", "nurl"], "nur"),
    **dict.fromkeys(["st", "sitti"], "siti"),
    **dict.fromkeys(["abd", "abdl"], "abdul"),
}

# Built-in prior share of records holding a token (by phonetic key), for when the registry is
# still small. Rare tokens get the default. Measured data overrides this as the registry grows.
_DEFAULT_TOKEN_PRIOR = 1 / 5000
_PRIOR_PSEUDO_RECORDS = 2000
_COMMON_TOKENS = {
    "muhammad": 0.08,
    "nur": 0.05,
    "siti": 0.05,
    "putri": 0.04,
    "ahmad": 0.03,
    "putra": 0.03,
    "sri": 0.03,
    "dewi": 0.02,
    "ayu": 0.02,
    "dwi": 0.02,
    "tri": 0.015,
    "eka": 0.015,
    "abdul": 0.02,
    "rizki": 0.02,
    "sari": 0.02,
    "saputra": 0.015,
    "pratama": 0.012,
    "agus": 0.01,
    "adi": 0.01,
    "budi": 0.01,
    "indah": 0.01,
    "fitri": 0.01,
    "lestari": 0.01,
    "wati": 0.01,
    "aditya": 0.01,
    "nurhayati": 0.008,
    "rahmawati": 0.008,
    "hidayat": 0.008,
    "kurniawan": 0.008,
    "setiawan": 0.008,
    "wahyu": 0.008,
    "dian": 0.008,
    "rina": 0.006,
    "andi": 0.008,
    "fajar": 0.008,
    "ramadhan": 0.008,
    "anisa": 0.008,
    "aisyah": 0.008,
}
# Tokens too common to block on alone (canonical forms).
_STOP_CANONICAL = (
    "muhammad",
    "nur",
    "siti",
    "putri",
    "ahmad",
    "putra",
    "sri",
    "dewi",
    "ayu",
    "dwi",
    "tri",
    "eka",
    "abdul",
)

_PUNCT_RE = re.compile(r"[^a-z\s]")
_APOSTROPHE_RE = re.compile(r"[`'’‘ʼ]")
_DOUBLE_RE = re.compile(r"(.)\1+")

_MAX_KEY_TOKEN = 18  # so that keys fit 40-character columns


def _ascii_lower(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower()


def _spell(token: str) -> str:
    """Modern spelling of one lowercase token (EYD): the old Dutch-era letters become new."""
    t = token
    t = t.replace("dj", "j").replace("tj", "c").replace("sj", "sy").replace("nj", "ny")
    t = t.replace("ch", "kh").replace("oe", "u")
    t = _DOUBLE_RE.sub(r"\1", t)
    return t


@lru_cache(maxsize=200_000)
def _canonical_token(raw: str) -> str:
    t = _spell(raw)
    return _CANONICAL.get(t, _CANONICAL.get(raw, t))


@lru_cache(maxsize=200_000)
def phonetic_key(token: str) -> str:
    """Coarse sound key of a canonical token, tuned to Indonesian spelling variants."""
    t = token
    for old, new in (
        ("kh", "h"),
        ("sy", "s"),
        ("sh", "s"),
        ("ts", "s"),
        ("dz", "z"),
        ("z", "s"),
        ("ck", "k"),
        ("q", "k"),
        ("x", "ks"),
        ("ph", "f"),
        ("v", "f"),
        ("f", "p"),
        ("th", "t"),
        ("dh", "d"),
        ("gh", "g"),
        ("j", "i"),
        ("y", "i"),
        ("ae", "ai"),
        ("ei", "ai"),
        ("au", "o"),
        ("ao", "o"),
        ("ou", "u"),
        ("uw", "u"),
    ):
        t = t.replace(old, new)
    t = _DOUBLE_RE.sub(r"\1", t)
    if len(t) > 3 and t.endswith("h"):
        t = t[:-1]
    return t or token


@lru_cache(maxsize=200_000)
def _tokens(name: str) -> tuple[str, ...]:
    return tuple(canon for canon, _raw in _token_pairs(name))


@lru_cache(maxsize=200_000)
def _token_pairs(name: str) -> tuple[tuple[str, str], ...]:
    """(canonical, as written) for every token kept."""
    text = _ascii_lower(name)
    text = text.split(",", 1)[0]  # academic titles follow a comma: "Dewi, S.Pd."
    text = _APOSTROPHE_RE.sub("", text)
    text = _PUNCT_RE.sub(" ", text)
    out: list[tuple[str, str]] = []
    for raw in text.split():
        if raw in _PATRONYM_TOKENS and out:
            break
        if raw in _TITLE_TOKENS or raw in _PATRONYM_TOKENS:
            continue
        out.append((_canonical_token(raw), raw))
    return tuple(out)


def _plain(name: str) -> str:
    text = _PUNCT_RE.sub(" ", _APOSTROPHE_RE.sub("", _ascii_lower(name).split(",", 1)[0]))
    return " ".join(t for t in text.split() if t not in _TITLE_TOKENS)


def name_tokens(name: str | None) -> list[str]:
    """Canonical tokens of a name, in order (see the module docstring for the rules)."""
    if not name:
        return []
    return list(_tokens(name))


def normalize_name(name: str | None) -> str:
    """Lowercase, title- and punctuation-free name in canonical spelling, tokens space-joined."""
    return " ".join(name_tokens(name))


_STOP_KEYS = frozenset(phonetic_key(t) for t in _STOP_CANONICAL)
_COMMON_KEYS = {phonetic_key(k): v for k, v in _COMMON_TOKENS.items()}


def _block_tokens(name: str | None) -> list[str]:
    """Distinct phonetic keys usable for blocking, in name order: no initials; stop tokens
    only when the name has nothing else."""
    keys: list[str] = []
    for t in name_tokens(name):
        if len(t) < 2:
            continue
        k = phonetic_key(t)[:_MAX_KEY_TOKEN]
        if k not in keys:
            keys.append(k)
    distinctive = [k for k in keys if k not in _STOP_KEYS]
    return distinctive or keys
