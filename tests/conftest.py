"""Shared fixtures: a bureau with units, and one named user per role.

alice 登记员 (clerk) · henry 局长 (head) · sarah 工作人员 (staff) · adam 管理员 (admin) ·
charlie has no role at all.
"""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django_scopes import scopes_disabled

from accounts import roles
from cases.models import Bureau, Membership, Unit


@pytest.fixture(autouse=True)
def _unscoped():
    """The tests' own set-up and checks read and write any bureau's rows; the code under test
    runs scoped — a request through ScopeMiddleware, a command through acting_for()."""
    with scopes_disabled():
        yield


@pytest.fixture(scope="session")
def _jobs_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("jobs")


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings, _jobs_folder):
    """Background jobs (cases.jobs) run inside the request that starts them, as the framework's
    immediate backend does: the tests see their outcome at once. tests/jobs/test_worker.py runs
    the real worker against a database file. Their result files go to a temporary folder."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "jobs": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(_jobs_folder)}},
    }


TOWNSHIPS = [
    "温泉街道",
    "太行街道",
    "岳村街道",
    "张羌街道",
    "祥云镇",
    "番田镇",
    "黄庄镇",
    "武德镇",
    "赵堡镇",
    "招贤乡",
    "北冷乡",
]
DEPARTMENTS = ["县住建局", "县人社局", "县自然资源局", "县公安局"]


@pytest.fixture
def bureau(db):
    bureau = Bureau.objects.create(name="测试县信访局", county="测试县", short_county="测试")
    for i, name in enumerate(TOWNSHIPS):
        Unit.objects.create(bureau=bureau, name=name, kind=Unit.Kind.TOWNSHIP, sort_order=i)
    for i, name in enumerate(DEPARTMENTS):
        Unit.objects.create(bureau=bureau, name=name, kind=Unit.Kind.DEPARTMENT, sort_order=i)
    return bureau


@pytest.fixture
def unit(bureau):
    return Unit.objects.get(bureau=bureau, name="温泉街道")


def _user(username: str, role: str | None, bureau: Bureau | None = None, unit: Unit | None = None) -> User:
    if role and not Group.objects.filter(name=role).exists():
        # Transactional tests (the browser ones) flush the groups the data migration made.
        from django.apps import apps

        roles.sync_roles(apps)
    user = User.objects.create_user(username, password="pw-" + username, is_staff=role is not None)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if bureau is not None:
        Membership.objects.create(user=user, bureau=bureau, unit=unit)
    return user


@pytest.fixture
def home(request, db):
    """The bureau the named users work in: the test's `bureau` if it asks for one, else the
    only bureau there is (demo data, a test's own), else the `bureau` fixture's."""
    if "bureau" in request.fixturenames:
        return request.getfixturevalue("bureau")
    first = Bureau.objects.order_by("pk").first()
    return first or request.getfixturevalue("bureau")


@pytest.fixture
def alice(home):
    return _user("alice", roles.CLERK, home)


@pytest.fixture
def henry(home):
    return _user("henry", roles.HEAD, home)


@pytest.fixture
def sarah(home):
    return _user("sarah", roles.STAFF, home)


@pytest.fixture
def adam(home):
    return _user("adam", roles.ADMIN, home)


@pytest.fixture
def charlie(home):
    return _user("charlie", None, home)


@pytest.fixture
def role_users(alice, henry, sarah, adam):
    return {"clerk": alice, "head": henry, "staff": sarah, "admin": adam}


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def assert_max_data_queries():
    """Like django_assert_max_num_queries, but not counting the cache's own work: the default
    cache lives in the database, and its reads, writes and the savepoints around its writes are
    not the queries being pinned."""
    from contextlib import contextmanager

    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    table = settings.CACHES["default"]["LOCATION"]

    @contextmanager
    def check(limit: int):
        with CaptureQueriesContext(connection) as ctx:
            yield ctx
        data = [
            q["sql"]
            for q in ctx.captured_queries
            if table not in q["sql"] and not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
        ]
        assert len(data) <= limit, f"{len(data)} queries (limit {limit}):\n" + "\n".join(s[:160] for s in data)

    return check
