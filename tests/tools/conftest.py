"""The development server on a free port, serving the project as `python3 serve.py` does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from serve_tools.server import SiteHandler
from tests.e2e.site import serving


@pytest.fixture
def site() -> Iterator[str]:
    with serving(SiteHandler) as base:
        yield base
