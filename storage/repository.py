"""The repository: the only door to the database for the rest of CityCanvas.

It speaks domain objects (:class:`canvas_app.model.Configuration`, the
workspace items) and plain records (:mod:`storage.api`). Every public method
is one transaction: a failure leaves the previous state intact.

Concurrency rule: a configuration's head row carries ``version``. A save names
the version it was based on; the head moves from ``base`` to ``base + 1`` with
``UPDATE ... WHERE id = :id AND version = :base`` and the new revision is
inserted under a unique (configuration_id, version). A stale base raises
:class:`ConflictError` carrying the newer revision, and writes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Engine, delete, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from canvas_app.city_profile import CityProfile, ProfileRecord
from canvas_app.diff import named_summary
from canvas_app.model import Configuration, ConfigurationError, dump_configuration, parse_configuration
from canvas_app.workspace_model import Advantage, ModuleRecord, WorkspaceNeed, text_digest
from storage.accounts import AccountsMixin
from storage.api import (
    AuditActor,
    ConfigurationHead,
    ConflictError,
    DuplicateNameError,
    NotFoundError,
    RevisionInfo,
    StaleItemError,
    StorageError,
    WorkspaceInfo,
)
from storage.audit import AuditMixin, add_event
from storage.engine import WRITE_OPTION, is_sqlite, make_engine, resolve_url
from storage.models import (
    AdvantageRow,
    CityProfileRow,
    ConfigurationRow,
    CustomModuleRow,
    MembershipRow,
    NeedRow,
    RevisionRow,
    WeightRow,
    WorkspaceRow,
    utcnow,
)
from storage.rounds import RoundsMixin

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_SUMMARY = 1000
MAX_AUTHOR = 200
MAX_WEIGHT_KEY = 120  # the length of workspace_weights.criterion
OUT_OF_RANGE = "no such id: it is larger than any id the database holds"
"""An id beyond the column (from a browser or a command line) names nothing: not found, not a crash."""


class _Stale(Exception):
    """Internal: the conditional head update matched no row."""


class Store(AccountsMixin, AuditMixin, RoundsMixin):
    """Workspaces, configurations and their revision history on SQLite or PostgreSQL
    (accounts, memberships, throttling and presence: :class:`storage.accounts.AccountsMixin`)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._recent = _RecentConfigs()
        self._reader = sessionmaker(engine, expire_on_commit=False)
        self._writer = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)

    # -- lifecycle -------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, *, upgrade: bool | None = None) -> Store:
        """Open the store at ``url`` (None: the per-user SQLite file; the shell resolves ``DATABASE_URL``).

        ``upgrade=None`` (default): SQLite files are upgraded to the latest schema
        on open (a fresh file is created); PostgreSQL is only checked, and
        :class:`SchemaOutOfDate` names the command to run, because a shared
        database should change schema by a deliberate operator step, not because
        one team member started a newer app. ``upgrade=True`` upgrades any engine
        (under an advisory lock on PostgreSQL); ``False`` only checks.
        """
        from storage import migrate

        resolved = resolve_url(url)
        if upgrade is None:
            upgrade = is_sqlite(resolved)
        if upgrade:
            try:
                migrate.upgrade(resolved)
            except SQLAlchemyError as exc:
                raise StorageError(f"cannot upgrade the database: {exc}") from exc
        engine = make_engine(resolved)
        try:
            migrate.check_schema(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def readiness(self) -> str | None:
        """None when the database answers at the schema this code needs, else what is wrong
        (``"unreachable"``, ``"schema out of date"``: words for ``/readyz``, which name no host or
        user; the cause goes to the log). A newer app on the same database must not be served by
        workers whose code expects the old schema, so the revision is read on every call."""
        from storage import migrate
        from storage.api import SchemaOutOfDate

        try:
            migrate.check_schema(self.engine)
        except SchemaOutOfDate as exc:
            log.warning("not ready: %s", exc)
            return "schema out of date"
        except SQLAlchemyError as exc:
            log.warning("not ready: the database %s does not answer: %s", self.url, exc)
            return "unreachable"
        return None

    @contextmanager
    def _tx(
        self, *, write: bool, integrity: Callable[[IntegrityError], StorageError] | None = None
    ) -> Iterator[Session]:
        """One transaction; database errors become StorageError with a readable message."""
        maker = self._writer if write else self._reader
        try:
            with maker.begin() as session:
                yield session
        except IntegrityError as exc:
            if integrity is not None:
                raise integrity(exc) from exc
            raise StorageError(f"the database refused the change: {exc.orig}") from exc
        except OperationalError as exc:
            raise StorageError(f"the database is unavailable or busy: {exc.orig}") from exc
        except DataError as exc:
            if type(exc.orig).__name__ == "NumericValueOutOfRange":  # PostgreSQL: an id beyond the column
                raise NotFoundError(OUT_OF_RANGE) from None
            raise StorageError(f"the database refused a value: {exc.orig}") from exc
        except SQLAlchemyError as exc:
            raise StorageError(f"database error: {exc}") from exc
        except OverflowError:  # SQLite refuses an id beyond 64 bits before it looks
            raise NotFoundError(OUT_OF_RANGE) from None

    # -- workspaces ------------------------------------------------------------
    def create_workspace(self, name: str, *, author: str, owner_id: int | None = None) -> WorkspaceInfo:
        """A new workspace; ``owner_id`` (accounts on) becomes its owner in the same transaction.

        Names are unique only among the workspaces the creator can see: with ``owner_id``, those
        they are a member of (and the deleted ones they own, which they may restore); without
        (accounts off, the command line), every workspace. Another tenant's workspace of the same
        name is neither refused nor mentioned, so the answer tells nobody what others have."""
        name = _clean_name(name, "workspace name", 200)
        author = _clean_author(author)
        with self._tx(write=True) as s:
            _lock_names(s, owner_id)
            existing = _same_name(s, name, owner_id)
            if existing is not None:
                hint = " (it is deleted: restore it under Recently deleted)" if existing.deleted_at else ""
                raise DuplicateNameError(f"you already have a workspace named '{name}'{hint}")
            row = WorkspaceRow(name=name, created_at=utcnow(), created_by=author)
            s.add(row)
            s.flush()
            if owner_id is not None:
                s.add(
                    MembershipRow(
                        workspace_id=row.id, user_id=owner_id, role="owner", added_at=row.created_at, added_by=author
                    )
                )
                s.flush()
            return _workspace_info(row)

    def list_workspaces(self, *, include_deleted: bool = False) -> list[WorkspaceInfo]:
        with self._tx(write=False) as s:
            query = select(WorkspaceRow).order_by(WorkspaceRow.name, WorkspaceRow.id)
            if not include_deleted:
                query = query.where(WorkspaceRow.deleted_at.is_(None))
            return [_workspace_info(row) for row in s.scalars(query)]

    def get_workspace(self, workspace_id: int) -> WorkspaceInfo:
        with self._tx(write=False) as s:
            return _workspace_info(_workspace_row(s, workspace_id))

    def find_workspace(self, name: str) -> WorkspaceInfo | None:
        """The workspace with this exact name (deleted ones included: check ``deleted_at``).

        Raises DuplicateNameError when several teams' workspaces share the name (the command
        line then asks for a unique one)."""
        with self._tx(write=False) as s:
            return _workspace_info(row) if (row := _only_workspace_named(s, name)) is not None else None

    def delete_workspace(self, workspace_id: int, *, author: str, audit: AuditActor | None = None) -> WorkspaceInfo:
        """Soft delete: hidden from lists, everything kept, :meth:`restore_workspace` undoes it.
        With ``audit``, the deletion is recorded in the audit log (in the same transaction)."""
        author = _clean_author(author)
        with self._tx(write=True) as s:
            row = _workspace_row(s, workspace_id)
            if row.deleted_at is None:
                row.deleted_at, row.deleted_by = utcnow(), author
                if audit is not None:
                    add_event(s, "workspace deleted", audit, workspace_id=row.id, detail=row.name)
            return _workspace_info(row)

    def restore_workspace(self, workspace_id: int, *, author: str, audit: AuditActor | None = None) -> WorkspaceInfo:
        _clean_author(author)
        with self._tx(write=True) as s:
            row = _workspace_row(s, workspace_id)
            if row.deleted_at is not None and audit is not None:
                add_event(s, "workspace restored", audit, workspace_id=row.id, detail=row.name)
            row.deleted_at, row.deleted_by = None, None
            return _workspace_info(row)

    # -- configurations ----------------------------------------------------------
    def create_configuration(
        self, workspace_id: int, config: Configuration, *, author: str, summary: str = "created"
    ) -> ConfigurationHead:
        author = _clean_author(author)
        content = dump_configuration(config)
        with self._tx(write=True) as s:
            _live_workspace_row(s, workspace_id)
            row = self._insert_configuration(s, workspace_id, config, content, author, _clip(summary))
            return _head(row)

    def import_configuration(
        self, workspace_name: str, config: Configuration, *, author: str, summary: str = "imported"
    ) -> ConfigurationHead:
        """Add ``config`` to the workspace named ``workspace_name``, creating the workspace if
        missing, in one transaction (a failure leaves neither behind)."""
        name = _clean_name(workspace_name, "workspace name", 200)
        author = _clean_author(author)
        content = dump_configuration(config)

        def raced(_exc: IntegrityError) -> StorageError:
            return StorageError(f"workspace '{name}' was created at the same moment elsewhere: try again")

        with self._tx(write=True, integrity=raced) as s:
            _lock_names(s, None)
            workspace = _only_workspace_named(s, name)
            if workspace is None:
                workspace = WorkspaceRow(name=name, created_at=utcnow(), created_by=author)
                s.add(workspace)
                s.flush()
            elif workspace.deleted_at is not None:
                raise NotFoundError(f"workspace '{name}' is deleted: restore it first")
            row = self._insert_configuration(s, workspace.id, config, content, author, _clip(summary))
            return _head(row)

    def list_configurations(self, workspace_id: int, *, include_deleted: bool = False) -> list[ConfigurationHead]:
        with self._tx(write=False) as s:
            _workspace_row(s, workspace_id)
            query = (
                select(ConfigurationRow)
                .where(ConfigurationRow.workspace_id == workspace_id)
                .order_by(ConfigurationRow.name, ConfigurationRow.id)
            )
            if not include_deleted:
                query = query.where(ConfigurationRow.deleted_at.is_(None))
            return [_head(row) for row in s.scalars(query)]

    def get_configuration(self, configuration_id: int) -> ConfigurationHead:
        with self._tx(write=False) as s:
            return _head(_configuration_row(s, configuration_id))

    def find_configurations(self, name: str, *, workspace_id: int | None = None) -> list[ConfigurationHead]:
        """Live configurations with this exact name (names are not unique; the caller disambiguates)."""
        with self._tx(write=False) as s:
            query = select(ConfigurationRow).where(
                ConfigurationRow.name == name.strip(), ConfigurationRow.deleted_at.is_(None)
            )
            if workspace_id is not None:
                query = query.where(ConfigurationRow.workspace_id == workspace_id)
            return [_head(row) for row in s.scalars(query.order_by(ConfigurationRow.id))]

    def load(self, configuration_id: int, version: int | None = None) -> tuple[Configuration, ConfigurationHead]:
        """The configuration at ``version`` (None: the head) and the current head.

        The stored JSON is validated again, so a corrupt row is reported, never used.
        """
        with self._tx(write=False) as s:
            row = _configuration_row(s, configuration_id)
            revision = _revision_row(s, configuration_id, row.version if version is None else version)
            content, sha, head = revision.content, revision.content_sha256, _head(row)
        config = _parse_stored(content, configuration_id, revision.version)
        self._recent.put(sha, config)
        return config, head

    def save(
        self,
        configuration_id: int,
        config: Configuration,
        *,
        base_version: int,
        author: str,
        summary: str | None = None,
    ) -> ConfigurationHead:
        """Append ``config`` as version ``base_version + 1``.

        Raises ConflictError (writing nothing) if the head is no longer
        ``base_version``. Saving content identical to the base revision writes
        nothing and returns the head (autosave of an unchanged canvas is free).
        ``summary`` None: computed by ``canvas_app.diff`` when available.
        """
        author = _clean_author(author)
        content = dump_configuration(config)
        sha = _sha(content)
        # Read the base outside the write lock: revisions are immutable, so the
        # diff computed here stays true if the head is still base_version below.
        with self._tx(write=False) as s:
            row = _live_configuration_row(s, configuration_id)
            head_version, head = row.version, _head(row)
            base_sha = s.scalar(
                select(RevisionRow.content_sha256).where(
                    RevisionRow.configuration_id == configuration_id, RevisionRow.version == base_version
                )
            )
            base_config = self._recent.get(base_sha) if base_sha is not None else None
            base_content = None
            if base_sha is not None and base_sha != sha and summary is None and base_config is None:
                base_content = _revision_row(s, configuration_id, base_version).content
        if base_sha is None or head_version != base_version:
            raise self._conflict(configuration_id, base_version)
        if base_sha == sha:
            return head
        if summary is None:
            if base_config is None:
                assert base_content is not None
                base_config = _parse_stored(base_content, configuration_id, base_version)
            summary = summarize_change(base_config, config)
        saved = self._append(configuration_id, base_version, config, content, sha, author, summary)
        self._recent.put(sha, config)
        return saved

    def branch(
        self,
        configuration_id: int,
        *,
        version: int | None = None,
        name: str,
        author: str,
        change: Callable[[Configuration], Configuration] | None = None,
        change_summary: str = "",
    ) -> ConfigurationHead:
        """A new configuration in the same workspace, starting from ``version`` (None: head).

        ``change`` (e.g. the user's edit kept on a conflict) is applied to that revision first, so the
        branch is created with it in one step, or not at all when the change fails.
        """
        author = _clean_author(author)
        name = _clean_name(name, "configuration name", 300)
        with self._tx(write=False) as s:
            row = _configuration_row(s, configuration_id)
            source = _revision_row(s, configuration_id, row.version if version is None else version)
            content, source_version, source_name = source.content, source.version, row.name
        config = _parse_stored(content, configuration_id, source_version)
        if change is not None:
            config = change(config)  # raises before anything is written
        try:
            config = parse_configuration({**config.model_dump(mode="json"), "name": name})
        except ConfigurationError as exc:
            raise StorageError(f"cannot branch: {exc}") from exc
        summary = _clip(
            f"branched from '{source_name}' version {source_version}"
            + (f"; {change_summary}" if change_summary else "")
        )
        content = dump_configuration(config)
        with self._tx(write=True) as s:
            parent = _configuration_row(s, configuration_id)
            _live_workspace_row(s, parent.workspace_id)
            new = self._insert_configuration(
                s,
                parent.workspace_id,
                config,
                content,
                author,
                summary,
                parent_id=configuration_id,
                parent_version=source_version,
            )
            return _head(new)

    def revisions(self, configuration_id: int) -> list[RevisionInfo]:
        """Every revision, oldest first (version 1, 2, ... with no gaps)."""
        with self._tx(write=False) as s:
            _configuration_row(s, configuration_id)
            rows = s.execute(
                select(
                    RevisionRow.configuration_id,
                    RevisionRow.version,
                    RevisionRow.author,
                    RevisionRow.created_at,
                    RevisionRow.summary,
                    RevisionRow.actor_count,
                    RevisionRow.flow_count,
                )
                .where(RevisionRow.configuration_id == configuration_id)
                .order_by(RevisionRow.version)
            ).all()
            return [RevisionInfo(*r) for r in rows]

    def delete_configuration(
        self, configuration_id: int, *, author: str, audit: AuditActor | None = None
    ) -> ConfigurationHead:
        """Soft delete: hidden from lists and closed to saves; :meth:`restore_configuration` undoes it.
        With ``audit``, the deletion is recorded in the audit log (in the same transaction)."""
        author = _clean_author(author)
        with self._tx(write=True) as s:
            row = _configuration_row(s, configuration_id)
            _live_workspace_row(s, row.workspace_id)  # a deleted workspace's content waits for its restore
            if row.deleted_at is None:
                row.deleted_at, row.deleted_by = utcnow(), author
                if audit is not None:
                    add_event(
                        s,
                        "configuration deleted",
                        audit,
                        workspace_id=row.workspace_id,
                        configuration_id=row.id,
                        detail=row.name,
                    )
            return _head(row)

    def restore_configuration(
        self, configuration_id: int, *, author: str, audit: AuditActor | None = None
    ) -> ConfigurationHead:
        _clean_author(author)
        with self._tx(write=True) as s:
            row = _configuration_row(s, configuration_id)
            _live_workspace_row(s, row.workspace_id)
            if row.deleted_at is not None and audit is not None:
                add_event(
                    s,
                    "configuration restored",
                    audit,
                    workspace_id=row.workspace_id,
                    configuration_id=row.id,
                    detail=row.name,
                )
            row.deleted_at, row.deleted_by = None, None
            return _head(row)

    # -- workspace items: needs & opportunities, advantages, custom modules, weights --
    def list_needs(self, workspace_id: int) -> list[WorkspaceNeed]:
        """Needs and opportunities in the order they were first added."""
        return [WorkspaceNeed.model_validate_json(d) for d in self._list_items(NeedRow, workspace_id)]

    def upsert_need(self, workspace_id: int, need: WorkspaceNeed, *, author: str | None = None) -> WorkspaceNeed:
        self._upsert_item(NeedRow, workspace_id, need.id, need.model_dump_json(), author)
        return need

    def delete_need(self, workspace_id: int, need_id: str, *, author: str | None = None) -> None:
        self._delete_item(NeedRow, workspace_id, need_id, "need")

    def list_advantages(self, workspace_id: int) -> list[Advantage]:
        return [Advantage.model_validate_json(d) for d in self._list_items(AdvantageRow, workspace_id)]

    def upsert_advantage(self, workspace_id: int, advantage: Advantage, *, author: str | None = None) -> Advantage:
        self._upsert_item(AdvantageRow, workspace_id, advantage.id, advantage.model_dump_json(), author)
        return advantage

    def delete_advantage(self, workspace_id: int, advantage_id: str, *, author: str | None = None) -> None:
        self._delete_item(AdvantageRow, workspace_id, advantage_id, "advantage")

    def list_city_profiles(self, workspace_id: int) -> list[ProfileRecord]:
        """The workspace's city profiles, in the order they were first added."""
        with self._tx(write=False) as s:
            _workspace_row(s, workspace_id)
            rows = s.execute(
                select(CityProfileRow.item_id, CityProfileRow.data)
                .where(CityProfileRow.workspace_id == workspace_id)
                .order_by(CityProfileRow.id)
            ).all()
        return [ProfileRecord(i, CityProfile.model_validate_json(d)) for i, d in rows]

    def upsert_city_profile(
        self, workspace_id: int, profile_id: str, profile: CityProfile, *, author: str | None = None
    ) -> ProfileRecord:
        """Add a profile, or replace the one with this id."""
        self._upsert_item(CityProfileRow, workspace_id, profile_id, profile.model_dump_json(), author)
        return ProfileRecord(profile_id, profile)

    def delete_city_profile(self, workspace_id: int, profile_id: str, *, author: str | None = None) -> None:
        self._delete_item(CityProfileRow, workspace_id, profile_id, "city profile")

    def list_modules(self, workspace_id: int) -> list[ModuleRecord]:
        """The workspace's custom modules, as the text their authors wrote."""
        with self._tx(write=False) as s:
            _workspace_row(s, workspace_id)
            rows = s.execute(
                select(CustomModuleRow.item_id, CustomModuleRow.data, CustomModuleRow.format)
                .where(CustomModuleRow.workspace_id == workspace_id)
                .order_by(CustomModuleRow.id)
            ).all()
        return [ModuleRecord(id=i, text=t, format=f) for i, t, f in rows]

    def get_module(self, workspace_id: int, module_id: str) -> ModuleRecord:
        with self._tx(write=False) as s:
            row = s.scalar(
                select(CustomModuleRow).where(
                    CustomModuleRow.workspace_id == workspace_id, CustomModuleRow.item_id == module_id
                )
            )
            if row is None:
                raise NotFoundError(f"workspace {workspace_id} has no custom module '{module_id}'")
            return ModuleRecord(id=row.item_id, text=row.data, format=row.format)

    def put_module(
        self,
        workspace_id: int,
        module: ModuleRecord,
        *,
        author: str | None = None,
        create: bool = False,
        expected_digest: str | None = None,
    ) -> ModuleRecord:
        """Keep a custom module's text. ``create``: only if the workspace has no module of this id;
        ``expected_digest``: only if the stored text is still the one the editor opened
        (:meth:`ModuleRecord.digest`). Otherwise StaleItemError, and nothing is written: the
        check and the write are one transaction, so two editors cannot both win."""
        if not create and expected_digest is None:
            self._upsert_item(CustomModuleRow, workspace_id, module.id, module.text, author, format=module.format)
            return module

        def taken(_exc: IntegrityError) -> StorageError:  # created by someone else in the same instant
            return StaleItemError(f"workspace {workspace_id} already has a module '{module.id}'")

        with self._tx(write=True, integrity=taken) as s:
            _live_workspace_row(s, workspace_id)
            row = s.scalar(
                select(CustomModuleRow)
                .where(CustomModuleRow.workspace_id == workspace_id, CustomModuleRow.item_id == module.id)
                .with_for_update()
            )
            if create and row is not None:
                raise StaleItemError(f"workspace {workspace_id} already has a module '{module.id}'")
            if expected_digest is not None and (row is None or text_digest(row.data) != expected_digest):
                raise StaleItemError(f"module '{module.id}' was changed or deleted since it was opened")
            if row is None:
                s.add(
                    CustomModuleRow(
                        workspace_id=workspace_id,
                        item_id=module.id,
                        data=module.text,
                        format=module.format,
                        updated_at=utcnow(),
                        updated_by=_item_author(author),
                    )
                )
            else:
                row.data, row.format, row.updated_at, row.updated_by = (
                    module.text,
                    module.format,
                    utcnow(),
                    _item_author(author),
                )
        return module

    def delete_module(self, workspace_id: int, module_id: str, *, author: str | None = None) -> None:
        self._delete_item(CustomModuleRow, workspace_id, module_id, "custom module")

    def get_weights(self, workspace_id: int) -> dict[str, float]:
        """Every stored weight of the workspace ({} = the defaults): score weights by bare
        criterion id, other rankings' under their prefix (see :meth:`get_weight_group`)."""
        with self._tx(write=False) as s:
            _workspace_row(s, workspace_id)
            rows = s.execute(
                select(WeightRow.criterion, WeightRow.weight)
                .where(WeightRow.workspace_id == workspace_id)
                .order_by(WeightRow.criterion)
            ).all()
        return {criterion: weight for criterion, weight in rows}

    def set_weights(
        self, workspace_id: int, weights: Mapping[str, float], *, author: str | None = None
    ) -> dict[str, float]:
        """Replace all weights of the workspace at once (one transaction)."""
        clean = _clean_weights(weights)
        self._replace_weights(workspace_id, None, clean, author)
        return dict(sorted(clean.items()))

    def get_weight_group(self, workspace_id: int, prefix: str) -> dict[str, float]:
        """The workspace's weights whose key starts with ``prefix``, keyed without it.

        A workspace keeps one table of weights; other rankings than the scores (the need
        ranking's ``needs.importance``...) live in it under a key prefix."""
        _check_prefix(prefix)
        with self._tx(write=False) as s:
            _workspace_row(s, workspace_id)
            rows = s.execute(
                select(WeightRow.criterion, WeightRow.weight)
                .where(WeightRow.workspace_id == workspace_id, WeightRow.criterion.startswith(prefix, autoescape=True))
                .order_by(WeightRow.criterion)
            ).all()
        return {key[len(prefix) :]: weight for key, weight in rows}

    def set_weight_group(
        self, workspace_id: int, prefix: str, weights: Mapping[str, float], *, author: str | None = None
    ) -> dict[str, float]:
        """Replace the weights under ``prefix`` (one transaction); weights outside it stay as they are,
        so saving the need-ranking weights never drops a score weight saved meanwhile (and the reverse).

        Raises ValueError, writing nothing, for an empty or too long name or a weight that is
        negative or not a finite number.
        """
        _check_prefix(prefix)
        clean = _clean_weights(weights, prefix)
        self._replace_weights(workspace_id, WeightRow.criterion.startswith(prefix, autoescape=True), clean, author)
        return {k[len(prefix) :]: v for k, v in sorted(clean.items())}

    def set_named_weights(
        self, workspace_id: int, names: Iterable[str], weights: Mapping[str, float], *, author: str | None = None
    ) -> dict[str, float]:
        """Replace the weights called ``names`` (one transaction): those in ``weights`` are set, the
        other names go back to their defaults (no row); every other weight of the workspace stays.

        The score weights use it with the criterion ids, which carry no group prefix.
        """
        names = {str(n) for n in names}
        unknown = sorted(set(weights) - names)
        if unknown:
            raise ValueError(f"unknown weight name(s): {', '.join(unknown)}")
        clean = _clean_weights(weights)
        self._replace_weights(workspace_id, WeightRow.criterion.in_(sorted(names)), clean, author)
        return dict(sorted(clean.items()))

    def _replace_weights(
        self, workspace_id: int, which: ColumnElement[bool] | None, clean: Mapping[str, float], author: str | None
    ) -> None:
        """Delete the workspace's weights matching ``which`` (all when None) and write ``clean``, in one transaction."""
        who, now = _item_author(author), utcnow()
        with self._tx(write=True) as s:
            _live_workspace_row(s, workspace_id)
            condition = WeightRow.workspace_id == workspace_id
            s.execute(
                delete(WeightRow)
                .where(condition if which is None else condition & which)
                .execution_options(synchronize_session=False)
            )
            s.add_all(
                WeightRow(workspace_id=workspace_id, criterion=k, weight=v, updated_at=now, updated_by=who)
                for k, v in clean.items()
            )

    def _list_items(self, model: type[NeedRow] | type[AdvantageRow], workspace_id: int) -> list[str]:
        with self._tx(write=False) as s:
            _workspace_row(s, workspace_id)
            return list(s.scalars(select(model.data).where(model.workspace_id == workspace_id).order_by(model.id)))

    def _upsert_item(
        self, model: Any, workspace_id: int, item_id: str, data: str, author: str | None, **extra: str
    ) -> None:
        """Insert or replace one item atomically (INSERT ... ON CONFLICT DO UPDATE on both engines)."""
        values = {"data": data, "updated_at": utcnow(), "updated_by": _item_author(author), **extra}
        insert = sqlite_insert if self.engine.dialect.name == "sqlite" else pg_insert
        statement = insert(model).values(workspace_id=workspace_id, item_id=item_id, **values)
        statement = statement.on_conflict_do_update(index_elements=["workspace_id", "item_id"], set_=values)
        with self._tx(write=True) as s:
            _live_workspace_row(s, workspace_id)
            s.execute(statement)

    def _delete_item(self, model: Any, workspace_id: int, item_id: str, what: str) -> None:
        with self._tx(write=True) as s:
            _live_workspace_row(s, workspace_id)
            result = cast(
                CursorResult[Any],
                s.execute(
                    delete(model)
                    .where(model.workspace_id == workspace_id, model.item_id == item_id)
                    .execution_options(synchronize_session=False)
                ),
            )  # a DELETE's result
            if result.rowcount == 0:
                raise NotFoundError(f"workspace {workspace_id} has no {what} '{item_id}'")

    # -- internals ----------------------------------------------------------------
    def _insert_configuration(
        self,
        s: Session,
        workspace_id: int,
        config: Configuration,
        content: str,
        author: str,
        summary: str,
        *,
        parent_id: int | None = None,
        parent_version: int | None = None,
    ) -> ConfigurationRow:
        now = utcnow()
        row = ConfigurationRow(
            workspace_id=workspace_id,
            name=config.name,
            version=1,
            created_at=now,
            created_by=author,
            updated_at=now,
            updated_by=author,
            parent_id=parent_id,
            parent_version=parent_version,
        )
        s.add(row)
        s.flush()
        s.add(self._revision(row.id, 1, author, now, summary, content, _sha(content), config))
        s.flush()
        return row

    def _revision(
        self,
        configuration_id: int,
        version: int,
        author: str,
        now: datetime,
        summary: str,
        content: str,
        sha: str,
        config: Configuration,
    ) -> RevisionRow:
        return RevisionRow(
            configuration_id=configuration_id,
            version=version,
            author=author,
            created_at=now,
            summary=_clip(summary),
            content=content,
            content_sha256=sha,
            actor_count=len(config.actors),
            flow_count=len(config.flows),
        )

    def _append(
        self,
        configuration_id: int,
        base_version: int,
        config: Configuration,
        content: str,
        sha: str,
        author: str,
        summary: str,
    ) -> ConfigurationHead:
        """The write half of a save: everything slow (dump, hash, diff) is already done,
        so the write lock is held only for one UPDATE and one INSERT."""
        now = utcnow()

        def stale(_exc: IntegrityError) -> StorageError:
            return self._conflict(configuration_id, base_version)

        try:
            with self._tx(write=True, integrity=stale) as s:
                result = cast(
                    CursorResult[Any],
                    s.execute(
                        update(ConfigurationRow)
                        .where(
                            ConfigurationRow.id == configuration_id,
                            ConfigurationRow.version == base_version,
                            ConfigurationRow.deleted_at.is_(None),
                        )
                        .values(version=base_version + 1, name=config.name, updated_at=now, updated_by=author)
                        .execution_options(synchronize_session=False)
                    ),
                )  # an UPDATE's result
                if result.rowcount != 1:
                    raise _Stale
                s.add(self._revision(configuration_id, base_version + 1, author, now, summary, content, sha, config))
                s.flush()
                return _head(s.get_one(ConfigurationRow, configuration_id, populate_existing=True))
        except _Stale:
            raise self._conflict(configuration_id, base_version) from None

    def _conflict(self, configuration_id: int, base_version: int) -> StorageError:
        """Build the error for a stale save, from a fresh read after the failed write rolled back."""
        with self._tx(write=False) as s:
            row = _configuration_row(s, configuration_id)
            if row.deleted_at is not None:
                return NotFoundError(f"configuration '{row.name}' was deleted: restore it first")
            revision = _revision_row(s, configuration_id, row.version)
            info = _revision_info(revision)
            content = revision.content
        return ConflictError(info, _parse_stored(content, configuration_id, info.version), base_version)


# -- helpers -------------------------------------------------------------------------
class _RecentConfigs:
    """The last few validated configurations by content hash: the base of the next save is
    almost always the one just loaded or saved, and revisions never change, so the diff
    needs no re-read and re-parse of a megabyte of JSON."""

    def __init__(self, size: int = 8):
        self._size = size
        self._items: OrderedDict[str, Configuration] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sha: str) -> Configuration | None:
        with self._lock:
            config = self._items.get(sha)
            if config is not None:
                self._items.move_to_end(sha)
            return config

    def put(self, sha: str, config: Configuration) -> None:
        with self._lock:
            self._items[sha] = config
            self._items.move_to_end(sha)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def _clean_weights(weights: Mapping[str, float], prefix: str = "") -> dict[str, float]:
    """The storage guard of every weight written: ``prefix`` + a 1 to MAX_WEIGHT_KEY character name,
    a finite number >= 0. Raises ValueError naming the first bad one (the core checks what
    users type, with every problem named; this refuses what no caller should send)."""
    clean: dict[str, float] = {}
    for name, value in weights.items():
        key = prefix + str(name).strip()
        if len(key) == len(prefix) or len(key) > MAX_WEIGHT_KEY:
            raise ValueError(f"weight name {name!r} must be 1-{MAX_WEIGHT_KEY - len(prefix)} characters")
        number = float(value)
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"weight '{name}' must be a finite number >= 0 (got {value!r})")
        clean[key] = number
    return clean


def _check_prefix(prefix: str) -> None:
    if not prefix or len(prefix) >= MAX_WEIGHT_KEY:
        raise ValueError("a weight group needs a non-empty prefix")


def summarize_change(old: Configuration, new: Configuration) -> str:
    """The history's line for a revision, by name: "deleted actor 'Citizens' and 3 flows; moved 2 actors"."""
    try:
        return _clip(named_summary(old, new) or "edited")
    except Exception:  # a bug in the diff must never block saving a team's work
        log.exception("named_summary failed; the revision is summarised as 'edited'")
        return "edited"


def _sha(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


def _clip(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1] + "…"


def _clean_author(author: str) -> str:
    author = " ".join(str(author or "").split())
    if not author:
        raise ValueError("author is required (who made this change)")
    return author[:MAX_AUTHOR]


def _clean_name(name: str, what: str, limit: int) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ValueError(f"{what} must not be empty")
    if len(name) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    return name


def _parse_stored(content: str, configuration_id: int, version: int) -> Configuration:
    try:
        return parse_configuration(content)
    except ConfigurationError as exc:
        raise StorageError(
            f"configuration {configuration_id} version {version} is stored but no longer valid: {exc}"
        ) from exc


def _workspace_row(s: Session, workspace_id: int) -> WorkspaceRow:
    row = s.get(WorkspaceRow, workspace_id)
    if row is None:
        raise NotFoundError(f"no workspace with id {workspace_id}")
    return row


def _live_workspace_row(s: Session, workspace_id: int) -> WorkspaceRow:
    row = _workspace_row(s, workspace_id)
    if row.deleted_at is not None:
        raise NotFoundError(f"workspace '{row.name}' is deleted: restore it first")
    return row


NAMES_LOCK = 4_242_002
"""PostgreSQL advisory lock key (with the user id) that serialises one user's workspace creations,
so a double click cannot make two workspaces of one name; SQLite writers are serial already."""


def _lock_names(s: Session, owner_id: int | None) -> None:
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:key, :user)"), {"key": NAMES_LOCK, "user": int(owner_id or 0)})


def _same_name(s: Session, name: str, owner_id: int | None) -> WorkspaceRow | None:
    """A workspace named ``name`` that the creator can see: live ones they are a member of, and
    deleted ones they own (offered to them for restore); with no owner, any workspace."""
    query = select(WorkspaceRow).where(WorkspaceRow.name == name)
    if owner_id is not None:
        query = query.join(MembershipRow, MembershipRow.workspace_id == WorkspaceRow.id).where(
            MembershipRow.user_id == int(owner_id),
            or_(WorkspaceRow.deleted_at.is_(None), MembershipRow.role == "owner"),
        )
    return s.scalars(query.order_by(WorkspaceRow.id).limit(1)).first()


def _only_workspace_named(s: Session, name: str) -> WorkspaceRow | None:
    rows = s.scalars(select(WorkspaceRow).where(WorkspaceRow.name == name.strip()).limit(2)).all()
    if len(rows) > 1:
        raise DuplicateNameError(f"several teams have a workspace named '{name.strip()}': rename one first")
    return rows[0] if rows else None


def _item_author(author: str | None) -> str:
    return " ".join(str(author or "").split())[:MAX_AUTHOR]


def _configuration_row(s: Session, configuration_id: int) -> ConfigurationRow:
    row = s.get(ConfigurationRow, configuration_id)
    if row is None:
        raise NotFoundError(f"no configuration with id {configuration_id}")
    return row


def _live_configuration_row(s: Session, configuration_id: int) -> ConfigurationRow:
    """A configuration that may change: neither it nor its workspace is deleted."""
    row = _configuration_row(s, configuration_id)
    if row.deleted_at is not None:
        raise NotFoundError(f"configuration '{row.name}' is deleted: restore it first")
    workspace = s.get(WorkspaceRow, row.workspace_id)
    if workspace is not None and workspace.deleted_at is not None:
        raise NotFoundError(
            f"configuration '{row.name}' is in the deleted workspace '{workspace.name}': restore it first"
        )
    return row


def _revision_row(s: Session, configuration_id: int, version: int) -> RevisionRow:
    row = s.scalar(
        select(RevisionRow).where(RevisionRow.configuration_id == configuration_id, RevisionRow.version == version)
    )
    if row is None:
        raise NotFoundError(f"configuration {configuration_id} has no version {version}")
    return row


def _workspace_info(row: WorkspaceRow) -> WorkspaceInfo:
    return WorkspaceInfo(
        id=row.id,
        name=row.name,
        created_at=row.created_at,
        deleted_at=row.deleted_at,
        created_by=row.created_by,
        deleted_by=row.deleted_by,
    )


def _head(row: ConfigurationRow) -> ConfigurationHead:
    return ConfigurationHead(
        id=row.id,
        workspace_id=row.workspace_id,
        name=row.name,
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        parent_id=row.parent_id,
        deleted_at=row.deleted_at,
        parent_version=row.parent_version,
        created_at=row.created_at,
        created_by=row.created_by,
        deleted_by=row.deleted_by,
    )


def _revision_info(row: RevisionRow) -> RevisionInfo:
    return RevisionInfo(
        configuration_id=row.configuration_id,
        version=row.version,
        author=row.author,
        created_at=row.created_at,
        summary=row.summary,
        actor_count=row.actor_count,
        flow_count=row.flow_count,
    )
