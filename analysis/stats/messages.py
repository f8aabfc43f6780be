"""Warning codes a statistical result may carry (gbstats style: degenerate data → a message, not an exception).

Texts for each code are in :mod:`analysis.i18n` under ``stats.warning.<code>``.
"""

NO_DATA = "no_data"                      # a group has no observations
SMALL_SAMPLE = "small_sample"            # expected counts < 5: exact test used
ALL_SAME_OUTCOME = "all_same_outcome"    # every observation is a success (or a failure)
RATIO_UNDEFINED = "ratio_undefined"      # a rate of zero in the denominator of a ratio
NOT_REACHED = "not_reached"              # a quantile the survival curve never reaches
MERGED_CATEGORIES = "merged_categories"  # rare columns merged into "other" for a chi-square
MONTE_CARLO = "monte_carlo"              # chi-square p-value by Monte Carlo (small expected counts)
OVERDISPERSED = "overdispersed"          # counts vary more than binomial/Poisson: intervals widened
NO_VARIATION = "no_variation"            # no between-group variation: shrinkage to the pooled rate
LOW_COVERAGE = "low_coverage"            # standardisation covers < 80% of the baseline
NOT_ENOUGH_GROUPS = "not_enough_groups"  # fewer than two groups to compare
BOOTSTRAP = "bootstrap"                  # delta method not usable: bootstrap over units

ALL_CODES = (NO_DATA, SMALL_SAMPLE, ALL_SAME_OUTCOME, RATIO_UNDEFINED, NOT_REACHED, MERGED_CATEGORIES, MONTE_CARLO,
             OVERDISPERSED, NO_VARIATION, LOW_COVERAGE, NOT_ENOUGH_GROUPS, BOOTSTRAP)
