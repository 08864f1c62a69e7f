"""What the directory's audit codes mean, and the organisation names other apps' sentences use
(see simpul.core.events and docs/events.md)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from simpul.core import events


def organization_names(ids: set[str]) -> Mapping[str, str]:
    from simpul.directory.models import Organization

    rows = Organization.objects.filter(pk__in=events.uuids(ids)).values_list("pk", "name")
    return {str(pk): name for pk, name in rows}


# "%(organization)s" in any sentence: the name of the organisation whose id is data["organization_id"].
events.register_lookup("organization", resolve=organization_names, key="organization_id")

events.register("directory.organization.created", _("Organisation added"))
events.register("directory.organization.updated", _("Organisation profile updated"))
events.register("directory.organization.phones_updated", _("Organisation phone numbers updated"))
events.register("directory.location.created", _("Location added"))
events.register("directory.location.updated", _("Location updated"))
events.register("directory.service.created", _("Service added"))
events.register("directory.service.updated", _("Service updated"))
events.register("directory.service.capacity_updated", _("Service capacity updated"))
events.register(
    "directory.import.completed",
    _(
        "Directory import: %(organizations_created)s organisations and %(services_created)s "
        "services added"
    ),
)

# System texts stored in capacity history notes (CapacityRecord.note).
events.register_text("directory.capacity.initial", _("Initial capacity"))
events.register_text("directory.capacity.imported", _("Imported"))
