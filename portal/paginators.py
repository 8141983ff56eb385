"""A paginator for tables of a million rows: no full ``COUNT(*)`` on every page view."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Below this many rows (by the planner's estimate) an exact count is cheap: count.
ESTIMATE_FROM_ROWS = 100_000


class EstimatedCountPaginator(Paginator):
    """Counts exactly, except an unfiltered queryset of a big PostgreSQL table, whose size
    is the planner's estimate (``pg_class.reltuples``, kept fresh by autovacuum/ANALYZE).

    ``SELECT COUNT(*)`` over a million rows reads the whole table or index (hundreds of
    milliseconds) for a figure staff read as "about a million"; a filtered list (one
    ministry, one status) is counted exactly, on its index.
    """

    @cached_property
    def count(self) -> int:
        estimate = self._estimate()
        if estimate is not None:
            return estimate
        return super().count

    def _estimate(self) -> int | None:
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None or query.where or query.distinct or query.combinator:
            return None
        if query.is_sliced:
            return None
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                [connection.ops.quote_name(queryset.model._meta.db_table)],
            )
            row = cursor.fetchone()
        if row is None or row[0] is None or row[0] < ESTIMATE_FROM_ROWS:
            return None
        return int(row[0])
