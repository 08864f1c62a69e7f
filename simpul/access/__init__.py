"""Who sees which child, case and document. This release holds the one rule for opening a
restricted record (:mod:`simpul.access.restricted`); the visibility querysets follow in the next."""
