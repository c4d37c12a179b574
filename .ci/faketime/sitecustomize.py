"""Loaded by every Python process of the faked-date run (.ci/faked-date puts this folder on
PYTHONPATH). libfaketime 0.9.10 (Debian 12) with FAKETIME_DONT_FAKE_MONOTONIC=1 turns
Python 3.11's time.sleep (clock_nanosleep on the monotonic clock, absolute deadline) into
EINVAL (wolfcw/libfaketime#426). Waiting on an event uses a relative timeout that it
leaves alone, so sleep waits on one instead. Nothing else is changed."""

import os
import threading
import time

if os.environ.get("FAKETIME") and "faketime" in os.environ.get("LD_PRELOAD", ""):
    def _sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        threading.Event().wait(seconds)

    time.sleep = _sleep
