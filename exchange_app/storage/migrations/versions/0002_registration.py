"""Registration workbooks: who was sent one, and when it came back.

Revision ID: 0002_registration
Revises: 0001
Create Date: 2026-12-02
"""
from __future__ import annotations

from typing import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002_registration'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('registration_workbooks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('made_by', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_registration_workbooks_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_workbooks')),
    sa.UniqueConstraint('token', name=op.f('uq_registration_workbooks_token'))
    )
    op.create_index(op.f('ix_registration_workbooks_program_id'), 'registration_workbooks', ['program_id'], unique=False)
    op.create_table('registration_people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workbook_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('person', sa.String(length=100), nullable=False),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('returned_file', sa.Text(), nullable=True),
    sa.Column('returned_modified', sa.DateTime(timezone=True), nullable=True),
    sa.Column('returned_by', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['workbook_id'], ['registration_workbooks.id'], name=op.f('fk_registration_people_workbook_id_registration_workbooks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_people')),
    sa.UniqueConstraint('workbook_id', 'kind', 'person', name=op.f('uq_registration_people_workbook_id_kind_person'))
    )
    op.create_index(op.f('ix_registration_people_workbook_id'), 'registration_people', ['workbook_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_registration_people_workbook_id'), table_name='registration_people')
    op.drop_table('registration_people')
    op.drop_index(op.f('ix_registration_workbooks_program_id'), table_name='registration_workbooks')
    op.drop_table('registration_workbooks')
