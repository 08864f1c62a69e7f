"""What the children app tells the apps above it (cases, referrals, …) without importing them.

Sent synchronously inside the sending service's transaction, so that what the receivers do
(ending an organisation's access to the child) commits or rolls back with the change itself —
a withdrawn consent never leaves a partner with access, even for a moment
(docs/decisions/0006-dependencies.md).
"""

from django.dispatch import Signal

# A sharing consent was withdrawn or a legal basis revoked: organisations that may no longer
# receive the child's data must lose access. Arguments: child, actor (a User or None).
sharing_withdrawn = Signal()
