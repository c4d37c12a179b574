"""tests.threads: a thread that raises fails the test that started it."""

import threading
import time

import pytest

from tests.threads import Threads, run_together


def test_a_crashing_thread_fails_join_even_when_the_others_succeed():
    def crash():
        raise ValueError("scanner crashed")

    threads = Threads()
    threads.start(lambda: "done")
    threads.start(crash)

    with pytest.raises(ExceptionGroup) as raised:
        threads.join()
    assert [str(e) for e in raised.value.exceptions] == ["scanner crashed"]


def test_results_come_back_in_start_order():
    threads = Threads()
    for n in (3, 1, 2):
        threads.start(lambda n=n: (time.sleep(n / 100), n)[1])
    assert threads.join() == [3, 1, 2]


def test_run_together_starts_each_call_in_its_own_thread():
    idents = run_together(threading.get_ident, 3)

    assert len(set(idents)) == 3 and threading.get_ident() not in idents


def test_a_thread_failing_before_the_barrier_releases_the_others_at_once():
    threads = Threads()
    barrier = threads.barrier(2, timeout=30)

    def crash_before_arriving():
        raise ValueError("crashed before the barrier")

    started = time.monotonic()
    threads.start(barrier.wait)
    threads.start(crash_before_arriving)

    with pytest.raises(ExceptionGroup) as raised:
        threads.join()
    assert time.monotonic() - started < 5
    assert [str(e) for e in raised.value.exceptions] == ["crashed before the barrier"]


def test_a_thread_still_running_at_the_timeout_fails_join():
    release = threading.Event()
    threads = Threads()
    threads.start(release.wait)
    try:
        with pytest.raises(AssertionError, match="still running"):
            threads.join(timeout=0.1)
    finally:
        release.set()
