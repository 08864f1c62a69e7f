"""Classifying a child in the PMKS categories."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.children.models import (
    Category,
    CategorySubtype,
    Child,
    ChildCategory,
)
from simpul.children.services._common import _active_child, _full_clean, _require_edit
from simpul.core.audit import audit_log
from simpul.core.exceptions import ApplicationError

if TYPE_CHECKING:
    from simpul.accounts.models import User

logger = logging.getLogger(__name__)


# --- classification ---------------------------------------------------------------------------
@transaction.atomic
def child_classify(
    *,
    actor: User,
    child: Child,
    category: Category,
    subtype: CategorySubtype | None = None,
    is_primary: bool = False,
    age_rule_override_reason: str = "",
) -> ChildCategory:
    """Classify the child. A category (or subtype) whose age rule the child does not meet is
    refused unless an override reason is given; it is then recorded and flagged."""
    _require_edit(actor, child)
    _active_child(child)
    if subtype is not None and subtype.category_id != category.pk:
        raise ApplicationError(_("This subtype belongs to another category."))
    age = child.age
    fits = category.age_fits(age)
    if fits and subtype is not None:
        fits = subtype.age_fits(age)
    reason = age_rule_override_reason.strip()
    if fits is False and not reason:
        label = str(subtype or category)
        raise ApplicationError(
            _(
                "%(category)s does not fit the child's age (%(age)s years): %(rule)s. Give a reason to classify anyway."
            )
            % {
                "category": label,
                "age": age,
                "rule": category.age_rule_note or _("age rule not met"),
            },
            extra={
                "fields": {
                    "age_rule_override_reason": [_("Required when the age rule is not met.")]
                },
                "code": "age_rule",
            },
        )
    if child.classifications.filter(category=category, ended_at__isnull=True).exists():
        raise ApplicationError(_("The child is already in this category."))
    if is_primary:
        child.classifications.filter(is_primary=True, ended_at__isnull=True).update(
            is_primary=False
        )
    cc = ChildCategory(
        child=child,
        category=category,
        subtype=subtype,
        is_primary=is_primary,
        age_rule_override_reason=reason if fits is False else "",
        recorded_by=actor,
    )
    _full_clean(cc)
    cc.save()
    audit_log(
        actor=actor,
        action="children.child.classified",
        target=child,
        data={
            "category": f"{category.scheme}:{category.code}",
            "subtype": subtype.code if subtype else "",
            "is_primary": is_primary,
            "age": age,
            "age_estimated": child.age_is_estimated,
            "age_rule_override": cc.age_rule_override_reason,
        },
    )
    return cc


@transaction.atomic
def child_unclassify(*, actor: User, classification: ChildCategory) -> ChildCategory:
    _require_edit(actor, classification.child)
    if classification.ended_at is None:
        classification.ended_at = timezone.now()
        classification.is_primary = False
        classification.save(update_fields=["ended_at", "is_primary", "updated_at"])
        audit_log(
            actor=actor,
            action="children.child.unclassified",
            target=classification.child,
            data={"category": f"{classification.category.scheme}:{classification.category.code}"},
        )
    return classification
