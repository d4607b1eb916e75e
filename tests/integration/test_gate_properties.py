"""No sequence of uploads by a non-owner, re-orderings, supersessions, purl references
replaced by BOM-Links, or AI mentions in unrelated BOMs ever turns an ineligible product
eligible or not in scope: a property over generated multi-organisation portfolios."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import Settings
from app.domain.decision import Decision
from app.domain.errors import SubjectOwnedError
from app.domain.product_slice import Question
from app.services.checks import check_export
from app.services.ingest import ingest_bom
from app.services.registry import import_registry
from app.services.runtime import Runtime
from tests import gate_scenarios as scenario
from tests.builders import MODEL_PURL, MODULE_PURL, bom, component, model
from tests.conftest import BACKEND, truncate_all

CAMERA = "pkg:generic/prop/camera@1.0"
MODULE_SERIAL = "urn:uuid:7a7a7a7a-0000-4000-8000-000000000001"
QUESTION = Question("DE", dt.date.fromisoformat(scenario.DAY))


def module_bom(serial: str = MODULE_SERIAL, version: int = 1) -> bytes:
    """The supplier's module, holding the uncertified model."""
    return bom(
        component("vm", "vision-module", type_="device", version="3.2.0", purl=MODULE_PURL),
        [model("detector", MODEL_PURL)],
        {"vm": ["detector"]},
        serial=serial,
        version=version,
    )


def camera_bom(*, linked: bool, serial: str) -> bytes:
    """The camera, naming the module by purl or only by BOM-Link."""
    module = (
        component(
            "module",
            "bought-in module",
            type_="device",
            externalReferences=[
                {"type": "bom", "url": "urn:cdx:" + MODULE_SERIAL.removeprefix("urn:uuid:")}
            ],
        )
        if linked
        else component("module", "vision-module", type_="device", version="3.2.0", purl=MODULE_PURL)
    )
    return bom(
        component("camera", "camera", type_="device", purl=CAMERA),
        [component("board", "board", type_="device"), module],
        {"camera": ["board"], "board": ["module"]},
        serial=serial,
    )


# What another organisation may try: each is an upload by "rival".
RIVAL_MOVES: dict[str, Callable[[int], bytes]] = {
    "publish the module, later and empty": lambda v: bom(
        component("vm", "vision-module", version="3.2.0", purl=MODULE_PURL), [], version=v
    ),
    "publish the camera, later and empty": lambda v: bom(
        component("camera", "camera", type_="device", purl=CAMERA), [], version=v
    ),
    "reuse the module's serial number": lambda v: bom(
        component("x", "rival-thing", purl=f"pkg:generic/rival/thing@{v}"),
        [],
        serial=MODULE_SERIAL,
        version=v + 1,
    ),
    "call the model a plain library": lambda v: bom(
        component("q", "rival-product", purl=f"pkg:generic/rival/q@{v}"),
        [component("m", "defect-detector", version="2.1.0", purl=MODEL_PURL)],
    ),
    "claim the model is certified": lambda v: bom(
        component("q", "rival-product", purl=f"pkg:generic/rival/claims@{v}"),
        [
            model(
                "m",
                MODEL_PURL,
                properties=[{"name": "exportgate:certificate", "value": "AIEC-TEST-0001"}],
            )
        ],
    ),
}

OWNER_MOVES = ("re-upload the camera with a BOM-Link", "supersede the camera with the same")

Move = tuple[str, str, int]
moves = st.lists(
    st.one_of(
        st.tuples(st.just("rival"), st.sampled_from(sorted(RIVAL_MOVES)), st.integers(2, 99)),
        st.tuples(st.just("owner"), st.sampled_from(OWNER_MOVES), st.just(0)),
    ),
    max_size=5,
)


@contextmanager
def fresh_runtime(template: str, folder: Path) -> Iterator[Runtime]:
    if BACKEND == "postgresql":
        truncate_all(template)
        url = template
    else:
        path = folder / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
    runtime = Runtime(Settings(database_url=url))
    try:
        yield runtime
    finally:
        runtime.close()
        if BACKEND == "postgresql":
            truncate_all(template)  # the run's shared database, as the next test expects it


def upload(runtime: Runtime, organisation: str, document: bytes, *supersedes: str) -> bool:
    """Whether the upload was taken; a refusal by ownership is one of the allowed outcomes."""
    try:
        ingest_bom(runtime, document, None, organisation=organisation, supersedes=supersedes)
    except SubjectOwnedError:
        return False
    return True


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    supplier_first=st.booleans(),
    linked=st.booleans(),
    registry_first=st.booleans(),
    played=moves,
)
def test_no_sequence_of_moves_makes_an_ineligible_product_eligible(  # noqa: PLR0917 - hypothesis
    migrated_template: str,
    tmp_path: Path,
    supplier_first: bool,
    linked: bool,
    registry_first: bool,
    played: list[Move],
) -> None:
    question = QUESTION
    with fresh_runtime(migrated_template, tmp_path) as runtime:

        def registry() -> None:
            import_registry(runtime, scenario.registry(CAMERA, MODULE_PURL), actor="tests")

        camera_serial = f"urn:uuid:{uuid.uuid4()}"
        uploads = [
            ("supplier", module_bom()),
            ("hikari", camera_bom(linked=linked, serial=camera_serial)),
        ]
        if registry_first:
            registry()
        for organisation, document in uploads if supplier_first else reversed(uploads):
            assert upload(runtime, organisation, document)
        if not registry_first:
            registry()
        assert check_export(runtime, CAMERA, question, record=False).check.decision is (
            Decision.INELIGIBLE
        )

        for who, move, value in played:
            if who == "rival":
                upload(runtime, "rival", RIVAL_MOVES[move](value))
            elif move == OWNER_MOVES[0]:
                assert upload(
                    runtime, "hikari", camera_bom(linked=not linked, serial=camera_serial), "all"
                )
            else:
                assert upload(
                    runtime,
                    "hikari",
                    camera_bom(linked=linked, serial=f"urn:uuid:{uuid.uuid4()}"),
                    "all",
                )
            answer = check_export(runtime, CAMERA, question, record=False)
            assert answer.check.decision is Decision.INELIGIBLE, (played, answer.check)
            assert MODEL_PURL in {b.identity for b in answer.blockers}
