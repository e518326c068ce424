"""The production settings plus one extra URL: the framework's ceiling, for the benchmark only."""

from tellus.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
