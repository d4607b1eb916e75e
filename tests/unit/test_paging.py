"""The keyset pager: a page and its cursor, and every cursor a list did not answer refused."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import limits
from app.domain.errors import InvalidRequestError
from app.domain.limits import MAX_ID
from app.domain.paging import (
    AUDIT_TRAIL,
    BOMS,
    CERTIFICATES,
    COMPONENTS,
    ID,
    MAX_CURSOR_LENGTH,
    PRODUCTS,
    Keyset,
    Page,
)


def _v1(payload: str) -> str:
    return "v1." + base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


@given(st.integers(min_value=1, max_value=MAX_ID))
def test_a_cursor_reads_back_as_the_id_it_was_written_for(last_id: int) -> None:
    cursor = BOMS.cursor(last_id)
    assert len(cursor) <= MAX_CURSOR_LENGTH
    assert BOMS.after(cursor) == last_id


@given(st.text(max_size=80))
def test_any_text_is_refused_or_is_exactly_a_cursor_of_the_list(text: str) -> None:
    read = _read(text)
    if isinstance(read, InvalidRequestError):
        assert [place.location for place in read.errors] == ["cursor"]
    elif read is None:
        assert not text
    else:
        assert BOMS.cursor(read) == text


def _read(text: str) -> int | InvalidRequestError | None:
    try:
        return BOMS.after(text)
    except InvalidRequestError as error:
        return error


@pytest.mark.parametrize("cursor", [None, ""])
def test_no_cursor_starts_at_the_first_page_when_none_is_given(cursor: str | None) -> None:
    assert PRODUCTS.after(cursor) is None


@pytest.mark.parametrize(
    "cursor",
    [
        "x",
        "1",
        "v1.",
        "v2." + BOMS.cursor(1).removeprefix("v1."),
        BOMS.cursor(1) + "=",
        BOMS.cursor(1) + "A",
        BOMS.cursor(1).upper(),
        "v1.!!!!",
        "v1.²",
        _v1("not json"),
        _v1('["boms"]'),
        _v1('["boms", 0]'),
        _v1('["boms", -1]'),
        _v1(f'["boms", {MAX_ID + 1}]'),
        _v1('["boms", 1.0]'),
        _v1('["boms", true]'),
        _v1('["boms", "1"]'),
        _v1('["boms", 1, 2]'),
        _v1('{"boms": 1}'),
        _v1('["boms",1]') + "x" * MAX_CURSOR_LENGTH,
        COMPONENTS.cursor(1),
    ],
)
def test_a_cursor_is_refused_where_it_was_given_when_this_list_did_not_answer_it(
    cursor: str,
) -> None:
    with pytest.raises(InvalidRequestError) as refused:
        BOMS.after(cursor, "query/cursor")
    assert [place.location for place in refused.value.errors] == ["query/cursor"]


@pytest.mark.parametrize(
    ("found", "limit", "items", "more"),
    [
        ([], 3, [], False),
        ([1, 2], 3, [1, 2], False),
        ([1, 2, 3], 3, [1, 2, 3], False),
        ([1, 2, 3, 4], 3, [1, 2, 3], True),
        ([1, 2, 3, 4], None, [1, 2, 3, 4], False),
    ],
)
def test_a_page_holds_at_most_its_limit_and_a_cursor_when_more_follow(
    found: list[int], limit: int | None, items: list[int], more: bool
) -> None:
    page = Keyset("numbers", ID).page(found, limit, lambda item: item)
    assert list(page.items) == items
    assert page.next_cursor == (Keyset("numbers", ID).cursor(items[-1]) if more else None)


def test_a_mapped_page_keeps_its_cursor() -> None:
    page = Page((1, 2), "v1.next").map(str)
    assert page == Page(("1", "2"), "v1.next")


@given(st.text(min_size=1, max_size=limits.CERTIFICATE_NUMBER))
def test_a_text_key_reads_back_exactly_within_the_bound(number: str) -> None:
    cursor = CERTIFICATES.cursor(number)
    assert len(cursor) <= MAX_CURSOR_LENGTH
    assert CERTIFICATES.after(cursor) == number


@given(
    st.datetimes(timezones=st.just(dt.UTC)),
    st.sampled_from(["bom_uploaded", "organisation_created"]),
    st.integers(min_value=1, max_value=MAX_ID),
)
def test_a_place_in_the_audit_trail_reads_back_as_the_place_it_was_written_for(
    at: dt.datetime, kind: str, record_id: int
) -> None:
    cursor = AUDIT_TRAIL.cursor((at, kind, record_id))
    assert len(cursor) <= MAX_CURSOR_LENGTH
    assert AUDIT_TRAIL.after(cursor) == (at, kind, record_id)


@pytest.mark.parametrize(
    "payload",
    [
        '["certificates", ""]',
        f'["certificates", "{"n" * (limits.CERTIFICATE_NUMBER + 1)}"]',
        '["certificates", "\\ud800"]',
        '["certificates", 1]',
        '["certificates", "a", "b"]',
        '["audit-trail", "2026-01-01T00:00:00+00:00", "bom_uploaded"]',
        '["audit-trail", "2026-01-01T00:00:00Z", "bom_uploaded", 1]',
        '["audit-trail", "2026-01-01T00:00:00+00:00", "bom_uploaded", "1"]',
    ],
)
def test_a_key_of_the_wrong_shape_is_refused(payload: str) -> None:
    keyset = CERTIFICATES if "certificates" in payload else AUDIT_TRAIL
    with pytest.raises(InvalidRequestError):
        keyset.after(_v1(payload))
