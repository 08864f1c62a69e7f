"""The API conforms to its own OpenAPI schema (issue 8): schemathesis generates requests for every
operation of `/api/v1/schema/` and sends them to the live test server as a signed-in user of
Dinas Sosial; a 5xx, a response outside the schema, an undocumented status, a schema-valid read
that is refused or an invalid request that is accepted fails the test. Path ids are real records
(the ones created below), so detail, update and action operations are exercised too.

Bounded: SIMPUL_SCHEMATHESIS_EXAMPLES examples per operation (default 8)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from simpul.accounts.models import Role
from simpul.accounts.services import api_token_create

pytestmark = [pytest.mark.django_db(transaction=True)]

EXAMPLES = int(os.environ.get("SIMPUL_SCHEMATHESIS_EXAMPLES", "8"))
PHASES = os.environ.get("SIMPUL_SCHEMATHESIS_PHASES", "examples,coverage,fuzzing,stateful")
ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def api_world() -> dict[str, Any]:
    """A small world: a case worker of Suku Dinas Jakarta Timur with a child, its case, an
    initial assessment, a plan with a goal and an action, and an organisation with a service."""
    from simpul.cases import services as case_services
    from simpul.cases.tests.conftest import INITIAL, open_case
    from simpul.testing.factories import (
        ChildFactory,
        OrganizationFactory,
        ServiceFactory,
        make_user,
        sudin,
    )

    worker = make_user(Role.CASE_WORKER, sudin("31.75"))
    supervisor = make_user(Role.SUPERVISOR, sudin("31.75"))
    child = ChildFactory()
    case = open_case(worker, child, supervisor=supervisor)
    assessment = case_services.assessment_save(
        actor=worker, case=case, kind="initial", data=INITIAL
    )
    from simpul.directory.models import Location, ServiceAtLocation
    from simpul.regions.models import Region

    organization = OrganizationFactory(name="LKSA Pelita")
    service = ServiceFactory(organization=organization)
    location = Location.objects.create(
        organization=organization,
        name="Asrama",
        address="Jl. Contoh 1",
        kelurahan=Region.objects.get(code="31.75.01.1001"),
    )
    at_location = ServiceAtLocation.objects.create(service=service, location=location)
    org_admin = make_user(Role.ORG_ADMIN, organization)
    ids = {"id": str(case.pk), "assessment_pk": str(assessment.pk)}
    plan = case_services.plan_create(actor=worker, case=case)
    goal = case_services.plan_goal_add(actor=worker, plan=plan, description="Sekolah")
    action = case_services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Daftar sekolah",
        responsible_organization=case.lead_organization,
        due_date=dt.date.today() + dt.timedelta(days=30),
    )
    ids.update(plan_pk=str(plan.pk), goal_pk=str(goal.pk), action_pk=str(action.pk))
    return {
        "token": api_token_create(user=worker),
        "org_admin_token": api_token_create(user=org_admin),
        "ids": {
            "/api/v1/cases/": ids,
            "/api/v1/children/": {"id": str(child.pk)},
            "/api/v1/organizations/": {"id": str(organization.pk)},
            "/api/v1/services/": {"id": str(service.pk)},
            "/api/v1/hsds/organizations/": {"id": str(organization.pk)},
            "/api/v1/hsds/services/": {"id": str(service.pk)},
            "/api/v1/hsds/service_at_locations/": {"id": str(at_location.pk)},
            "/api/v1/regions/": {"code": "31.75"},
        },
    }


# Who sends the requests: the case worker for every operation; the organisation's admin for the
# directory writes only they may make (its own organisation and services).
PERSONAS = {
    "case_worker": ("token", None),
    "org_admin": ("org_admin_token", "^(PATCH|POST) /api/v1/(organizations|services)/"),
}


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_api_conforms_to_its_schema(persona, live_server, api_world, settings, tmp_path):
    """`st run` (the schemathesis CLI, every phase including the stateful one, every check, the
    repository's schemathesis.toml) against the live test server; fails on any failure."""
    token_key, only = PERSONAS[persona]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
    }
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "simpul.api.tests.schemathesis_hooks",
        "SIMPUL_ST_IDS": json.dumps(api_world["ids"]),
        "PYTHONPATH": str(ROOT),
    }
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(ROOT / "schemathesis.toml"),
        "--no-color",
        "run",
        f"{live_server.url}/api/v1/schema/?format=json",
        "--header",
        f"Authorization: Token {api_world[token_key]}",
        "--max-examples",
        str(EXAMPLES),
        "--phases",
        PHASES,
        "--generation-deterministic",
        "--workers",
        "1",
        "--report-dir",
        str(tmp_path),
    ]
    if only:
        command += ["--include-name-regex", only]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=1500, check=False
    )
    output = done.stdout + done.stderr
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"schemathesis-{persona}.txt").write_text(output)
    assert "Tested: " in output, output[-3000:]
    assert done.returncode == 0, output[-12000:]
