"""The database tables (SQLAlchemy 2 typed ORM), for SQLite and PostgreSQL alike.

A database holds several programs. Everything a program owns (topics, locations, slots,
people, pins, forbidden pairs, schedule versions) hangs off its row and is deleted with it.
Rows have a surrogate integer key; the id staff wrote (``o-0004``) is ``ext_id``, unique
within its program (and, for people, within their kind).

People (officials, hosts, interpreters) share one table with a ``kind`` column, so that
their availability windows, interests and expertise are plain child tables with foreign
keys to topics and locations. Languages are a JSON list (no reference to check).

Schedule versions are snapshots: their sessions name hosts, slots, topics, officials by
the staff's ids (strings, not foreign keys), so an old version stays readable after people,
slots or topics change or are removed; the rule checker flags what no longer fits.

Instants are stored in UTC (:class:`UTCDateTime`) and come back as aware UTC datetimes.
Person rows and the program row carry ``revision`` (SQLAlchemy ``version_id_col``),
``updated_at`` and ``updated_by`` for optimistic concurrency on team databases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 100  # staff ids ("o-0004", "phoenix-az"); the scenario format allows 64
# Free text (names, titles, e-mail addresses) is Text: no length limit on either database.


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored in UTC; read back as an aware UTC datetime.

    PostgreSQL keeps it in ``timestamptz``; SQLite gets the UTC wall time (no offset).
    Naive datetimes are refused: their instant is unknown.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: an instant needs a UTC offset")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _program_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)


class ProgramRow(Base):
    """One exchange program and the rules that apply to every session."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64))
    organizer_email: Mapped[str | None] = mapped_column(Text)
    organizer_name: Mapped[str | None] = mapped_column(Text)
    min_guests: Mapped[int]
    max_guests: Mapped[int]
    max_same_country: Mapped[int]
    min_sessions: Mapped[int]
    max_sessions: Mapped[int]
    max_per_day: Mapped[int]
    source: Mapped[str] = mapped_column(Text, default="")  # the file it was imported from
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(Text)

    __mapper_args__ = {"version_id_col": revision}


class TopicRow(Base):
    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("program_id", "ext_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = _program_fk()
    ext_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)


class LocationRow(Base):
    __tablename__ = "locations"
    __table_args__ = (UniqueConstraint("program_id", "ext_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = _program_fk()
    ext_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(Text)  # 0002_calendars


class SlotRow(Base):
    __tablename__ = "slots"
    __table_args__ = (
        UniqueConstraint("program_id", "ext_id"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = _program_fk()
    ext_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    position: Mapped[int]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PersonRow(Base):
    """An official, host or interpreter (``kind``); kind-specific columns are null otherwise."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("program_id", "kind", "ext_id"),
        CheckConstraint("kind IN ('official', 'host', 'interpreter')", name="kind"),
        CheckConstraint("kind <> 'host' OR location_id IS NOT NULL", name="host_has_location"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = _program_fk()
    kind: Mapped[str] = mapped_column(String(16))
    ext_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    languages: Mapped[list[str]] = mapped_column(JSON)
    max_sessions: Mapped[int | None]
    max_per_day: Mapped[int | None]
    # officials
    country: Mapped[str | None] = mapped_column(String(8))
    delegation: Mapped[str | None] = mapped_column(Text)
    min_sessions: Mapped[int | None]
    # officials and hosts
    organization: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    # hosts
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), index=True)
    virtual: Mapped[bool] = mapped_column(Boolean, default=False)
    video_url: Mapped[str | None] = mapped_column(Text)  # 0002_calendars
    # optimistic concurrency
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(Text)

    __mapper_args__ = {"version_id_col": revision}


class WindowRow(Base):
    """An availability window of a person; ``location_id`` null means "anywhere"."""

    __tablename__ = "availability_windows"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), index=True)


class InterestRow(Base):
    """An official's interest in a topic: weight 1 (some), 2 (strong), 3 (top priority)."""

    __tablename__ = "interests"
    __table_args__ = (CheckConstraint("weight BETWEEN 1 AND 3", name="weight_1_to_3"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int]
    weight: Mapped[int]


class ExpertiseRow(Base):
    """A topic a host can lead."""

    __tablename__ = "expertise"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int]


class PinRow(Base):
    """Staff decision: this official meets this host at this slot."""

    __tablename__ = "pins"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = _program_fk()
    position: Mapped[int]
    official_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"), index=True)
    # Who added the pin and when (team databases name them in a conflict); None before 0002.
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by: Mapped[str | None] = mapped_column(Text, nullable=True)


class ForbiddenRow(Base):
    """These two must never share a session."""

    __tablename__ = "forbidden_pairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = _program_fk()
    position: Mapped[int]
    official_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)


class ScheduleVersionRow(Base):
    """One stored schedule (numbered 1, 2, 3 ... per program); never changed once written."""

    __tablename__ = "schedule_versions"
    __table_args__ = (
        UniqueConstraint("program_id", "number"),
        CheckConstraint("source IN ('solve', 'edit', 'import', 're-solve')", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = _program_fk()
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    solver_status: Mapped[str | None] = mapped_column(Text)
    solver_objective: Mapped[float | None] = mapped_column(Float)
    solver_bound: Mapped[float | None] = mapped_column(Float)
    solver_seconds: Mapped[float | None] = mapped_column(Float)
    # [{"official", "sessions", "min_sessions", "reason"}, ...] as in exchange-schedule/1
    unmatched: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class SessionRow(Base):
    """A session of a schedule version; references are the staff's ids (a snapshot)."""

    __tablename__ = "schedule_sessions"
    __table_args__ = (
        UniqueConstraint("version_id", "session_id"),
        CheckConstraint("mode IN ('in-person', 'virtual')", name="mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("schedule_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    session_id: Mapped[str] = mapped_column(Text)
    host: Mapped[str] = mapped_column(Text)
    slot: Mapped[str] = mapped_column(Text)
    topic: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(Text)
    interpreter: Mapped[str | None] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(16))
    location: Mapped[str | None] = mapped_column(Text)


class SessionMemberRow(Base):
    """An official in a session; ``pinned`` when staff fixed their place there."""

    __tablename__ = "session_members"

    session_pk: Mapped[int] = mapped_column(
        ForeignKey("schedule_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    official: Mapped[str] = mapped_column(Text)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)


class RegistrationWorkbookRow(Base):
    """A registration workbook made for one person or a delegation (``token`` is written into
    the workbook's hidden sheet, so a returned file is matched even when renamed)."""

    __tablename__ = "registration_workbooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = _program_fk()
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(Text)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)
    made_by: Mapped[str] = mapped_column(Text)


class RegistrationPersonRow(Base):
    """A person a workbook was made for, and when their answers were read back."""

    __tablename__ = "registration_people"
    __table_args__ = (UniqueConstraint("workbook_id", "kind", "person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workbook_id: Mapped[int] = mapped_column(
        ForeignKey("registration_workbooks.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    person: Mapped[str] = mapped_column(String(ID_LENGTH))  # the staff's id (people may be deleted later)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_file: Mapped[str | None] = mapped_column(Text)
    returned_modified: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the person saved it
    returned_by: Mapped[str | None] = mapped_column(Text)  # the staff member who read it


def table_of(row: type[Base]) -> Table:
    """The Core table of a mapped class (typed, for insert/update/select)."""
    return cast(Table, row.__table__)


class CalendarFeedRow(Base):
    """A subscription feed's secret token (``serve-calendars``): one live token per person
    (``kind``, ``ext_id``) or for the master calendar (``kind`` 'master', ``ext_id`` '');
    a revoked token stays, so its URL never works again. 0002_calendars."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (UniqueConstraint("token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = _program_fk()
    kind: Mapped[str] = mapped_column(String(16))
    ext_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SentInvitationRow(Base):
    """One invitation message an SMTP server accepted (``send invitations``): to whom
    (``kind``, ``ext_id``), for which session, REQUEST or CANCEL at which SEQUENCE, from which
    schedule version. The latest row per person and session says what they were last told,
    so a re-run sends nothing twice. 0002_calendars."""

    __tablename__ = "sent_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = _program_fk()
    kind: Mapped[str] = mapped_column(String(16))
    ext_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    session_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    method: Mapped[str] = mapped_column(String(8))
    sequence: Mapped[int]
    version: Mapped[int]
    email: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
