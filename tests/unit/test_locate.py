"""Finding the line a located error names: JSON pointers followed through the text (strings
holding braces, quotes and escapes skipped whole; `~0` and `~1` in pointers; arrays by
index), XPaths followed to the element's line, and parsers' own "line N, column M"."""

from __future__ import annotations

import json

import pytest

from app.bom.locate import LINE_WIDTH, Place, excerpts, json_offset, place_of, pointer_tokens
from app.domain.errors import Located

TRICKY = """{
  "a{": "value with } and ] and \\" and { inside",
  "x": "\\u007b\\"",
  "b/c": {"d~e": [1, {"k": "v"}, [3, 4]]},
  "list": [
    {"name": "one", "note": "[{\\\\"},
    {"name": "two",
     "bad": 7}
  ],
  "A": 1
}"""


def at(pointer: str, document: str = TRICKY) -> Place | None:
    return place_of(document.encode(), Located(pointer, "wrong"))


@pytest.mark.parametrize(
    ("pointer", "line", "column"),
    [
        ("/a{", 2, 9),
        ("/x", 3, 8),
        ("/b~1c", 4, 10),
        ("/b~1c/d~0e", 4, 18),
        ("/b~1c/d~0e/1/k", 4, 28),
        ("/b~1c/d~0e/2/1", 4, 38),
        ("/list/0/note", 6, 29),
        ("/list/1/bad", 8, 13),
        ("/A", 10, 8),
    ],
)
def test_a_pointer_names_the_line_and_column_where_its_value_starts(
    pointer: str, line: int, column: int
) -> None:
    assert at(pointer) == Place(line, column)
    # The place is where the value the pointer names is written.
    document = json.loads(TRICKY)
    for token in pointer_tokens(pointer) or []:
        document = document[int(token) if isinstance(document, list) else token]
    offset = json_offset(TRICKY, pointer)
    assert offset is not None
    assert json.JSONDecoder().raw_decode(TRICKY, offset)[0] == document


def test_a_pointer_past_what_exists_names_the_deepest_part_that_does() -> None:
    assert at("/list/1/missing") == Place(7, 5)
    assert at("/list/9") == Place(5, 11)
    assert at("/nothing") == Place(1, 1)
    assert at("") == Place(1, 1)


def test_an_escaped_key_is_matched_by_what_it_says() -> None:
    document = '{\n "\\u0061b": 1,\n "ab\\"": 2\n}'
    assert at("/ab", document) == Place(2, 13)
    assert at('/ab"', document) == Place(3, 10)


def test_pointer_tokens_unescape_tilde_and_slash_in_that_order() -> None:
    assert pointer_tokens("/a~01/b~1c/~10") == ["a~1", "b/c", "/0"]
    assert pointer_tokens("") == []
    assert pointer_tokens("line 3, column 4") is None


def test_a_parser_error_names_its_own_line_and_column() -> None:
    data = b'{\n  "a": 1,,\n}'
    complaint = Located("/", "unexpected character: line 2 column 12 (char 13)")
    assert place_of(data, complaint) == Place(2, 12)
    assert place_of(b"<bom>\n<a></b>", Located("line 2, column 8", "mismatch")) == Place(2, 8)
    # A line past the end of the document is no place.
    assert place_of(data, Located("line 9, column 1", "mismatch")) is None


def test_a_value_that_mentions_a_line_is_not_taken_for_the_place() -> None:
    data = b'{\n  "a": "line 1 column 1"\n}'
    assert place_of(data, Located("/a", "'line 1 column 1' is not a number")) == Place(2, 8)


XML = b"""<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6">
  <components>
    <component type="library"><name>a</name></component>
    <component type="library">
      <name>b</name>
      <properties/>
    </component>
  </components>
</bom>"""


def test_an_xpath_names_the_line_of_its_element() -> None:
    assert place_of(XML, Located("/bom/components/component[2]/properties", "x")) == Place(7)
    assert place_of(XML, Located("/bom/components/component[1]", "x")) == Place(4)
    assert place_of(XML, Located("/bom/@xmlns", "x")) == Place(2)
    # The schema's own line wins over the path.
    assert place_of(XML, Located("/bom/components", "bad (line 5)")) == Place(5)
    assert place_of(XML, Located("/other", "x")) is None


def test_an_excerpt_shows_the_lines_around_the_named_one_and_marks_it() -> None:
    (excerpt,) = excerpts(TRICKY.encode(), [Located("/list/1/bad", "expected a string")])
    assert [(line.number, line.named) for line in excerpt.lines] == [
        (5, False), (6, False), (7, False), (8, True), (9, False), (10, False), (11, False),
    ]  # fmt: skip
    assert excerpt.lines[3].text == '     "bad": 7}'


def test_a_long_line_is_shown_around_the_place_and_unreadable_text_not_at_all() -> None:
    document = json.dumps({"pad": "x" * 1000, "bad": 7}).encode()
    (excerpt,) = excerpts(document, [Located("/bad", "expected a string")])
    (line,) = excerpt.lines
    assert line.named
    assert len(line.text) <= LINE_WIDTH + 2
    assert '"bad": 7' in line.text
    (binary,) = excerpts(b"\xff\xfe{", [Located("/a", "x")])
    assert binary.place is None
    assert binary.lines == ()


def test_text_that_is_not_quite_json_is_still_followed_past_its_flaws() -> None:
    # The scanner refuses these values; brackets are counted instead, strings read whole.
    document = '{"a": {"s": "}{\\"]", "t": nope},\n "b": [1, 2,, ],\n "c": 3}'
    assert at("/c", document) == Place(3, 7)
    assert at("/b/1", document) == Place(2, 11)


def test_many_errors_in_one_array_are_all_placed() -> None:
    document = json.dumps({"items": [{"n": i} for i in range(2000)]}, indent=1)
    found = excerpts(document.encode(), [Located(f"/items/{i}/n", "x") for i in range(0, 100, 2)])
    assert [excerpt.place.line for excerpt in found if excerpt.place] == [
        4 + 3 * i for i in range(0, 100, 2)
    ]
