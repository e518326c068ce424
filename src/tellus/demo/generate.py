"""The names tests/demo/test_demo.py reads from the simulation, now in :mod:`tellus.demo.plan`.

Remove once that test imports :mod:`tellus.demo.plan` itself.
"""

from tellus.demo.plan import simulate
from tellus.demo.plan.visitors import SEGMENTS, SPEND_GAMMA, SPEND_P, SPEND_Q

__all__ = ["SEGMENTS", "SPEND_GAMMA", "SPEND_P", "SPEND_Q", "simulate"]
