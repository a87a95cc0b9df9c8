"""Where the OMG MIWG reference models (BPMN interchange test files) lie: XIAOWEI_MIWG_CORPUS, else
../shared/corpus/miwg-reference beside the checkout, this workplace's copy. They are not the
project's to ship, so a clone with neither skips the tests that read them, saying where it looked."""
import os
from pathlib import Path

import pytest

MIWG = Path(os.environ.get("XIAOWEI_MIWG_CORPUS") or Path(__file__).resolve().parents[2] / "shared" / "corpus" / "miwg-reference")
MIWG_FILES = sorted(MIWG.glob("*.bpmn")) if MIWG.is_dir() else []
needs_miwg = pytest.mark.skipif(not MIWG_FILES, reason=f"no MIWG reference models at {MIWG} (XIAOWEI_MIWG_CORPUS)")
