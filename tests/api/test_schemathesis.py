"""The API against its own OpenAPI document, by property-based testing with a valid admin
key: no server error, no response outside the documented schemas and status codes."""

from __future__ import annotations

import os
import secrets
from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed
from hypothesis import settings as hypothesis_settings
from schemathesis import checks

from app.api.main import create_app
from app.config import Settings
from app.services.runtime import Runtime
from tests.conftest import bearer, issue_key, load_samples

# Bounded for the suite (well under two minutes); EXPORTGATE_SCHEMATHESIS_EXAMPLES raises it
# for a longer run.
EXAMPLES_PER_OPERATION = int(os.environ.get("EXPORTGATE_SCHEMATHESIS_EXAMPLES", "15"))
# A fresh seed every run, so each CI run explores new examples; it is printed with the
# result, and EXPORTGATE_SCHEMATHESIS_SEED replays a run exactly.
SEED = int(os.environ.get("EXPORTGATE_SCHEMATHESIS_SEED") or secrets.randbits(64))
# What the API promises: no server error, and every answer documented, in its documented
# shape and media type. (Schemathesis's "schema-valid data is accepted" does not apply: a
# string is a valid upload body, and whether it is a CycloneDX BOM is the API's to judge.)
PROMISES = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.response_schema_conformance,
    checks.content_type_conformance,
]


def test_the_api_keeps_its_openapi_promises(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(settings)
    runtime = Runtime(settings)
    app.state.runtime = runtime  # no lifespan runs under the schema runner
    load_samples(runtime)
    headers = bearer(issue_key(settings))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    calls: Counter[str] = Counter()
    with capsys.disabled():
        print(f"\nschemathesis: seed {SEED} (replay: EXPORTGATE_SCHEMATHESIS_SEED={SEED})")  # noqa: T201
    try:
        for result in schema.get_all_operations():
            operation = result.ok()  # type: ignore[union-attr]  # an invalid schema raises here

            @seed(SEED)
            @given(case=operation.as_strategy())
            @hypothesis_settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            def call(case: schemathesis.Case[Any]) -> None:
                response = case.call_and_validate(headers=headers, checks=PROMISES)
                calls[f"{case.method.upper()} {response.status_code}"] += 1

            call()
    finally:
        runtime.close()
    with capsys.disabled():
        summary = ", ".join(f"{status}: {count}" for status, count in sorted(calls.items()))
        print(f"\nschemathesis: seed {SEED}, {sum(calls.values())} calls; {summary}")  # noqa: T201
    assert sum(calls.values()) > 100
    assert not [status for status in calls if status.split()[-1].startswith("5")], SEED
