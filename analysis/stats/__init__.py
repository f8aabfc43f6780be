"""The statistics every report uses, on counts (sufficient statistics), with the traps of
docs/methods.md avoided in one place. Results are frozen dataclasses with ``to_frame()`` and
``summary(lang)``; degenerate data gives a result carrying a warning code
(:mod:`analysis.stats.messages`), malformed arguments raise
:class:`~analysis.errors.StatisticsError`.
"""

from .control import MixShift, Shift, flag, mix_shift, weekly_shift
from .counts import (
    CostPerEvent, Dispersion, PoissonComparison, PoissonRate, RatioEstimate, compare_poisson, cost_per_event,
    count_dispersion, poisson_rate, ratio_bootstrap, ratio_delta,
)
from .groups import (
    FunnelLimits, GroupScan, Overdispersion, Shrinkage, adjust_pvalues, compare_groups, funnel_limits, funnel_overdispersion,
    shrink_rates,
)
from .power import (
    SampleRatioCheck, cohens_h, mde_two_rates, power_poisson_ratio, power_two_rates, sample_ratio_check,
    sample_size_poisson_ratio, sample_size_two_rates, weeks_needed,
)
from .rates import (
    Equivalence, ExactTest, NonInferiority, equivalence_rates, Proportion, RateComparison, RateResult, compare_rates, exact_test, noninferiority_rates,
    rate_interval, ratio_interval_katz,
)
from .sequential import SequentialRatio, always_valid_ratio, mixture_log_lr
from .strata import AdjustedGap, GLMResult, MantelHaenszel, binomial_glm, mantel_haenszel, standardised_gap
from .survival import TimeToEvent, kaplan_meier
from .tables import AssociationResult, adjusted_residuals, cramers_v, test_association

__all__ = [
    "MixShift", "Shift", "flag", "mix_shift", "weekly_shift", "SequentialRatio", "always_valid_ratio", "mixture_log_lr",
    "AdjustedGap", "AssociationResult", "Equivalence", "ExactTest", "equivalence_rates", "adjust_pvalues", "cohens_h", "exact_test", "ratio_interval_katz", "CostPerEvent", "Dispersion", "FunnelLimits", "GLMResult", "GroupScan",
    "MantelHaenszel", "NonInferiority", "Overdispersion", "PoissonComparison", "PoissonRate", "Proportion",
    "RateComparison", "RateResult", "RatioEstimate", "SampleRatioCheck", "Shrinkage", "TimeToEvent",
    "adjusted_residuals", "binomial_glm", "compare_groups", "compare_poisson", "compare_rates", "cost_per_event",
    "count_dispersion", "cramers_v", "funnel_limits", "funnel_overdispersion", "kaplan_meier", "mantel_haenszel",
    "mde_two_rates", "noninferiority_rates", "poisson_rate", "power_poisson_ratio", "power_two_rates",
    "rate_interval", "ratio_bootstrap", "ratio_delta", "sample_ratio_check", "sample_size_poisson_ratio",
    "sample_size_two_rates", "shrink_rates", "standardised_gap", "test_association", "weeks_needed",
]
