"""The current request's IP and acting organisation, for audit events written by services."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None


_current: ContextVar[RequestContext | None] = ContextVar("simpul_request_context", default=None)


def set_current(ctx: RequestContext | None) -> object:
    return _current.set(ctx)


def reset(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


def current() -> RequestContext:
    return _current.get() or RequestContext()
