"""VirtualTime wakes sleeping threads in the order of their wake-ups, without waiting."""

from __future__ import annotations

import threading

from .virtual_time import VirtualTime


def test_the_clock_moves_only_when_every_thread_sleeps_and_wakes_the_earliest_first() -> None:
    virtual = VirtualTime(threads=3, start=0.0)
    woke: list[tuple[str, float]] = []
    lock = threading.Lock()

    def nap(name: str, seconds: list[float]) -> None:
        try:
            for each in seconds:
                virtual.sleep(each)
                with lock:
                    woke.append((name, virtual.time()))
        finally:
            virtual.done()

    plans = {"a": [3.0], "b": [1.0, 1.0], "c": [0.5, 2.0]}
    threads = [threading.Thread(target=nap, args=item) for item in plans.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(woke, key=lambda item: item[1]) == [
        ("c", 0.5),
        ("b", 1.0),
        ("b", 2.0),
        ("c", 2.5),
        ("a", 3.0),
    ]


def test_a_thread_that_is_done_no_longer_holds_the_clock() -> None:
    virtual = VirtualTime(threads=2, start=0.0)
    finished = threading.Thread(target=virtual.done)
    finished.start()
    virtual.sleep(4.0)
    finished.join()
    assert virtual.time() == 4.0
