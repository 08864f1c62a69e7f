"""Simpul's directory as Open Referral HSDS 3.0 documents (plain dicts, ready for JSON).

Each function maps one model instance to the shape of a compiled HSDS 3.0 schema vendored in
``schemas/``: ``*_list`` functions give the one-to-one fields used in paginated lists, the
others the fully nested objects of ``/organizations/{id}``, ``/services/{id}`` and
``/service_at_locations/{id}``.

Rules that keep the documents valid: optional fields with no value are left out (HSDS types do
not allow ``null``); every nested object has a UUID ``id`` (derived with ``uuid5`` from the
owner's id where Simpul has no row of its own, so it is stable between requests).

Simpul extensions (extra fields are allowed by the schemas):
``capacities`` on a service, shaped like HSDS 3.1 ``service_capacity``.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.directory.models import (
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from simpul.regions.models import Region

HSDS_VERSION = "3.0.0"
COUNTRY = "ID"
STATE_PROVINCE = "DKI Jakarta"
# Jakarta is on WIB (UTC+7) all year; HSDS wants opening times with their offset.
UTC_OFFSET = "+07:00"
UTC_OFFSET_HOURS = 7

# Namespace for ids of HSDS objects Simpul does not store as rows (addresses, identifiers, …).
_NAMESPACE = uuid.UUID("6f1c2d4e-0b7a-5c3e-9a51-2f8e4c7d9b10")

_PHONE_TYPES: dict[str, str] = {
    Phone.Kind.LANDLINE: "voice",
    Phone.Kind.MOBILE: "cell",
    Phone.Kind.OTHER: "voice",
}
_WEEKDAY_ORDER = {day: i for i, day in enumerate(Schedule.Weekday.values)}


def derived_id(owner_id: Any, *parts: Any) -> str:
    """A stable UUID for a sub-object of ``owner_id`` identified by ``parts``."""
    return str(uuid.uuid5(_NAMESPACE, ":".join([str(owner_id), *map(str, parts)])))


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is None or an empty string (HSDS types do not allow null)."""
    return {k: v for k, v in data.items() if v is not None and v != ""}


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="milliseconds")


def _time(value: dt.time) -> str:
    return f"{value:%H:%M}{UTC_OFFSET}"


# --- regions and addresses --------------------------------------------------------------------
def _region_names(kelurahan: Region | None) -> dict[str, str]:
    """Kelurahan, kecamatan and kota names (parents must be select_related or are fetched)."""
    if kelurahan is None:
        return {"kelurahan": "", "kecamatan": "", "kota": "", "postal_code": ""}
    kecamatan = kelurahan.parent
    kota = kecamatan.parent if kecamatan else None
    return {
        "kelurahan": kelurahan.name,
        "kecamatan": kecamatan.name if kecamatan else "",
        "kota": kota.name if kota else "",
        "postal_code": kelurahan.postal_code,
    }


def _address(
    *, location_id: Any, street: str, kelurahan: Region | None, postal_code: str
) -> dict[str, Any]:
    names = _region_names(kelurahan)
    area = ", ".join(
        part
        for part in (
            f"Kel. {names['kelurahan']}" if names["kelurahan"] else "",
            f"Kec. {names['kecamatan']}" if names["kecamatan"] else "",
        )
        if part
    )
    doc = _compact(
        {
            "id": derived_id(location_id, "address", "physical"),
            "location_id": str(location_id),
            "address_2": area if street else "",
            "region": names["kecamatan"],
        }
    )
    # Required by the schema even when unknown (an empty string is a valid value).
    doc |= {
        "address_1": street or area or names["kota"],
        "city": names["kota"],
        "state_province": STATE_PROVINCE,
        "postal_code": postal_code or names["postal_code"],
        "country": COUNTRY,
        "address_type": "physical",
    }
    return doc


def location_shallow(location: Location) -> dict[str, Any]:
    return _compact(
        {
            "id": str(location.pk),
            "location_type": "physical",
            "organization_id": str(location.organization_id),
            "name": location.name,
            "latitude": _number(location.latitude),
            "longitude": _number(location.longitude),
        }
    )


def location_full(location: Location) -> dict[str, Any]:
    doc = location_shallow(location)
    doc["addresses"] = [
        _address(
            location_id=location.pk,
            street=location.address,
            kelurahan=location.kelurahan,
            postal_code=location.postal_code,
        )
    ]
    return doc


# --- taxonomy ---------------------------------------------------------------------------------
def taxonomy_term(term: TaxonomyTerm) -> dict[str, Any]:
    return _compact(
        {
            "id": str(term.pk),
            "code": term.code,
            "name": term.name,
            "description": term.description or term.name_en or term.name,
            "parent_id": str(term.parent_id) if term.parent_id else None,
            "taxonomy": term.taxonomy,
            "language": "id",
        }
    )


def _attribute(
    *, link_id: Any, link_type: str, link_entity: str, term: TaxonomyTerm
) -> dict[str, Any]:
    return {
        "id": derived_id(link_id, "attribute", term.pk),
        "link_id": str(link_id),
        "link_type": link_type,
        "link_entity": link_entity,
        "taxonomy_term_id": str(term.pk),
        "value": term.code,
        "taxonomy_term": taxonomy_term(term),
    }


# --- organisations ----------------------------------------------------------------------------
def organization_description(organization: Organization) -> str:
    """The description, or a generated one (HSDS requires a description)."""
    if organization.description.strip():
        return organization.description
    place = _region_names(organization.kelurahan)["kota"] or STATE_PROVINCE
    return _("%(type)s in %(place)s.") % {
        "type": organization.get_org_type_display(),
        "place": place,
    }


def organization_shallow(organization: Organization) -> dict[str, Any]:
    """The one-to-one fields of an organisation (``organization_list.json``)."""
    doc = _compact(
        {
            "id": str(organization.pk),
            "name": organization.name,
            "email": organization.email,
            "website": organization.website,
            "legal_status": (
                str(organization.get_legal_status_display()) if organization.legal_status else ""
            ),
            "parent_organization_id": str(organization.parent_id)
            if organization.parent_id
            else None,
        }
    )
    doc["description"] = organization_description(organization)
    return doc


def organization_identifiers(organization: Organization) -> list[dict[str, Any]]:
    items = []
    if organization.registration_number:
        items.append(
            {
                "id": derived_id(organization.pk, "identifier", "registration"),
                "organization_id": str(organization.pk),
                "identifier_type": _("Registration number"),
                "identifier": organization.registration_number,
            }
        )
    if organization.accreditation_grade:
        label = _("Accreditation grade %(grade)s") % {"grade": organization.accreditation_grade}
        if organization.accreditation_valid_until:
            label += " " + _("(valid until %(date)s)") % {
                "date": organization.accreditation_valid_until.isoformat()
            }
        items.append(
            {
                "id": derived_id(organization.pk, "identifier", "accreditation"),
                "organization_id": str(organization.pk),
                "identifier_type": label,
                "identifier": organization.accreditation_number or organization.accreditation_grade,
            }
        )
    return items


def phone(item: Phone, **links: Any) -> dict[str, Any]:
    return _compact(
        {
            "id": str(item.pk),
            "number": item.number,
            "type": _PHONE_TYPES.get(item.kind, "voice"),
            "description": item.label,
            **{k: str(v) for k, v in links.items() if v},
        }
    )


def organization_full(organization: Organization) -> dict[str, Any]:
    """A fully nested organisation (``organization.json``).

    Reads ``phones``, ``locations`` and ``services`` of the instance: prefetch them
    (:func:`simpul.directory.hsds.selectors.hsds_organization_get` does).
    """
    doc = organization_shallow(organization)
    doc["organization_identifiers"] = organization_identifiers(organization)
    doc["phones"] = [phone(p, organization_id=organization.pk) for p in organization.phones.all()]
    doc["locations"] = [location_full(loc) for loc in organization.locations.all()]
    doc["services"] = [
        service_shallow(s, with_organization=False) for s in organization.services.all()
    ]
    return doc


# --- services ---------------------------------------------------------------------------------
def capacities(service: Service) -> list[dict[str, Any]]:
    """Simpul extension: places of a capacity-bound service, like HSDS 3.1 service_capacity."""
    if service.capacity_total is None or service.capacity_occupied is None:
        return []
    unit_id = derived_id("simpul", "unit", "place")
    return [
        _compact(
            {
                "id": derived_id(service.pk, "capacity", "places"),
                "service_id": str(service.pk),
                "unit_id": unit_id,
                "unit": {
                    "id": unit_id,
                    "name": _("places"),
                    "scheme": "simpul",
                    "identifier": "place",
                },
                "available": service.capacity_free,
                "maximum": service.capacity_total,
                "occupied": service.capacity_occupied,
                "updated": _datetime(service.capacity_updated_at),
            }
        )
    ]


def _fees_description(service: Service) -> str:
    if service.fees_description:
        return service.fees_description
    return _("Free of charge") if service.is_free else ""


def service_shallow(service: Service, *, with_organization: bool = True) -> dict[str, Any]:
    """The one-to-one fields of a service (``service_list.json``), plus its capacity."""
    doc = _compact(
        {
            "id": str(service.pk),
            "organization_id": str(service.organization_id),
            "name": service.name,
            "description": service.description,
            "status": service.status,
            "fees_description": _fees_description(service),
            "eligibility_description": service.eligibility,
            "minimum_age": service.min_age,
            "maximum_age": service.max_age,
            "assured_date": (
                timezone.localtime(service.capacity_updated_at).date().isoformat()
                if service.capacity_updated_at
                else None
            ),
            "last_modified": _datetime(service.updated_at),
        }
    )
    if with_organization:
        doc["organization"] = organization_shallow(service.organization)
    doc["capacities"] = capacities(service)
    return doc


def schedules(service: Service, rows: Sequence[Schedule]) -> list[dict[str, Any]]:
    """One weekly schedule per distinct (opens, closes) pair, days joined in ``byday``; the
    free-text opening hours when no weekly rows exist."""
    groups: dict[tuple[dt.time, dt.time], list[str]] = {}
    for row in sorted(rows, key=lambda r: (_WEEKDAY_ORDER.get(r.weekday, 9), r.opens_at)):
        groups.setdefault((row.opens_at, row.closes_at), []).append(row.weekday)
    items = [
        _compact(
            {
                "id": derived_id(service.pk, "schedule", opens, closes),
                "service_id": str(service.pk),
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": ",".join(days),
                "opens_at": _time(opens),
                "closes_at": _time(closes),
                "timezone": UTC_OFFSET_HOURS,
            }
        )
        for (opens, closes), days in groups.items()
    ]
    if not items and service.opening_hours:
        items.append(
            {
                "id": derived_id(service.pk, "schedule", "text"),
                "service_id": str(service.pk),
                "description": service.opening_hours,
            }
        )
    return items


def service_attributes(
    service: Service, categories: Iterable[TaxonomyTerm]
) -> list[dict[str, Any]]:
    items = [
        _attribute(
            link_id=service.pk,
            link_type="service_type",
            link_entity="service",
            term=service.service_type,
        )
    ]
    items += [
        _attribute(link_id=service.pk, link_type="pmks_category", link_entity="service", term=t)
        for t in categories
    ]
    return items


def service_full(service: Service) -> dict[str, Any]:
    """A fully nested service (``service.json``).

    Reads ``schedules``, ``categories_served``, ``at_locations`` (with ``location``) and the
    organisation's ``phones``: prefetch them (the HSDS selectors do).
    """
    doc = service_shallow(service)
    doc["phones"] = [
        phone(p, organization_id=service.organization_id) for p in service.organization.phones.all()
    ]
    doc["schedules"] = schedules(service, list(service.schedules.all()))
    doc["attributes"] = service_attributes(service, service.categories_served.all())
    doc["service_at_locations"] = [
        _compact(
            {
                "id": str(link.pk),
                "service_id": str(service.pk),
                "location_id": str(link.location_id),
                "description": link.description,
                "location": location_full(link.location),
            }
        )
        for link in service.at_locations.all()
    ]
    return doc


# --- service at location ----------------------------------------------------------------------
def service_at_location_shallow(link: ServiceAtLocation) -> dict[str, Any]:
    """``service_at_location_list.json``: the link with its service and location."""
    return _compact(
        {
            "id": str(link.pk),
            "service_id": str(link.service_id),
            "location_id": str(link.location_id),
            "description": link.description,
            "service": service_shallow(link.service),
            "location": location_shallow(link.location),
        }
    )


def service_at_location_full(link: ServiceAtLocation) -> dict[str, Any]:
    """``service_at_location.json`` (reads the service's schedules and categories)."""
    doc = service_at_location_shallow(link)
    doc["location"] = location_full(link.location)
    doc["schedules"] = schedules(link.service, list(link.service.schedules.all()))
    doc["attributes"] = service_attributes(link.service, link.service.categories_served.all())
    return doc


# --- pages ------------------------------------------------------------------------------------
def page(
    items: Any, *, page_number: int, per_page: int, mapper: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """The HSDS ``Page`` wrapper around one page of ``items`` (a queryset or a list)."""
    total = items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
    total_pages = max(1, math.ceil(total / per_page))
    start = (page_number - 1) * per_page
    contents = [mapper(item) for item in items[start : start + per_page]] if start < total else []
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": len(contents),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": total == 0,
        "contents": contents,
    }
