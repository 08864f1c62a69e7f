"""Writes to the children's registry. Every function is atomic, validates, and leaves an audit
event (NIK and No. KK are masked in the trail).

Permission rules: :mod:`simpul.accounts.permissions` (roles) and
:func:`simpul.access.children.child_access` (per child). Services re-check when an ``actor``
is given so that no caller can skip a rule by mistake.
"""

from simpul.children.services._common import (  # noqa: F401
    AUDIT_FIELDS,
    DOCUMENT_MAX_BYTES,
    DOCUMENT_TYPES,
    GUARDIAN_FIELDS,
    SCAN_BATCH,
    STORED_IDENTITY_FIELDS,
    DuplicateSuspected,
)
from simpul.children.services.classification import (  # noqa: F401
    child_classify,
    child_unclassify,
)
from simpul.children.services.consent import (  # noqa: F401
    consent_record,
    consent_withdraw,
    legal_basis_record,
    legal_basis_revoke,
    require_sharing_allowed,
    sharing_allowed,
)
from simpul.children.services.documents import (  # noqa: F401
    document_delete,
    document_upload,
)
from simpul.children.services.duplicates import (  # noqa: F401
    SCAN_STUCK_AFTER,
    duplicate_candidate_dismiss,
    duplicate_scan_run,
    duplicate_scan_start,
    duplicate_scans_expire,
    match_index_rebuild,
)
from simpul.children.services.family import (  # noqa: F401
    guardian_remove,
    guardian_save,
)
from simpul.children.services.identity import (  # noqa: F401
    child_alias_add,
    child_alias_remove,
    child_conditions_set,
    child_update_identity,
)
from simpul.children.services.merge import (  # noqa: F401
    FILL_FIELDS,
    FILL_IF_UNKNOWN,
    NOT_MOVED,
    _child_fks,
    _key,
    child_merge,
    child_merge_undo,
)
from simpul.children.services.registration import (  # noqa: F401
    child_register,
    nik_holder,
    registration_preview,
)
