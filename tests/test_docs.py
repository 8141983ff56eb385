"""The docs say what the code does: the state table in docs/architecture.md is the one in
feedback/workflow.py, and README.md lists every document in docs/."""

import re
from pathlib import Path

from feedback.workflow import ANY_STATE, TRANSITIONS

ROOT = Path(__file__).resolve().parents[1]


def test_the_architecture_page_shows_the_workflow_table():
    text = (ROOT / "docs" / "architecture.md").read_text()
    rows = re.findall(
        r"^\| `(\w+)` \| (\w+) \| ([\w, ]+) \| ([\w()]+) \| `(\w+)` \| (yes|no) \|$", text, re.M
    )
    documented = {
        action: (who, sources, target, event, public == "yes")
        for action, who, sources, target, event, public in rows
    }
    actual = {
        action: (
            rule.actor_role,
            "any" if rule.sources == ANY_STATE else ", ".join(rule.sources),
            rule.target or "(unchanged)",
            rule.event,
            rule.is_public,
        )
        for action, rule in TRANSITIONS.items()
    }
    assert documented == actual


def test_the_readme_lists_every_document():
    readme = (ROOT / "README.md").read_text()
    for doc in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{doc.name}" in readme, doc.name
