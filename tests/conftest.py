"""Hypothesis profiles: ``ci`` (chosen automatically when $CI is set: derandomized, no
deadline), ``dev`` (the default here: random, no deadline, since a loaded 2-core machine makes
timing deadlines flaky) and ``thorough`` (many more examples). Pick one with
HYPOTHESIS_PROFILE=thorough."""

import os

from hypothesis import settings

settings.register_profile("dev", deadline=None, max_examples=100)
settings.register_profile("thorough", deadline=None, max_examples=2000)
if "HYPOTHESIS_PROFILE" in os.environ or not os.environ.get("CI"):
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
