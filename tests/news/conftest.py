import pytest
from hypothesis import settings

# No example database in the worktree: property tests stay reproducible from their seed.
settings.register_profile("tawasul", database=None, deadline=None)
settings.load_profile("tawasul")


@pytest.fixture
def query_count(client, django_assert_max_num_queries):
    """Number of queries a page takes (on a cold cache), for comparing data sizes."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url: str) -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(captured)

    return count
