"""What the benchmark scripts share: where the dev data lives and each set's summary budget.

The data is read from ``../shared/eval`` beside the checkout, never copied into the repo; a
script run as ``python benchmarks/NAME.py`` imports this module from its own folder.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
# One budget per set for every system: about 1.5x the mean reference length (19, 26, 70 chars),
# the budgets the held-out measurement uses.
BUDGETS = {"lcsts": 30, "finna": 40, "clts": 110}
