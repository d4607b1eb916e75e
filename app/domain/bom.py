"""What one CycloneDX document says, in exportgate's terms: mentions of components and edges."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import NamedTuple, TypeVar, cast

from app.domain.ids import BomRef, IdentityKey

Node = TypeVar("Node", bound=Hashable)


class BomFormat(StrEnum):
    JSON = "json"
    XML = "xml"

    @property
    def media_type(self) -> str:
        return f"application/vnd.cyclonedx+{self.value}"


class IdentityKind(StrEnum):
    """Which rule of PRODUCT.md section 3 gave a component its identity, strongest first."""

    PURL = "purl"
    CPE = "cpe"
    SWID = "swid"
    COORDINATES = "coordinates"
    # A dependency names a bom-ref no component carries: the node is local to its BOM.
    OPAQUE = "opaque"
    # A BOM without metadata.component: its subject is synthesised from the document.
    INVENTORY = "inventory"


@dataclass(frozen=True, slots=True, order=True)
class Identity:
    """How two mentions are known to be the same component across every BOM."""

    kind: IdentityKind
    key: IdentityKey


class EdgeKind(StrEnum):
    """Why an edge exists; lineage kinds are shown but never put anything inside a product."""

    DEPENDENCY = "dependency"
    NESTING = "nesting"
    INVENTORY = "inventory"
    # A component another BOM describes (CycloneDX BOM-Link): made when the graph is built.
    BOM_LINK = "bom_link"
    DATASET = "dataset"
    BASE_MODEL = "base_model"

    @property
    def is_containment(self) -> bool:
        return self in _CONTAINMENT


_CONTAINMENT = frozenset(
    {EdgeKind.DEPENDENCY, EdgeKind.NESTING, EdgeKind.INVENTORY, EdgeKind.BOM_LINK}
)


class AiReason(StrEnum):
    """Why a component counts as an AI component (PRODUCT.md section 3). The values are
    stored; `sentence` says them in words."""

    MODEL_TYPE = "model_type"
    MODEL_CARD = "model_card"
    PROPERTY = "ai_component_property"

    @property
    def sentence(self) -> str:
        return _AI_REASON_SENTENCES[self]


_AI_REASON_SENTENCES = {
    AiReason.MODEL_TYPE: "type is machine-learning-model",
    AiReason.MODEL_CARD: "carries a modelCard",
    AiReason.PROPERTY: "property exportgate:ai-component=true",
}


class ClaimSource(StrEnum):
    """Where a BOM claims a certificate: an externalReference of type certification-report,
    or the property exportgate:certificate."""

    EXTERNAL_REFERENCE = "external_reference"
    PROPERTY = "property"


@dataclass(frozen=True, slots=True)
class ClaimedCertificate:
    """A certificate a BOM author says a component holds; the registry decides if it is real."""

    number: str
    source: ClaimSource
    url: str | None = None


@dataclass(frozen=True, slots=True, order=True)
class LinkTarget:
    """Where a CycloneDX BOM-Link points: `urn:cdx:<serial>/<version>#<bom-ref>`, the
    version and the reference optional (no version: the serial's current version; no
    reference: the linked BOM's subject)."""

    serial_number: str  # as BOMs write it: urn:uuid:…
    version: int | None = None
    ref: str | None = None

    @property
    def urn(self) -> str:
        text = "urn:cdx:" + self.serial_number.removeprefix("urn:uuid:")
        if self.version is not None:
            text += f"/{self.version}"
        return f"{text}#{self.ref}" if self.ref else text


@dataclass(frozen=True, slots=True)
class Hash:
    algorithm: str
    value: str


class MentionRole(StrEnum):
    """Where in the document a mention stands, which decides whether it is inventory."""

    SUBJECT = "subject"
    LISTED = "listed"  # components[] and services[], at any nesting depth
    LINEAGE = "lineage"  # only named as a dataset or base model
    DANGLING = "dangling"  # only named by a dependency ref


@dataclass(frozen=True, slots=True)
class Mention:
    """One component as one BOM describes it."""

    ref: BomRef
    identity: Identity
    role: MentionRole
    location: str
    type: str
    name: str
    version: str | None = None
    group: str | None = None
    supplier: str | None = None
    purl: str | None = None
    cpe: str | None = None
    swid_tag_id: str | None = None
    ai_reasons: tuple[AiReason, ...] = ()
    claimed_certificates: tuple[ClaimedCertificate, ...] = ()
    hashes: tuple[Hash, ...] = ()
    properties: tuple[tuple[str, str], ...] = ()
    # Other BOMs this component is described by (BOM-Links).
    links: tuple[LinkTarget, ...] = ()
    # File names, URLs and endpoints it carries, for the suspected-AI hints.
    artifacts: tuple[str, ...] = ()
    # Every other CycloneDX field as written (licenses, model card, supplier, purl…), without
    # nested components or the reference, type, name, version and hashes held above: later
    # rules read them.
    raw: Mapping[str, object] = field(default_factory=dict)

    @property
    def is_ai(self) -> bool:
        return bool(self.ai_reasons)

    @property
    def display_name(self) -> str:
        name = f"{self.group}/{self.name}" if self.group else self.name
        return f"{name}@{self.version}" if self.version else name


class DeclaredEdge(NamedTuple):
    """source -> target as one document declares it (a tuple: a BOM declares hundreds of
    thousands, and they are hashed to keep them distinct)."""

    source: BomRef
    target: BomRef
    kind: EdgeKind


# A NamedTuple's constructor runs a Python-level __new__; building one from a tuple does
# not, which counts at the hundreds of thousands of edges one BOM declares.
edge_of = cast(
    "Callable[[tuple[BomRef, BomRef, EdgeKind]], DeclaredEdge]",
    partial(tuple.__new__, DeclaredEdge),
)


class ReadWarningCode(StrEnum):
    NO_SUBJECT = "no_subject"
    DUPLICATE_BOM_REF = "duplicate_bom_ref"
    DANGLING_REF = "dangling_ref"
    INVENTORY_INCOMPLETE = "inventory_incomplete"
    INVALID_PURL = "invalid_purl"
    INVALID_BOM_LINK = "invalid_bom_link"
    CERTIFICATE_CLAIM_WITHOUT_NUMBER = "certificate_claim_without_number"


@dataclass(frozen=True, slots=True)
class ReadWarning:
    """Something schema-valid but inconsistent: accepted, and said."""

    code: ReadWarningCode
    message: str
    location: str = ""

    def __str__(self) -> str:
        where = f" at {self.location}" if self.location else ""
        return f"{self.code}: {self.message}{where}"


@dataclass(frozen=True, slots=True)
class BomContents:
    """A CycloneDX document read and translated; the subject is always the first mention."""

    format: BomFormat
    spec_version: str
    serial_number: str | None
    version: int
    mentions: tuple[Mention, ...]
    edges: tuple[DeclaredEdge, ...]
    sector: str | None = None
    # The subject says a person oversees its decisions (needed in sensitive domains).
    human_oversight: bool = False
    # Aggregates of compositions that cover the subject or the whole BOM and are not complete.
    incomplete_aggregates: tuple[str, ...] = ()
    warnings: tuple[ReadWarning, ...] = ()

    @property
    def subject(self) -> Mention:
        return self.mentions[0]

    @property
    def is_inventory(self) -> bool:
        return self.subject.identity.kind is IdentityKind.INVENTORY

    def ai_mentions(self) -> list[Mention]:
        return [mention for mention in self.mentions if mention.is_ai]


def with_inventory_edges(
    subject: BomRef, mentions: Iterable[Mention], edges: Iterable[DeclaredEdge]
) -> list[DeclaredEdge]:
    """Add subject -> listed component for every one the declared graph leaves unreached.

    A listed component is part of the product even when the BOM author left the dependency
    graph incomplete, which real BOMs often do.
    """
    declared = list(edges)
    children: dict[BomRef, list[BomRef]] = defaultdict(list)
    for edge in declared:
        if edge.kind in _CONTAINMENT:
            children[edge.source].append(edge.target)
    reached = reached_from(subject, children)
    inventory = EdgeKind.INVENTORY
    declared.extend(
        edge_of((subject, mention.ref, inventory))
        for mention in mentions
        if mention.role is MentionRole.LISTED and mention.ref not in reached
    )
    return declared


def reached_from(start: Node, steps: Mapping[Node, Iterable[Node]]) -> set[Node]:
    """Every node the steps lead to from `start`, `start` included."""
    reached = {start}
    queue = deque([start])
    while queue:
        for target in steps.get(queue.popleft(), ()):
            if target not in reached:
                reached.add(target)
                queue.append(target)
    return reached
