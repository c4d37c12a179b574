"""The environment for a program a test starts that must run on the real clock.

`.ci/faked-date` moves the wall clock of every process through libfaketime (LD_PRELOAD).
Programs that are not ours — Chromium, a private redis-server — crash or hang with it
loaded, and never needed the faked date: they start without it."""

import os


def real_clock_environ() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name not in ("LD_PRELOAD", "FAKETIME")}
