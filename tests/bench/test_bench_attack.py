"""The upload attack harness (make bench-attack): how it judges an answer and how it keeps
its section of docs/benchmarks.md across runs of both benchmarks."""

from bench.management.commands.bench_attack import (
    SECTION,
    Command,
    classify,
    markdown_section,
)

NAMES = ["wide-1.webp", "plan.png"]


def test_an_answer_counts_as_clear_only_with_a_reference_or_an_arabic_error_per_file():
    arabic = '<html lang="ar"><p>أبعاد الصورة «wide-1.webp» كبيرة جدًا</p><p>«plan.png»</p>'
    assert classify(302, "", NAMES) == "reference"
    assert classify(200, arabic, NAMES) == "translated error"
    assert classify(200, arabic.replace("«plan.png»", ""), NAMES) == "other"  # a file unnamed
    assert classify(200, arabic.replace('lang="ar"', 'lang="en"'), NAMES) == "other"
    assert classify(500, arabic, NAMES) == "other"
    assert classify(0, "", NAMES) == "other"  # no answer


def report(record: str, p99: float) -> dict:
    rule = {"rule": "/healthz p99 under 500 ms during the attack", "met": p99 < 500}
    return {
        "record": record,
        "label": record,
        "date": "2026-12-01T08:00:00+00:00",
        "settings": {
            "gunicorn_workers": 4,
            "attacking_clients": 4,
            "attack_seconds": 20,
            "database": "postgresql",
            "files_per_request": [{"name": "wide-1.webp", "bytes": 71_000}],
            "max_image_side": 10_000,
            "max_image_pixels": 24_000_000,
            "max_request_pixels": 50_000_000,
            "load_average_before": [1.0, 1.0, 1.0],
            "load_average_after": [2.0, 1.0, 1.0],
        },
        "seconds": 20.0,
        "attacking_requests": 10,
        "statuses": {"2xx": 10},
        "outcomes": {"translated error": 10},
        "attack_p50_ms": 30.0,
        "attack_max_ms": 90.0,
        "healthz_requests": 400,
        "healthz_p50_ms": 5.0,
        "healthz_p99_ms": p99,
        "healthz_max_ms": p99 + 1,
        "worker_rss_max_mb": {"1": 90.0},
        "worker_hwm_mb": {"1": 91.0},
        "rules": [rule],
    }


def test_the_section_shows_each_run_and_replaces_only_itself(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n## Pages\n\npages\n\n## How to run it\n\nnotes\n")
    command = Command()
    command.write_section(path, markdown_section({"huge": report("huge", 400)}))
    runs = {"huge": report("huge", 400), "before": report("before", 8000)}
    command.write_section(path, markdown_section(runs))

    text = path.read_text()
    assert text.count(SECTION) == 1
    assert text.index("## Pages") < text.index(SECTION) < text.index("## How to run it")
    assert "pages" in text and "notes" in text
    header = next(line for line in text.splitlines() if line.startswith("| | "))
    assert header.index("before") < header.index("huge")  # before the fix comes first
    rule = next(line for line in text.splitlines() if line.startswith("| /healthz p99"))
    assert rule == "| /healthz p99 under 500 ms during the attack | **not met** | met |"
