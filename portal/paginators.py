"""Paging big results: no full ``COUNT(*)`` of a million-row table on every page view,
and a search's matches found once, not once to count and once for the page."""

from collections.abc import Sequence

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
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


class KeysFirst(Sequence):
    """A bounded, ordered queryset paged by its keys: the primary keys of the whole result
    in one query, then only the rows of the page shown, fetched by key.

    For results that are expensive to find but short (a search's newest matches): a
    ``Paginator`` over the queryset itself finds them twice, once to count and once for
    the page. ``rows`` is the queryset the page's objects come from (no filter of the
    search, so fetching by key repeats none of its work); ``limit`` bounds the keys read.
    """

    def __init__(self, keys_from: QuerySet, rows: QuerySet, limit: int) -> None:
        self.keys_from, self.rows, self.limit = keys_from, rows, limit

    @cached_property
    def keys(self) -> list:
        return list(self.keys_from.values_list("pk", flat=True)[: self.limit])

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0] if index >= 0 else self[len(self) + index]
        keys = self.keys[index]
        found = self.rows.in_bulk(keys) if keys else {}
        return [found[key] for key in keys if key in found]
