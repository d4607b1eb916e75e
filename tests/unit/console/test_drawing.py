"""The blocking paths picture (app/console/drawing.py): what a reader of the product page sees
drawn, that uploaded names stay text, that another organisation's hidden BOMs stay redacted,
and that any answer, however tangled or large, comes out as one well-formed picture."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.console.drawing import blocking_paths_svg
from app.console.drawing_paths import MAX_BLOCKERS, MAX_BOXES, MAX_PATHS_PER_BLOCKER
from app.domain.access import Viewer
from app.domain.product_slice import Question
from app.services.access import ensure_organisation
from app.services.boms import list_boms
from app.services.checks import check_export
from app.services.ingest import ingest_bom
from app.services.runtime import Runtime
from app.services.visibility import HIDDEN, redacted_answer
from tests.builders import CAMERA_PURL, MODULE_PURL, bom, component, model, supplier_module_bom

SVG = "{http://www.w3.org/2000/svg}"
Json = dict[str, Any]
PRODUCT_ID = 1


# -- answers as for_caller() shapes them -----------------------------------------------------


def step(parent: str, child: str, *boms: int) -> Json:
    return {"parent": parent, "child": child, "kind": "dependency", "bom_ids": list(boms or [1])}


def cut(parent: str) -> Json:
    """The last step of a path redacted where it enters a BOM the caller may not see."""
    return {"parent": parent, "child": HIDDEN, "kind": "hidden", "bom_ids": []}


def chain(*names: str, boms: Sequence[int] = (1,)) -> list[Json]:
    return [step(parent, child, *boms) for parent, child in itertools.pairwise(names)]


def blocker(
    name: str,
    *paths: list[Json],
    component_id: int | None = None,
    reason: str = "no_certificate",
    more_paths: int = 0,
) -> Json:
    identifier = component_id if component_id is not None else 1000 + sum(map(ord, name))
    hidden = name == HIDDEN
    return {
        "component": {
            "id": None if hidden else identifier,
            "name": name,
            "identity": None if hidden else f"pkg:generic/{name}",
        },
        "reason": reason,
        "detail": "",
        "certificate": None,
        "certificates": [],
        "countries": ["DE"],
        "path": paths[0] if paths else [],
        "paths": list(paths),
        "more_paths": more_paths,
    }


def answer(product: str, *blocking: Json, boms: Sequence[int] = (1,)) -> Json:
    return {
        "decision": "ineligible" if blocking else "eligible",
        "product": {"id": PRODUCT_ID, "name": product, "identity": f"pkg:generic/{product}"},
        "blocking": list(blocking),
        "warnings": [],
        "verified": [],
        "boms": [{"id": b, "serial_number": None, "version": 1} for b in boms],
    }


# -- the picture as a reader finds it --------------------------------------------------------


@dataclass(frozen=True)
class Box:
    element_id: str
    classes: frozenset[str]
    layer: int
    title: str
    lines: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.lines[0]


@dataclass(frozen=True)
class Arrow:
    parent: Box
    child: Box
    classes: frozenset[str]
    title: str
    label: str | None


@dataclass(frozen=True)
class Picture:
    root: ET.Element
    boxes: list[Box]
    arrows: list[Arrow]

    def named(self, name: str) -> list[Box]:
        return [box for box in self.boxes if box.name == name]

    def one(self, name: str) -> Box:
        (found,) = self.named(name)
        return found

    def into(self, box: Box) -> list[Arrow]:
        return [arrow for arrow in self.arrows if arrow.child == box]

    @property
    def desc(self) -> str:
        return _text(self.root.find(f"{SVG}desc"))

    @property
    def notes(self) -> list[str]:
        return [_text(e) for e in self.root.iter(f"{SVG}text") if e.get("class") == "note"]


def _text(element: ET.Element | None) -> str:
    assert element is not None
    return "".join(element.itertext())


def picture(svg: str) -> Picture:
    """The SVG parsed as XML (so it is well-formed), as boxes and arrows."""
    root = ET.fromstring(svg)  # noqa: S314 - the drawing under test, not a stranger's XML
    assert root.tag == f"{SVG}svg"
    boxes = {}
    for group in root.iter(f"{SVG}g"):
        classes = frozenset((group.get("class") or "").split())
        if "node" in classes:
            boxes[group.get("id")] = Box(
                element_id=group.get("id") or "",
                classes=classes,
                layer=int(group.get("data-layer") or "-1"),
                title=_text(group.find(f"{SVG}title")),
                lines=tuple(_text(t) for t in group.findall(f"{SVG}text")),
            )
    labels = {
        text.get("data-edge"): "".join(text.itertext()).removeprefix(
            "".join(hint.itertext()) if (hint := text.find(f"{SVG}title")) is not None else ""
        )
        for text in root.iter(f"{SVG}text")
        if text.get("class") == "edge-label"
    }
    arrows = []
    for group in root.iter(f"{SVG}g"):
        classes = frozenset((group.get("class") or "").split())
        if "edge" in classes:
            title = _text(group.find(f"{SVG}title"))
            arrows.append(
                Arrow(
                    boxes[group.get("data-from")],
                    boxes[group.get("data-to")],
                    classes,
                    title,
                    labels.get(group.get("id")),
                )
            )
    return Picture(root, list(boxes.values()), arrows)


# -- what is drawn ---------------------------------------------------------------------------


def test_a_blocker_reached_two_ways_is_drawn_once_below_both_holders() -> None:
    drawn = picture(
        blocking_paths_svg(
            answer(
                "camera",
                blocker("model", chain("camera", "board", "model"), chain("camera", "vm", "model")),
            ),
            {1: "camera@4.0"},
        )
    )
    model_box = drawn.one("model")
    assert "blocker" in model_box.classes
    assert model_box.lines[1] == "BLOCKER: no certificate"
    assert {arrow.parent.name for arrow in drawn.into(model_box)} == {"board", "vm"}
    assert [box.layer for box in (drawn.one("camera"), drawn.one("board"), model_box)] == [0, 1, 2]
    assert "product" in drawn.one("camera").classes
    assert len(drawn.arrows) == 4
    assert {arrow.label for arrow in drawn.arrows} == {"camera@4.0"}
    assert drawn.desc == "1 blocking component, 2 paths"


def test_a_component_named_like_a_blocker_on_another_path_is_that_blocker() -> None:
    drawn = picture(
        blocking_paths_svg(
            answer(
                "camera",
                blocker("module", chain("camera", "module")),
                blocker("model", chain("camera", "module", "model")),
            )
        )
    )
    assert [arrow.parent.name for arrow in drawn.into(drawn.one("model"))] == ["module"]
    assert "blocker" in drawn.one("module").classes
    assert drawn.desc == "2 blocking components, 2 paths"


@pytest.mark.parametrize(
    ("why", "drawn_answer", "boxes_named_lib"),
    [
        (
            "repeated on one simple path: two components",
            answer("camera", blocker("model", chain("camera", "lib", "lib", "model"))),
            2,
        ),
        (
            "two blockers sharing a display name",
            answer(
                "camera",
                blocker("lib", chain("camera", "a", "lib"), component_id=7),
                blocker("lib", chain("camera", "b", "lib"), component_id=8),
                blocker("model", chain("camera", "lib", "model")),
            ),
            3,
        ),
        (
            "named like the product, below the product",
            answer("lib", blocker("model", chain("lib", "x", "lib", "model"))),
            2,
        ),
        (
            "one name on two paths, nothing says they differ: one component",
            answer(
                "camera",
                blocker("m1", chain("camera", "lib", "m1")),
                blocker("m2", chain("camera", "x", "lib", "m2")),
            ),
            1,
        ),
    ],
)
def test_components_sharing_a_name_are_merged_only_when_nothing_says_they_differ(
    why: str, drawn_answer: Json, boxes_named_lib: int
) -> None:
    assert len(picture(blocking_paths_svg(drawn_answer)).named("lib")) == boxes_named_lib, why


def test_a_hidden_blocker_is_a_dashed_box_that_names_nothing() -> None:
    drawn = picture(
        blocking_paths_svg(answer("camera", blocker(HIDDEN, [*chain("camera", "vm"), cut("vm")])))
    )
    (box,) = [box for box in drawn.boxes if "hidden" in box.classes]
    assert box.lines == ("hidden BOM", "BLOCKER: no certificate")
    assert "blocker" in box.classes
    rect = next(g for g in drawn.root.iter(f"{SVG}g") if g.get("id") == box.element_id)
    assert rect.find(f"{SVG}rect").get("stroke-dasharray")  # type: ignore[union-attr]
    (arrow,) = drawn.into(box)
    assert arrow.parent.name == "vm"
    assert "hidden" in arrow.classes
    assert arrow.label is None
    assert HIDDEN not in ET.tostring(drawn.root, encoding="unicode")


def test_a_path_cut_on_the_way_to_a_visible_blocker_passes_through_a_hidden_box() -> None:
    drawn = picture(
        blocking_paths_svg(
            answer(
                "camera",
                blocker("model", chain("camera", "model"), [*chain("camera", "vm"), cut("vm")]),
            )
        )
    )
    (hidden,) = [box for box in drawn.boxes if "hidden" in box.classes]
    assert "blocker" not in hidden.classes
    assert [a.parent.name for a in drawn.into(hidden)] == ["vm"]
    assert sorted(a.parent.lines[0] for a in drawn.into(drawn.one("model"))) == [
        "camera",
        "hidden BOM",
    ]


def test_a_blocked_product_is_marked_on_its_own_box() -> None:
    drawn = picture(
        blocking_paths_svg(
            answer(
                "camera",
                blocker("camera", component_id=PRODUCT_ID, reason="product_certificate_missing"),
            )
        )
    )
    (box,) = drawn.boxes
    assert {"product", "blocker"} <= box.classes
    assert box.lines == ("camera", "PRODUCT", "BLOCKER: product certificate missing")


def test_paths_not_drawn_are_counted_on_the_blocker_and_below_the_picture() -> None:
    paths = [chain("camera", f"holder{n}", "model") for n in range(MAX_PATHS_PER_BLOCKER + 2)]
    drawn = picture(blocking_paths_svg(answer("camera", blocker("model", *paths, more_paths=3))))
    assert drawn.one("model").lines[-1] == "and 5 more paths"
    assert len(drawn.into(drawn.one("model"))) == MAX_PATHS_PER_BLOCKER
    assert drawn.notes == ["and 5 more paths to the blockers drawn, not drawn"]
    assert drawn.desc == (
        "1 blocking component, 10 paths; and 5 more paths to the blockers drawn, not drawn"
    )


def test_blockers_beyond_the_bound_are_counted_not_drawn() -> None:
    many = [blocker(f"model{n:02}", chain("camera", f"model{n:02}")) for n in range(30)]
    drawn = picture(blocking_paths_svg(answer("camera", *many)))
    assert len([box for box in drawn.boxes if "blocker" in box.classes]) == MAX_BLOCKERS
    assert drawn.notes == ["and 5 more blocking components not drawn (only the first 25 are)"]
    assert drawn.desc.startswith("30 blocking components, 25 paths")


def test_an_answer_without_blockers_draws_the_product_alone() -> None:
    drawn = picture(blocking_paths_svg(answer("camera")))
    assert [box.lines for box in drawn.boxes] == [("camera", "PRODUCT")]
    assert drawn.desc == "0 blocking components, 0 paths"


def test_two_paths_ordering_two_components_oppositely_are_drawn_without_looping() -> None:
    drawn = picture(
        blocking_paths_svg(
            answer(
                "camera",
                blocker("x", chain("camera", "a", "b", "x")),
                blocker("y", chain("camera", "b", "a", "y")),
            )
        )
    )
    a, b = drawn.one("a"), drawn.one("b")
    assert {(arrow.parent, arrow.child) for arrow in drawn.arrows} >= {(a, b), (b, a)}
    assert a.layer != b.layer


# -- labels ------------------------------------------------------------------------------------


def test_an_edge_is_labelled_with_the_names_of_the_boms_declaring_it() -> None:
    drawn = picture(
        blocking_paths_svg(
            answer("camera", blocker("model", chain("camera", "model", boms=(1, 2))), boms=(1, 2)),
            {1: "camera@4.0", 2: "vision-module@3.2.0"},
        )
    )
    (arrow,) = drawn.arrows
    assert arrow.label == "camera@4.0, vision-module@3.2.0"[:27] + "…"
    assert arrow.title == "camera → model: declared in camera@4.0; vision-module@3.2.0"


def test_a_bom_the_answer_does_not_list_is_never_named() -> None:
    svg = blocking_paths_svg(
        answer(
            "camera",
            blocker("model", chain("camera", "vm", boms=(1, 9)) + chain("vm", "model", boms=(9,))),
        ),
        {1: "camera@4.0", 9: "suppliers-secret-bom"},
    )
    assert "suppliers-secret-bom" not in svg
    drawn = picture(svg)
    assert [a.label for a in drawn.arrows] == ["camera@4.0", "a BOM not shown"]


def test_a_bom_without_a_name_given_is_named_by_its_id() -> None:
    (arrow,) = picture(
        blocking_paths_svg(
            answer("camera", blocker("model", chain("camera", "model", boms=(4,))), boms=(4,))
        )
    ).arrows
    assert arrow.label == "BOM 4"


# -- uploaded text ------------------------------------------------------------------------------

HOSTILE = [
    # Each case: a name as uploaded; the name as the picture's reader finds it.
    ("</text><script>alert(1)</script>", "</text><script>alert(1)</script>"),
    ('"><svg onload="alert(1)">', '"><svg onload="alert(1)">'),
    ("a & b <c> ]]> &amp; &#x41;", "a & b <c> ]]> &amp; &#x41;"),
    # Characters XML cannot carry at all, which a BOM's JSON strings can.
    ("null\x00 escape\x1b bell\x07", "null\ufffd escape\ufffd bell\ufffd"),
    ("lone surrogate \ud800 and \ufffe", "lone surrogate \ufffd and \ufffd"),
]


SVG_PARTS = {"svg", "title", "desc", "defs", "marker", "path", "g", "polyline", "rect", "text"}


@pytest.mark.parametrize(("name", "shown"), HOSTILE)
def test_uploaded_names_come_out_as_inert_text(name: str, shown: str) -> None:
    svg = blocking_paths_svg(
        answer(name, blocker(name, chain(name, f"{name}!", name), component_id=5)),
        {1: name},
    )
    drawn = picture(svg)
    tags = {element.tag.removeprefix(SVG) for element in drawn.root.iter()}
    assert tags <= SVG_PARTS
    assert not [a for e in drawn.root.iter() for a in e.attrib if a.lower().startswith("on")]
    assert _text(drawn.root.find(f"{SVG}title")) == f"Blocking paths of {shown}"
    assert f"{shown}!" in [box.title for box in drawn.boxes]
    blocker_box = next(box for box in drawn.boxes if "blocker" in box.classes)
    assert blocker_box.title == f"{shown}, blocker (no certificate)"
    assert {arrow.title.rpartition("declared in ")[2] for arrow in drawn.arrows} == {shown}


def test_long_names_are_shortened_with_an_ellipsis_and_kept_whole_in_a_title() -> None:
    long_name = "a-very-long-component-name-from-a-supplier@1.2.3-rc4"
    drawn = picture(
        blocking_paths_svg(answer("camera", blocker(long_name, chain("camera", long_name))))
    )
    (box,) = [box for box in drawn.boxes if "blocker" in box.classes]
    assert box.name.endswith("…")
    assert long_name.startswith(box.name[:-1])
    assert box.title.startswith(long_name)


# -- any answer, as any caller sees it -------------------------------------------------------

NAMES = [f"Zq{n:02}" for n in range(12)]
BOM_NAMES = {1: "Bq-one", 2: "Bq-two", 3: "Bq-three"}


@st.composite
def full_answers(draw: st.DrawFn, names: st.SearchStrategy[str] = st.sampled_from(NAMES)) -> Json:
    """An answer as an administrator reads it: blockers (names may repeat, as display names
    do) with paths from the product, each step declared by some of three BOMs."""
    product = "Zprod"
    blockers = []
    for index in range(draw(st.integers(0, 6))):
        name = draw(names)
        paths = []
        for _ in range(draw(st.integers(1, 3))):
            route = [product, *draw(st.lists(names, max_size=4)), name]
            paths.append(
                [
                    step(
                        parent,
                        child,
                        *sorted(draw(st.sets(st.sampled_from([1, 2, 3]), min_size=1))),
                    )
                    for parent, child in itertools.pairwise(route)
                ]
            )
        more = draw(st.integers(0, 3))
        blockers.append(blocker(name, *paths, component_id=100 + index, more_paths=more))
    return answer(product, *blockers, boms=sorted(BOM_NAMES))


def _reaches(arrows: Sequence[Arrow], start: Box, goal: Box) -> bool:
    below: dict[str, list[Box]] = {}
    for arrow in arrows:
        below.setdefault(arrow.parent.element_id, []).append(arrow.child)
    seen, todo = {start.element_id}, [start]
    while todo:
        for child in below.get(todo.pop().element_id, []):
            if child == goal:
                return True
            if child.element_id not in seen:
                seen.add(child.element_id)
                todo.append(child)
    return False


@settings(max_examples=200, deadline=None)
@given(full=full_answers(), visible=st.frozensets(st.sampled_from(sorted(BOM_NAMES))))
def test_any_answer_as_any_organisation_sees_it_is_drawn_whole_and_leaks_nothing(
    full: Json, visible: frozenset[int]
) -> None:
    seen = redacted_answer(full, visible)
    svg = blocking_paths_svg(seen, BOM_NAMES)
    assert svg == blocking_paths_svg(json.loads(json.dumps(seen)), dict(BOM_NAMES))
    drawn = picture(svg)
    named = {box.lines[0] for box in drawn.boxes if "hidden" not in box.classes}
    blockers = [box for box in drawn.boxes if "blocker" in box.classes]
    declared: dict[tuple[str, str], set[str]] = {}
    for shown in seen["blocking"]:
        if shown["component"]["id"] is None:
            assert any("hidden" in box.classes for box in blockers)
        else:
            assert shown["component"]["name"] in {box.name for box in blockers}
        for path in shown["paths"]:
            for each in path:
                if each["kind"] != "hidden":
                    assert {each["parent"], each["child"]} <= named
                    declared.setdefault((each["parent"], each["child"]), set()).update(
                        BOM_NAMES[b] for b in each["bom_ids"] if b in visible
                    )
    # Nothing beyond the caller's sight: no component only hidden BOMs hold, no hidden BOM.
    told = json.dumps(seen)
    secrets = {text for text in json.dumps(full).split('"') if text.startswith("Zq")}
    secrets = {name for name in secrets if name not in told}
    secrets |= {BOM_NAMES[b] for b in BOM_NAMES.keys() - visible}
    assert not [secret for secret in secrets if secret in svg]
    for arrow in drawn.arrows:
        if "declared" in arrow.classes:
            names = set(arrow.title.rpartition(": declared in ")[2].split("; "))
            assert names <= declared[arrow.parent.name, arrow.child.name], arrow.title
        # Layers go down along every edge that closes no cycle.
        if not _reaches(drawn.arrows, arrow.child, arrow.parent):
            assert arrow.child.layer > arrow.parent.layer, arrow.title


@settings(max_examples=100, deadline=None)
@given(full=full_answers(st.text(max_size=40)), visible=st.frozensets(st.sampled_from([1, 2, 3])))
def test_any_uploaded_names_make_a_well_formed_picture(full: Json, visible: frozenset[int]) -> None:
    svg = blocking_paths_svg(redacted_answer(full, visible), {1: "\x00<b>", 2: "&", 3: "]]>"})
    drawn = picture(svg)
    assert len([box for box in drawn.boxes if "product" in box.classes]) == 1


# -- the element itself ---------------------------------------------------------------------------


def test_the_picture_is_labelled_for_screen_readers_and_readable_in_print() -> None:
    drawn = picture(
        blocking_paths_svg(
            answer("camera", blocker("model", chain("camera", "model"))), id_prefix="p7"
        )
    )
    root = drawn.root
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "p7-title p7-desc"
    ids = {e.get("id") for e in root.iter()}
    assert {"p7-title", "p7-desc"} <= ids
    assert _text(root.find(f"{SVG}title")) == "Blocking paths of camera"
    sizes = [float(e.get("font-size") or "0") for e in root.iter() if e.get("font-size")]
    assert sizes
    assert min(sizes) >= 12


def test_an_id_prefix_that_is_no_xml_name_is_refused() -> None:
    with pytest.raises(ValueError, match="id_prefix"):
        blocking_paths_svg(answer("camera"), id_prefix='x" onload="alert(1)')


def test_a_long_path_shows_its_ends_and_one_box_for_its_middle() -> None:
    names = [f"part{n}" for n in range(1, 9)]
    drawn = picture(
        blocking_paths_svg(answer("camera", blocker("model", chain("camera", *names, "model"))))
    )
    assert [box.lines[0] for box in drawn.boxes if "blocker" not in box.classes] == [
        "camera",
        "4 more on this path",
        "part1",
        "part2",
        "part3",
        "part8",
    ]
    (middle,) = [box for box in drawn.boxes if "elided" in box.classes]
    ((into,), (out,)) = drawn.into(middle), [a for a in drawn.arrows if a.parent == middle]
    assert (into.parent.name, "elided" in into.classes, into.label) == ("part3", True, None)
    assert (out.child.name, out.label) == ("part8", "BOM 1")
    assert drawn.desc == "1 blocking component, 1 path"


def test_paths_beyond_the_box_budget_are_counted_but_every_blocker_keeps_its_first() -> None:
    holders = [
        blocker(
            f"model{b:02}", *[chain("camera", f"holder{b}-{p}", f"model{b:02}") for p in range(10)]
        )
        for b in range(MAX_BLOCKERS)
    ]
    drawn = picture(blocking_paths_svg(answer("camera", *holders)))
    assert len(drawn.boxes) == MAX_BOXES
    for box in (box for box in drawn.boxes if "blocker" in box.classes):
        assert drawn.into(box)
    paths = int(drawn.desc.split(", ")[1].split()[0])
    assert drawn.notes == [f"and {250 - paths} more paths to the blockers drawn, not drawn"]
    assert paths == len([arrow for arrow in drawn.arrows if "blocker" in arrow.child.classes])


def _worst_case() -> Json:
    """As many blockers and paths as are drawn, each path long and through parts of its own:
    every blocker's first path is drawn whole (its ends and one box for its middle)."""
    blockers = [
        blocker(
            f"model{b:02}",
            *[
                chain("camera", *(f"part{b}-{p}-{d}" for d in range(8)), f"model{b:02}")
                for p in range(MAX_PATHS_PER_BLOCKER)
            ],
            more_paths=40,
        )
        for b in range(MAX_BLOCKERS + 75)
    ]
    return answer("camera", *blockers)


def test_the_largest_picture_drawn_stays_quick() -> None:
    worst = _worst_case()
    blocking_paths_svg(worst)
    elapsed = []
    for _ in range(5):
        started = time.perf_counter()
        svg = blocking_paths_svg(worst)
        elapsed.append(time.perf_counter() - started)
    drawn = picture(svg)
    assert len(drawn.boxes) == 1 + MAX_BLOCKERS * 6
    # A few milliseconds on an idle machine; the bound catches a change of kind (something
    # quadratic), not the noise of a shared one.
    assert min(elapsed) < 0.1


# -- a real answer, through the services ---------------------------------------------------------

GESTURE_PURL = "pkg:huggingface/hikari/gesture-model@1.0"


def test_a_real_answer_as_the_second_organisation_sees_it(runtime: Runtime) -> None:
    """The maker's camera holds a gesture model through two of its parts, and a vision
    module whose BOM only its supplier may see holds another model: the maker's picture
    shows both paths to the gesture model and where the supplier's BOM begins, no more."""
    for organisation in ("maker", "supplier"):
        ensure_organisation(runtime, organisation, organisation, actor="tests")
    camera = bom(
        component("camera", "smart-camera", type_="device", version="4.0", purl=CAMERA_PURL),
        [
            component("board", "mainboard", type_="device", version="1.0"),
            component("module", "vision-module", version="3.2.0", purl=MODULE_PURL),
            model("gesture", GESTURE_PURL),
        ],
        {"camera": ["board", "module"], "board": ["gesture"], "module": ["gesture"]},
    )
    ingest_bom(runtime, camera, None, organisation="maker")
    ingest_bom(runtime, supplier_module_bom(), None, organisation="supplier")
    question = Question("DE", dt.date(2026, 9, 1))

    def drawn_for(viewer: Viewer | None) -> tuple[str, Picture]:
        result = check_export(runtime, CAMERA_PURL, question, record=False, viewer=viewer)
        boms = list_boms(runtime, product_id=None, viewer=viewer)
        svg = blocking_paths_svg(result.for_caller(), {b.id: b.product for b in boms.items})
        return svg, picture(svg)

    svg, maker = drawn_for(Viewer("maker"))
    gesture = maker.one("gesture-model@1.0")
    assert "blocker" in gesture.classes
    assert sorted((a.parent.name, a.label) for a in maker.into(gesture)) == [
        ("mainboard@1.0", "smart-camera@4.0"),
        ("vision-module@3.2.0", "smart-camera@4.0"),
    ]
    (hidden,) = [box for box in maker.boxes if "hidden" in box.classes]
    assert hidden.lines == ("hidden BOM", "BLOCKER: no certificate")
    assert [a.parent.name for a in maker.into(hidden)] == ["vision-module@3.2.0"]
    assert {"product", "blocker"} <= maker.one("smart-camera@4.0").classes
    assert maker.desc == "3 blocking components, 3 paths"
    for secret in ("defect-detector", "onnxruntime", "defect-images"):
        assert secret not in svg
    # The operator, who sees every BOM, is shown what the maker is not: the test would
    # notice a leak.
    _everything, operator = drawn_for(None)
    assert "defect-detector@2.1.0" in {box.name for box in operator.boxes}
    assert not [box for box in operator.boxes if "hidden" in box.classes]
