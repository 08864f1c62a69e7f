"""simpul.matching is a plain Python package: no Django, no other Simpul app, not an app itself.

These tests import nothing from Django at module level, so the engine's tests also run
without Django: ``python -m pytest -p no:django --noconftest simpul/matching/tests``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
ROOT = PACKAGE.parents[1]
MODULES = sorted(p for p in PACKAGE.glob("*.py"))


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.add("simpul.matching")  # relative: inside the package
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
        ):
            found.add("<dynamic import>")
    return found


def test_the_package_modules_are_found():
    names = {p.name for p in MODULES}
    assert {"__init__.py", "normalise.py", "keys.py", "scoring.py", "scanning.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_module_imports_django_or_another_simpul_app(path):
    for module in _imported_modules(path):
        top = module.split(".")[0]
        assert top != "django", (path.name, module)
        assert module != "<dynamic import>", path.name
        if top == "simpul":
            assert module == "simpul.matching" or module.startswith("simpul.matching."), (
                path.name,
                module,
            )


BLOCK_DJANGO = """
import importlib.abc, sys

class NoDjango(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "django" or name.startswith("django."):
            raise ImportError("django is blocked: " + name)
        return None

sys.meta_path.insert(0, NoDjango())
import datetime
import simpul.matching as m
from simpul.matching import keys, normalise, records, scanning, scoring, stats

a = m.PersonRecord(id="1", full_name="Djoko Santoso", birth_date=datetime.date(2015, 1, 2))
b = m.PersonRecord(id="2", full_name="Joko Santoso", birth_date=datetime.date(2015, 1, 2))
result = m.compare(a, b, m.InMemoryTokenStats.from_records([a, b]))
assert result.level in ("likely", "possible"), result
assert not [k for k in sys.modules if k == "django" or k.startswith("django.")]
print("ok", result.level)
"""


def test_the_package_imports_and_scores_with_django_blocked():
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", BLOCK_DJANGO],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok ")


def test_simpul_matching_is_not_a_django_app():
    django_settings = pytest.importorskip("django.conf").settings
    if not django_settings.configured:
        pytest.skip("Django is not configured (running with -p no:django)")
    apps = [a.split(".apps.")[0] for a in django_settings.INSTALLED_APPS]
    assert not [a for a in apps if a == "simpul.matching" or a.startswith("simpul.matching.")]
    assert not (PACKAGE / "apps.py").exists() and not (PACKAGE / "models.py").exists()
