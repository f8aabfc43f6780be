"""environment.yml (conda users) and pyproject.toml list the same dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from analysis.config import PROJECT_ROOT


def _name(requirement: str) -> str:
    """The package's name without extras: pip's psycopg[binary] is conda's psycopg."""
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(requirement: str) -> str:
    return re.sub(r"^[^<>=!~\[ ]+(\[[^\]]*\])?", "", requirement.strip()).replace(" ", "")


def test_environment_matches_pyproject():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pip_side = project["dependencies"] + project["optional-dependencies"]["test"]
    conda = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))["dependencies"]
    conda_side = [item for item in conda if isinstance(item, str) and not item.startswith("python")]
    assert {_name(r): _spec(r) for r in pip_side} == {_name(r): _spec(r) for r in conda_side}
