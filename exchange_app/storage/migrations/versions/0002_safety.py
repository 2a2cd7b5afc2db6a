"""Pins remember who added them and when, so that a team save that conflicts with a
colleague's pin can name them (pins are merged as changes against the loaded list).

Revision ID: 0002_safety
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from exchange_app.storage.models import UTCDateTime

revision: str = "0002_safety"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pins") as batch:
        batch.add_column(sa.Column("created_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("created_by", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pins") as batch:
        batch.drop_column("created_by")
        batch.drop_column("created_at")
