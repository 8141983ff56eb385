"""The lock files agree with pyproject.toml: every declared dependency is pinned, within
its range, and the development lock installs the same runtime versions as production.
(A dependency added to pyproject.toml without `make lock` fails here, not on a server.)"""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\;]+)", re.MULTILINE)


def pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text()
    return {canonicalize_name(package): version for package, version in PIN.findall(text)}


def declared() -> tuple[list[Requirement], list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = [Requirement(line) for line in project["dependencies"]]
    dev = [Requirement(line) for line in project["optional-dependencies"]["dev"]]
    return runtime, dev


def test_every_dependency_is_pinned_within_its_range():
    runtime, dev = declared()
    for lock, requirements in [
        ("requirements.lock", runtime),
        ("requirements-dev.lock", runtime + dev),
    ]:
        pinned = pins(lock)
        for requirement in requirements:
            version = pinned.get(canonicalize_name(requirement.name))
            assert version is not None, f"{requirement.name} is not in {lock}: run make lock"
            assert requirement.specifier.contains(version, prereleases=True), (
                f"{lock} pins {requirement.name}=={version}, outside {requirement.specifier}"
            )


def test_every_range_has_an_upper_bound():
    runtime, dev = declared()
    for requirement in runtime + dev:
        assert any(spec.operator in ("<", "<=", "==", "~=") for spec in requirement.specifier), (
            f"{requirement} has no upper bound"
        )


def test_development_installs_the_production_versions():
    production, development = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {name: development.get(name) for name in production} == production
