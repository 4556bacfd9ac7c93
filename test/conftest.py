"""Hypothesis profiles: a light one by default, for the inner loop, and a deep one that CI runs too.

`HYPOTHESIS_PROFILE=deep python -m pytest -m hypothesis` tries every property with its full number of examples.
"""

from hypothesis import settings

from strategies import PROFILE

settings.register_profile("light", max_examples=20, deadline=None)
settings.register_profile("deep", max_examples=100, deadline=None)
settings.load_profile(PROFILE)
