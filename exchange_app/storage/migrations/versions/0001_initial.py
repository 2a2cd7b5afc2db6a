"""Initial schema: programs, their topics, sites, slots, people, pins, forbidden pairs,
and numbered schedule versions (see exchange_app/storage/models.py).

Revision ID: 0001
Revises: 
Create Date: 2026-11-25
"""
from __future__ import annotations

from typing import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('programs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('organizer_email', sa.Text(), nullable=True),
    sa.Column('organizer_name', sa.Text(), nullable=True),
    sa.Column('min_guests', sa.Integer(), nullable=False),
    sa.Column('max_guests', sa.Integer(), nullable=False),
    sa.Column('max_same_country', sa.Integer(), nullable=False),
    sa.Column('min_sessions', sa.Integer(), nullable=False),
    sa.Column('max_sessions', sa.Integer(), nullable=False),
    sa.Column('max_per_day', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programs'))
    )
    op.create_table('locations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('ext_id', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_locations_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_locations')),
    sa.UniqueConstraint('program_id', 'ext_id', name=op.f('uq_locations_program_id_ext_id'))
    )
    op.create_index(op.f('ix_locations_program_id'), 'locations', ['program_id'], unique=False)
    op.create_table('schedule_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('solver_status', sa.Text(), nullable=True),
    sa.Column('solver_objective', sa.Float(), nullable=True),
    sa.Column('solver_bound', sa.Float(), nullable=True),
    sa.Column('solver_seconds', sa.Float(), nullable=True),
    sa.Column('unmatched', sa.JSON(), nullable=False),
    sa.CheckConstraint("source IN ('solve', 'edit', 'import', 're-solve')", name=op.f('ck_schedule_versions_source')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_schedule_versions_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedule_versions')),
    sa.UniqueConstraint('program_id', 'number', name=op.f('uq_schedule_versions_program_id_number'))
    )
    op.create_index(op.f('ix_schedule_versions_program_id'), 'schedule_versions', ['program_id'], unique=False)
    op.create_table('slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('ext_id', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_slots_ends_after_start')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_slots_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slots')),
    sa.UniqueConstraint('program_id', 'ext_id', name=op.f('uq_slots_program_id_ext_id'))
    )
    op.create_index(op.f('ix_slots_program_id'), 'slots', ['program_id'], unique=False)
    op.create_table('topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('ext_id', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_topics_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topics')),
    sa.UniqueConstraint('program_id', 'ext_id', name=op.f('uq_topics_program_id_ext_id'))
    )
    op.create_index(op.f('ix_topics_program_id'), 'topics', ['program_id'], unique=False)
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ext_id', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('max_sessions', sa.Integer(), nullable=True),
    sa.Column('max_per_day', sa.Integer(), nullable=True),
    sa.Column('country', sa.String(length=8), nullable=True),
    sa.Column('delegation', sa.Text(), nullable=True),
    sa.Column('min_sessions', sa.Integer(), nullable=True),
    sa.Column('organization', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('virtual', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Text(), nullable=False),
    sa.CheckConstraint("kind <> 'host' OR location_id IS NOT NULL", name=op.f('ck_people_host_has_location')),
    sa.CheckConstraint("kind IN ('official', 'host', 'interpreter')", name=op.f('ck_people_kind')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_people_location_id_locations')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_people_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('program_id', 'kind', 'ext_id', name=op.f('uq_people_program_id_kind_ext_id'))
    )
    op.create_index(op.f('ix_people_location_id'), 'people', ['location_id'], unique=False)
    op.create_index(op.f('ix_people_program_id'), 'people', ['program_id'], unique=False)
    op.create_table('schedule_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Text(), nullable=False),
    sa.Column('host', sa.Text(), nullable=False),
    sa.Column('slot', sa.Text(), nullable=False),
    sa.Column('topic', sa.Text(), nullable=False),
    sa.Column('language', sa.Text(), nullable=False),
    sa.Column('interpreter', sa.Text(), nullable=True),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('location', sa.Text(), nullable=True),
    sa.CheckConstraint("mode IN ('in-person', 'virtual')", name=op.f('ck_schedule_sessions_mode')),
    sa.ForeignKeyConstraint(['version_id'], ['schedule_versions.id'], name=op.f('fk_schedule_sessions_version_id_schedule_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedule_sessions')),
    sa.UniqueConstraint('version_id', 'session_id', name=op.f('uq_schedule_sessions_version_id_session_id'))
    )
    op.create_index(op.f('ix_schedule_sessions_version_id'), 'schedule_sessions', ['version_id'], unique=False)
    op.create_table('availability_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_availability_windows_ends_after_start')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_availability_windows_location_id_locations')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_availability_windows_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_windows'))
    )
    op.create_index(op.f('ix_availability_windows_location_id'), 'availability_windows', ['location_id'], unique=False)
    op.create_index(op.f('ix_availability_windows_person_id'), 'availability_windows', ['person_id'], unique=False)
    op.create_table('expertise',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_expertise_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_expertise_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'topic_id', name=op.f('pk_expertise'))
    )
    op.create_index(op.f('ix_expertise_topic_id'), 'expertise', ['topic_id'], unique=False)
    op.create_table('forbidden_pairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['host_id'], ['people.id'], name=op.f('fk_forbidden_pairs_host_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['official_id'], ['people.id'], name=op.f('fk_forbidden_pairs_official_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_forbidden_pairs_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forbidden_pairs'))
    )
    op.create_index(op.f('ix_forbidden_pairs_host_id'), 'forbidden_pairs', ['host_id'], unique=False)
    op.create_index(op.f('ix_forbidden_pairs_official_id'), 'forbidden_pairs', ['official_id'], unique=False)
    op.create_index(op.f('ix_forbidden_pairs_program_id'), 'forbidden_pairs', ['program_id'], unique=False)
    op.create_table('interests',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.CheckConstraint('weight BETWEEN 1 AND 3', name=op.f('ck_interests_weight_1_to_3')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_interests_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_interests_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'topic_id', name=op.f('pk_interests'))
    )
    op.create_index(op.f('ix_interests_topic_id'), 'interests', ['topic_id'], unique=False)
    op.create_table('pins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['host_id'], ['people.id'], name=op.f('fk_pins_host_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['official_id'], ['people.id'], name=op.f('fk_pins_official_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_pins_program_id_programs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['slots.id'], name=op.f('fk_pins_slot_id_slots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pins'))
    )
    op.create_index(op.f('ix_pins_host_id'), 'pins', ['host_id'], unique=False)
    op.create_index(op.f('ix_pins_official_id'), 'pins', ['official_id'], unique=False)
    op.create_index(op.f('ix_pins_program_id'), 'pins', ['program_id'], unique=False)
    op.create_index(op.f('ix_pins_slot_id'), 'pins', ['slot_id'], unique=False)
    op.create_table('session_members',
    sa.Column('session_pk', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official', sa.Text(), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['session_pk'], ['schedule_sessions.id'], name=op.f('fk_session_members_session_pk_schedule_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_pk', 'position', name=op.f('pk_session_members'))
    )


def downgrade() -> None:
    op.drop_table('session_members')
    op.drop_index(op.f('ix_pins_slot_id'), table_name='pins')
    op.drop_index(op.f('ix_pins_program_id'), table_name='pins')
    op.drop_index(op.f('ix_pins_official_id'), table_name='pins')
    op.drop_index(op.f('ix_pins_host_id'), table_name='pins')
    op.drop_table('pins')
    op.drop_index(op.f('ix_interests_topic_id'), table_name='interests')
    op.drop_table('interests')
    op.drop_index(op.f('ix_forbidden_pairs_program_id'), table_name='forbidden_pairs')
    op.drop_index(op.f('ix_forbidden_pairs_official_id'), table_name='forbidden_pairs')
    op.drop_index(op.f('ix_forbidden_pairs_host_id'), table_name='forbidden_pairs')
    op.drop_table('forbidden_pairs')
    op.drop_index(op.f('ix_expertise_topic_id'), table_name='expertise')
    op.drop_table('expertise')
    op.drop_index(op.f('ix_availability_windows_person_id'), table_name='availability_windows')
    op.drop_index(op.f('ix_availability_windows_location_id'), table_name='availability_windows')
    op.drop_table('availability_windows')
    op.drop_index(op.f('ix_schedule_sessions_version_id'), table_name='schedule_sessions')
    op.drop_table('schedule_sessions')
    op.drop_index(op.f('ix_people_program_id'), table_name='people')
    op.drop_index(op.f('ix_people_location_id'), table_name='people')
    op.drop_table('people')
    op.drop_index(op.f('ix_topics_program_id'), table_name='topics')
    op.drop_table('topics')
    op.drop_index(op.f('ix_slots_program_id'), table_name='slots')
    op.drop_table('slots')
    op.drop_index(op.f('ix_schedule_versions_program_id'), table_name='schedule_versions')
    op.drop_table('schedule_versions')
    op.drop_index(op.f('ix_locations_program_id'), table_name='locations')
    op.drop_table('locations')
    op.drop_table('programs')
