"""Queueing background work from a service without importing the task module.

A task module (``<app>/tasks.py``) is an entry point, like a view: it imports the services it
runs. A service that starts background work therefore names the task by its dotted path instead
of importing it, so that services never import their own tasks and no import cycle forms
(docs/decisions/0006-dependencies.md). The task is resolved and queued when the transaction
commits: a rolled-back request queues nothing, and the worker sees the committed rows.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string


def enqueue_on_commit(task_path: str, *args: Any) -> None:
    """Queue ``task_path`` (e.g. "simpul.children.tasks.run_duplicate_scan") with ``args`` once
    the current transaction commits (at once when there is none)."""
    task = import_string(task_path)  # fails loudly at the call when the path is wrong
    transaction.on_commit(lambda: task.enqueue(*args))
