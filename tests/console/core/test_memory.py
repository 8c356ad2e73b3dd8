"""The garbage-collector policy that keeps full collections from stalling the GUI thread."""

from __future__ import annotations

import gc

from console.core.memory import freeze_long_lived, paused_gc


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
