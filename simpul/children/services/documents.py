"""A child's protected documents."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from simpul.children.models import (
    Child,
    ChildDocument,
)
from simpul.children.services._common import (
    DOCUMENT_MAX_BYTES,
    DOCUMENT_TYPES,
    _active_child,
    _full_clean,
    _require_edit,
    _require_full,
)
from simpul.core.audit import audit_log
from simpul.core.exceptions import ApplicationError

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from simpul.accounts.models import User

logger = logging.getLogger(__name__)


# --- documents --------------------------------------------------------------------------------
def _sniff(file: UploadedFile) -> str | None:
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    for content_type, magic in DOCUMENT_TYPES.items():
        if head.startswith(magic):
            return content_type
    return None


@transaction.atomic
def document_upload(
    *, actor: User, child: Child, kind: str, file: UploadedFile, description: str = ""
) -> ChildDocument:
    """A protected attachment (stored under MEDIA_ROOT/protected, served only by a checked view)."""
    _require_full(actor, child)
    _active_child(child)
    if file.size is None or file.size > DOCUMENT_MAX_BYTES:
        raise ApplicationError(
            _("The file is too large: at most 5 MB."),
            extra={"fields": {"file": [_("At most 5 MB.")]}},
        )
    content_type = _sniff(file)
    if content_type is None:
        raise ApplicationError(
            _("Only JPG, PNG and PDF files can be uploaded."),
            extra={"fields": {"file": [_("Use a JPG, PNG or PDF file.")]}},
        )
    doc = ChildDocument(
        child=child,
        kind=kind,
        original_name=(file.name or "file")[-255:],
        content_type=content_type,
        size=file.size,
        description=str(description)[:255],
        uploaded_by=actor,
    )
    _full_clean(doc, exclude=["file"])
    doc.file.save(str(doc.pk), file, save=False)
    doc.save()
    audit_log(
        actor=actor,
        action="children.document.uploaded",
        target=child,
        data={
            "document": str(doc.pk),
            "kind": kind,
            "size": doc.size,
            "content_type": content_type,
        },
    )
    return doc


@transaction.atomic
def document_delete(*, actor: User, document: ChildDocument) -> None:
    child = document.child
    _require_edit(actor, child)
    data = {
        "document": str(document.pk),
        "kind": document.kind,
        "original_name": document.original_name,
    }
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name) if name else None)
    audit_log(actor=actor, action="children.document.deleted", target=child, data=data)
