"""Calendars: a street address on sites and a video meeting link on hosts.

Revision ID: 0002_calendars
Revises: 0001
Create Date: 2026-12-02
"""
from __future__ import annotations

from typing import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002_calendars'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('locations') as batch:
        batch.add_column(sa.Column('address', sa.Text(), nullable=True))
    with op.batch_alter_table('people') as batch:
        batch.add_column(sa.Column('video_url', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('people') as batch:
        batch.drop_column('video_url')
    with op.batch_alter_table('locations') as batch:
        batch.drop_column('address')
