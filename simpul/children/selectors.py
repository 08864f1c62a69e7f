"""Reads of the children's registry. Every selector takes the acting user and starts from
:func:`simpul.access.children.children_visible_to` (deny by default).

- ``child_get`` is the one permission-checked getter: Http404 when the user may not know the
  child exists; it returns the child and a :class:`ChildAccess` saying how much they may see.
- Partners (organisation staff working on a case of the child) see a limited view.
- Restricted children (a restricted category, or a sensitive case): names masked for people not
  assigned; opening the record needs a reason, which is logged.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul import matching
from simpul.access.cases import cases_visible_to
from simpul.access.children import (
    ChildAccess,
    child_access,
    children_visible_to,
    display_name,
    with_masking,
)
from simpul.access.scope import mask_name
from simpul.accounts import permissions
from simpul.children.identity import mask_number, record_from_values, warning_text
from simpul.children.models import (
    Category,
    Child,
    ChildDocument,
    Consent,
    DuplicateCandidate,
    DuplicateScan,
    LegalBasis,
    NameToken,
)
from simpul.core.audit import access_log_write
from simpul.core.models import AccessLog
from simpul.regions.models import Region

if TYPE_CHECKING:
    from simpul.accounts.models import User
    from simpul.cases.models import Case
    from simpul.directory.models import Organization

CANDIDATE_BLOCK_CAP = 2000  # at most this many blocked records are scored in one check
_TOTAL_TTL = 60.0  # seconds the registry size is reused between checks
_CACHED_SIZE_FROM = 50_000  # smaller registries are counted on every check


def child_get(*, user: User, pk: Any) -> tuple[Child, ChildAccess]:
    """The permission-checked getter: 404 unless the child is in ``children_visible_to``."""
    try:
        child = Child.objects.select_related("current_kelurahan", "registering_organization").get(
            pk=pk
        )
    except (Child.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    access = child_access(user, child)
    if not access.visible:
        raise Http404
    return child, access


def access_log(
    *,
    user: User,
    action: str,
    child: Child | None = None,
    target: Any = None,
    reason: str = "",
    target_repr: str = "",
) -> AccessLog:
    """Append one access-log row (a read leaves a trace; this is the only write in selectors)."""
    obj = target if target is not None else child
    return access_log_write(
        user=user,
        action=action,
        child_id=child.pk if child is not None else "",
        target=obj,
        target_repr=target_repr
        or (child.registration_number if child is not None and obj is child else str(obj or "")),
        reason=reason,
    )


# --- matching against the database -------------------------------------------------------------
class DbTokenStats:
    """``matching.TokenStats`` backed by the NameToken table, cached for one check."""

    _total_cache: tuple[float, int] | None = None

    def __init__(self) -> None:
        self.total = self._registry_size()
        self._cache: dict[str, int] = {}

    @classmethod
    def _registry_size(cls) -> int:
        """Active children. Counting a million rows costs tens of milliseconds, so a large
        registry's size is reused for a minute (it only moves the thresholds by log2 of the size)."""
        now = time.monotonic()
        cached = cls._total_cache
        if cached is not None and now - cached[0] < _TOTAL_TTL:
            return cached[1]
        total = Child.objects.active().count()
        cls._total_cache = (now, total) if total >= _CACHED_SIZE_FROM else None
        return total

    @classmethod
    def forget_size(cls) -> None:
        cls._total_cache = None

    def preload(self, tokens: Iterable[str]) -> None:
        missing = {t for t in tokens if t not in self._cache}
        if not missing:
            return
        found = dict(NameToken.objects.filter(token__in=missing).values_list("token", "count"))
        for t in missing:
            self._cache[t] = found.get(t, 0)

    def frequency(self, token: str) -> int:
        if token not in self._cache:
            self.preload([token])
        return self._cache[token]


def person_record(child: Child, *, aliases: Iterable[str] | None = None) -> matching.PersonRecord:
    if aliases is None:
        aliases = [a.name for a in child.aliases.all()]
    values = {
        "full_name": child.full_name,
        "sex": child.sex,
        "birth_date": child.birth_date,
        "estimated_age": child.estimated_age,
        "age_estimated_on": child.age_estimated_on,
        "nik": child.nik,
        "mother_name": child.mother_name,
        "current_kelurahan": child.current_kelurahan.code if child.current_kelurahan else None,
        "origin_region_code": child.origin_region_code,
    }
    if child.current_kelurahan_id and "current_kelurahan" not in child._state.fields_cache:
        values["current_kelurahan"] = (
            Region.objects.filter(pk=child.current_kelurahan_id)
            .values_list("code", flat=True)
            .first()
        )
    return record_from_values(values, aliases=tuple(aliases), record_id=str(child.pk))


def blocked_children(
    record: matching.PersonRecord,
    *,
    exclude_id: Any = None,
    cap: int = CANDIDATE_BLOCK_CAP,
    stats: DbTokenStats | None = None,
) -> list[Child]:
    """Active children sharing at least one blocking value with ``record`` (indexed OR).
    With the registry's token frequencies, values expected to match very many records (a
    common name in a common year) are left out, as ``matching.candidate_key_values`` explains."""
    stats = stats if stats is not None else DbTokenStats()
    tokens = set(matching.frequency_tokens(record))
    for name in record.aliases:
        tokens |= {matching.phonetic_key(t) for t in matching.name_tokens(name)}
    stats.preload(tokens)
    q = Q(pk__in=[])
    for column, values in matching.candidate_key_values(record, stats=stats).items():
        if values:
            q |= Q(**{f"{column}__in": sorted(values)})
    qs = Child.objects.active().filter(q)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return list(
        qs.select_related("current_kelurahan").prefetch_related("aliases").order_by("pk")[:cap]
    )


def score_candidates(
    record: matching.PersonRecord,
    children: list[Child],
    *,
    limit: int = 10,
    stats: DbTokenStats | None = None,
) -> list[tuple[Child, matching.MatchResult]]:
    stats = stats or DbTokenStats()
    by_id = {str(c.pk): c for c in children}
    records = [person_record(c) for c in children]
    tokens: set[str] = set(matching.frequency_tokens(record))
    for r in records:
        tokens |= matching.frequency_tokens(r)
        for alias in r.aliases:
            tokens |= {matching.phonetic_key(t) for t in matching.name_tokens(alias)}
    tokens |= {matching.phonetic_key(t) for a in record.aliases for t in matching.name_tokens(a)}
    stats.preload(tokens)
    ranked = matching.rank_candidates(record, records, stats, limit)
    return [(by_id[rec.id], result) for rec, result in ranked]


_NAME_SENTENCES = {
    "exact": _("Name matches"),
    "agree_spelling_variant": _("Name matches in another spelling"),
    "agree_nickname_or_initial": _("Name matches a nickname or an initial"),
    "agree_swapped_order": _("Same names in another order"),
    "agree_partial": _("Part of the name matches"),
    "conflict": _("Names differ"),
    "disagree": _("Names differ"),
}
_SENTENCES = {
    ("nik", "exact"): _("Same NIK"),
    ("nik", "one_typo"): _("NIK differs by one digit"),
    ("nik", "two_typos"): _("NIK differs by two digits"),
    ("nik", "serial_differs"): _("NIK differs only in the serial number"),
    ("nik", "sex_digit_differs"): _("NIK differs in the sex digit (possibly a twin)"),
    ("nik", "disagree"): _("Different NIK"),
    ("nik", "fits_other_record"): _("The NIK's date of birth and sex fit the other record"),
    ("nik", "contradicts_other_record"): _(
        "The NIK's date of birth or sex contradicts the other record"
    ),
    ("birth_date", "exact"): _("Same date of birth"),
    ("birth_date", "day_month_swapped"): _("Date of birth with day and month swapped"),
    ("birth_date", "same_month_year"): _("Born in the same month and year"),
    ("birth_date", "year_typo"): _("Same birthday, the year differs slightly"),
    ("birth_date", "estimated_within_1y"): _("Ages agree within a year (estimated)"),
    ("birth_date", "estimated_within_2y"): _("Ages agree within two years (estimated)"),
    ("birth_date", "within_1y"): _("Born within a year of each other"),
    ("birth_date", "disagree"): _("Different date of birth"),
    ("sex", "agree"): _("Same sex"),
    ("sex", "disagree"): _("Different sex"),
    ("mother_name", "agree"): _("Same mother's name"),
    ("mother_name", "spelling_variant"): _("Mother's name in another spelling"),
    ("mother_name", "partial"): _("Mother's name partly matches"),
    ("mother_name", "disagree"): _("Different mother's name"),
    ("kelurahan", "same_kelurahan"): _("Lives in the same kelurahan"),
    ("kelurahan", "same_kecamatan"): _("Lives in the same kecamatan"),
    ("kelurahan", "same_kota"): _("Lives in the same city"),
    ("kelurahan", "different"): _("Lives in another area"),
    ("twins", "possibly_twins"): _(
        "Possibly twins — same mother and date of birth, different given names"
    ),
}
# The matcher's twin guard (simpul.matching.scoring.W_TWINS): a merge of such a pair needs
# an explicit confirmation (services.child_merge).
TWIN_REASON = ("twins", "possibly_twins")


def reason_sentence(field_name: str, outcome: str, detail: str = "") -> str:
    """A reason code of the matcher as a sentence for people ("Nama cocok (nama langka)")."""
    if field_name == "name":
        via_alias = outcome.startswith("alias_")
        base = outcome.removeprefix("alias_")
        key = next(
            (k for k in sorted(_NAME_SENTENCES, key=len, reverse=True) if base.startswith(k)), ""
        )
        text = str(_NAME_SENTENCES.get(key, _("Name compared")))
        notes = []
        if "rare name" in detail:
            notes.append(str(_("rare name")))
        elif "common name" in detail:
            notes.append(str(_("common name")))
        if via_alias:
            notes.append(str(_("via another name of the child")))
        return f"{text} ({', '.join(notes)})" if notes else text
    return str(_SENTENCES.get((field_name, outcome), f"{field_name}: {outcome}"))


def reasons_as_dicts(result: matching.MatchResult) -> list[dict[str, Any]]:
    return [
        {"field": r.field, "outcome": r.outcome, "weight": r.weight, "detail": r.detail}
        for r in result.reasons
    ]


def reason_sentences(reasons: Iterable[Any]) -> list[dict[str, Any]]:
    out = []
    for r in reasons:
        f, o, w, d = (
            (r["field"], r["outcome"], r["weight"], r.get("detail", ""))
            if isinstance(r, dict)
            else (r.field, r.outcome, r.weight, r.detail)
        )
        out.append(
            {"text": reason_sentence(f, o, d), "agrees": w > 0, "twins": (f, o) == TWIN_REASON}
        )
    return out


@dataclass
class CandidateView:
    """A probable duplicate as shown to one user: full, or masked when they may not see it."""

    level: str
    score: float
    reasons: list[dict[str, Any]]
    visible: bool
    child_id: str | None = None
    name: str = ""
    registration_number: str = ""
    summary: str = ""
    age: int | None = None
    age_is_estimated: bool = False
    url: str = ""


def _kota_names(codes: Iterable[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=set(codes)).values_list("code", "name"))


def candidate_views(
    user: User, pairs: list[tuple[Child, matching.MatchResult]]
) -> list[CandidateView]:
    ids = [c.pk for c, _r in pairs]
    visible_qs = with_masking(children_visible_to(user).filter(pk__in=ids), user)
    visible = {c.pk: c for c in visible_qs}
    kotas = _kota_names(c.current_kota_code for c, _r in pairs)
    views = []
    for child, result in pairs:
        reasons = reason_sentences(result.reasons)
        seen = visible.get(child.pk)
        if seen is None:
            views.append(
                CandidateView(
                    level=result.level,
                    score=result.score,
                    reasons=reasons,
                    visible=False,
                    name=mask_name(child.full_name),
                    summary=str(
                        _("A record in %(area)s, registered in %(year)s — ask your supervisor.")
                    )
                    % {
                        "area": kotas.get(child.current_kota_code) or _("another area"),
                        "year": child.created_at.year,
                    },
                )
            )
            continue
        views.append(
            CandidateView(
                level=result.level,
                score=result.score,
                reasons=reasons,
                visible=True,
                child_id=str(child.pk),
                name=display_name(seen),
                registration_number=child.registration_number,
                summary=kotas.get(child.current_kota_code, ""),
                age=child.age,
                age_is_estimated=child.age_is_estimated,
                url=reverse("children:detail", args=[child.pk]),
            )
        )
    return views


def child_duplicate_candidates(
    *, user: User, record: matching.PersonRecord, exclude_id: Any = None, limit: int = 10
) -> list[CandidateView]:
    """Records that are probably the same child as ``record``, best first, with reasons.
    Candidates the user may not see are still listed (a warning) but masked."""
    stats = DbTokenStats()
    children = blocked_children(record, exclude_id=exclude_id, stats=stats)
    return candidate_views(user, score_candidates(record, children, limit=limit, stats=stats))


def possibly_twins(reasons: Iterable[Any]) -> bool:
    """Whether stored or computed reasons carry the matcher's "possibly twins" level."""
    for r in reasons:
        field_outcome = (
            (r.get("field"), r.get("outcome")) if isinstance(r, dict) else (r.field, r.outcome)
        )
        if field_outcome == TWIN_REASON:
            return True
    return False


def pair_possibly_twins(a: Child, b: Child) -> bool:
    """The matcher reads these two records as possibly twins (the same mother and date of
    birth, clearly different given names): compared now, or as the last scan stored the pair."""
    stats = DbTokenStats()
    ra, rb = person_record(a), person_record(b)
    tokens = set(matching.frequency_tokens(ra)) | set(matching.frequency_tokens(rb))
    for alias in (*ra.aliases, *rb.aliases):
        tokens |= {matching.phonetic_key(t) for t in matching.name_tokens(alias)}
    stats.preload(tokens)
    if possibly_twins(matching.compare(ra, rb, stats).reasons):
        return True
    stored = DuplicateCandidate.objects.filter(
        Q(child_a=a, child_b=b) | Q(child_a=b, child_b=a)
    ).values_list("reasons", flat=True)
    return any(possibly_twins(reasons or []) for reasons in stored)


def child_duplicates_of(*, user: User, child: Child, limit: int = 10) -> list[CandidateView]:
    """On demand, from the child's page."""
    return child_duplicate_candidates(
        user=user, record=person_record(child), exclude_id=child.pk, limit=limit
    )


# --- consent ----------------------------------------------------------------------------------
def sharing_allowed(child: Child, organization: Organization) -> bool:
    """An active sharing consent naming the organisation, or an active legal basis covering it."""
    if Consent.objects.filter(
        child=child,
        purpose=Consent.Purpose.SHARING,
        withdrawn_at__isnull=True,
        organizations=organization,
    ).exists():
        return True
    return (
        LegalBasis.objects.filter(
            child=child, purpose=Consent.Purpose.SHARING, revoked_at__isnull=True
        )
        .filter(Q(organizations=organization) | Q(organizations__isnull=True))
        .exists()
    )


# --- classification ---------------------------------------------------------------------------
@dataclass
class Suggestion:
    category: Category
    reason: str
    age_ok: bool | None


def category_suggestions(child: Child) -> list[Suggestion]:
    """Categories suggested by the conditions recorded (Category.conditions) and the child's
    field labels (maps_to), with the age rule checked against the child's (estimated) age."""
    age = child.age
    active = set(
        child.classifications.filter(ended_at__isnull=True).values_list("category_id", flat=True)
    )
    condition_ids = set(child.conditions.values_list("pk", flat=True))
    out: dict[Any, Suggestion] = {}
    if condition_ids:
        for cat in (
            Category.objects.filter(conditions__in=condition_ids)
            .exclude(scheme=Category.Scheme.FIELD)
            .distinct()
            .prefetch_related("conditions")
        ):
            if cat.pk in active:
                continue
            names = [str(c) for c in cat.conditions.all() if c.pk in condition_ids]
            out[cat.pk] = Suggestion(
                cat,
                str(_("Conditions recorded: %(list)s")) % {"list": ", ".join(names)},
                cat.age_fits(age),
            )
    labels = Category.objects.filter(pk__in=active, scheme=Category.Scheme.FIELD).prefetch_related(
        "maps_to"
    )
    for label in labels:
        for cat in label.maps_to.all():
            if cat.pk in active or cat.pk in out:
                continue
            out[cat.pk] = Suggestion(
                cat, str(_("Field label: %(label)s")) % {"label": label}, cat.age_fits(age)
            )
    return sorted(
        out.values(),
        key=lambda s: (s.age_ok is False, s.category.scheme != "pmks", s.category.sort_order),
    )


def classification_rows(child: Child) -> list[dict[str, Any]]:
    age = child.age
    rows = []
    for cc in (
        child.classifications.filter(ended_at__isnull=True)
        .select_related("category", "subtype")
        .prefetch_related("category__maps_to")
    ):
        ok = cc.category.age_fits(age)
        if ok and cc.subtype is not None:
            ok = cc.subtype.age_fits(age)
        rows.append({"obj": cc, "age_ok": ok, "maps_to": list(cc.category.maps_to.all())})
    return rows


def classification_choices() -> dict[str, list[Category]]:
    cats = list(Category.objects.prefetch_related("maps_to", "subtypes"))
    return {
        "pmks": [c for c in cats if c.scheme == Category.Scheme.PMKS],
        "ampk": [c for c in cats if c.scheme == Category.Scheme.AMPK],
        "field": [c for c in cats if c.scheme == Category.Scheme.FIELD],
    }


# --- profile ----------------------------------------------------------------------------------
def _case_url(case: Case) -> str:
    try:
        return reverse("cases:detail", args=[case.pk])
    except NoReverseMatch:
        return ""


def child_profile(
    *, user: User, child: Child, access: ChildAccess, opened: bool = False
) -> dict[str, Any]:
    """Everything the profile page shows, cut to what ``access`` allows. ``opened``: a restricted
    record opened with a (logged) reason shows the name."""
    cases = list(
        cases_visible_to(user)
        .filter(child=child)
        .select_related("lead_organization")
        .order_by("-reported_at")
    )
    guardians = list(child.guardians.all())
    ctx: dict[str, Any] = {
        "child": child,
        "access": access,
        "name": child.full_name if access.show_name or opened else mask_name(child.full_name),
        "age": child.age,
        "age_is_estimated": child.age_is_estimated,
        "eighteenth_birthday": child.eighteenth_birthday(),
        "classifications": classification_rows(child),
        "disability_types": child.disability_types,
        "cases": [{"case": c, "url": _case_url(c)} for c in cases],
    }
    if access.full:
        ctx.update(
            nik_masked=mask_number(child.nik),
            kk_masked=mask_number(child.no_kk),
            warnings=[warning_text(w) for w in child.identity_warnings],
            aliases=list(child.aliases.all()),
            guardians=guardians,
            consents=list(child.consents.prefetch_related("organizations")),
            legal_bases=list(child.legal_bases.prefetch_related("organizations")),
            documents=list(child.documents.all()),
            origin=child.origin_region_name,
            kelurahan=child.current_kelurahan,
            suggestions=category_suggestions(child),
            merges=list(
                child.merges_received.filter(undone_at__isnull=True).select_related("merged")
            ),
            can_merge=permissions.can_merge_children(user),
            can_record_legal_basis=permissions.can_record_legal_basis(user),
        )
    else:
        # Partners: guardians' contact only with a sharing consent (or legal basis) for one of
        # their organisations; never an alleged perpetrator.
        from simpul.directory.models import Organization

        orgs = Organization.objects.filter(pk__in=access.partner_org_ids)
        share = any(sharing_allowed(child, o) for o in orgs)
        ctx["guardians"] = [g for g in guardians if not g.is_alleged_perpetrator] if share else []
        ctx["guardians_hidden"] = not share and bool(guardians)
    return ctx


def document_get(*, user: User, pk: Any) -> ChildDocument:
    """A protected document: full access to its child only (404 otherwise)."""
    try:
        doc = ChildDocument.objects.select_related("child").get(pk=pk)
    except (ChildDocument.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    access = child_access(user, doc.child)
    if not access.full or doc.child.merged_into_id:
        raise Http404
    return doc


# --- search -----------------------------------------------------------------------------------
@dataclass
class SearchFilters:
    q: str = ""
    nik: str = ""
    category: Category | None = None
    kota: str = ""  # Region code "31.75"
    kecamatan: str = ""  # Region code "31.75.01"
    case_status: str = ""

    def is_empty(self) -> bool:
        return not (
            self.q or self.nik or self.category or self.kota or self.kecamatan or self.case_status
        )

    def loggable(self) -> str:
        """The query as written to the access log: NIK digits never stored."""
        parts = []
        if self.q:
            parts.append(f"q={''.join('•' if ch.isdigit() else ch for ch in self.q)}")
        if self.nik:
            parts.append("nik=••••")
        if self.category:
            parts.append(f"category={self.category.scheme}:{self.category.code}")
        for key in ("kota", "kecamatan", "case_status"):
            if getattr(self, key):
                parts.append(f"{key}={getattr(self, key)}")
        return " ".join(parts)


def _name_q(text: str) -> Q:
    q = Q()
    for token in matching.name_tokens(text):
        key = matching.phonetic_key(token)
        # search_name holds the normalised tokens of the name and of every alias (trigram
        # index on PostgreSQL); the phonetic key finds spelling variants through the key columns.
        part = Q(search_name__contains=token)
        if len(token) > 1:
            part |= Q(bk_name_a__startswith=f"{key}|") | Q(bk_name_b__startswith=f"{key}|")
        q &= part
    return q


def _nik_q(raw: str) -> Q | None:
    raw = raw.strip()
    digits = "".join(ch for ch in raw if ch.isdigit())
    if not digits:
        return None
    if len(digits) == 16 and raw.isdigit():
        return Q(nik=digits)
    # A masked NIK "3171••••••••0001" (or "3171*0001"): prefix and suffix.
    head = ""
    for ch in raw:
        if not ch.isdigit():
            break
        head += ch
    tail = ""
    for ch in reversed(raw):
        if not ch.isdigit():
            break
        tail = ch + tail
    if head == raw:  # only digits, fewer than 16: a prefix
        return Q(nik__startswith=head)
    q = Q(nik__regex=r"^\d{16}$")
    if head:
        q &= Q(nik__startswith=head)
    if tail:
        q &= Q(nik__endswith=tail)
    return q


def child_search(*, user: User, filters: SearchFilters) -> QuerySet[Child]:
    """Search the children the user may see; restricted names masked via ``with_masking``."""
    qs = children_visible_to(user)
    if filters.q:
        qs = qs.filter(_name_q(filters.q))
    if filters.nik and permissions.can_search_children_by_nik(user):
        nik_q = _nik_q(filters.nik)
        if nik_q is not None:
            qs = qs.filter(nik_q)
    if filters.category:
        qs = qs.filter(
            classifications__category=filters.category, classifications__ended_at__isnull=True
        )
    if filters.kecamatan:
        qs = qs.filter(current_kelurahan__code__startswith=filters.kecamatan + ".")
    elif filters.kota:
        qs = qs.filter(current_kota_code=filters.kota[:5])
    if filters.case_status:
        qs = qs.filter(cases__in=cases_visible_to(user).filter(status=filters.case_status))
    # children_visible_to is already distinct; re-select by pk so joins above do not repeat rows.
    qs = Child.objects.filter(pk__in=qs.values("pk"))
    return with_masking(qs, user).select_related("current_kelurahan").order_by("full_name", "pk")


# --- duplicate scan ---------------------------------------------------------------------------
def duplicate_scan_latest() -> DuplicateScan | None:
    return DuplicateScan.objects.first()


def duplicate_scan_get(*, user: User, pk: Any) -> DuplicateScan:
    if not permissions.can_merge_children(user):
        raise Http404
    try:
        return DuplicateScan.objects.get(pk=pk)
    except (DuplicateScan.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def duplicate_pairs(
    *, user: User, status: str = DuplicateCandidate.Status.OPEN
) -> QuerySet[DuplicateCandidate]:
    """Candidate pairs the supervisor may review: both children visible to them."""
    if not permissions.can_merge_children(user):
        return DuplicateCandidate.objects.none()
    visible = children_visible_to(user).values("pk")
    return (
        DuplicateCandidate.objects.filter(status=status, child_a__in=visible, child_b__in=visible)
        .filter(child_a__merged_into__isnull=True, child_b__merged_into__isnull=True)
        .select_related("child_a", "child_b")
        .order_by("-score", "pk")
    )


def duplicate_pair_get(*, user: User, pk: Any) -> DuplicateCandidate:
    try:
        return duplicate_pairs(user=user).get(pk=pk)
    except (DuplicateCandidate.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def merge_get(*, user: User, pk: Any) -> Any:
    from simpul.children.models import ChildMerge

    if not permissions.can_merge_children(user):
        raise Http404
    try:
        merge = ChildMerge.objects.select_related("survivor", "merged").get(pk=pk)
    except (ChildMerge.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not children_visible_to(user).filter(pk=merge.survivor_id).exists():
        raise Http404
    return merge


def today() -> dt.date:
    return timezone.localdate()


# --- spreadsheet imports ------------------------------------------------------------------------
def child_imports_of(*, user: User) -> QuerySet[Any]:
    """The user's own imports, newest first (nobody else's: the report holds their rows)."""
    from simpul.children.models import ChildImport

    if not permissions.can_import_children(user):
        return ChildImport.objects.none()
    return ChildImport.objects.filter(uploaded_by=user).order_by("-created_at")


def child_import_get(*, user: User, pk: Any) -> Any:
    """An import of the user's: 403 without the import permission, 404 if not theirs."""
    from django.core.exceptions import PermissionDenied

    from simpul.children.models import ChildImport

    if not permissions.can_import_children(user):
        raise PermissionDenied
    try:
        return ChildImport.objects.get(pk=pk, uploaded_by=user)
    except (ChildImport.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
