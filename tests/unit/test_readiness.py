"""Review readiness of one model card: each checklist item is found where CycloneDX puts it,
an empty card scores zero on every dimension and a full one scores 100 %."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.domain.readiness import (
    CHECKLIST,
    Card,
    Dimension,
    Found,
    Item,
    assess,
    completeness,
    datasets_of,
)

DATASET: dict[str, Any] = {
    "type": "dataset",
    "name": "inspection images",
    "contents": {"url": "https://example.com/images"},
    "classification": "confidential",
    "sensitiveData": ["faces of line workers"],
    "governance": {"owners": [{"organization": {"name": "Hikari"}}]},
}
FULL: dict[str, Any] = {
    "modelCard": {
        "modelParameters": {"approach": {"type": "supervised"}, "datasets": [DATASET]},
        "quantitativeAnalysis": {"performanceMetrics": [{"type": "recall", "value": "0.97"}]},
        "considerations": {
            "users": ["line inspectors"],
            "useCases": ["defect detection"],
            "technicalLimitations": ["low light"],
            "ethicalConsiderations": [{"name": "worker privacy", "mitigationStrategy": "blur"}],
            "fairnessAssessments": [{"groupAtRisk": "night shift", "harms": "missed defects"}],
        },
    },
    "properties": [{"name": "exportgate:human-oversight", "value": "true"}],
}
OVERSIGHT = Found("/properties/0", "exportgate:human-oversight=true")


def card(
    component: dict[str, Any], data: dict[str, Any] | None = None, *, oversight: bool = False
) -> Card:
    return Card(component, datasets_of(component, data or {}), OVERSIGHT if oversight else None)


def present(found: Card) -> set[Item]:
    return {item for item, finding in assess(found).items() if finding.present}


EMPTY: list[dict[str, Any]] = [
    {},
    {"modelCard": {}},
    {"modelCard": {"considerations": {"useCases": []}}},
]


def test_an_empty_model_card_scores_zero_on_each_dimension_when_nothing_is_given() -> None:
    for component in EMPTY:
        scores = completeness(present(card(component)))
        assert set(scores) == set(Dimension)
        for score in scores.values():
            assert (score.present, score.fraction, score.percent) == (0, 0.0, 0)
            assert score.expected > 0


def test_a_full_model_card_scores_100_percent_on_each_dimension() -> None:
    scores = completeness(present(card(FULL, oversight=True)))
    for score in scores.values():
        assert (score.present, score.fraction, score.percent) == (score.expected, 1.0, 100)


POINTERS: list[tuple[Item, str]] = [
    (Item.DATASETS_DECLARED, "/modelCard/modelParameters/datasets/0"),
    (Item.DATASET_PROVENANCE, "/modelCard/modelParameters/datasets/0/contents"),
    (Item.PERFORMANCE_METRICS, "/modelCard/quantitativeAnalysis/performanceMetrics"),
    (Item.FAIRNESS_ASSESSMENTS, "/modelCard/considerations/fairnessAssessments"),
    (Item.ETHICAL_CONSIDERATIONS, "/modelCard/considerations/ethicalConsiderations"),
    (Item.DATASET_CLASSIFICATION, "/modelCard/modelParameters/datasets/0/classification"),
    (Item.DATASET_SENSITIVE_DATA, "/modelCard/modelParameters/datasets/0/sensitiveData"),
    (Item.DATASET_GOVERNANCE, "/modelCard/modelParameters/datasets/0/governance"),
    (Item.APPROACH, "/modelCard/modelParameters/approach/type"),
    (Item.USE_CASES, "/modelCard/considerations/useCases"),
    (Item.INTENDED_USERS, "/modelCard/considerations/users"),
    (Item.TECHNICAL_LIMITATIONS, "/modelCard/considerations/technicalLimitations"),
    (Item.HUMAN_OVERSIGHT, "/properties/0"),
]


def test_every_checklist_item_has_a_pointer_case() -> None:
    assert {item for item, _ in POINTERS} == {entry.item for entry in CHECKLIST}


@pytest.mark.parametrize(("item", "pointer"), POINTERS)
def test_each_item_is_found_at_its_pointer_when_the_card_is_full(item: Item, pointer: str) -> None:
    findings = assess(card(FULL, oversight=True))
    assert findings[item].present
    assert pointer in [found.pointer for found in findings[item].found]


@pytest.mark.parametrize(
    ("item", "path"),
    [
        (Item.PERFORMANCE_METRICS, ("quantitativeAnalysis", "performanceMetrics")),
        (Item.FAIRNESS_ASSESSMENTS, ("considerations", "fairnessAssessments")),
        (Item.USE_CASES, ("considerations", "useCases")),
        (Item.APPROACH, ("modelParameters", "approach")),
    ],
)
def test_an_item_is_missing_and_says_where_it_was_looked_for_when_taken_out(
    item: Item, path: tuple[str, str]
) -> None:
    component = copy.deepcopy(FULL)
    del component["modelCard"][path[0]][path[1]]
    finding = assess(card(component, oversight=True))[item]
    assert not finding.present
    assert finding.missing is not None
    assert path[0] in finding.missing


def test_a_dataset_item_is_missing_when_any_dataset_lacks_it() -> None:
    component = copy.deepcopy(FULL)
    bare = {"type": "dataset", "name": "scraped", "contents": {"url": "https://example.com"}}
    component["modelCard"]["modelParameters"]["datasets"].append(bare)
    findings = assess(card(component, oversight=True))
    assert findings[Item.DATASET_PROVENANCE].present
    for item in (Item.DATASET_CLASSIFICATION, Item.DATASET_SENSITIVE_DATA, Item.DATASET_GOVERNANCE):
        assert not findings[item].present
        assert "/modelCard/modelParameters/datasets/1" in (findings[item].missing or "")
    scores = completeness(present(card(component, oversight=True)))
    assert scores[Dimension.DATA_PRIVACY].percent == 0


def test_a_dataset_ref_is_read_through_the_data_component_it_names() -> None:
    component = copy.deepcopy(FULL)
    component["modelCard"]["modelParameters"]["datasets"] = [{"ref": "images"}]
    data = {"images": {"data": [DATASET]}}
    findings = assess(card(component, data, oversight=True))
    assert findings[Item.DATASET_CLASSIFICATION].found == (
        Found("images:/data/0/classification", "confidential"),
    )
    assert (
        completeness(present(card(component, data, oversight=True)))[Dimension.DATA_PRIVACY].percent
        == 100
    )


def test_a_dataset_ref_the_bom_does_not_hold_leaves_the_dataset_items_missing() -> None:
    component = copy.deepcopy(FULL)
    component["modelCard"]["modelParameters"]["datasets"] = [{"ref": "nowhere"}]
    findings = assess(card(component, {}, oversight=True))
    assert not findings[Item.DATASETS_DECLARED].present
    assert "nowhere" in (findings[Item.DATASETS_DECLARED].missing or "")
    assert not findings[Item.DATASET_CLASSIFICATION].present


def test_a_blank_field_is_not_evidence() -> None:
    component = copy.deepcopy(FULL)
    component["modelCard"]["modelParameters"]["approach"] = {"type": "  "}
    component["modelCard"]["considerations"]["useCases"] = []
    findings = assess(card(component, oversight=True))
    assert not findings[Item.APPROACH].present
    assert not findings[Item.USE_CASES].present


def test_completeness_is_rounded_down_to_a_whole_percent() -> None:
    component = copy.deepcopy(FULL)
    del component["modelCard"]["considerations"]["users"]
    score = completeness(present(card(component)))[Dimension.SYSTEM_CONTROLLABILITY]
    # use cases, limitations and the approach; no users, no oversight.
    assert (score.present, score.expected) == (3, 5)
    assert score.percent == 60
    assert score.fraction == pytest.approx(0.6)
