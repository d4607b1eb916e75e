"""What a CycloneDX document says in exportgate's terms: AI components, claimed certificates,
sector, edges and warnings (PRODUCT.md sections 3, 6 and 9)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.bom.reader import ReadLimits, read_bom
from app.domain.bom import (
    AiReason,
    BomContents,
    ClaimedCertificate,
    ClaimSource,
    EdgeKind,
    Identity,
    IdentityKind,
    Mention,
    MentionRole,
    ReadWarningCode,
)
from app.domain.errors import LimitExceededError
from app.domain.ids import IdentityKey

SERIAL = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
SUBJECT = "camera"


def _document(
    components: list[dict[str, Any]] | None = None,
    *,
    subject: dict[str, Any] | None = None,
    with_subject: bool = True,
    **sections: Any,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": SERIAL,
        "version": 1,
    }
    if with_subject:
        document["metadata"] = {
            "component": subject or {"type": "device", "name": "Camera", "bom-ref": SUBJECT}
        }
    if components is not None:
        document["components"] = components
    document.update(sections)
    return document


def _read(document: dict[str, Any], limits: ReadLimits | None = None) -> BomContents:
    return read_bom(json.dumps(document).encode(), None, limits or ReadLimits()).contents


def _library(ref: str, **fields: Any) -> dict[str, Any]:
    return {"type": "library", "name": ref, "bom-ref": ref, **fields}


def _mention(contents: BomContents, name: str) -> Mention:
    found = [mention for mention in contents.mentions if mention.name == name]
    assert len(found) == 1, f"expected one mention named {name!r}, found {found}"
    return found[0]


def _edges(contents: BomContents) -> set[tuple[str, str, EdgeKind]]:
    return {(edge.source, edge.target, edge.kind) for edge in contents.edges}


def _codes(contents: BomContents) -> list[ReadWarningCode]:
    return [warning.code for warning in contents.warnings]


# What a mention keeps


def test_raw_keeps_every_field_the_mention_does_not_hold_itself_when_a_component_is_read() -> None:
    licenses = [{"license": {"id": "Apache-2.0"}}]
    model_card = {"considerations": {"users": ["quality engineers"]}}
    contents = _read(
        _document(
            [
                _library(
                    "detector",
                    version="2.1.0",
                    purl="pkg:pypi/detector@2.1.0",
                    hashes=[{"alg": "SHA-256", "content": "a" * 64}],
                    licenses=licenses,
                    modelCard=model_card,
                    components=[_library("weights")],
                )
            ]
        )
    )
    detector = _mention(contents, "detector")
    assert detector.raw == {
        "purl": "pkg:pypi/detector@2.1.0",
        "licenses": licenses,
        "modelCard": model_card,
    }
    assert (detector.ref, detector.type, detector.version) == ("detector", "library", "2.1.0")
    assert [(h.algorithm, h.value) for h in detector.hashes] == [("SHA-256", "a" * 64)]


# AI classification


def test_component_is_ai_when_type_is_machine_learning_model() -> None:
    contents = _read(_document([{"type": "machine-learning-model", "name": "vision"}]))
    vision = _mention(contents, "vision")
    assert vision.is_ai
    assert vision.ai_reasons == (AiReason.MODEL_TYPE,)


def test_library_is_ai_when_it_carries_a_model_card() -> None:
    contents = _read(_document([_library("classifier", modelCard={})]))
    classifier = _mention(contents, "classifier")
    assert classifier.type == "library"
    assert classifier.ai_reasons == (AiReason.MODEL_CARD,)


def test_service_is_ai_when_property_ai_component_is_true() -> None:
    service = {
        "bom-ref": "llm",
        "name": "hosted-llm",
        "provider": {"name": "Cloud Co"},
        "properties": [{"name": "exportgate:ai-component", "value": "true"}],
    }
    contents = _read(_document(services=[service]))
    llm = _mention(contents, "hosted-llm")
    assert llm.type == "service"
    assert llm.role is MentionRole.LISTED
    assert llm.supplier == "Cloud Co"
    assert llm.ai_reasons == (AiReason.PROPERTY,)
    assert (SUBJECT, "llm", EdgeKind.INVENTORY) in _edges(contents)


@pytest.mark.parametrize("value", ["false", "no", ""])
def test_service_is_not_ai_when_property_ai_component_is_not_true(value: str) -> None:
    service = {
        "name": "search-api",
        "properties": [{"name": "exportgate:ai-component", "value": value}],
    }
    contents = _read(_document(services=[service]))
    assert not _mention(contents, "search-api").is_ai


def test_component_is_not_ai_when_it_is_a_data_component() -> None:
    contents = _read(_document([{"type": "data", "name": "images"}, _library("plain")]))
    assert not _mention(contents, "images").is_ai
    assert not _mention(contents, "plain").is_ai
    assert contents.ai_mentions() == []


# Claimed certificates


def test_certificate_number_is_the_comment_when_a_certification_report_has_one() -> None:
    reference = {
        "type": "certification-report",
        "url": "https://reviewer.example/reports/42",
        "comment": " AIEC-2026-0001 ",
    }
    contents = _read(_document([_library("vision", externalReferences=[reference])]))
    assert _mention(contents, "vision").claimed_certificates == (
        ClaimedCertificate(
            "AIEC-2026-0001", ClaimSource.EXTERNAL_REFERENCE, "https://reviewer.example/reports/42"
        ),
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://reviewer.example/certificates/AIEC-2026-0002",
        "https://reviewer.example/certificates/AIEC-2026-0002/",
    ],
)
def test_certificate_number_is_last_url_segment_when_a_certification_report_has_only_a_url(
    url: str,
) -> None:
    reference = {"type": "certification-report", "url": url}
    contents = _read(_document([_library("vision", externalReferences=[reference])]))
    claims = _mention(contents, "vision").claimed_certificates
    assert [(claim.number, claim.source, claim.url) for claim in claims] == [
        ("AIEC-2026-0002", ClaimSource.EXTERNAL_REFERENCE, url)
    ]


def test_certificate_is_claimed_when_property_exportgate_certificate_is_set() -> None:
    properties = [{"name": "exportgate:certificate", "value": "AIEC-2026-0003"}]
    contents = _read(_document([_library("vision", properties=properties)]))
    assert _mention(contents, "vision").claimed_certificates == (
        ClaimedCertificate("AIEC-2026-0003", ClaimSource.PROPERTY),
    )


def test_no_certificate_is_claimed_when_external_reference_is_not_a_certification_report() -> None:
    reference = {"type": "website", "url": "https://vendor.example/AIEC-2026-0004"}
    contents = _read(_document([_library("vision", externalReferences=[reference])]))
    assert _mention(contents, "vision").claimed_certificates == ()


# Sector


def test_sector_is_read_when_subject_has_exportgate_sector_property() -> None:
    subject = {
        "type": "device",
        "name": "Camera",
        "bom-ref": SUBJECT,
        "properties": [{"name": "exportgate:sector", "value": "industrial-quality-inspection"}],
    }
    assert _read(_document(subject=subject)).sector == "industrial-quality-inspection"


def test_sector_is_none_when_subject_has_no_sector_property() -> None:
    properties = [{"name": "exportgate:sector", "value": "hiring"}]
    # The property on another component does not give the product a sector.
    contents = _read(_document([_library("part", properties=properties)]))
    assert contents.sector is None


# Edges


def test_dependency_edge_is_declared_when_dependencies_list_depends_on() -> None:
    contents = _read(
        _document(
            [_library("a"), _library("b")],
            dependencies=[{"ref": SUBJECT, "dependsOn": ["a"]}, {"ref": "a", "dependsOn": ["b"]}],
        )
    )
    edges = _edges(contents)
    assert (SUBJECT, "a", EdgeKind.DEPENDENCY) in edges
    assert ("a", "b", EdgeKind.DEPENDENCY) in edges


def test_nesting_edge_is_declared_when_a_component_nests_components() -> None:
    module = _library("module", components=[_library("inner")])
    subject = {
        "type": "device",
        "name": "Camera",
        "bom-ref": SUBJECT,
        "components": [_library("board")],
    }
    contents = _read(_document([module], subject=subject))
    edges = _edges(contents)
    assert ("module", "inner", EdgeKind.NESTING) in edges
    assert (SUBJECT, "board", EdgeKind.NESTING) in edges
    assert _mention(contents, "inner").role is MentionRole.LISTED
    assert _mention(contents, "board").role is MentionRole.LISTED


def test_inventory_edge_links_subject_only_when_listed_component_is_unreached() -> None:
    contents = _read(
        _document(
            [_library("used"), _library("forgotten")],
            dependencies=[{"ref": SUBJECT, "dependsOn": ["used"]}],
        )
    )
    inventory = {(s, t) for s, t, kind in _edges(contents) if kind is EdgeKind.INVENTORY}
    assert inventory == {(SUBJECT, "forgotten")}


def test_no_edge_is_declared_when_dependencies_use_provides() -> None:
    contents = _read(
        _document(
            [
                _library("crypto-lib"),
                {"type": "cryptographic-asset", "name": "aes", "bom-ref": "aes"},
            ],
            dependencies=[
                {"ref": SUBJECT, "dependsOn": ["crypto-lib"]},
                {"ref": "crypto-lib", "provides": ["aes"]},
            ],
        )
    )
    edges = _edges(contents)
    assert not any(source == "crypto-lib" for source, _target, _kind in edges)
    # Not reached through a dependency, so the listed component is inventory of the subject.
    assert (SUBJECT, "aes", EdgeKind.INVENTORY) in edges


def test_dataset_edge_points_to_listed_data_component_when_model_card_references_it() -> None:
    model = {
        "type": "machine-learning-model",
        "name": "vision",
        "bom-ref": "vision",
        "modelCard": {"modelParameters": {"datasets": [{"ref": "images"}]}},
    }
    contents = _read(
        _document(
            [model, {"type": "data", "name": "images", "bom-ref": "images"}],
            dependencies=[{"ref": SUBJECT, "dependsOn": ["vision"]}],
        )
    )
    edges = _edges(contents)
    assert ("vision", "images", EdgeKind.DATASET) in edges
    images = _mention(contents, "images")
    assert images.role is MentionRole.LISTED
    # Listed, so still part of the product: the lineage edge does not contain it.
    assert (SUBJECT, "images", EdgeKind.INVENTORY) in edges
    assert len(contents.mentions) == 3


def test_inline_dataset_becomes_lineage_mention_when_model_card_embeds_it() -> None:
    model = {
        "type": "machine-learning-model",
        "name": "vision",
        "bom-ref": "vision",
        "modelCard": {
            "modelParameters": {"datasets": [{"type": "dataset", "name": "factory-images"}]}
        },
    }
    contents = _read(_document([model], dependencies=[{"ref": SUBJECT, "dependsOn": ["vision"]}]))
    dataset = _mention(contents, "factory-images")
    assert dataset.role is MentionRole.LINEAGE
    assert dataset.location == "/components/0/modelCard/modelParameters/datasets/0"
    assert not dataset.is_ai
    edges = _edges(contents)
    assert ("vision", dataset.ref, EdgeKind.DATASET) in edges
    assert not any(target == dataset.ref for _s, target, kind in edges if kind.is_containment)


def test_base_model_edge_points_to_lineage_mention_when_pedigree_names_ancestors() -> None:
    model = {
        "type": "machine-learning-model",
        "name": "vision-ft",
        "bom-ref": "vision-ft",
        "pedigree": {
            "ancestors": [
                {
                    "type": "machine-learning-model",
                    "name": "vision-base",
                    "purl": "pkg:huggingface/acme/vision-base@1",
                }
            ]
        },
    }
    contents = _read(_document([model]))
    base = _mention(contents, "vision-base")
    assert base.role is MentionRole.LINEAGE
    assert base.identity == Identity(
        IdentityKind.PURL, IdentityKey("pkg:huggingface/acme/vision-base@1")
    )
    assert base.is_ai
    edges = _edges(contents)
    assert ("vision-ft", base.ref, EdgeKind.BASE_MODEL) in edges
    assert not any(target == base.ref for _s, target, kind in edges if kind.is_containment)


def test_document_is_accepted_when_dependencies_form_a_cycle() -> None:
    contents = _read(
        _document(
            [_library("a"), _library("b")],
            dependencies=[
                {"ref": SUBJECT, "dependsOn": ["a"]},
                {"ref": "a", "dependsOn": ["b"]},
                {"ref": "b", "dependsOn": ["a", SUBJECT]},
            ],
        )
    )
    edges = _edges(contents)
    assert {("a", "b", EdgeKind.DEPENDENCY), ("b", "a", EdgeKind.DEPENDENCY)} <= edges
    assert ("b", SUBJECT, EdgeKind.DEPENDENCY) in edges
    assert not any(kind is EdgeKind.INVENTORY for _s, _t, kind in edges)
    assert contents.warnings == ()


# Inconsistent but schema-valid documents


def test_dangling_ref_becomes_opaque_mention_when_dependency_names_unknown_ref() -> None:
    data = json.dumps(
        _document([_library("a")], dependencies=[{"ref": "a", "dependsOn": ["ghost"]}])
    ).encode()
    read = read_bom(data, None, ReadLimits())
    contents = read.contents
    dangling = [w for w in contents.warnings if w.code is ReadWarningCode.DANGLING_REF]
    assert [w.location for w in dangling] == ["/dependencies/0/dependsOn/0"]
    ghost = next(mention for mention in contents.mentions if mention.ref == "ghost")
    assert ghost.role is MentionRole.DANGLING
    assert ghost.identity.kind is IdentityKind.OPAQUE
    # Opaque nodes are local to their BOM: two BOMs naming "ghost" are not one component.
    assert read.sha256 in ghost.identity.key
    assert ("a", "ghost", EdgeKind.DEPENDENCY) in _edges(contents)


def test_both_mentions_are_kept_when_bom_ref_is_duplicated() -> None:
    contents = _read(
        _document(
            [
                {"type": "library", "name": "first", "bom-ref": "dup"},
                {"type": "library", "name": "second", "bom-ref": "dup"},
            ],
            dependencies=[{"ref": SUBJECT, "dependsOn": ["dup"]}],
        )
    )
    first = _mention(contents, "first")
    second = _mention(contents, "second")
    assert first.ref != second.ref
    duplicates = [w for w in contents.warnings if w.code is ReadWarningCode.DUPLICATE_BOM_REF]
    assert [w.location for w in duplicates] == ["/components/1"]
    edges = _edges(contents)
    # References to a duplicated bom-ref mean the first; the second is still inventory.
    assert (SUBJECT, first.ref, EdgeKind.DEPENDENCY) in edges
    assert (SUBJECT, second.ref, EdgeKind.INVENTORY) in edges


def test_subject_is_synthesised_from_serial_number_when_metadata_component_is_missing() -> None:
    contents = _read(_document([_library("a"), _library("b")], with_subject=False))
    assert contents.is_inventory
    assert contents.subject.identity == Identity(
        IdentityKind.INVENTORY, IdentityKey(f"inventory:{SERIAL}")
    )
    assert _codes(contents) == [ReadWarningCode.NO_SUBJECT]
    inventory = {t for s, t, kind in _edges(contents) if kind is EdgeKind.INVENTORY}
    assert inventory == {"a", "b"}
    assert all(s == contents.subject.ref for s, _t, _k in _edges(contents))


def test_subject_is_synthesised_from_digest_when_no_subject_and_no_serial_number() -> None:
    document = _document([_library("a")], with_subject=False)
    del document["serialNumber"]
    read = read_bom(json.dumps(document).encode(), None, ReadLimits())
    assert read.contents.is_inventory
    assert read.contents.subject.identity.key == f"inventory:sha256:{read.sha256}"


def test_bom_is_not_an_inventory_when_metadata_component_is_present() -> None:
    contents = _read(_document([_library("a")]))
    assert not contents.is_inventory
    assert contents.subject.name == "Camera"
    assert contents.subject.role is MentionRole.SUBJECT
    assert ReadWarningCode.NO_SUBJECT not in _codes(contents)


@pytest.mark.parametrize(
    ("composition", "expected"),
    [
        pytest.param(
            {"aggregate": "incomplete", "assemblies": [SUBJECT]},
            ("incomplete",),
            id="incomplete-subject",
        ),
        pytest.param({"aggregate": "incomplete"}, ("incomplete",), id="incomplete-whole-bom"),
        pytest.param(
            {"aggregate": "unknown", "assemblies": [SUBJECT]}, ("unknown",), id="unknown-subject"
        ),
        pytest.param({"aggregate": "complete", "assemblies": [SUBJECT]}, (), id="complete"),
        pytest.param(
            {"aggregate": "incomplete", "assemblies": ["a"]}, (), id="incomplete-other-assembly"
        ),
    ],
)
def test_inventory_incomplete_is_warned_when_a_composition_covering_subject_is_incomplete(
    composition: dict[str, Any], expected: tuple[str, ...]
) -> None:
    contents = _read(_document([_library("a")], compositions=[composition]))
    assert contents.incomplete_aggregates == expected
    warned = ReadWarningCode.INVENTORY_INCOMPLETE in _codes(contents)
    assert warned is bool(expected)


# Limits


def _nested_chain(depth: int) -> dict[str, Any]:
    """A top-level component with `depth` levels of components nested below it."""
    item = _library(f"level-{depth}")
    for level in range(depth - 1, -1, -1):
        item = _library(f"level-{level}", components=[item])
    return item


def test_limit_exceeded_names_location_when_nesting_is_deeper_than_max_nesting_depth() -> None:
    limits = ReadLimits(max_nesting_depth=3)
    with pytest.raises(LimitExceededError) as raised:
        _read(_document([_nested_chain(4)]), limits)
    assert raised.value.limit_name == "max_nesting_depth"
    assert raised.value.limit == 3
    assert "/components/0" + "/components/0" * 4 in str(raised.value)


def test_nesting_is_accepted_when_it_is_exactly_max_nesting_depth() -> None:
    contents = _read(_document([_nested_chain(3)]), ReadLimits(max_nesting_depth=3))
    assert _mention(contents, "level-3").location == "/components/0" + "/components/0" * 3


def test_limit_exceeded_when_more_components_than_max_components() -> None:
    document = _document([_library(f"part-{index}") for index in range(5)])
    with pytest.raises(LimitExceededError) as raised:
        _read(document, ReadLimits(max_components=3))
    assert raised.value.limit_name == "max_components"
    assert raised.value.limit == 3
    assert len(_read(document, ReadLimits(max_components=10)).mentions) == 6


# The same document as JSON and as XML

_CERTIFICATE_URL = "https://reviewer.example/certificates/AIEC-2026-0005"

_JSON_FORM: dict[str, Any] = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "serialNumber": SERIAL,
    "version": 1,
    "metadata": {
        "component": {
            "type": "device",
            "bom-ref": SUBJECT,
            "supplier": {"name": "Acme"},
            "name": "Camera",
            "version": "2.0",
            "properties": [{"name": "exportgate:sector", "value": "industrial-quality-inspection"}],
            "components": [
                {"type": "firmware", "bom-ref": "fw", "name": "firmware", "version": "1"}
            ],
        }
    },
    "components": [
        {
            "type": "machine-learning-model",
            "bom-ref": "vision",
            "name": "vision",
            "purl": "pkg:pypi/Vision@1.0",
            "pedigree": {
                "ancestors": [
                    {"type": "machine-learning-model", "name": "vision-base", "version": "2"}
                ]
            },
            "externalReferences": [{"type": "certification-report", "url": _CERTIFICATE_URL}],
            "modelCard": {
                "modelParameters": {
                    "datasets": [{"ref": "images"}, {"type": "dataset", "name": "inline-set"}]
                }
            },
        },
        {"type": "data", "bom-ref": "images", "name": "images"},
        {
            "type": "library",
            "bom-ref": "lib",
            "name": "lib",
            "cpe": "cpe:2.3:a:Acme:lib:1:*:*:*:*:*:*:*",
        },
        {
            "type": "library",
            "bom-ref": "orphan",
            "name": "orphan",
            "swid": {"tagId": "Orphan-Tag", "name": "orphan"},
            "components": [{"type": "library", "bom-ref": "inner", "name": "inner"}],
        },
    ],
    "services": [
        {
            "bom-ref": "llm",
            "provider": {"name": "Cloud"},
            "name": "hosted-llm",
            "endpoints": ["https://llm.cloud.example/v1/chat/completions"],
            "properties": [
                {"name": "exportgate:ai-component", "value": "true"},
                {"name": "exportgate:certificate", "value": "AIEC-2026-0006"},
            ],
        }
    ],
    "dependencies": [
        {"ref": SUBJECT, "dependsOn": ["vision", "llm"]},
        {"ref": "vision", "dependsOn": ["lib"]},
        {"ref": "lib", "dependsOn": ["vision"]},
        {"ref": "llm", "provides": ["orphan"]},
    ],
}

_XML_FORM = f"""<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" serialNumber="{SERIAL}" version="1">
  <metadata>
    <component type="device" bom-ref="{SUBJECT}">
      <supplier><name>Acme</name></supplier>
      <name>Camera</name>
      <version>2.0</version>
      <properties>
        <property name="exportgate:sector">industrial-quality-inspection</property>
      </properties>
      <components>
        <component type="firmware" bom-ref="fw">
          <name>firmware</name><version>1</version>
        </component>
      </components>
    </component>
  </metadata>
  <components>
    <component type="machine-learning-model" bom-ref="vision">
      <name>vision</name>
      <purl>pkg:pypi/Vision@1.0</purl>
      <pedigree>
        <ancestors>
          <component type="machine-learning-model">
            <name>vision-base</name>
            <version>2</version>
          </component>
        </ancestors>
      </pedigree>
      <externalReferences>
        <reference type="certification-report"><url>{_CERTIFICATE_URL}</url></reference>
      </externalReferences>
      <modelCard>
        <modelParameters>
          <datasets>
            <ref>images</ref>
            <dataset><type>dataset</type><name>inline-set</name></dataset>
          </datasets>
        </modelParameters>
      </modelCard>
    </component>
    <component type="data" bom-ref="images"><name>images</name></component>
    <component type="library" bom-ref="lib">
      <name>lib</name>
      <cpe>cpe:2.3:a:Acme:lib:1:*:*:*:*:*:*:*</cpe>
    </component>
    <component type="library" bom-ref="orphan">
      <name>orphan</name>
      <swid tagId="Orphan-Tag" name="orphan"/>
      <components>
        <component type="library" bom-ref="inner"><name>inner</name></component>
      </components>
    </component>
  </components>
  <services>
    <service bom-ref="llm">
      <provider><name>Cloud</name></provider>
      <name>hosted-llm</name>
      <endpoints><endpoint>https://llm.cloud.example/v1/chat/completions</endpoint></endpoints>
      <properties>
        <property name="exportgate:ai-component">true</property>
        <property name="exportgate:certificate">AIEC-2026-0006</property>
      </properties>
    </service>
  </services>
  <dependencies>
    <dependency ref="{SUBJECT}"><dependency ref="vision"/><dependency ref="llm"/></dependency>
    <dependency ref="vision"><dependency ref="lib"/></dependency>
    <dependency ref="lib"><dependency ref="vision"/></dependency>
    <dependency ref="llm"><provides ref="orphan"/></dependency>
  </dependencies>
</bom>
"""


def _both_forms() -> tuple[BomContents, BomContents]:
    from_json = read_bom(json.dumps(_JSON_FORM).encode(), None, ReadLimits()).contents
    from_xml = read_bom(_XML_FORM.encode(), None, ReadLimits()).contents
    return from_json, from_xml


def _identity_edges(contents: BomContents) -> set[tuple[str, str, EdgeKind]]:
    keys = {mention.ref: mention.identity.key for mention in contents.mentions}
    return {(keys[edge.source], keys[edge.target], edge.kind) for edge in contents.edges}


def test_xml_reads_like_json_when_both_forms_say_the_same() -> None:
    from_json, from_xml = _both_forms()
    assert from_json.format != from_xml.format

    def facts(
        contents: BomContents,
    ) -> set[tuple[Identity, MentionRole, bool, tuple[str, ...], tuple[str, ...]]]:
        return {
            (
                mention.identity,
                mention.role,
                mention.is_ai,
                tuple(claim.number for claim in mention.claimed_certificates),
                # What the suspected-AI hints read: a service's endpoints among them.
                mention.artifacts,
            )
            for mention in contents.mentions
        }

    assert facts(from_xml) == facts(from_json)
    assert _identity_edges(from_xml) == _identity_edges(from_json)
    assert from_xml.subject.identity == from_json.subject.identity
    assert (from_xml.sector, from_xml.serial_number) == (from_json.sector, from_json.serial_number)
    assert [w.code for w in from_xml.warnings] == [w.code for w in from_json.warnings] == []


def test_both_forms_name_the_expected_graph_when_read() -> None:
    # Guards the comparison above against both forms being wrong the same way.
    from_json, _from_xml = _both_forms()
    assert {mention.identity.key for mention in from_json.ai_mentions()} == {
        "pkg:pypi/vision@1.0",
        "||vision-base|2",
        "cloud||hosted-llm|",
    }
    edges = _identity_edges(from_json)
    camera = "acme||camera|2.0"
    assert (camera, "pkg:pypi/vision@1.0", EdgeKind.DEPENDENCY) in edges
    assert (camera, "||firmware|1", EdgeKind.NESTING) in edges
    assert (camera, "swid:Orphan-Tag", EdgeKind.INVENTORY) in edges
    assert ("swid:Orphan-Tag", "||inner|", EdgeKind.NESTING) in edges
    assert ("pkg:pypi/vision@1.0", "||images|", EdgeKind.DATASET) in edges
    assert ("pkg:pypi/vision@1.0", "||inline-set|", EdgeKind.DATASET) in edges
    assert ("pkg:pypi/vision@1.0", "||vision-base|2", EdgeKind.BASE_MODEL) in edges
    assert not any(source == "cloud||hosted-llm|" for source, _t, _k in edges)
    assert _mention(from_json, "vision").claimed_certificates[0].number == "AIEC-2026-0005"
    assert _mention(from_json, "hosted-llm").artifacts == (
        "https://llm.cloud.example/v1/chat/completions",
    )


def test_xml_keeps_component_types_when_both_forms_say_the_same() -> None:
    from_json, from_xml = _both_forms()
    assert {(m.identity, m.type) for m in from_xml.mentions} == {
        (m.identity, m.type) for m in from_json.mentions
    }
