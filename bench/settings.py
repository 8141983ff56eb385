"""Settings of the benchmark harness: production settings plus the `bench` app.

`.ci/bench` and the peer comparison (`TAWASUL_BENCH_SETTINGS=bench.settings`) use this
module; everything else about the environment comes from `portal.settings` unchanged.
"""

from portal.settings import *  # noqa: F403
from portal.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
