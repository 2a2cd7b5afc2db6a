"""Joins the schema changes made side by side after 0001 (calendar feeds and sent
invitations, registration workbooks, pin authors) into one line again. No schema change of its own.

Revision ID: 0003_merge
Revises: 0002_calendars, 0002_registration, 0002_safety
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0003_merge"
down_revision: str | Sequence[str] | None = ("0002_calendars", "0002_registration", "0002_safety")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
