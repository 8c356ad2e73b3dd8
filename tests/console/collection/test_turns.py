"""点抄 on a meter's own link while the collection pass reads that bus: it gets its turn between
two of the pass's meters instead of failing on the busy link, and the pass reads every meter."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from console.collection.api import OnDemandResult, ReadPath
from console.collection.reads import OnDemandReader
from console.collection.service import CollectionOptions, CollectionService
from console.collection.turns import LinkBusyError, LinkTurn, LinkTurns
from console.core.clock import FixedClock
from console.demo.generator import DemoCounty
from console.demo.profiles import is_dead
from drivers.emulator.fleet import LoopFleet
from drivers.link import Transport, open_link

WAIT_S = 20


def test_a_direct_read_during_the_pass_gets_the_link_between_two_meters(
    fleet: LoopFleet,
    small_county: DemoCounty,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> None:
    info = small_county.info
    with session_factory() as s:
        rows = s.execute(
            text("SELECT id, link_url, comm_address FROM meter WHERE link_url IS NOT NULL "
                 "ORDER BY id")
        ).all()  # fmt: skip
    meter, url = next(
        (r[0], r[1]) for r in rows if not is_dead(info.seed, r[2], info.dead_meter_ratio)
    )
    links = LinkTurns()
    reader = OnDemandReader(session_factory, clock, None, links=links)
    results: list[OnDemandResult] = []
    asked = threading.Thread(
        target=lambda: results.append(reader.read_meter(meter, ReadPath.DIRECT))
    )
    opened: list[str] = []

    def opener(link: str) -> Transport:
        opened.append(link)
        if link == url and not asked.is_alive() and not results:  # the pass holds the bus now
            asked.start()
            turn = links.of(url)
            for _ in range(WAIT_S * 100):
                if turn.wanted:
                    break
                threading.Event().wait(0.01)
            assert turn.wanted, "the 点抄 did not ask for the link"
        return open_link(link)

    service = CollectionService(
        session_factory, clock, CollectionOptions(workers=3, timeout_s=0.25, retries=1),
        link_opener=opener, links=links,
    )  # fmt: skip
    summary = service.run("test")
    asked.join(WAIT_S)
    assert results and results[0].ok, results and results[0].error
    assert results[0].values and results[0].frames
    assert opened.count(url) == 2  # given up for the 点抄 once, then opened again
    # Every meter of the pass was read or failed on its own: none for want of its link.
    assert summary.ok + summary.failed == summary.planned and summary.ok > 0
    assert "link" not in summary.errors_by_kind, summary.errors_by_kind


def test_an_interactive_read_waits_its_turn_and_says_when_the_link_stays_busy() -> None:
    turn = LinkTurn()
    turn.take()  # the pass reads the bus
    assert not turn.wanted
    with (
        pytest.raises(LinkBusyError, match=r"loop://x stayed busy for 0 s"),
        turn.interactive("loop://x", timeout_s=0.05),
    ):
        pass
    assert not turn.wanted  # the timed-out read no longer waits
    got: list[str] = []

    def wait() -> None:
        with turn.interactive("loop://x", timeout_s=WAIT_S):
            got.append("turn")

    thread = threading.Thread(target=wait)
    thread.start()
    for _ in range(WAIT_S * 100):
        if turn.wanted:
            break
        threading.Event().wait(0.01)
    assert turn.wanted and got == []
    turn.give_back()  # between two meters
    thread.join(WAIT_S)
    assert got == ["turn"]
    turn.take()  # the pass again: nobody waits, nobody holds it
    turn.give_back()
