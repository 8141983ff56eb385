from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The load and fault harnesses (`make bench`): never installed in production.

    Only `bench.settings` (the benchmark's settings) and the test settings install this
    app, so its commands are absent from production's `manage.py help` and from the wheel.
    """

    name = "bench"
    verbose_name = "Benchmark harness"
