"""A fingerprint of everything the application stores, to prove that a refused request
changed nothing and that an allowed one changed what it should.

One query reads, for every table of the database, its row count and an md5 of its rows
(each row's text, sorted, so the order rows come back in does not matter). Two
fingerprints compare table by table; `changes` says which tables differ and how their
counts moved. About a millisecond a table on a test's few hundred rows, so
`changed_since` reads it again only when PostgreSQL counted a row written in between (the
transaction's own counters, `pg_stat_xact_user_tables`, which count every insert, update
and delete, kept or rolled back): a read or a refusal that wrote nothing costs one cheap
query.

Left out: Django's sessions (signing in writes one, a page's messages another) and the
sign-in attempt log of django-axes (a refused sign-in is recorded there by design).
"""

from dataclasses import dataclass

from django.db import connection

IGNORED_PREFIXES = ("django_session", "axes_")


@dataclass(frozen=True)
class TableState:
    count: int
    digest: str


def _tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if not t.startswith(IGNORED_PREFIXES))


def db_fingerprint() -> dict[str, TableState]:
    """Row count and digest of every application table, in one statement."""
    qn = connection.ops.quote_name
    parts = [
        f"SELECT %s, count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) "
        f"FROM {qn(table)} t"
        for table in _tables()
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), _tables())
        return {table: TableState(count, digest) for table, count, digest in cursor.fetchall()}


def changes(before: dict[str, TableState], after: dict[str, TableState]) -> dict[str, int]:
    """The tables whose rows differ, each with how many rows it gained (negative: lost)."""
    return {table: after[table].count - before[table].count for table in before if before[table] != after[table]}


def write_counters() -> list[tuple]:
    """Rows inserted, updated and deleted per table so far in this transaction (rolled-back
    savepoints included: the counters only grow)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relid, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 ORDER BY relid"
        )
        return cursor.fetchall()


def changed_since(before: dict[str, TableState], writes: list[tuple]) -> dict[str, int]:
    """`changes` from `before`, a fingerprint taken when the counters were `writes`; no
    fingerprint at all when no row was written since."""
    if write_counters() == writes:
        return {}
    return changes(before, db_fingerprint())


CHANGED = "changed"  # rows change, their number does not
MORE = "more"  # rows are added, how many depends on outside data


def effect_problems(effect: dict[str, int | str], changed: dict[str, int]) -> list[str]:
    """What an allowed write did not do of what its case said (`changes` of the tables:
    rows added, CHANGED or MORE)."""
    problems = []
    for table, want in effect.items():
        if table not in changed:
            problems.append(f"{table} unchanged")
        elif want == MORE and changed[table] <= 0:
            problems.append(f"{table}: {changed[table]:+d} rows, expected more")
        elif want == CHANGED and changed[table] != 0:
            problems.append(f"{table}: {changed[table]:+d} rows, expected the same number changed")
        elif isinstance(want, int) and changed[table] != want:
            problems.append(f"{table}: {changed[table]:+d} rows, expected {want:+d}")
    return problems
