"""Paths and fixed vocabularies, in one place."""

from __future__ import annotations

from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_ROOT.parent


def _shipped(name: str) -> Path:
    """``notebooks/`` and ``templates/`` sit at the top of the source tree; a built wheel carries
    them inside the package (pyproject's package-dir), so a plain install finds them there."""
    inside = PACKAGE_ROOT / name
    return inside if inside.is_dir() else PROJECT_ROOT / name


NOTEBOOKS_DIR = _shipped("notebooks")
TEMPLATES_DIR = _shipped("templates")
TEMPLATE_NAME = "leadaudit"
MAPPINGS_DIR = PACKAGE_ROOT / "mappings"
SAMPLE_DIR = PACKAGE_ROOT / "data" / "sample"
SAMPLE_LEADS = SAMPLE_DIR / "leads.csv"
SAMPLE_SPEND = SAMPLE_DIR / "spend.csv"

#: Funnel stages in order; ``disqualified`` is a lost lead, placed by its reason.
STAGES = ("new", "contacted", "qualified", "visit", "deal")
STAGE_ORDER = {stage: index for index, stage in enumerate(STAGES)}
LOST_STAGE = "disqualified"
CANONICAL_STAGES = (*STAGES, LOST_STAGE)

#: Label for a missing channel, manager, model or campaign: such leads are kept, never dropped.
UNKNOWN = "unknown"

LANGUAGES = ("ru", "en")

# the commands' choices, here so that the CLI parses its arguments without pandas
CLAIMS = ("not_target", "no_contact", "no_budget", "wrong_model", "cold", "duplicates", "general")
#: the funnel stages each claim's primary metric needs the export to tell apart
CLAIM_STAGES = {"no_contact": ("contacted",), "not_target": ("contacted", "qualified"),
                "cold": ("contacted", "qualified"), "general": ("qualified",), "no_budget": (), "wrong_model": (),
                "duplicates": ()}
BASELINES = ("rest", "previous_period", "same_period_last_year")
ARMS_BY = ("column", "campaign", "period")
