"""Review readiness: what a model card and its BOM offer an ethical reviewer on each of the
three review dimensions, what is missing, and how complete each dimension is. Advice for
BOM authors and reviewers; it never changes a verdict.

The checklist is one table (`CHECKLIST`); docs/readiness.md explains each item for BOM
authors. Items about datasets are present only when every declared dataset gives them (a
reviewer needs them for all the data a model learned from, so one undescribed dataset
leaves the item missing and says which)."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Json = Mapping[str, Any]

# A value quoted beside its pointer is cut here: enough to tell two mentions apart.
QUOTED = 120


class Dimension(enum.StrEnum):
    ALGORITHMIC_BIAS = "algorithmic_bias"
    DATA_PRIVACY = "data_privacy"
    SYSTEM_CONTROLLABILITY = "system_controllability"


class Item(enum.StrEnum):
    DATASETS_DECLARED = "datasets_declared"
    DATASET_PROVENANCE = "dataset_provenance"
    PERFORMANCE_METRICS = "performance_metrics"
    FAIRNESS_ASSESSMENTS = "fairness_assessments"
    ETHICAL_CONSIDERATIONS = "ethical_considerations"
    DATASET_CLASSIFICATION = "dataset_classification"
    DATASET_SENSITIVE_DATA = "dataset_sensitive_data"
    DATASET_GOVERNANCE = "dataset_governance"
    APPROACH = "approach"
    USE_CASES = "use_cases"
    INTENDED_USERS = "intended_users"
    TECHNICAL_LIMITATIONS = "technical_limitations"
    HUMAN_OVERSIGHT = "human_oversight"


@dataclass(frozen=True, slots=True)
class Found:
    """One place evidence was found: a JSON pointer into the component as its BOM gives it
    (or into a referenced dataset component, prefixed with its bom-ref), and a short quote."""

    pointer: str
    value: str


@dataclass(frozen=True, slots=True)
class Dataset:
    """One dataset of a model card, inline or read through its `ref`: where it lives and its
    JSON (None when a `ref` names no data component the BOM holds)."""

    pointer: str
    body: Json | None


@dataclass(frozen=True, slots=True)
class Card:
    """What readiness reads of one mention of a component."""

    component: Json
    datasets: tuple[Dataset, ...]
    human_oversight: Found | None

    @property
    def model_card(self) -> Json:
        card = self.component.get("modelCard")
        return card if isinstance(card, Mapping) else {}


@dataclass(frozen=True, slots=True)
class Finding:
    """One checklist item as one mention answers it: where it was found and, when it is
    missing, why."""

    item: Item
    found: tuple[Found, ...]
    missing: str | None

    @property
    def present(self) -> bool:
        return self.missing is None


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    item: Item
    dimension: Dimension
    # What a reviewer learns from it.
    meaning: str
    # Where in CycloneDX it is read from, for the docs and the answer.
    where: str
    read: Callable[[Card], Finding]


def _quote(value: object) -> str:
    if isinstance(value, Mapping):
        text = ", ".join(str(key) for key in value)
        text = "{" + text + "}"
    elif isinstance(value, list):
        text = f"{len(value)} entr{'y' if len(value) == 1 else 'ies'}"
    else:
        text = str(value)
    return text if len(text) <= QUOTED else text[: QUOTED - 1] + "…"


def _given(value: object) -> bool:
    """Whether a field says anything: not absent, empty or blank."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, Mapping | list):
        return bool(value)
    return True


def _at(root: Json, pointer: str) -> object:
    node: object = root
    for part in pointer.strip("/").split("/"):
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _field(pointer: str, item: Item) -> Callable[[Card], Finding]:
    """An item present when the component gives a non-empty value at the pointer."""

    def read(card: Card) -> Finding:
        value = _at(card.component, pointer)
        if _given(value):
            return Finding(item, (Found(pointer, _quote(value)),), None)
        return Finding(item, (), f"nothing at {pointer}")

    return read


def _datasets_declared(card: Card) -> Finding:
    if not card.datasets:
        return Finding(Item.DATASETS_DECLARED, (), "no /modelCard/modelParameters/datasets")
    found = tuple(Found(d.pointer, _dataset_name(d)) for d in card.datasets)
    unresolved = [d.pointer for d in card.datasets if d.body is None]
    if unresolved:
        return Finding(
            Item.DATASETS_DECLARED,
            found,
            f"a dataset ref leads to no data[] in its BOM: {', '.join(unresolved)}",
        )
    return Finding(Item.DATASETS_DECLARED, found, None)


def _dataset_name(dataset: Dataset) -> str:
    if dataset.body is None:
        return "(unresolved ref)"
    return _quote(dataset.body.get("name") or "(unnamed dataset)")


def _every_dataset(item: Item, fields: Sequence[str]) -> Callable[[Card], Finding]:
    """An item present when every declared dataset gives one of the fields."""

    def read(card: Card) -> Finding:
        if not card.datasets:
            return Finding(item, (), "no datasets are declared")
        found: list[Found] = []
        lacking: list[str] = []
        for dataset in card.datasets:
            given = [
                Found(f"{dataset.pointer}/{name}", _quote(value))
                for name in fields
                if dataset.body is not None and _given(value := dataset.body.get(name))
            ]
            found.extend(given[:1])
            if not given:
                lacking.append(dataset.pointer)
        if lacking:
            wanted = " or ".join(fields)
            return Finding(item, tuple(found), f"no {wanted} at {', '.join(lacking)}")
        return Finding(item, tuple(found), None)

    return read


def _human_oversight(card: Card) -> Finding:
    if card.human_oversight is None:
        return Finding(
            Item.HUMAN_OVERSIGHT, (), "no property exportgate:human-oversight=true on it"
        )
    return Finding(Item.HUMAN_OVERSIGHT, (card.human_oversight,), None)


_MP = "/modelCard/modelParameters"
_QA = "/modelCard/quantitativeAnalysis"
_CO = "/modelCard/considerations"

CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        Item.DATASETS_DECLARED, Dimension.ALGORITHMIC_BIAS,
        "the data the model learned from is named, each dataset resolvable",
        f"{_MP}/datasets[] (inline `type: dataset`, or `ref` to a `type: data` component)",
        _datasets_declared,
    ),
    ChecklistItem(
        Item.DATASET_PROVENANCE, Dimension.ALGORITHMIC_BIAS,
        "where each dataset comes from, so its population can be examined",
        f"{_MP}/datasets[]/contents (url, attachment or properties) or /description",
        _every_dataset(Item.DATASET_PROVENANCE, ("contents", "description")),
    ),
    ChecklistItem(
        Item.PERFORMANCE_METRICS, Dimension.ALGORITHMIC_BIAS,
        "measured performance, ideally per slice of the population",
        f"{_QA}/performanceMetrics[]",
        _field(f"{_QA}/performanceMetrics", Item.PERFORMANCE_METRICS),
    ),
    ChecklistItem(
        Item.FAIRNESS_ASSESSMENTS, Dimension.ALGORITHMIC_BIAS,
        "groups at risk, the harms assessed and their mitigation",
        f"{_CO}/fairnessAssessments[]",
        _field(f"{_CO}/fairnessAssessments", Item.FAIRNESS_ASSESSMENTS),
    ),
    ChecklistItem(
        Item.ETHICAL_CONSIDERATIONS, Dimension.ALGORITHMIC_BIAS,
        "ethical risks named with their mitigation strategy",
        f"{_CO}/ethicalConsiderations[]",
        _field(f"{_CO}/ethicalConsiderations", Item.ETHICAL_CONSIDERATIONS),
    ),
    ChecklistItem(
        Item.DATASET_CLASSIFICATION, Dimension.DATA_PRIVACY,
        "how confidential each dataset is",
        f"{_MP}/datasets[]/classification",
        _every_dataset(Item.DATASET_CLASSIFICATION, ("classification",)),
    ),
    ChecklistItem(
        Item.DATASET_SENSITIVE_DATA, Dimension.DATA_PRIVACY,
        "which personal or sensitive data each dataset holds",
        f"{_MP}/datasets[]/sensitiveData[]",
        _every_dataset(Item.DATASET_SENSITIVE_DATA, ("sensitiveData",)),
    ),
    ChecklistItem(
        Item.DATASET_GOVERNANCE, Dimension.DATA_PRIVACY,
        "who owns, stewards and keeps each dataset",
        f"{_MP}/datasets[]/governance (owners, stewards, custodians)",
        _every_dataset(Item.DATASET_GOVERNANCE, ("governance",)),
    ),
    ChecklistItem(
        Item.APPROACH, Dimension.SYSTEM_CONTROLLABILITY,
        "how the model learns (supervised, reinforcement…), which bounds how it behaves",
        f"{_MP}/approach/type",
        _field(f"{_MP}/approach/type", Item.APPROACH),
    ),
    ChecklistItem(
        Item.USE_CASES, Dimension.SYSTEM_CONTROLLABILITY,
        "what the model is meant to be used for",
        f"{_CO}/useCases[]",
        _field(f"{_CO}/useCases", Item.USE_CASES),
    ),
    ChecklistItem(
        Item.INTENDED_USERS, Dimension.SYSTEM_CONTROLLABILITY,
        "who is meant to operate it",
        f"{_CO}/users[]",
        _field(f"{_CO}/users", Item.INTENDED_USERS),
    ),
    ChecklistItem(
        Item.TECHNICAL_LIMITATIONS, Dimension.SYSTEM_CONTROLLABILITY,
        "where it is known to fail",
        f"{_CO}/technicalLimitations[]",
        _field(f"{_CO}/technicalLimitations", Item.TECHNICAL_LIMITATIONS),
    ),
    ChecklistItem(
        Item.HUMAN_OVERSIGHT, Dimension.SYSTEM_CONTROLLABILITY,
        "a person oversees its decisions",
        "property `exportgate:human-oversight` = `true` on the component",
        _human_oversight,
    ),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Completeness:
    present: int
    expected: int

    @property
    def fraction(self) -> float:
        return self.present / self.expected if self.expected else 0.0

    @property
    def percent(self) -> int:
        """A whole percent, rounded down: 99 % until everything is there."""
        return self.present * 100 // self.expected if self.expected else 0


def assess(card: Card) -> dict[Item, Finding]:
    """Every checklist item as this mention answers it, in checklist order."""
    return {entry.item: entry.read(card) for entry in CHECKLIST}


def completeness(present: set[Item]) -> dict[Dimension, Completeness]:
    """Per dimension: how many of its checklist items are present."""
    return {
        dimension: Completeness(
            sum(1 for e in CHECKLIST if e.dimension is dimension and e.item in present),
            sum(1 for e in CHECKLIST if e.dimension is dimension),
        )
        for dimension in Dimension
    }


def datasets_of(component: Json, data_components: Mapping[str, Json]) -> tuple[Dataset, ...]:
    """The datasets a model card declares: inline ones where they are written, and each
    `ref` through the data component of that bom-ref (every entry of its `data[]`), or
    unresolved."""
    parameters = _at(component, _MP)
    declared = parameters.get("datasets") if isinstance(parameters, Mapping) else None
    found: list[Dataset] = []
    for index, entry in enumerate(declared if isinstance(declared, list) else ()):
        pointer = f"{_MP}/datasets/{index}"
        if not isinstance(entry, Mapping):
            continue
        ref = entry.get("ref")
        if ref is None:
            found.append(Dataset(pointer, entry))
            continue
        target = data_components.get(str(ref))
        entries = target.get("data") if target is not None else None
        if not isinstance(entries, list) or not entries:
            found.append(Dataset(f"{pointer} -> {ref}", None))
            continue
        found.extend(
            Dataset(f"{ref}:/data/{n}", data)
            for n, data in enumerate(entries)
            if isinstance(data, Mapping)
        )
    return tuple(found)


def dataset_refs(component: Json) -> tuple[str, ...]:
    """The bom-refs a model card's datasets name."""
    parameters = _at(component, _MP)
    declared = parameters.get("datasets") if isinstance(parameters, Mapping) else None
    return tuple(
        str(entry["ref"])
        for entry in (declared if isinstance(declared, list) else ())
        if isinstance(entry, Mapping) and entry.get("ref") is not None
    )
