import os

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Every test starts with an empty cache (rate limits, cached fragments)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def expected_database_vendor() -> str | None:
    return os.environ.get("TAWASUL_EXPECT_DB")
