"""The channel between the service and its windows: only a holder of the secret gets in, a
tampered message ends the connection, calls and their errors cross, events go both ways
without echoes, streams come in batches, a lost service fails calls and is reattached."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import pytest

from console.core import channel as ch
from console.core import operator
from console.core.bus import EventBus
from console.core.features import Exposed
from console.core.roles import Role
from console.core.rpc import (
    RemoteServices,
    RpcClient,
    RpcServer,
    ServiceError,
    ServiceLink,
    Welcome,
    commands_of,
)
from db.changes import FreezesStored

SECRET = b"s" * 32


class Echo(Protocol):
    def echo(self, value: Any) -> Any: ...

    def fail(self, kind: str) -> None: ...

    def slow(self) -> str: ...

    def whoami(self) -> str: ...


class EchoService:
    def __init__(self) -> None:
        self.release = threading.Event()

    def echo(self, value: Any) -> Any:
        return value

    def fail(self, kind: str) -> None:
        if kind == "value":
            raise ValueError("the schedule is wrong")
        raise ZeroDivisionError("a bug")

    def slow(self) -> str:
        self.release.wait(10)
        return "late"

    def whoami(self) -> str:
        return operator.current().login

    def secret_method(self) -> str:  # not in the protocol: windows cannot call it
        return "nope"


@dataclass(frozen=True)
class Tick:
    n: int


class Service:
    def __init__(self) -> None:
        self.bus = EventBus(name="service-bus")
        self.bus.start()
        self.exposed = Exposed()
        self.api = EchoService()
        self.exposed.api("echo", self.api, Echo)
        self.pushers: list[Any] = []

        def subscribe(push: Any) -> Any:
            self.pushers.append(push)
            return lambda: self.pushers.remove(push)

        self.exposed.stream("frames", subscribe)
        self.attached: list[int] = []
        self.detached: list[tuple[int, bool]] = []
        self.server = RpcServer(
            self.bus,
            self.exposed,
            SECRET,
            lambda: Welcome(self.bus.origin, "test", "sqlite", 1, "localhost"),
            on_attach=self.attached.append,
            on_detach=lambda n, stop: self.detached.append((n, stop)),
        )
        self.address = self.server.start("127.0.0.1", 0)

    def close(self) -> None:
        self.server.stop()
        self.bus.stop()


@pytest.fixture
def service() -> Iterator[Service]:
    s = Service()
    yield s
    s.close()


@pytest.fixture
def window_bus() -> Iterator[EventBus]:
    bus = EventBus(name="window-bus")
    bus.start()
    yield bus
    bus.stop()


def _client(service: Service, bus: EventBus, secret: bytes = SECRET) -> RpcClient:
    client = RpcClient(*service.address, secret, bus)
    client.connect()
    return client


def _wait(predicate: Any, timeout: float = 10.0) -> bool:
    done = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if predicate():
            return True
        done.wait(0.01)
    return bool(predicate())


def test_calls_results_and_errors_cross(service: Service, window_bus: EventBus) -> None:
    client = _client(service, window_bus)
    try:
        assert client.welcome is not None and client.welcome.origin == service.bus.origin
        echo = RemoteServices(client).commands("echo", Echo)
        assert echo.echo({"day": date(2026, 12, 7), "n": [1, 2]}) == {
            "day": date(2026, 12, 7),
            "n": [1, 2],
        }
        with pytest.raises(ValueError, match="the schedule is wrong"):
            echo.fail("value")
        with pytest.raises(ServiceError, match="ZeroDivisionError: a bug"):
            echo.fail("bug")
        with pytest.raises(ValueError, match="has no call 'secret_method'"):
            client.call("echo", "secret_method")
        with pytest.raises(ValueError, match="no feature 'nothing'"):
            client.call("nothing", "echo", 1)
        assert commands_of(Echo) == {"echo", "fail", "slow", "whoami"}
    finally:
        client.close()


def test_a_wrong_secret_is_refused_and_learns_nothing(service: Service) -> None:
    bus = EventBus()
    with pytest.raises(ch.AuthenticationError, match="refused the shared secret"):
        _client(service, bus, secret=b"wrong" * 8)
    assert service.attached == []


def test_a_peer_that_does_not_know_the_protocol_is_refused(service: Service) -> None:
    with socket.create_connection(service.address, timeout=5) as sock:
        sock.recv(64)
        sock.sendall(b"GET / HTTP/1.0\r\n\r\n" + b"x" * 100)
        try:
            answer = sock.recv(64)
        except ConnectionResetError:  # closed with our bytes unread
            answer = b""
        assert answer == b""  # closed without an answer
    assert service.attached == []


def test_a_tampered_message_ends_the_connection() -> None:
    a, b = socket.socketpair()
    server_side: list[ch.Channel] = []
    t = threading.Thread(target=lambda: server_side.append(ch.accept(a, SECRET, "peer")))
    t.start()
    # the client's handshake, by hand over the socket pair
    hello = b.recv(len(ch.MAGIC) + ch.NONCE_LEN)
    server_nonce = hello[len(ch.MAGIC) :]
    client_nonce = b"c" * ch.NONCE_LEN
    b.sendall(ch.MAGIC + client_nonce + ch._mac(SECRET, b"client", server_nonce, client_nonce))
    assert b.recv(ch.MAC_LEN) == ch._mac(SECRET, b"server", client_nonce, server_nonce)
    t.join()
    c2s, s2c = ch._keys(SECRET, server_nonce, client_nonce)
    client = ch.Channel(b, c2s, s2c, "server")
    client.send(("call", 1, "echo", "echo", (1,)))
    assert server_side[0].recv() == ("call", 1, "echo", "echo", (1,))
    # the same message again (a replay) fails its check: the sequence number moved on
    import pickle

    payload = pickle.dumps(("call", 1, "echo", "echo", (1,)), protocol=pickle.HIGHEST_PROTOCOL)
    replay = ch._HEADER.pack(len(payload)) + ch._mac(c2s, ch._SEQ.pack(0), payload) + payload
    b.sendall(replay)
    with pytest.raises(ch.AuthenticationError, match="failed its check"):
        server_side[0].recv()
    assert server_side[0].closed
    b.close()


def test_events_go_both_ways_without_echoes(service: Service, window_bus: EventBus) -> None:
    other_bus = EventBus(name="other-window")
    other_bus.start()
    client = _client(service, window_bus)
    other = _client(service, other_bus)
    try:
        on_window: list[object] = []
        window_bus.subscribe((Tick, FreezesStored), on_window.append)
        on_other: list[object] = []
        other_bus.subscribe((Tick, FreezesStored), on_other.append)
        on_service: list[object] = []
        service.bus.subscribe((Tick, FreezesStored), on_service.append)
        service.bus.publish(Tick(1))
        assert _wait(lambda: on_window == [Tick(1)] and on_other == [Tick(1)])
        # a change the window committed reaches the service and the other window, not itself
        change = FreezesStored((date(2026, 12, 7),), 1, (5,))
        window_bus.publish(change)
        window_bus.publish(Tick(99))  # not a stored change: stays in the window
        assert _wait(lambda: on_service == [Tick(1), change] and on_other == [Tick(1), change])
        assert window_bus.flush()
        assert on_window == [Tick(1), change, Tick(99)]  # once: its own publication
    finally:
        client.close()
        other.close()
        other_bus.stop()


def test_streams_arrive_in_batches_while_someone_listens(
    service: Service, window_bus: EventBus
) -> None:
    client = _client(service, window_bus)
    try:
        got: list[Any] = []
        stop = client.stream("frames", lambda items, dropped: got.extend(items))
        assert _wait(lambda: len(service.pushers) == 1)
        for i in range(10):
            service.pushers[0](i)
        assert _wait(lambda: got == list(range(10)))
        stop()
        assert _wait(lambda: service.pushers == [])
    finally:
        client.close()


def test_detaching_says_whether_to_stop(service: Service, window_bus: EventBus) -> None:
    first = _client(service, window_bus)
    second = _client(service, EventBus())
    assert _wait(lambda: service.attached == [1, 2])
    second.close()
    assert _wait(lambda: service.detached == [(1, False)])
    first.close(stop_service=True)
    assert _wait(lambda: service.detached == [(1, False), (0, True)])


def test_a_lost_service_fails_the_calls_in_flight_and_the_window_reattaches(
    window_bus: EventBus,
) -> None:
    service = Service()
    host, port = service.address
    client = _client(service, window_bus)
    links: list[ServiceLink] = []
    window_bus.subscribe(ServiceLink, links.append)
    failures: list[BaseException] = []

    def call_slow() -> None:
        try:
            client.call("echo", "slow")
        except ServiceError as err:
            failures.append(err)

    caller = threading.Thread(target=call_slow)
    caller.start()
    assert _wait(lambda: len(client._calls) == 1)
    service.close()
    service.api.release.set()
    caller.join(10)
    assert failures and "stopped" in str(failures[0])
    with pytest.raises(ServiceError, match="not connected"):
        client.call("echo", "echo", 1)
    assert _wait(lambda: any(not link.connected for link in links))
    # the service comes back on the same port: the window reattaches by itself
    again = Service.__new__(Service)
    again.bus = EventBus()
    again.bus.start()
    again.exposed = Exposed()
    again.api = EchoService()
    again.exposed.api("echo", again.api, Echo)
    again.server = RpcServer(
        again.bus, again.exposed, SECRET, lambda: Welcome(again.bus.origin, "t", "db", 2, "h")
    )
    again.address = again.server.start(host, port)
    try:
        assert _wait(lambda: client.connected, timeout=20)
        assert client.call("echo", "echo", 5) == 5
        assert links[-1].connected
    finally:
        client.close()
        again.server.stop()
        again.bus.stop()


def test_the_calls_of_a_window_run_as_who_signed_in_there(
    service: Service, window_bus: EventBus
) -> None:
    client = _client(service, window_bus)
    try:
        echo = RemoteServices(client).commands("echo", Echo)
        assert echo.whoami() == operator.current().login  # the window's process operator
        client.announce(operator.Operator("zhang", "张", Role.DISPATCHER))
        assert echo.whoami() == "zhang"  # the channel keeps order: the announcement came first
    finally:
        client.close()
