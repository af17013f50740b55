"""SQLAlchemy 2 typed table models. Schema changes go through Alembic
migrations in ``migrations/versions``; never edit a released migration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """SQLite keeps no time zone: store UTC, hand back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    pass


class PackageRow(Base):
    __tablename__ = "packages"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    error_detail: Mapped[str | None] = mapped_column(Text)
    file_count: Mapped[int] = mapped_column(Integer, default=0)
    section_count: Mapped[int | None] = mapped_column(Integer)
    total_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    zip_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    source_path: Mapped[str] = mapped_column(Text)
    storage_prefix: Mapped[str] = mapped_column(String(255))
    job_id: Mapped[str] = mapped_column(String(36))
    # What the parser read (migration 0002); null until a package is parsed.
    machine: Mapped[str | None] = mapped_column(String(255))
    controller: Mapped[str | None] = mapped_column(String(255))
    system: Mapped[str | None] = mapped_column(String(64))
    post_name: Mapped[str | None] = mapped_column(String(255))
    post_extension: Mapped[str | None] = mapped_column(String(32))
    warning_count: Mapped[int | None] = mapped_column(Integer)
    # The process lease token of whoever runs the current job (migration 0003).
    owner_token: Mapped[str | None] = mapped_column(String(64))
    # Who stored it, and the ETag of its manifest once published (migration 0005).
    uploaded_by: Mapped[str | None] = mapped_column(String(255))
    uploaded_host: Mapped[str | None] = mapped_column(String(255))
    manifest_etag: Mapped[str | None] = mapped_column(String(128))
    # Which READING_VERSION made its sections and indexes (null: not read here).
    reading_version: Mapped[int | None] = mapped_column(Integer)
    # The post it is a version of (its first version's id) and its number in
    # that history (migration 0008); null: a post of its own, version 1.
    post_id: Mapped[str | None] = mapped_column(String(36), index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    files: Mapped[list[PackageFileRow]] = relationship(
        back_populates="package", cascade="all, delete-orphan", passive_deletes=True
    )


class CatalogInfoRow(Base):
    """What the catalog is about, key by key (migration 0005): ``store``."""

    __tablename__ = "catalog_info"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PackageFileRow(Base):
    __tablename__ = "package_files"
    __table_args__ = (UniqueConstraint("package_id", "filename", name="uq_package_file_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    package_id: Mapped[str] = mapped_column(
        ForeignKey("packages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    extension: Mapped[str] = mapped_column(String(16))
    object_key: Mapped[str] = mapped_column(String(512))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    # Section counts of a .SRC / .LIB (migration 0002); null for other files.
    sections_active: Mapped[int | None] = mapped_column(Integer)
    sections_calc: Mapped[int | None] = mapped_column(Integer)
    sections_template: Mapped[int | None] = mapped_column(Integer)
    sections_commented_out: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    package: Mapped[PackageRow] = relationship(back_populates="files")


class SectionRow(Base):
    """One ``:SECTION=`` of a .SRC or .LIB, active or commented out."""

    __tablename__ = "package_sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    package_id: Mapped[str] = mapped_column(
        ForeignKey("packages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))  # not indexed: see migration 0004
    kind: Mapped[str] = mapped_column(String(16))
    params: Mapped[str | None] = mapped_column(Text)
    first_line: Mapped[int] = mapped_column(Integer)
    last_line: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)


class WarningRow(Base):
    __tablename__ = "package_warnings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    package_id: Mapped[str] = mapped_column(
        ForeignKey("packages.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    filename: Mapped[str | None] = mapped_column(String(255))
    line: Mapped[int | None] = mapped_column(Integer)


class LibraryRefRow(Base):
    """A ``:LIBRARY=`` / ``:INCLUDE=`` line and whether the package holds its file."""

    __tablename__ = "package_library_refs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    package_id: Mapped[str] = mapped_column(
        ForeignKey("packages.id", ondelete="CASCADE"), index=True
    )
    from_file: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    raw: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(String(255))
    line: Mapped[int] = mapped_column(Integer)
    is_master: Mapped[bool] = mapped_column(Boolean)
    found: Mapped[bool | None] = mapped_column(Boolean)


class SectionHashPackageRow(Base):
    """A package whose section hashes are recorded (migration 0007), under a
    small integer ``id`` the hash rows use: ranking similar posts scans every
    hash row, and an integer is cheaper to carry and group than a UUID."""

    __tablename__ = "section_hash_packages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    package_id: Mapped[str] = mapped_column(
        ForeignKey("packages.id", ondelete="CASCADE"), unique=True
    )
    active_keys: Mapped[int] = mapped_column(Integer)  # active (file, key) pairs


class SectionHashRow(Base):
    """One section key of a post's .SRC (``file_role`` "src") or own .LIB
    ("lib"), active or commented out, with 64-bit hashes of ``file_role`` +
    ``key`` and of its body (``core/compare/similarity.py`` says why).
    The one index serves a package's rows and the ranking's scan."""

    __tablename__ = "section_hashes"
    __table_args__ = (
        Index("ix_section_hashes_scan", "hash_package_id", "active", "key_hash", "body_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hash_package_id: Mapped[int] = mapped_column(
        ForeignKey("section_hash_packages.id", ondelete="CASCADE")
    )
    file_role: Mapped[str] = mapped_column(String(3))
    key: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean)
    key_hash: Mapped[int] = mapped_column(BigInteger)
    body_hash: Mapped[int] = mapped_column(BigInteger)
