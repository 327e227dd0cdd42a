"""Every notebook is an integration test (a real kernel runs it): marked ``slow``, so
``pytest -m "not slow"`` leaves them out."""

import os

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.slow)
