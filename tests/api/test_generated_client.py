"""A Python client generated from the app's OpenAPI document by openapi-python-client, with
no network, and used against a live server: the document is one a client can be generated
from, each tag becomes a module and each operation id a function, and the client uploads,
reads back and lists as an integrator would."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator
from io import BytesIO
from types import ModuleType
from typing import Any

import pytest

from app.api.main import create_app
from app.config import Settings
from app.domain.access import Role
from tests.conftest import SAMPLES, issue_key
from tests.live import live_server

PACKAGE = "exportgate_client"
# A closed port on this machine: a generator that tried to fetch anything would fail.
NO_NETWORK = "http://127.0.0.1:9"
# The generator takes no XML request bodies: it says so, and leaves the two upload
# operations their JSON and multipart bodies (an XML BOM travels as a multipart file). Any
# other warning is an operation or schema a client would lose.
EXPECTED_WARNINGS = {
    (operation, f"Unsupported content type {media_type}")
    for operation in ("POST /api/v1/boms", "POST /api/v1/export-checks")
    for media_type in ("application/vnd.cyclonedx+xml", "application/xml")
}
WARNING = re.compile(r"^WARNING parsing (\S+ \S+) within \w+\.\n\n(.+)$", re.MULTILINE)
CAMERA_JSON = SAMPLES / "smart-camera-v1.cdx.json"
STATION_XML = SAMPLES / "aoi-station.cdx.xml"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    found: dict[str, Any] = create_app(Settings(database_url="sqlite://")).openapi()
    return found


@pytest.fixture(scope="module")
def client_package(
    document: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ModuleType]:
    """The generated client, imported; generated once for the module."""
    folder = tmp_path_factory.mktemp("generated")
    (folder / "openapi.json").write_text(json.dumps(document), encoding="utf-8")
    # JSON is YAML: the generator reads either. No post-hooks: formatting the output would
    # only slow the test.
    config = {"package_name_override": PACKAGE, "post_hooks": []}
    (folder / "config.yaml").write_text(json.dumps(config), encoding="utf-8")
    offline = dict.fromkeys(("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"), NO_NETWORK)
    command = [
        sys.executable, "-m", "openapi_python_client", "generate",
        "--path", "openapi.json", "--config", "config.yaml",
        "--meta", "none", "--output-path", PACKAGE,
    ]  # fmt: skip
    generated = subprocess.run(
        command,
        cwd=folder,
        # Wide enough that no warning is wrapped.
        env={**os.environ, **offline, "COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )
    assert generated.returncode == 0, generated.stdout
    assert set(WARNING.findall(generated.stdout)) == EXPECTED_WARNINGS, generated.stdout
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.partition(".")[0] == PACKAGE]:
            del sys.modules[name]


def _module(package: ModuleType, name: str) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.{name}")


def _submodules(package: ModuleType) -> set[str]:
    return {found.name for found in pkgutil.iter_modules(package.__path__)}


def test_each_tag_is_a_module_and_each_operation_id_a_function_of_the_client(
    client_package: ModuleType, document: dict[str, Any]
) -> None:
    api = _module(client_package, "api")
    tags = {tag["name"] for tag in document["tags"]}
    assert _submodules(api) == tags
    ids = {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if "operationId" in operation
    }
    functions = {name for tag in tags for name in _submodules(_module(api, tag))}
    assert functions == ids
    for tag in tags:
        for name in _submodules(_module(api, tag)):
            operation = _module(api, f"{tag}.{name}")
            assert callable(operation.sync)
            assert callable(operation.sync_detailed)


def test_an_integrator_uploads_reads_back_and_lists_through_the_generated_client(
    client_package: ModuleType, database_url: str, settings: Settings
) -> None:
    boms = _module(client_package, "api.boms")
    products = _module(client_package, "api.products")
    checks = _module(client_package, "api.export_checks")
    models = _module(client_package, "models")
    files = _module(client_package, "types")
    key = issue_key(settings, Role.INTEGRATOR, organisation="acme")
    with (
        live_server(database_url) as base,
        client_package.AuthenticatedClient(
            base_url=base, token=key, raise_on_unexpected_status=True
        ) as client,
    ):
        body = models.UploadBomJsonBody.from_dict(json.loads(CAMERA_JSON.read_text()))
        uploaded = boms.upload_bom.sync_detailed(client=client, body=body)
        assert uploaded.status_code == 201
        camera = uploaded.parsed
        assert (camera.organisation, camera.visibility) == ("acme", "private")
        station_file = files.File(
            payload=BytesIO(STATION_XML.read_bytes()),
            file_name=STATION_XML.name,
            mime_type="application/vnd.cyclonedx+xml",
        )
        station = boms.upload_bom.sync(
            client=client, body=models.UploadBomFilesBody(bom=station_file)
        )
        assert station.media_type == "application/vnd.cyclonedx+xml"

        read_back = boms.get_bom.sync(bom_id=camera.id, client=client)
        assert (read_back.id, read_back.product_id, read_back.serial_number) == (
            camera.id,
            camera.product_id,
            camera.serial_number,
        )
        listed = boms.list_boms.sync(client=client)
        assert [stored.id for stored in listed.items] == [camera.id, station.id]
        page = products.list_products.sync(client=client)
        assert {camera.product_id, station.product_id} <= {p.id for p in page.items}
        product = products.get_product.sync(product_id=camera.product_id, client=client)
        assert (product.name, product.version) == ("HV-S3 Smart Inspection Camera", "1.0")
        check = checks.check_export.sync(product_id=camera.product_id, to="DE", client=client)
        assert check.decision in {"eligible", "ineligible", "not_in_scope"}


def test_another_organisation_gets_only_problems_through_the_generated_client(
    client_package: ModuleType, database_url: str, settings: Settings
) -> None:
    boms = _module(client_package, "api.boms")
    products = _module(client_package, "api.products")
    models = _module(client_package, "models")
    owner = issue_key(settings, Role.INTEGRATOR, organisation="acme")
    rival = issue_key(settings, Role.INTEGRATOR, organisation="rival")
    with (
        live_server(database_url) as base,
        client_package.AuthenticatedClient(base_url=base, token=owner) as acme,
        client_package.AuthenticatedClient(base_url=base, token=rival) as other,
        client_package.Client(base_url=base) as anonymous,
    ):
        body = models.UploadBomJsonBody.from_dict(json.loads(CAMERA_JSON.read_text()))
        camera = boms.upload_bom.sync(client=acme, body=body)

        hidden = boms.get_bom.sync_detailed(bom_id=camera.id, client=other)
        assert hidden.status_code == 404
        assert isinstance(hidden.parsed, models.Problem)
        assert boms.list_boms.sync(client=other).items == []
        assert products.list_products.sync(client=other).items == []

        refused = products.list_products.sync_detailed(client=anonymous)
        assert refused.status_code == 401
        assert isinstance(refused.parsed, models.Problem)
