"""The composer's ranking: which organisations to propose for a referral, and why.

``rank_receivers`` is a read-only selector over directory data (and the agreements and the
referral history once they are there). Every candidate carries the reasons the sender sees, each
with the points it adds to the score, so the order is explained by what is shown.

Candidates: active organisations with an active service of the requested service type (a parent
type such as ``atensi`` also matches its sub-types), except the case's lead organisation.

The score is a plain weighted sum of the signals (the constants below):

====================  =========================================================================
signal                points
====================  =========================================================================
category served       +30 when a matching service serves the child's category
protocol              +10 when the organisation's type takes part in the protocol in force for
                      the category (no protocol in force: 0, said so)
capacity              +20 with free places in a matching capacity-bound service, −40 when every
                      such service is full (a full organisation falls below any open one);
                      0 when no capacity limit is recorded
agreement             +20 with an agreement (MoU/PKS) in force on the day
place                 +15 same kecamatan as the child's current kelurahan, +8 same kota; with
                      coordinates on both sides (``origin``): 15 at 0 km, one point less per km;
                      doubled for an ``immediate`` referral (nearness matters most today)
response record       up to +15 for the share answered within the deadline over the last 180
                      days, +5 when the median time to accept is at most one day (+2 at most
                      three days); no referral yet: 0, said so
====================  =========================================================================

Ties are broken by name. Whether consent allows sharing with the organisation is shown on each
candidate (``sharing_allowed``) but does not change the score: it is a condition of sending, not
a quality of the receiver.

Queries: one per signal whatever the number of organisations (the protocol, the candidates with
their category and capacity annotations, the agreements, the response records, the consents).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from simpul.directory.models import Organization, Service, ServiceStatus, TaxonomyTerm

if TYPE_CHECKING:
    from simpul.cases.models import Case

# --- weights (documented above; tests rely on their order, not their exact values) ----------
SERVES_CATEGORY = 30
PROTOCOL_PARTICIPANT = 10
CAPACITY_FREE = 20
CAPACITY_FULL = -40
AGREEMENT = 20
SAME_KECAMATAN = 15
SAME_KOTA = 8
DISTANCE_MAX = 15  # points at 0 km, one less per km
IMMEDIATE_PLACE_FACTOR = 2
RECORD_WITHIN_DEADLINE = 15  # times the share (0..1)
RECORD_FAST_ACCEPT = 5  # median accept ≤ 24 h
RECORD_QUICK_ACCEPT = 2  # median accept ≤ 72 h
RECORD_DAYS = 180


@dataclass(frozen=True)
class Reason:
    code: str  # "category", "protocol", "capacity", "agreement", "place", "record"
    text: str  # translated, shown to the sender
    points: int
    tone: str = ""  # "", "ok", "warn", "danger": the badge colour


@dataclass
class Candidate:
    organization: Organization
    score: int = 0
    reasons: list[Reason] = field(default_factory=list)
    sharing_allowed: bool = False
    free_places: int | None = None

    def add(self, reason: Reason) -> None:
        self.reasons.append(reason)
        self.score += reason.points


@dataclass(frozen=True)
class ResponseSummary:
    """An organisation's recent answers to referrals (from the referrals selectors)."""

    received: int
    within_deadline_share: float | None  # 0..1
    median_accept_hours: float | None


def _code(value: Any) -> str:
    if value is None:
        return ""
    return str(getattr(value, "code", value)).strip()


def _label(value: Any, code: str) -> str:
    if value is None or isinstance(value, str):
        term = TaxonomyTerm.objects.filter(code=code).first() if code else None
        return str(term) if term else code
    return str(getattr(value, "localized_name", value))


def _service_filter(service_code: str) -> Q:
    return Q(service_type__code=service_code) | Q(service_type__parent__code=service_code)


def _candidates(*, case: Case, service_code: str, category_code: str) -> list[Organization]:
    """One query: the organisations offering the service, with ``serves_category``,
    ``capacity_bound`` and ``free_places`` over their matching active services."""
    matching = Service.objects.filter(
        _service_filter(service_code), organization=OuterRef("pk"), status=ServiceStatus.ACTIVE
    )
    bound = matching.filter(capacity_total__isnull=False)
    free = (
        bound.values("organization")
        .annotate(free=Sum(F("capacity_total") - F("capacity_occupied")))
        .values("free")
    )
    serves = matching.filter(
        categories_served__taxonomy=TaxonomyTerm.Taxonomy.PMKS_CHILD,
        categories_served__code=category_code,
    )
    return list(
        Organization.objects.active()
        .exclude(pk=case.lead_organization_id)
        .filter(Exists(matching))
        .annotate(
            serves_category=Exists(serves) if category_code else Exists(matching.none()),
            capacity_bound=Exists(bound),
            free_places=Coalesce(Subquery(free, output_field=IntegerField()), 0),
        )
        .order_by("name", "pk")
    )


def _protocol(*, category: Any, on: dt.date) -> Any:
    try:
        from simpul.agreements.selectors import protocol_in_force
    except ImportError:  # the agreements app is not there yet
        return None
    return protocol_in_force(category=category, on=on)


def _category_row(category: Any) -> Any:
    """The child category a protocol is kept for (a code is looked up among the PMKS ones)."""
    if not isinstance(category, str):
        return category
    from simpul.children.models import Category

    return Category.objects.filter(scheme=Category.Scheme.PMKS, code=category).first()


def _protocol_participants(protocol: Any) -> tuple[set[str], set[Any]]:
    """The organisation types and the named offices a protocol version lists as participants."""
    participants = getattr(protocol, "participants", None) or []
    if hasattr(participants, "all"):
        participants = participants.all()
    types: set[str] = set()
    orgs: set[Any] = set()
    for p in participants:
        get = p.get if isinstance(p, Mapping) else lambda k, p=p: getattr(p, k, None)
        if get("org_type"):
            types.add(str(get("org_type")))
        if get("organization_id"):
            orgs.add(get("organization_id"))
    return types, orgs


def _agreement_ids(*, on: dt.date) -> set[Any] | None:
    try:
        from simpul.agreements.selectors import organizations_with_agreement
    except ImportError:
        return None
    return set(organizations_with_agreement(on=on))


def _response_records(*, organization_ids: list[Any], on: dt.date) -> dict[Any, ResponseSummary]:
    """The referrals app's response records per organisation (one aggregate), if it has them."""
    try:
        from simpul.referrals.selectors import response_summaries  # type: ignore[attr-defined]
    except ImportError:
        return {}
    since = on - dt.timedelta(days=RECORD_DAYS)
    found = response_summaries(organization_ids=organization_ids, since=since, until=on)
    out: dict[Any, ResponseSummary] = {}
    for org_id, s in found.items():
        if isinstance(s, ResponseSummary):
            out[org_id] = s
        else:
            get = s.get if isinstance(s, Mapping) else lambda k, s=s: getattr(s, k, None)
            out[org_id] = ResponseSummary(
                received=int(get("received") or 0),
                within_deadline_share=get("within_deadline_share"),
                median_accept_hours=get("median_accept_hours"),
            )
    return out


def _sharing_allowed_ids(*, case: Case, organization_ids: list[Any]) -> set[Any]:
    """Organisations the child's data may go to: a sharing consent naming them, or a legal
    basis covering them (all when it names none). Two queries."""
    from simpul.children.models import Consent, LegalBasis
    from simpul.directory.models import GOVERNMENT_SOCIAL_TYPES

    consents = Consent.objects.filter(
        child_id=case.child_id, purpose=Consent.Purpose.SHARING, withdrawn_at__isnull=True
    )
    allowed = set(
        Consent.organizations.through.objects.filter(
            consent__in=consents, organization_id__in=organization_ids
        ).values_list("organization_id", flat=True)
    )
    bases = list(
        LegalBasis.objects.filter(
            child_id=case.child_id, purpose=Consent.Purpose.SHARING, revoked_at__isnull=True
        ).prefetch_related("organizations")
    )
    for basis in bases:
        named = {o.pk for o in basis.organizations.all()}
        allowed |= named if named else set(organization_ids)
    allowed |= set(
        Organization.objects.filter(
            pk__in=organization_ids, org_type__in=GOVERNMENT_SOCIAL_TYPES
        ).values_list("pk", flat=True)
    )
    return allowed


def _distance_km(a: tuple[Decimal | float, Decimal | float], b: tuple[Any, Any]) -> float:
    lat1, lon1, lat2, lon2 = (math.radians(float(x)) for x in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _place_reason(
    org: Organization, *, kelurahan_code: str, origin: tuple[Any, Any] | None, factor: int
) -> Reason:
    if origin is not None and org.latitude is not None and org.longitude is not None:
        km = _distance_km(origin, (org.latitude, org.longitude))
        points = max(0, round(DISTANCE_MAX - km)) * factor
        return Reason(
            "place",
            _("%(km)s km from the child") % {"km": f"{km:.1f}".replace(".", ",")},
            points,
            "ok" if points else "",
        )
    if kelurahan_code and org.kecamatan_code and org.kecamatan_code == kelurahan_code[:8]:
        return Reason("place", _("Same kecamatan as the child"), SAME_KECAMATAN * factor, "ok")
    if kelurahan_code and org.kota_code and org.kota_code == kelurahan_code[:5]:
        return Reason("place", _("Same kota as the child"), SAME_KOTA * factor, "ok")
    if not kelurahan_code:
        return Reason("place", _("The child's current kelurahan is not recorded"), 0)
    return Reason("place", _("In another kota"), 0)


def _record_reason(summary: ResponseSummary | None) -> Reason:
    if summary is None or not summary.received:
        return Reason("record", _("No referrals yet"), 0)
    points = 0
    parts = [
        ngettext(
            "%(n)s referral in the last 180 days",
            "%(n)s referrals in the last 180 days",
            summary.received,
        )
        % {"n": summary.received}
    ]
    if summary.within_deadline_share is not None:
        share = max(0.0, min(1.0, float(summary.within_deadline_share)))
        points += round(RECORD_WITHIN_DEADLINE * share)
        parts.append(_("%(pct)s%% answered within the deadline") % {"pct": round(share * 100)})
    if summary.median_accept_hours is not None:
        hours = float(summary.median_accept_hours)
        if hours <= 24:
            points += RECORD_FAST_ACCEPT
        elif hours <= 72:
            points += RECORD_QUICK_ACCEPT
        parts.append(_("median time to accept %(hours)s hours") % {"hours": round(hours)})
    tone = "ok" if points >= 10 else ("warn" if points < 5 else "")
    return Reason("record", "; ".join(parts), points, tone)


def rank_receivers(
    *,
    case: Case,
    service_type: Any,
    category: Any = None,
    urgency: str = "normal",
    on: dt.date,
    limit: int = 10,
    origin: tuple[Any, Any] | None = None,
) -> list[Candidate]:
    """Organisations to propose for a referral of ``case`` for ``service_type`` (a taxonomy term
    or its code), best first, each with its reasons. ``category`` defaults to the case's main
    category (a term, a category or a code); ``origin`` is an optional (latitude, longitude) of
    the child for distances."""
    service_code = _code(service_type)
    if not service_code:
        return []
    if category is None:
        category = case.primary_category
    category_code = _code(category)
    category_label = _label(category, category_code) if category_code else ""
    service_label = _label(service_type, service_code)

    category_row = _category_row(category) if category_code else None
    protocol = _protocol(category=category_row, on=on) if category_row is not None else None
    protocol_types, protocol_orgs = (
        _protocol_participants(protocol) if protocol is not None else (set(), set())
    )
    orgs = _candidates(case=case, service_code=service_code, category_code=category_code)
    ids = [o.pk for o in orgs]
    agreements = _agreement_ids(on=on) if orgs else set()
    records = _response_records(organization_ids=ids, on=on) if orgs else {}
    sharing = _sharing_allowed_ids(case=case, organization_ids=ids) if orgs else set()
    child = case.child
    kelurahan = child.current_kelurahan
    kelurahan_code = kelurahan.code if kelurahan is not None else ""
    factor = IMMEDIATE_PLACE_FACTOR if urgency == "immediate" else 1

    ranked: list[Candidate] = []
    for org in orgs:
        c = Candidate(
            organization=org,
            sharing_allowed=org.pk in sharing,
            free_places=org.free_places if org.capacity_bound else None,  # type: ignore[attr-defined]
        )
        if not category_code:
            c.add(Reason("category", _("Offers %(service)s") % {"service": service_label}, 0))
        elif org.serves_category:  # type: ignore[attr-defined]
            c.add(
                Reason(
                    "category",
                    _("Serves %(category)s with %(service)s")
                    % {"category": category_label, "service": service_label},
                    SERVES_CATEGORY,
                    "ok",
                )
            )
        else:
            c.add(
                Reason(
                    "category",
                    _("Offers %(service)s, but not for %(category)s")
                    % {"category": category_label, "service": service_label},
                    0,
                    "warn",
                )
            )
        if protocol is None:
            if category_code:
                c.add(Reason("protocol", _("No protocol in force for this category"), 0))
        elif org.org_type in protocol_types or org.pk in protocol_orgs:
            c.add(
                Reason(
                    "protocol",
                    _("Takes part in the protocol in force for this category"),
                    PROTOCOL_PARTICIPANT,
                    "ok",
                )
            )
        else:
            c.add(Reason("protocol", _("Not named in the protocol in force"), 0, "warn"))
        if not org.capacity_bound:  # type: ignore[attr-defined]
            c.add(Reason("capacity", _("No capacity limit recorded"), 0))
        elif org.free_places > 0:  # type: ignore[attr-defined]
            c.add(
                Reason(
                    "capacity",
                    ngettext("%(n)s free place", "%(n)s free places", org.free_places)  # type: ignore[attr-defined]
                    % {"n": org.free_places},  # type: ignore[attr-defined]
                    CAPACITY_FREE,
                    "ok",
                )
            )
        else:
            c.add(Reason("capacity", _("Full: no free place"), CAPACITY_FULL, "danger"))
        if agreements is None:
            c.add(Reason("agreement", _("Agreements are not recorded yet"), 0))
        elif org.pk in agreements:
            c.add(Reason("agreement", _("Agreement in force"), AGREEMENT, "ok"))
        else:
            c.add(Reason("agreement", _("No agreement in force"), 0, "warn"))
        c.add(_place_reason(org, kelurahan_code=kelurahan_code, origin=origin, factor=factor))
        c.add(_record_reason(records.get(org.pk)))
        ranked.append(c)
    ranked.sort(key=lambda c: (-c.score, c.organization.name.casefold(), str(c.organization.pk)))
    return ranked[:limit]
