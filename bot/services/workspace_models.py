"""Tables of the workspace (Beheer): accounts, sessions, failed logins, the audit log,
publish jobs and the profile documents (the database copy of the municipality profiles
that editors change). Created by the migration ``w001_workspace``.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text

from bot.services.models import Base


class User(Base):
    """An account of the workspace. ``roles``: comma-separated role names."""

    __tablename__ = "workspace_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), unique=True, nullable=False, index=True)
    display_name = Column(String(200), nullable=False, default="")
    roles = Column(String(200), nullable=False, default="")
    municipality = Column(String(64))  # medewerker: the municipality (profile slug)
    department = Column(String(64))  # medewerker: the department key in that profile
    password_hash = Column(String(255), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False)  # UTC
    password_changed_at = Column(DateTime, nullable=False)
    last_login_at = Column(DateTime)


class WorkspaceSession(Base):
    """A logged-in browser. The cookie holds a random token; only its hash is stored."""

    __tablename__ = "workspace_sessions"

    id = Column(String(64), primary_key=True)  # sha256 of the token
    user_id = Column(
        Integer, ForeignKey("workspace_users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at = Column(DateTime, nullable=False)
    last_seen_at = Column(DateTime, nullable=False)
    address = Column(String(64), nullable=False, default="")


class LoginFailure(Base):
    """Failed logins per account (``user:<name>``) or per address (``ip:<address>``)."""

    __tablename__ = "workspace_login_failures"

    key = Column(String(200), primary_key=True)
    count = Column(Integer, nullable=False, default=0)
    first_at = Column(DateTime, nullable=False)
    locked_until = Column(DateTime)


class AuditEntry(Base):
    """One change: who, when, what, before and after (JSON)."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime, nullable=False, index=True)  # UTC
    actor = Column(String(64), nullable=False)
    action = Column(String(64), nullable=False)
    target_type = Column(String(64), nullable=False, default="")
    target_id = Column(String(200), nullable=False, default="")
    before_json = Column(Text)
    after_json = Column(Text)
    address = Column(String(64), nullable=False, default="")


class PublishJob(Base):
    """A "Publiceren": NLU data from the approved glossary, training, switching the model."""

    __tablename__ = "publish_jobs"

    id = Column(Integer, primary_key=True, autoincrement=True)
    created_at = Column(DateTime, nullable=False)  # UTC
    started_by = Column(String(64), nullable=False)
    status = Column(String(16), nullable=False, default="wachtrij")  # wachtrij|bezig|klaar|mislukt
    step = Column(String(64), nullable=False, default="")
    step_started_at = Column(DateTime)
    finished_at = Column(DateTime)
    message = Column(Text, nullable=False, default="")  # readable reason or result
    model_file = Column(String(500))
    log_tail = Column(Text, nullable=False, default="")


class ProfileDocument(Base):
    """A municipality profile as editors keep it: the YAML document (text, comments kept).

    Seeded from ``data/municipalities/<slug>.yml`` (``origin`` "bestand"); once an editor
    saves it in the workspace (``origin`` "werkruimte") a later ``gemeentetolk setup`` no
    longer overwrites it from the file.
    """

    __tablename__ = "profile_documents"

    slug = Column(String(64), primary_key=True)
    document_yaml = Column(Text, nullable=False)
    revision = Column(Integer, nullable=False, default=1)
    origin = Column(String(16), nullable=False, default="bestand")
    file_hash = Column(String(64))
    edited_by = Column(String(64))
    edited_at = Column(DateTime)
