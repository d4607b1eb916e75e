"""The portfolio graph's change log: which BOMs started or stopped counting, in commit order."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.store.rows import Base
from app.store.rows.columns import SurrogateKey, UtcDateTime


class GraphChangeRow(Base):
    """One BOM whose place in the portfolio graph may have changed: stored (it may be current,
    displace an older version of its lineage, or be a BOM-Link's target) or ended (superseded
    or retired). Written in the transaction that made the change; ids grow in commit order
    (decision record 15), so a process that has applied every row up to an id holds
    everything committed before it."""

    __tablename__ = "graph_changes"

    id: Mapped[SurrogateKey]
    bom_id: Mapped[int] = mapped_column(ForeignKey("boms.id"))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
