"""Set-based writes for hot paths (the deadline scanner writes thousands of rows a
cycle): one INSERT or UPDATE statement per call, whatever the number of rows.

On PostgreSQL the rows are rendered with the driver's own quoting (`mogrify`) into a
single statement sent through Django's cursor, so that statement counters and query
logging still see it. Other databases (the embedded SQLite demo) fall back to the ORM.
"""

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def _adapt(field: models.Field, value: Any) -> Any:
    if isinstance(field, models.JSONField):
        from psycopg2.extras import Json

        return Json(value, dumps=lambda v: json.dumps(v, cls=field.encoder))
    return value


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]],
                *, conflict_do_nothing: bool = False, returning: Sequence[str] = ()) -> list[tuple]:
    """INSERT rows (tuples in the order of `fields`); optionally ON CONFLICT DO NOTHING and
    RETURNING some columns (the rows really inserted)."""
    if not rows:
        return []
    meta = model._meta
    model_fields = [meta.get_field(name) for name in fields]
    if connection.vendor != "postgresql":
        objs = [model(**{f.attname: v for f, v in zip(model_fields, row, strict=True)}) for row in rows]
        model.objects.bulk_create(objs, ignore_conflicts=conflict_do_nothing)
        return [tuple(getattr(o, meta.get_field(c).attname) for c in returning) for o in objs] if returning else []
    columns = ", ".join(connection.ops.quote_name(f.column) for f in model_fields)
    template = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        values = b",".join(
            raw.mogrify(template, [_adapt(f, v) for f, v in zip(model_fields, row, strict=True)]) for row in rows
        ).decode()
        sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES {values}"  # noqa: S608
        if conflict_do_nothing:
            sql += " ON CONFLICT DO NOTHING"
        if returning:
            sql += " RETURNING " + ", ".join(connection.ops.quote_name(meta.get_field(c).column) for c in returning)
        cursor.execute(sql)
        return cursor.fetchall() if returning else []


def insert_objects(objs: Sequence[models.Model]) -> None:
    """`bulk_create` for a few objects on a hot path (filing a ticket): one INSERT …
    RETURNING id through `insert_rows`, without the ORM's statement compiler, which cost
    more than the statement itself. Values are prepared as the ORM would (`pre_save`
    fills `auto_now_add`); the objects get their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    for obj in objs:
        # As bulk_create: take the ids of related objects saved since (a new ticket's).
        obj._prepare_related_fields_for_save(operation_name="insert_objects")
    rows = [[f.pre_save(obj, True) for f in fields] for obj in objs]
    ids = insert_rows(model, [f.name for f in fields], rows, returning=[meta.pk.name])
    for obj, (pk,) in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


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


def remember_related(instance: models.Model, name: str, objects: Sequence[models.Model]) -> None:
    """Fill `instance.<name>.all()` with objects just written, as `prefetch_related(name)`
    would, so that showing them does not read back what this request wrote."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
