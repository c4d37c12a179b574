"""Set-based writes for hot paths (the deadline scanner writes thousands of rows a
cycle): one INSERT or UPDATE statement per call, whatever the number of rows.

On PostgreSQL the rows are rendered with the driver's own quoting (`mogrify`) into a
single statement sent through Django's cursor, so that statement counters and query
logging still see it; `batched_inserts()` sends several such INSERTs as one statement.
Other databases (the embedded SQLite demo) fall back to the ORM.
"""

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models


def _adapt(field: models.Field, value: Any) -> Any:
    if isinstance(field, models.JSONField):
        from psycopg2.extras import Json

        return Json(value, dumps=lambda v: json.dumps(v, cls=field.encoder))
    return value


@dataclass(frozen=True)
class _InsertShape:
    """What an INSERT of some columns of a table looks like, worked out once per process:
    quoting names through Django's connection proxy costs more than sending the rows."""

    head: str  # INSERT INTO "table" ("a", "b") VALUES
    tail: str  # ON CONFLICT … RETURNING …
    fields: tuple[models.Field, ...]
    row_template: str
    returns: bool  # has a RETURNING clause
    returning_pk: str | None  # the quoted pk column when the statement returns just the pk


@cache
def _insert_shape(model: type[models.Model], fields: tuple[str, ...], conflict_do_nothing: bool,
                  returning: tuple[str, ...]) -> _InsertShape:
    meta = model._meta
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    model_fields = tuple(meta.get_field(name) for name in fields)
    columns = ", ".join(qn(f.column) for f in model_fields)
    tail = " ON CONFLICT DO NOTHING" if conflict_do_nothing else ""
    if returning:
        tail += " RETURNING " + ", ".join(qn(meta.get_field(c).column) for c in returning)
    return _InsertShape(
        head=f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ",
        tail=tail,
        fields=model_fields,
        row_template="(" + ", ".join(["%s"] * len(fields)) + ")",
        returns=bool(returning),
        returning_pk=qn(meta.pk.column) if tuple(returning) == (meta.pk.name,) else None,
    )


@dataclass
class _QueuedInsert:
    sql: str
    returning_pk: str | None
    on_ids: Callable[[list[tuple]], None] | None


# The INSERTs waiting for the end of a `batched_inserts()` block (None outside one).
_queue: ContextVar[list[_QueuedInsert] | None] = ContextVar("servicedesk_insert_queue", default=None)


@contextmanager
def batched_inserts() -> Iterator[None]:
    """Send the INSERTs made inside the block through `insert_objects` and `insert_rows`
    (those that ask for no RETURNING columns but the primary key) to PostgreSQL as one
    statement when the block ends: one round trip instead of one per table.

    Filing a ticket writes its clocks, its history and the lead's notifications this
    way. The objects get their primary keys when the block ends, not before: code inside
    must not need them (or read the rows back) until then. Foreign keys are checked at
    commit, so the order of the tables does not matter. On other databases, and when
    the block raises, nothing is queued or sent.
    """
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql" or _queue.get() is not None:
        yield
        return
    queue: list[_QueuedInsert] = []
    token = _queue.set(queue)
    try:
        yield
    finally:
        _queue.reset(token)
    _send(queue)


def _send(queue: list[_QueuedInsert]) -> None:
    """One statement for the queued INSERTs: a single one as it is, several as
    data-modifying CTEs, each run exactly once (PostgreSQL runs them to completion whether
    or not the final SELECT reads them), selecting the primary keys of those that return
    them, tagged with their position."""
    if not queue:
        return
    returning = [i for i, q in enumerate(queue) if q.returning_pk]
    if len(queue) == 1:
        sql = queue[0].sql
    else:
        ctes = ", ".join(f"s{i} AS ({q.sql})" for i, q in enumerate(queue))
        selects = " UNION ALL ".join(f"SELECT {i}, {queue[i].returning_pk} FROM s{i}" for i in returning)
        sql = f"WITH {ctes} {selects or 'SELECT NULL, NULL WHERE false'}"
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall() if returning else []
    if len(queue) == 1:
        rows = [(0, *row) for row in rows]
    ids: dict[int, list[tuple]] = {i: [] for i in returning}
    for index, pk in rows:
        ids[index].append((pk,))
    for i in returning:
        if queue[i].on_ids:
            queue[i].on_ids(ids[i])


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]],
                *, conflict_do_nothing: bool = False, returning: Sequence[str] = ()) -> list[tuple]:
    """INSERT rows (tuples in the order of `fields`); optionally ON CONFLICT DO NOTHING and
    RETURNING some columns (the rows really inserted).

    Inside `batched_inserts()` a statement without RETURNING waits for the end of the
    block (and this returns []); one with RETURNING runs at once."""
    if not rows:
        return []
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "postgresql":
        meta = model._meta
        model_fields = [meta.get_field(name) for name in fields]
        objs = [model(**{f.attname: v for f, v in zip(model_fields, row, strict=True)}) for row in rows]
        model.objects.bulk_create(objs, ignore_conflicts=conflict_do_nothing)
        return [tuple(getattr(o, meta.get_field(c).attname) for c in returning) for o in objs] if returning else []
    return _send_or_queue(conn, _insert_shape(model, tuple(fields), conflict_do_nothing, tuple(returning)), rows)


def _send_or_queue(conn, shape: _InsertShape, rows: Sequence[Sequence[Any]],
                   on_ids: Callable[[list[tuple]], None] | None = None) -> list[tuple]:
    """Send the INSERT now, or queue it inside `batched_inserts()` when nobody waits for
    what it returns (none, or the primary keys handed to `on_ids` later)."""
    with conn.cursor() as cursor:
        sql = _render(cursor, shape, rows)
        queue = _queue.get()
        if queue is not None and (on_ids is not None or not shape.returns):
            queue.append(_QueuedInsert(sql, shape.returning_pk if on_ids else None, on_ids))
            return []
        cursor.execute(sql)
        result = cursor.fetchall() if shape.returns else []
    if on_ids is not None:
        on_ids(result)
    return result


def _render(cursor, shape: _InsertShape, rows: Sequence[Sequence[Any]]) -> str:
    """The statement with its values quoted by the driver (`mogrify`), as a string."""
    params = []
    for row in rows:
        params.extend(_adapt(f, v) for f, v in zip(shape.fields, row, strict=True))
    values = cursor.cursor.mogrify(",".join([shape.row_template] * len(rows)), params).decode()
    return shape.head + values + shape.tail


def insert_objects(objs: Sequence[models.Model]) -> None:
    """`bulk_create` for a few objects on a hot path (filing a ticket): one INSERT …
    RETURNING id rendered as `insert_rows` does, without the ORM's statement compiler, which cost
    more than the statement itself. Values are prepared as the ORM would (`pre_save`
    fills `auto_now_add`); the objects get their primary keys (inside
    `batched_inserts()`, when the block ends)."""
    if not objs:
        return
    model = type(objs[0])
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    meta = model._meta
    fields = _insert_fields(model)
    for obj in objs:
        # As bulk_create: take the ids of related objects saved since (a new ticket's).
        obj._prepare_related_fields_for_save(operation_name="insert_objects")
    rows = [[f.pre_save(obj, True) for f in fields] for obj in objs]

    def take_ids(ids: list[tuple]) -> None:
        for obj, (pk,) in zip(objs, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = DEFAULT_DB_ALIAS

    _send_or_queue(conn, _insert_shape(model, tuple(f.name for f in fields), False, (meta.pk.name,)), rows,
                   take_ids)


@cache
def _insert_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    meta = model._meta
    return tuple(f for f in meta.concrete_fields if f is not meta.pk)


def update_rows(model: type[models.Model], fields: Sequence[str], objs: Sequence[models.Model]) -> None:
    """UPDATE the given fields of many objects in one statement (UPDATE … FROM VALUES)."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, list(fields))
        return
    meta = model._meta
    model_fields = [meta.pk, *(meta.get_field(name) for name in fields)]
    qn = connection.ops.quote_name
    casts = [f.db_type(connection).replace("serial", "integer") for f in model_fields]
    casts[0] = "bigint"
    template = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        values = b",".join(
            raw.mogrify(template, [_adapt(f, getattr(obj, f.attname)) for f in model_fields]) for obj in objs
        ).decode()
        names = ", ".join(f"c{i}" for i in range(len(model_fields)))
        assignments = ", ".join(f"{qn(f.column)} = v.c{i}" for i, f in enumerate(model_fields) if i)
        cursor.execute(
            f"UPDATE {qn(meta.db_table)} AS t SET {assignments} FROM (VALUES {values}) AS v({names}) "  # noqa: S608
            f"WHERE t.{qn(meta.pk.column)} = v.c0"
        )


@cache
def _select_in_sql(model: type[models.Model], fields: tuple[str, ...], key: str, order_by: str | None) -> str:
    """SELECT … WHERE key IN ({}) [ORDER BY …] for a model, names quoted once per process;
    `{}` stands for the placeholders."""
    meta = model._meta
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    columns = ", ".join(qn(meta.get_field(name).column) for name in fields)
    sql = f"SELECT {columns} FROM {qn(meta.db_table)} WHERE {qn(meta.get_field(key).column)} IN ({{}})"  # noqa: S608
    return sql + (f" ORDER BY {qn(meta.get_field(order_by).column)}" if order_by else "")


def select_rows_in(model: type[models.Model], fields: Sequence[str], key: str, values: Sequence[Any],
                   *, order_by: str | None = None) -> list[tuple]:
    """The `fields` of the rows whose `key` is one of `values`, as tuples, by a fixed
    statement: for reads on a hot path where building the ORM query cost more than
    running it. Values come as the driver gives them, without the ORM's converters (on
    SQLite, datetimes stay naive)."""
    if not values:
        return []
    sql = _select_in_sql(model, tuple(fields), key, order_by).format(", ".join(["%s"] * len(values)))
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, list(values))
        return cursor.fetchall()


def remember_related(instance: models.Model, name: str, objects: Sequence[models.Model]) -> None:
    """Fill `instance.<name>.all()` with objects just written, as `prefetch_related(name)`
    would, so that showing them does not read back what this request wrote."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
