"""Each product's stored standing per destination group, its changes, and the work that keeps
it current (PRODUCT.md section 5)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.rows import Base
from app.store.rows.columns import Id, SurrogateKey, UtcDateTime


class ProductStatusRow(Base):
    """A product's standing for one destination group, as of `evaluated_on`."""

    __tablename__ = "product_statuses"

    product_id: Mapped[int] = mapped_column(ForeignKey("components.id"), primary_key=True)
    destination_group: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    countries: Mapped[list[str]] = mapped_column(JSON)
    ineligible: Mapped[list[str]] = mapped_column(JSON)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    sector: Mapped[str | None] = mapped_column(Text)
    evaluated_on: Mapped[dt.date] = mapped_column(Date)
    ruleset_version: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class StatusChangeRow(Base):
    """One change of a product's standing for a group: never edited."""

    __tablename__ = "status_changes"

    id: Mapped[SurrogateKey]
    product_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    destination_group: Mapped[str] = mapped_column(String(64))
    old_status: Mapped[str | None] = mapped_column(String(16))
    new_status: Mapped[str | None] = mapped_column(String(16))
    cause_kind: Mapped[str] = mapped_column(String(32))
    cause_ref: Mapped[str | None] = mapped_column(Text)
    # The BOM an upload, supersession or retirement concerned: a reader who may not see
    # inside it is not told which it was.
    cause_bom_id: Mapped[int | None] = mapped_column(Id)
    # The organisation whose own record (an organisation's classification) caused it: only
    # it is told which record it was.
    cause_private_to: Mapped[str | None] = mapped_column(Text)
    evaluated_on: Mapped[dt.date] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_status_changes_product_id", "product_id", "id"),
        Index("ix_status_changes_at", "at", "id"),
    )


class StatusWorkRow(Base):
    """A change whose effect on stored statuses is not settled yet; written in the same
    transaction as the change itself."""

    __tablename__ = "status_work"

    id: Mapped[SurrogateKey]
    cause_kind: Mapped[str] = mapped_column(String(32))
    cause_ref: Mapped[str | None] = mapped_column(Text)
    cause_bom_id: Mapped[int | None] = mapped_column(Id)
    cause_private_to: Mapped[str | None] = mapped_column(Text)
    # Components whose holders are affected; None: every product.
    seeds: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class DailyRunRow(Base):
    """A day whose re-evaluation has been taken by one runner (the key makes it one)."""

    __tablename__ = "daily_runs"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


__all__ = ["DailyRunRow", "ProductStatusRow", "StatusChangeRow", "StatusWorkRow"]
