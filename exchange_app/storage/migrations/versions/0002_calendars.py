"""Calendars: a street address on sites, a video meeting link on hosts, and the secret
tokens of calendar subscription feeds, and the record of invitations sent by email.

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
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ext_id', sa.String(length=100), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_calendar_feeds_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token', name=op.f('uq_calendar_feeds_token'))
    )
    op.create_index(op.f('ix_calendar_feeds_program_id'), 'calendar_feeds', ['program_id'], unique=False)
    op.create_table('sent_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ext_id', sa.String(length=100), nullable=False),
    sa.Column('session_id', sa.String(length=100), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('email', sa.Text(), nullable=False),
    sa.Column('message_id', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_sent_invitations_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_invitations'))
    )
    op.create_index(op.f('ix_sent_invitations_program_id'), 'sent_invitations', ['program_id'], unique=False)


def downgrade() -> None:
    op.drop_table('sent_invitations')
    op.drop_table('calendar_feeds')
    with op.batch_alter_table('people') as batch:
        batch.drop_column('video_url')
    with op.batch_alter_table('locations') as batch:
        batch.drop_column('address')
