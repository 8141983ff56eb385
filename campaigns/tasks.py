from campaigns import counters, registry
from portal.tasks import task


@task()
def flush_campaign_counters_task() -> int:
    """Move the counts from the shared cache to the daily rows, and publish the live
    links again (``manage.py flush_campaign_counters``)."""
    moved = counters.flush()
    registry.publish()
    return moved
