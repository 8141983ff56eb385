"""Shared fixtures. Every staff test includes the
outsider (an officer of another ministry), not only a superuser."""

import os

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client

from portal import roles
from portal.models import Ministry, StaffProfile
from tests.factories import make_ministry


def clear_test_cache() -> None:
    """Empty this run's cache. On Redis only this run's keys go: ``clear()`` would flush
    the whole database, other runs' and other people's keys included. Each process's
    copies of stored news pages go too: they are part of what an emptied cache empties."""
    from news import cache as news_cache

    news_cache.forget_local_copies()
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{backend.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        backend.clear()


def close_thread_caches() -> None:
    """Close the Redis sockets of the calling thread's own cache (each thread has one):
    a test's threads would otherwise leave them to the garbage collector, and the
    ResourceWarning fails the run."""
    inner = getattr(caches["default"], "_cache", None)
    for pool in getattr(inner, "_pools", {}).values():
        pool.disconnect()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Every test starts with an empty cache (rate limits, cached fragments)."""
    clear_test_cache()
    yield
    clear_test_cache()


@pytest.fixture(autouse=True)
def _no_crisis_banner():
    """No crisis banner outside the crisis tests: the banner's state would otherwise be
    read (one query) whenever this process's copy is older than a second, and the exact
    query counts of other pages would depend on the clock. tests/crisis/ and the crisis
    browser test undo it and test the real thing."""
    from crisis import banner

    banner.pin_no_banner()
    yield
    banner.forget_local_copy()


@pytest.fixture
def expected_database_vendor() -> str | None:
    return os.environ.get("TAWASUL_EXPECT_DB")


def make_staff(username: str, role: str, ministry: Ministry | None = None) -> User:
    user = User.objects.create_user(username, f"{username}@staff.example", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    StaffProfile.objects.create(user=user, ministry=ministry)
    return user


@pytest.fixture
def ministry_a(db) -> Ministry:
    return make_ministry(name_ar="وزارة الصحة", name_en="Ministry of Health", slug="health")


@pytest.fixture
def ministry_b(db) -> Ministry:
    return make_ministry(name_ar="وزارة العمل", name_en="Ministry of Labour", slug="labour")


@pytest.fixture
def moderator(db) -> User:
    return make_staff("moderator", roles.MODERATORS)


@pytest.fixture
def officer_a(ministry_a) -> User:
    return make_staff("officer_a", roles.MINISTRY_OFFICERS, ministry_a)


@pytest.fixture
def officer_b(ministry_b) -> User:
    """The outsider: an officer of another ministry."""
    return make_staff("officer_b", roles.MINISTRY_OFFICERS, ministry_b)


@pytest.fixture
def editor(db) -> User:
    return make_staff("editor", roles.EDITORS)


@pytest.fixture
def manager(db) -> User:
    return make_staff("manager", roles.MANAGERS)


@pytest.fixture
def client_as():
    """A logged-in client for a persona: ``client_as(officer_b).get(url)``."""

    def login(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login
