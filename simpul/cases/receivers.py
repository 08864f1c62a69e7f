"""The cases app's answers to what lower apps announce (connected in CasesConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from simpul.children.signals import sharing_withdrawn


@receiver(sharing_withdrawn, dispatch_uid="cases.sharing_withdrawn")
def end_access_after_sharing_withdrawn(sender: Any, child: Any, actor: Any, **kwargs: Any) -> None:
    from simpul.cases.services.assignments import sharing_withdrawn as end_access

    end_access(child=child, actor=actor)
