"""The ground floor stands alone: `shop.models` maps without any domain package being imported."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

ALONE = """
import sys
import shop.models
from sqlalchemy.orm import configure_mappers
configure_mappers()
print(sorted(name for name in sys.modules if name.split(".")[0] in {"producers", "catalogue", "orders"}))
"""


def test_shop_models_map_without_any_domain_package() -> None:
    result = subprocess.run(
        [sys.executable, "-c", ALONE], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
