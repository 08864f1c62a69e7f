"""Writes to the stakeholder directory. Every function is atomic, validates with
``full_clean()`` and leaves an audit event.

Permission checks live in the permission-checked getters of :mod:`simpul.directory.selectors`
and in :mod:`simpul.accounts.permissions`; services re-check the rule when an ``actor`` is given so
a caller (view, API, command) cannot skip it by mistake. ``actor=None`` is for system jobs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.accounts import permissions
from simpul.core import events
from simpul.core.audit import audit_log, diff, snapshot
from simpul.core.concurrency import version_claim
from simpul.core.exceptions import ApplicationError
from simpul.directory.models import (
    CapacityRecord,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from simpul.directory.phones import phone_normalize

if TYPE_CHECKING:
    from simpul.accounts.models import User
    from simpul.directory.imports import ImportResult

ORGANIZATION_FIELDS = (
    "name",
    "org_type",
    "parent",
    "description",
    "legal_status",
    "registration_number",
    "accreditation_grade",
    "accreditation_number",
    "accreditation_valid_from",
    "accreditation_valid_until",
    "address",
    "kelurahan",
    "postal_code",
    "latitude",
    "longitude",
    "email",
    "website",
    "jurisdiction",
    "is_active",
)
SERVICE_FIELDS = (
    "name",
    "description",
    "service_type",
    "min_age",
    "max_age",
    "eligibility",
    "is_free",
    "fees_description",
    "opening_hours",
    "status",
)
SERVICE_M2M_FIELDS = ("categories_served",)
CAPACITY_FIELDS = ("capacity_total", "capacity_occupied")
LOCATION_FIELDS = ("name", "address", "kelurahan", "postal_code", "latitude", "longitude")


def _check(actor: User | None, allowed: bool) -> None:
    if actor is not None and not allowed:
        raise PermissionDenied


def _raise_validation(exc: ValidationError) -> None:
    """Turn a model ValidationError into an ApplicationError carrying per-field messages."""
    if hasattr(exc, "message_dict"):
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    else:
        fields = {"__all__": [str(m) for m in exc.messages]}
    message = "; ".join(m for msgs in fields.values() for m in msgs)
    raise ApplicationError(message, extra={"fields": fields}) from exc


def _full_clean(instance: Any, exclude: Iterable[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=list(exclude or []))
    except ValidationError as exc:
        _raise_validation(exc)


def _unknown_fields(data: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ApplicationError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )


# --- phones ----------------------------------------------------------------------------------
def _phone_numbers(organization: Organization) -> list[str]:
    return list(organization.phones.order_by("created_at").values_list("number", flat=True))


@transaction.atomic
def organization_set_phones(
    *, actor: User | None, organization: Organization, numbers: list[str]
) -> None:
    """Replace the organisation's phones with ``numbers`` (normalised, duplicates dropped)."""
    _check(actor, actor is not None and permissions.can_edit_organization(actor, organization))
    normalised: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for number in numbers:
        if not (number or "").strip():
            continue
        e164, national, kind = phone_normalize(number)
        if e164 not in seen:
            seen.add(e164)
            normalised.append((e164, national, kind))
    before = _phone_numbers(organization)
    if before == [n[0] for n in normalised]:
        return
    organization.phones.all().delete()
    for e164, national, kind in normalised:
        phone = Phone(organization=organization, number=e164, national=national, kind=kind)
        _full_clean(phone)
        phone.save()
    audit_log(
        actor=actor,
        action="directory.organization.phones_updated",
        target=organization,
        changes=diff({"phones": before}, {"phones": _phone_numbers(organization)}),
    )


# --- organisations ---------------------------------------------------------------------------
def _default_location(organization: Organization) -> Location:
    return Location(
        organization=organization,
        name=organization.name,
        address=organization.address,
        kelurahan=organization.kelurahan,
        postal_code=organization.postal_code,
        latitude=organization.latitude,
        longitude=organization.longitude,
    )


@transaction.atomic
def organization_create(
    *, actor: User | None, phones: list[str] | None = None, **fields: Any
) -> Organization:
    """Create an organisation (and a default location from its address).

    ``fields`` are Organization model fields; ``phones`` an optional list of numbers.
    """
    _check(actor, actor is not None and permissions.can_create_organization(actor))
    _unknown_fields(fields, ORGANIZATION_FIELDS)
    organization = Organization(**fields)
    if organization.kelurahan is not None and organization.kelurahan.level != 4:
        raise ApplicationError(_("Choose a kelurahan, not a larger region."))
    _full_clean(organization)
    organization.save()
    location = _default_location(organization)
    _full_clean(location)
    location.save()
    if phones:
        # Phones are part of creation: no separate permission check, no separate event.
        for e164, national, kind in _unique_phones(phones):
            Phone.objects.create(
                organization=organization, number=e164, national=national, kind=kind
            )
    audit_log(
        actor=actor,
        action="directory.organization.created",
        target=organization,
        changes=diff({}, snapshot(organization, ORGANIZATION_FIELDS)),
        data={"phones": _phone_numbers(organization)},
    )
    return organization


def _unique_phones(numbers: Iterable[str]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for number in numbers:
        if not (number or "").strip():
            continue
        item = phone_normalize(number)
        if item[0] not in seen:
            seen.add(item[0])
            out.append(item)
    return out


@transaction.atomic
def organization_update(
    *,
    actor: User | None,
    organization: Organization,
    data: dict[str, Any],
    expected_version: Any = None,
) -> Organization:
    """Change some fields; audited with before/after of the changed fields only.

    ``data`` may also hold ``phones`` (a list of numbers), applied with
    :func:`organization_set_phones` in the same transaction. ``expected_version``: the version
    the editor read; a newer one raises ConcurrentUpdate (None only for internal writes).
    """
    _check(actor, actor is not None and permissions.can_edit_organization(actor, organization))
    if expected_version is not None:
        version_claim(organization, expected_version=expected_version)
    data = dict(data)
    phones = data.pop("phones", None)
    _unknown_fields(data, ORGANIZATION_FIELDS)
    if (
        actor is not None
        and not permissions.is_dinsos_admin(actor)
        and {"org_type", "is_active", "jurisdiction", "parent"}
        & {k for k, v in data.items() if snapshot(organization, [k])[k] != snapshot_value(v)}
    ):
        raise ApplicationError(
            _("Only Dinas Sosial administrators may change the type, status or jurisdiction.")
        )
    before = snapshot(organization, ORGANIZATION_FIELDS)
    for key, value in data.items():
        setattr(organization, key, value)
    if organization.kelurahan is not None and organization.kelurahan.level != 4:
        raise ApplicationError(_("Choose a kelurahan, not a larger region."))
    _full_clean(organization)
    after = snapshot(organization, ORGANIZATION_FIELDS)
    changes = diff(before, after)
    if changes:
        organization.save()
        if not organization.locations.exists():
            location = _default_location(organization)
            _full_clean(location)
            location.save()
        audit_log(
            actor=actor,
            action="directory.organization.updated",
            target=organization,
            changes=changes,
        )
    if phones is not None:
        organization_set_phones(actor=actor, organization=organization, numbers=list(phones))
    return organization


def snapshot_value(value: Any) -> Any:
    """The value as :func:`snapshot` would record it (model → pk string)."""
    from simpul.core.audit import _jsonable

    return _jsonable(value)


# --- locations -------------------------------------------------------------------------------
@transaction.atomic
def location_create(*, actor: User | None, organization: Organization, **fields: Any) -> Location:
    _check(actor, actor is not None and permissions.can_edit_organization(actor, organization))
    _unknown_fields(fields, LOCATION_FIELDS)
    location = Location(organization=organization, **fields)
    _full_clean(location)
    location.save()
    audit_log(
        actor=actor,
        action="directory.location.created",
        target=location,
        changes=diff({}, snapshot(location, LOCATION_FIELDS)),
        data={"organization": organization.pk},
    )
    return location


@transaction.atomic
def location_update(*, actor: User | None, location: Location, data: dict[str, Any]) -> Location:
    _check(
        actor, actor is not None and permissions.can_edit_organization(actor, location.organization)
    )
    _unknown_fields(data, LOCATION_FIELDS)
    before = snapshot(location, LOCATION_FIELDS)
    for key, value in data.items():
        setattr(location, key, value)
    _full_clean(location)
    changes = diff(before, snapshot(location, LOCATION_FIELDS))
    if changes:
        location.save()
        audit_log(
            actor=actor, action="directory.location.updated", target=location, changes=changes
        )
    return location


# --- services --------------------------------------------------------------------------------
def _check_terms(service_type: Any, categories: Iterable[Any] | None) -> None:
    if service_type is not None and service_type.taxonomy != TaxonomyTerm.Taxonomy.SERVICE_TYPE:
        raise ApplicationError(_("The service type is not a term of the service-type vocabulary."))
    for term in categories or []:
        if term.taxonomy != TaxonomyTerm.Taxonomy.PMKS_CHILD:
            raise ApplicationError(
                _("“%(term)s” is not a PMKS child category.") % {"term": term.code}
            )


def _validate_capacity(total: Any, occupied: Any) -> None:
    if total is None and occupied is None:
        return
    if total is None or occupied is None:
        raise ApplicationError(
            _("Give both the total and the occupied places, or neither."),
            extra={"fields": {"capacity_total": [_("Required with occupied places.")]}},
        )
    if int(total) < 0 or int(occupied) < 0:
        raise ApplicationError(_("Places cannot be negative."))
    if int(occupied) > int(total):
        raise ApplicationError(
            _("Occupied places (%(occupied)s) cannot be more than the total (%(total)s).")
            % {"occupied": occupied, "total": total},
            extra={"fields": {"capacity_occupied": [_("More than the total.")]}},
        )


@transaction.atomic
def service_create(*, actor: User | None, organization: Organization, **fields: Any) -> Service:
    """Create a service. ``fields``: Service fields, ``categories_served`` (terms),
    ``capacity_total``/``capacity_occupied`` and optionally ``locations`` (default: all the
    organisation's locations)."""
    _check(actor, actor is not None and permissions.can_edit_organization(actor, organization))
    categories = list(fields.pop("categories_served", None) or [])
    locations = fields.pop("locations", None)
    total = fields.pop("capacity_total", None)
    occupied = fields.pop("capacity_occupied", None)
    _unknown_fields(fields, SERVICE_FIELDS)
    _check_terms(fields.get("service_type"), categories)
    _validate_capacity(total, occupied)
    service = Service(organization=organization, **fields)
    if total is not None:
        service.capacity_total = int(total)
        service.capacity_occupied = int(occupied)
        service.capacity_updated_at = timezone.now()
    _full_clean(service)
    service.save()
    service.categories_served.set(categories)
    if locations is None:
        locations = list(organization.locations.all())
        if not locations:
            # HSDS service_at_location needs a place: the organisation's own address.
            location = _default_location(organization)
            _full_clean(location)
            location.save()
            locations = [location]
    for location in locations:
        if location.organization_id != organization.pk:
            raise ApplicationError(
                _("A service can only be given at its organisation's locations.")
            )
        ServiceAtLocation.objects.create(service=service, location=location)
    if total is not None:
        CapacityRecord.objects.create(
            service=service,
            total=int(total),
            occupied=int(occupied),
            recorded_by=actor if actor is not None and actor.is_authenticated else None,
            note=events.stored("directory.capacity.initial"),
        )
    audit_log(
        actor=actor,
        action="directory.service.created",
        target=service,
        organization=organization,
        changes=diff(
            {}, snapshot(service, (*SERVICE_FIELDS, *SERVICE_M2M_FIELDS, *CAPACITY_FIELDS))
        ),
    )
    return service


@transaction.atomic
def service_update(
    *, actor: User | None, service: Service, data: dict[str, Any], expected_version: Any = None
) -> Service:
    """Change a service. Capacity keys in ``data`` go through :func:`service_capacity_update`
    (so the history is kept). ``expected_version``: as in :func:`organization_update`."""
    _check(
        actor, actor is not None and permissions.can_edit_organization(actor, service.organization)
    )
    if expected_version is not None:
        version_claim(service, expected_version=expected_version)
    data = dict(data)
    categories = data.pop("categories_served", None)
    locations = data.pop("locations", None)
    capacity = {k: data.pop(k) for k in CAPACITY_FIELDS if k in data}
    _unknown_fields(data, SERVICE_FIELDS)
    _check_terms(data.get("service_type"), categories)
    tracked = (*SERVICE_FIELDS, *SERVICE_M2M_FIELDS)
    before = snapshot(service, tracked)
    for key, value in data.items():
        setattr(service, key, value)
    _full_clean(service)
    service.save()
    if categories is not None:
        service.categories_served.set(list(categories))
    if locations is not None:
        for location in locations:
            if location.organization_id != service.organization_id:
                raise ApplicationError(
                    _("A service can only be given at its organisation's locations.")
                )
        ServiceAtLocation.objects.filter(service=service).exclude(location__in=locations).delete()
        for location in locations:
            ServiceAtLocation.objects.get_or_create(service=service, location=location)
    changes = diff(before, snapshot(service, tracked))
    if changes:
        audit_log(
            actor=actor,
            action="directory.service.updated",
            target=service,
            organization=service.organization,
            changes=changes,
        )
    if capacity:
        total = capacity.get("capacity_total", service.capacity_total)
        occupied = capacity.get("capacity_occupied", service.capacity_occupied)
        if (total, occupied) != (service.capacity_total, service.capacity_occupied):
            if total is None and occupied is None:
                _clear_capacity(actor=actor, service=service)
            else:
                _validate_capacity(total, occupied)
                assert total is not None and occupied is not None
                service_capacity_update(
                    actor=actor, service=service, total=int(total), occupied=int(occupied)
                )
    return service


def _clear_capacity(*, actor: User | None, service: Service) -> None:
    before = snapshot(service, CAPACITY_FIELDS)
    service.capacity_total = None
    service.capacity_occupied = None
    service.capacity_updated_at = timezone.now()
    service.save(
        update_fields=["capacity_total", "capacity_occupied", "capacity_updated_at", "updated_at"]
    )
    audit_log(
        actor=actor,
        action="directory.service.capacity_updated",
        target=service,
        organization=service.organization,
        changes=diff(before, snapshot(service, CAPACITY_FIELDS)),
    )


@transaction.atomic
def service_capacity_update(
    *, actor: User | None, service: Service, total: int, occupied: int, note: str = ""
) -> CapacityRecord:
    """Record the current places (total, occupied) of a service, keeping the history."""
    _check(
        actor, actor is not None and permissions.can_update_capacity(actor, service.organization)
    )
    try:
        total, occupied = int(total), int(occupied)
    except (TypeError, ValueError) as exc:
        raise ApplicationError(_("Places must be whole numbers.")) from exc
    if total < 0 or occupied < 0:
        raise ApplicationError(_("Places cannot be negative."))
    if occupied > total:
        raise ApplicationError(
            _("Occupied places (%(occupied)s) cannot be more than the total (%(total)s).")
            % {"occupied": occupied, "total": total},
            extra={"fields": {"occupied": [_("More than the total.")]}},
        )
    service = Service.objects.select_for_update().get(pk=service.pk)
    before = snapshot(service, CAPACITY_FIELDS)
    now = timezone.now()
    record = CapacityRecord(
        service=service,
        total=total,
        occupied=occupied,
        recorded_at=now,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
        note=(note or "")[:255],
    )
    _full_clean(record)
    record.save()
    service.capacity_total = total
    service.capacity_occupied = occupied
    service.capacity_updated_at = now
    _full_clean(service)
    service.save(
        update_fields=["capacity_total", "capacity_occupied", "capacity_updated_at", "updated_at"]
    )
    audit_log(
        actor=actor,
        action="directory.service.capacity_updated",
        target=service,
        organization=service.organization,
        changes=diff(before, snapshot(service, CAPACITY_FIELDS)),
        data={"note": note} if note else None,
    )
    return record


# --- import ----------------------------------------------------------------------------------
def directory_import(*, actor: User | None, file: Any, kind: str = "") -> ImportResult:
    """Import organisations and/or services from an XLSX workbook or a CSV file.

    ``kind``: "organisations" or "services" for a CSV file (ignored for XLSX, whose sheets
    "organisations" and "services" are read). Every row is validated first; if any row is
    invalid, ApplicationError is raised with ``extra["errors"]`` = list of
    ``{"sheet", "row", "column", "message"}`` and nothing is saved.
    """
    from simpul.directory.imports import run_import

    _check(actor, actor is not None and permissions.can_import_directory(actor))
    return run_import(actor=actor, file=file, kind=kind)
