"""A cache whose server does not answer: every operation raises, as Redis stopped does."""

from django.core.cache.backends.base import BaseCache


class BrokenCache(BaseCache):
    def __init__(self, location=None, params=None) -> None:
        super().__init__(params or {})

    def _down(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    add = get = set = touch = delete = clear = incr = decr = has_key = _down
    get_many = set_many = delete_many = _down
