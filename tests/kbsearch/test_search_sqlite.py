"""The knowledge-base search on the embedded SQLite default (no tsvector, no pg_trgm): the
same known answers as on PostgreSQL (cases.py), found by LIKE over the folded, segmented
words, and visibility applied."""

import json

from tests.kbsearch.cases import CASES
from tests.test_embedded_default import manage, project  # noqa: F401 - the fixture


def test_on_sqlite_the_search_gives_the_known_answers_and_applies_visibility(project):  # noqa: F811
    migrate = manage(project, "migrate", "--noinput", timeout=180)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr

    result = manage(project, "shell", "-c", "exec(open('tests/kbsearch/sqlite_run.py').read())", timeout=120)

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    for q, (must, must_not) in CASES.items():
        assert must <= set(found["answers"][q]), (q, found["answers"][q])
        assert not (must_not & set(found["answers"][q])), (q, found["answers"][q])
    assert found["visibility"] == {"employee": False, "agent": True, "employee_suggestions": False}
    assert found["ranking"] == ["printers", "toner"]  # a title match before a body match
