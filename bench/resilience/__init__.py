"""`make resilience`: the fault suite (docs/resilience.md). Run with
``.venv/bin/python -m bench.resilience [--quick]``."""
