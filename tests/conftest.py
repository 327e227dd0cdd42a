"""Hypothesis profiles. ``fixed`` is the default: derandomized (the same examples on every run
and every machine), no example database, no deadline (a loaded 2-core machine makes timing
flaky) and no timing health check, so the test command passes the same way every time.
``dev`` (random, 100 examples) and ``thorough`` (random, 2,000 examples) hunt for new failures:
HYPOTHESIS_PROFILE=thorough pytest."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fixed",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=100,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.register_profile("thorough", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))
