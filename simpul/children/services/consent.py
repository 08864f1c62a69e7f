"""Consent and legal bases for sharing a child's data (UU 27/2022)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.accounts import permissions
from simpul.children import selectors
from simpul.children.models import (
    Child,
    ChildDocument,
    Consent,
    LegalBasis,
)
from simpul.children.services._common import _active_child, _check, _full_clean, _require_full
from simpul.children.services.documents import document_upload
from simpul.core.audit import audit_log
from simpul.core.exceptions import ApplicationError
from simpul.directory.models import GOVERNMENT_SOCIAL_TYPES

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from simpul.accounts.models import User
    from simpul.directory.models import Organization

logger = logging.getLogger(__name__)


# --- consent and legal basis -----------------------------------------------------------------
@transaction.atomic
def consent_record(
    *,
    actor: User,
    child: Child,
    purpose: str,
    organizations: Iterable[Organization] = (),
    given_by_name: str,
    given_by_relationship: str,
    child_view: str = "",
    child_agrees: bool | None = None,
    method: str,
    notice_version: str = "",
    evidence_file: UploadedFile | None = None,
) -> Consent:
    _require_full(actor, child)
    _active_child(child)
    organizations = list(organizations or [])
    if purpose == Consent.Purpose.SHARING and not organizations:
        raise ApplicationError(
            _("Name the organisations the data may be shared with."),
            extra={"fields": {"organizations": [_("Choose at least one organisation.")]}},
        )
    evidence = None
    if evidence_file is not None:
        evidence = document_upload(
            actor=actor,
            child=child,
            kind=ChildDocument.Kind.CONSENT,
            file=evidence_file,
            description=_("Consent evidence"),
        )
    consent = Consent(
        child=child,
        purpose=purpose,
        given_by_name=given_by_name,
        given_by_relationship=given_by_relationship,
        child_view=child_view,
        child_agrees=child_agrees,
        method=method,
        notice_version=notice_version,
        evidence=evidence,
        recorded_by=actor,
    )
    _full_clean(consent, exclude=["child_agrees"])  # None = not asked / unclear
    consent.save()
    consent.organizations.set(organizations)
    audit_log(
        actor=actor,
        action="children.consent.recorded",
        target=child,
        data={
            "consent": str(consent.pk),
            "purpose": purpose,
            "organizations": [str(o.pk) for o in organizations],
            "method": method,
            "child_agrees": child_agrees,
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent, reason: str) -> Consent:
    _require_full(actor, consent.child)
    if consent.withdrawn_at is not None:
        raise ApplicationError(_("This consent was already withdrawn."))
    if not reason.strip():
        raise ApplicationError(
            _("Give the reason of the withdrawal."), extra={"fields": {"reason": [_("Required.")]}}
        )
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_reason = reason.strip()[:255]
    consent.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])
    audit_log(
        actor=actor,
        action="children.consent.withdrawn",
        target=consent.child,
        data={"consent": str(consent.pk), "reason": consent.withdrawn_reason},
    )
    if consent.purpose == Consent.Purpose.SHARING:
        _sharing_withdrawn(consent.child, actor)
    return consent


def _sharing_withdrawn(child: Child, actor: User | None) -> None:
    """Tell the apps that grant access to the child (cases: plan actions, referrals, leads)."""
    from simpul.children.signals import sharing_withdrawn

    sharing_withdrawn.send(sender=Child, child=child, actor=actor)


@transaction.atomic
def legal_basis_record(
    *,
    actor: User,
    child: Child,
    purpose: str,
    basis: str,
    organizations: Iterable[Organization] = (),
    justification: str,
) -> LegalBasis:
    """A supervisor's record of a legal basis to process/share without consent (UU 27/2022 Ps. 20(2))."""
    _check(actor, permissions.can_record_legal_basis(actor))
    _require_full(actor, child)
    _active_child(child)
    if not justification.strip():
        raise ApplicationError(
            _("Explain why this legal basis applies."),
            extra={"fields": {"justification": [_("Required.")]}},
        )
    lb = LegalBasis(
        child=child,
        purpose=purpose,
        basis=basis,
        justification=justification.strip(),
        recorded_by=actor,
    )
    _full_clean(lb)
    lb.save()
    orgs = list(organizations or [])
    lb.organizations.set(orgs)
    audit_log(
        actor=actor,
        action="children.legal_basis.recorded",
        target=child,
        data={
            "legal_basis": str(lb.pk),
            "purpose": purpose,
            "basis": basis,
            "organizations": [str(o.pk) for o in orgs],
        },
    )
    return lb


@transaction.atomic
def legal_basis_revoke(*, actor: User, legal_basis: LegalBasis) -> LegalBasis:
    _check(actor, permissions.can_record_legal_basis(actor))
    if legal_basis.revoked_at is None:
        legal_basis.revoked_at = timezone.now()
        legal_basis.save(update_fields=["revoked_at", "updated_at"])
        audit_log(
            actor=actor,
            action="children.legal_basis.revoked",
            target=legal_basis.child,
            data={"legal_basis": str(legal_basis.pk)},
        )
        if legal_basis.purpose == Consent.Purpose.SHARING:
            _sharing_withdrawn(legal_basis.child, actor)
    return legal_basis


sharing_allowed = selectors.sharing_allowed


def require_sharing_allowed(child: Child, organization: Organization) -> None:
    """Call before assigning/referring an organisation to a child's case: refuse sharing that
    needs consent when there is neither consent nor a legal basis."""
    if organization.org_type in GOVERNMENT_SOCIAL_TYPES:
        return  # Dinas Sosial / Suku Dinas process the record under their public task
    if not selectors.sharing_allowed(child, organization):
        raise ApplicationError(
            _(
                "%(org)s may not receive this child's data: there is no consent to share with it, and no "
                "legal basis recorded by a supervisor. Record the consent (or the legal basis) first."
            )
            % {"org": organization.name},
            extra={"code": "consent_required"},
        )
