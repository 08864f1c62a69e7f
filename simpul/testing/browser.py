"""Helpers of the Chromium journeys (Playwright)."""

from __future__ import annotations

from typing import Any


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical accessibility violations on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
