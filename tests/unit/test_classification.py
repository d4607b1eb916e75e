"""Classification records (PRODUCT.md section 3): when one is in force, which products it
speaks for, and how several settle into one answer that fails closed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.classification import (
    MAX_REASON_LENGTH,
    Classification,
    ClassificationScope,
    refusals,
    settle,
)

GLOBAL = ClassificationScope.GLOBAL
OWN = ClassificationScope.ORGANISATION
DECIDED = dt.date(2026, 9, 1)
DAY = dt.date(2026, 10, 1)


def record(
    *,
    is_ai: bool,
    scope: ClassificationScope = GLOBAL,
    organisation: str = "acme",
    decided: dt.date = DECIDED,
    expires: dt.date | None = None,
    record_id: int = 1,
) -> Classification:
    return Classification(
        id=record_id,
        component_id=7,
        is_ai=is_ai,
        reason="reviewed the model card",
        expires=expires,
        decided_at=dt.datetime.combine(decided, dt.time(23, 59), tzinfo=dt.UTC),
        actor="acme/key-1",
        organisation=organisation,
        scope=scope,
    )


def ai(**fields: Any) -> Classification:
    return record(is_ai=True, **fields)


def not_ai(**fields: Any) -> Classification:
    return record(is_ai=False, **fields)


class TestInForce:
    @pytest.mark.parametrize(
        ("decided", "expires", "day", "in_force"),
        [
            (DECIDED, None, DECIDED, True),  # from the decision day itself, whatever the hour
            (DECIDED, None, DECIDED - dt.timedelta(days=1), False),  # not before it
            (DECIDED, DAY, DAY, True),  # the expiry day still counts
            (DECIDED, DAY, DAY + dt.timedelta(days=1), False),
            (DECIDED, DECIDED, DECIDED, True),  # a record for one day
        ],
    )
    def test_in_force_when_decided_and_not_expired(
        self, decided: dt.date, expires: dt.date | None, day: dt.date, in_force: bool
    ) -> None:
        assert ai(decided=decided, expires=expires).in_force_on(day) is in_force


class TestSettle:
    @pytest.mark.parametrize(
        ("records", "owner", "expected"),
        [
            ([], "acme", None),
            ([ai()], "acme", True),
            ([not_ai()], "acme", False),
            ([not_ai()], None, False),  # a global record speaks for every product
            # Disagreement fails closed.
            ([not_ai(), ai(record_id=2)], "acme", True),
            ([not_ai(), not_ai(record_id=2)], "acme", False),
            # An organisation's record speaks for its own products only.
            ([not_ai(scope=OWN)], "acme", False),
            ([not_ai(scope=OWN)], "rival", None),
            ([not_ai(scope=OWN)], None, None),
            ([ai(scope=OWN, organisation="rival"), not_ai()], "acme", False),
            ([not_ai(scope=OWN), ai(record_id=2)], "acme", True),
            # Records not in force on the day are not counted.
            ([ai(expires=DAY - dt.timedelta(days=1)), not_ai()], "acme", False),
            ([ai(decided=DAY + dt.timedelta(days=1))], "acme", None),
        ],
    )
    def test_settles_the_applicable_records_in_force(
        self, records: list[Classification], owner: str | None, expected: bool | None
    ) -> None:
        assert settle(records, DAY, owner) is expected

    def test_accepts_any_iterable_once(self) -> None:
        assert settle(iter([not_ai(), ai()]), DAY, "acme") is True


ORGANISATIONS = st.sampled_from(["acme", "rival"])
DATES = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 12, 31))


@st.composite
def records(draw: st.DrawFn) -> Classification:
    decided = draw(DATES)
    expires = draw(st.none() | st.dates(min_value=decided, max_value=dt.date(2027, 12, 31)))
    return record(
        is_ai=draw(st.booleans()),
        scope=draw(st.sampled_from(ClassificationScope)),
        organisation=draw(ORGANISATIONS),
        decided=decided,
        expires=expires,
    )


class TestSettleProperties:
    @settings(max_examples=300, deadline=None)
    @given(
        existing=st.lists(records(), max_size=6),
        added=records(),
        day=DATES,
        owner=st.none() | ORGANISATIONS,
    )
    def test_adding_a_record_saying_ai_never_turns_an_ai_answer_into_not_ai(
        self, existing: list[Classification], added: Classification, day: dt.date, owner: str | None
    ) -> None:
        ai_record = ai(
            scope=added.scope,
            organisation=added.organisation,
            decided=added.decided_at.date(),
            expires=added.expires,
        )
        before = settle(existing, day, owner)
        after = settle([*existing, ai_record], day, owner)
        if before is True:
            assert after is True
        # Saying AI can only move the answer towards AI.
        assert after in (before, True)

    @settings(max_examples=300, deadline=None)
    @given(existing=st.lists(records(), max_size=6), day=DATES, owner=st.none() | ORGANISATIONS)
    def test_the_answer_is_the_same_in_any_order(
        self, existing: list[Classification], day: dt.date, owner: str | None
    ) -> None:
        assert settle(existing, day, owner) is settle(list(reversed(existing)), day, owner)

    @settings(max_examples=300, deadline=None)
    @given(
        existing=st.lists(records(), max_size=6),
        other=st.lists(records(), max_size=4),
        day=DATES,
    )
    def test_another_organisations_records_never_change_the_answer(
        self, existing: list[Classification], other: list[Classification], day: dt.date
    ) -> None:
        theirs = [
            record(is_ai=c.is_ai, scope=OWN, organisation="rival", decided=c.decided_at.date())
            for c in other
        ]
        assert settle(existing, day, "acme") is settle([*existing, *theirs], day, "acme")

    @settings(max_examples=200, deadline=None)
    @given(existing=st.lists(records(), max_size=6), day=DATES, owner=st.none() | ORGANISATIONS)
    def test_none_exactly_when_no_applicable_record_is_in_force(
        self, existing: list[Classification], day: dt.date, owner: str | None
    ) -> None:
        applicable = [c for c in existing if c.in_force_on(day) and c.applies_to(owner)]
        assert (settle(existing, day, owner) is None) is (not applicable)


class TestRefusals:
    @pytest.mark.parametrize(
        ("reason", "expires", "locations"),
        [
            ("model card reviewed", None, []),
            ("model card reviewed", DECIDED, []),
            ("", None, ["/reason"]),
            ("   \n", None, ["/reason"]),
            ("x" * MAX_REASON_LENGTH, None, []),
            ("x" * (MAX_REASON_LENGTH + 1), None, ["/reason"]),
            ("ok\x00", None, ["/reason"]),
            ("ok", DECIDED - dt.timedelta(days=1), ["/expires"]),
            ("", DECIDED - dt.timedelta(days=1), ["/reason", "/expires"]),
        ],
    )
    def test_locates_each_refusal(
        self, reason: str, expires: dt.date | None, locations: list[str]
    ) -> None:
        assert [p.location for p in refusals(reason, expires, DECIDED)] == locations
