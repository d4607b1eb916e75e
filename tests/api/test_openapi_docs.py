"""/docs and /redoc work on a network without internet, and the OpenAPI document names its
operations and groups them as a client generator's functions and modules would be named."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings

SNAKE_CASE = re.compile(r"[a-z]+(_[a-z]+)*")
# Every operation starts with what it does; a new one with another verb is added here on
# purpose, not by a function named after its path.
VERBS = {
    "add", "check", "create", "delete", "diff", "enable", "get", "import", "issue", "list",
    "publish", "record", "retire", "revoke", "save", "search", "set", "transfer", "upload",
}  # fmt: skip
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
# Any URL a page names: an attribute value, or a quoted string in its script.
LINKED = re.compile(r"""(?:src|href|url|spec-url)\s*[=:]\s*["']([^"']+)["']""")


@pytest.fixture
def anonymous(settings: Settings) -> Iterator[TestClient]:
    """The API as a browser without a key opens it."""
    with TestClient(create_app(settings)) as browser:
        yield browser


@pytest.fixture
def document(anonymous: TestClient) -> dict[str, Any]:
    found: dict[str, Any] = anonymous.get("/openapi.json").json()
    return found


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def _swagger_script(browser: TestClient) -> str:
    linked: list[str] = LINKED.findall(browser.get("/docs").text)
    return next(url for url in linked if url.endswith(".js"))


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_a_docs_page_loads_only_what_the_server_itself_serves(
    anonymous: TestClient, page: str
) -> None:
    answer = anonymous.get(page)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    # Never kept by a browser: after an upgrade the page names the new assets.
    assert answer.headers["cache-control"] == "no-cache"
    html = answer.text
    assert "http://" not in html
    assert "https://" not in html
    linked = LINKED.findall(html)
    assert "/openapi.json" in linked
    assets = [url for url in linked if url != "/openapi.json"]
    assert len(assets) >= 2, linked  # the script and the favicon, and Swagger UI's styles
    for url in assets:
        assert url.startswith("/"), url
        assert not url.startswith("//"), url
        asset = anonymous.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable", url


def test_an_asset_is_revalidated_without_being_sent_again(anonymous: TestClient) -> None:
    script = _swagger_script(anonymous)
    first = anonymous.get(script)
    assert first.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    again = anonymous.get(script, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_an_unknown_asset_is_a_404_problem(anonymous: TestClient) -> None:
    script = _swagger_script(anonymous)
    missing = anonymous.get(script.rsplit("/", 1)[0] + "/no-such-asset.js")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    escaping = anonymous.get(script.rsplit("/", 1)[0] + "/../../../pyproject.toml")
    assert escaping.status_code == 404


def test_every_operation_id_is_a_short_unique_verb_phrase(document: dict[str, Any]) -> None:
    ids = Counter(operation["operationId"] for _, _, operation in _operations(document))
    assert len(ids) > 40
    assert [name for name, count in ids.items() if count > 1] == []
    for path, method, operation in _operations(document):
        name = operation["operationId"]
        words = name.split("_")
        assert SNAKE_CASE.fullmatch(name), (method, path, name)
        assert words[0] in VERBS, (method, path, name)
        assert words[-1] not in METHODS | {"route"}, (method, path, name)
        # No fragment of the URL (`api_v1`, a `{bom_id}` parameter): ids are never built
        # from it.
        assert not {"api", "v1", "id"} & set(words), (method, path, name)
        assert len(words) <= 4, (method, path, name)


def test_every_operation_has_a_summary_written_for_people(document: dict[str, Any]) -> None:
    # FastAPI's fallback is the function's name in title case ("Get Bom Route"), which the
    # pages and a generated client's docstrings would show.
    for path, method, operation in _operations(document):
        summary = operation["summary"]
        assert not summary.endswith(" Route"), (method, path, summary)
        assert summary != operation["operationId"].replace("_", " ").title(), (method, path)


def test_the_ids_a_client_is_generated_from_name_what_each_operation_does(
    document: dict[str, Any],
) -> None:
    ids = {(method, path): op["operationId"] for path, method, op in _operations(document)}
    assert ids[("get", "/api/v1/products")] == "list_products"
    assert ids[("get", "/api/v1/products/{product_id}")] == "get_product"
    assert ids[("get", "/api/v1/products/{product_id}/export-check")] == "check_export"
    assert ids[("post", "/api/v1/boms")] == "upload_bom"
    assert ids[("delete", "/api/v1/keys/{key_id}")] == "revoke_key"


def test_every_operation_has_one_described_tag_fit_for_a_module_name(
    document: dict[str, Any],
) -> None:
    declared = {tag["name"]: tag.get("description", "") for tag in document["tags"]}
    used: set[str] = set()
    for path, method, operation in _operations(document):
        tags = operation.get("tags", [])
        assert len(tags) == 1, (method, path, tags)
        assert tags[0] in declared, (method, path, tags)
        used.add(tags[0])
    assert used == set(declared)
    for name, description in declared.items():
        assert SNAKE_CASE.fullmatch(name), name
        assert len(description) > 20, name
    assert {
        "boms", "products", "components", "certificates", "registry", "decisions",
        "webhooks", "status_changes", "access",
    } <= used  # fmt: skip
