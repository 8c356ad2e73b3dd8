"""The garbage-collector policy that keeps full collections from stalling the GUI thread."""

from __future__ import annotations

import gc
import threading

from console.core.memory import freeze_long_lived, paused_gc, postponed_full_collections


def test_paused_gc_pauses_and_restores() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_gc_restores_even_on_error_and_keeps_a_disabled_collector_disabled() -> None:
    try:
        with paused_gc():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_freezing_moves_live_objects_out_of_the_collectors_generations() -> None:
    gc.unfreeze()
    try:
        keep = [[i] for i in range(1000)]
        frozen = freeze_long_lived()
        assert frozen >= 1000
        assert gc.get_count()[0] < 1000  # the young generation no longer holds them
        assert len(keep) == 1000
    finally:
        gc.unfreeze()


def test_full_collections_wait_for_every_overlapping_pass_and_young_ones_go_on() -> None:
    before = gc.get_threshold()
    full_runs: list[int] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            full_runs.append(1)

    entered, release = threading.Event(), threading.Event()

    def second_pass() -> None:
        with postponed_full_collections():
            entered.set()
            release.wait(10)

    gc.callbacks.append(on_gc)
    try:
        with postponed_full_collections():
            other = threading.Thread(target=second_pass)
            other.start()
            assert entered.wait(10)
            young = gc.get_count()
            garbage = [[[i]] for i in range(200_000)]  # enough for many young collections
            del garbage
            assert gc.get_threshold()[:2] == before[:2]
            assert gc.get_threshold()[2] > 1_000_000
            assert gc.isenabled() and gc.get_count() != young
        # the first pass ended; the second still runs: full collections still wait
        assert gc.get_threshold()[2] > 1_000_000
        release.set()
        other.join(10)
        assert gc.get_threshold() == before
        assert full_runs == []
    finally:
        gc.callbacks.remove(on_gc)
        release.set()
