"""Calls, events and live streams between the service process and its windows, over
``console.core.channel``.

The service registers each feature's command API (an object and the ``Protocol`` that lists
what windows may call on it) and its live streams (frames on the concentrators' links). A
window gets a typed stand-in for an API with ``proxy``; a call runs on the service's pool and
its result, or its exception, comes back. Every event of the service's bus is forwarded to
every window; the changes a window commits itself go the other way, so the service and the
other windows hear of them too. Messages:

- window → service: ``("hello", info)``, ``("call", id, feature, method, args)``,
  ``("stream", name, on)``, ``("publish", envelope)``, ``("operator", operator)`` (who signed
  in at the window: its calls run as them from then on), ``("bye", stop)``
- service → window: ``("welcome", info)``, ``("result", id, value)``, ``("error", id, kind,
  message)``, ``("event", envelope)``, ``("items", name, items, dropped)``
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import inspect
import itertools
import logging
import os
import queue
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from console.core.buffers import NewestBuffer
from console.core.bus import Envelope, EventBus, Health
from console.core.channel import AuthenticationError, Channel, ChannelError, accept, connect
from console.core.features import Exposed, StreamListener
from console.core.operator import NotPermittedError, Operator, acting_as, current
from db.changes import Change

log = logging.getLogger(__name__)

T = TypeVar("T")
STREAM_EVERY_S = 0.1
STREAM_BATCH_MAX = 2_000
PEER_QUEUE_MAX = 20_000  # messages waiting for a slow window before it is dropped
CALL_WORKERS = 8
RECONNECT_S = (1.0, 2.0, 5.0, 10.0)
# Exceptions that cross as themselves; any other arrives as ServiceError naming its type.
_KINDS: dict[str, type[Exception]] = {
    "ValueError": ValueError,
    "LookupError": LookupError,
    "KeyError": KeyError,
    "TimeoutError": TimeoutError,
    "PermissionError": PermissionError,
    "NotPermittedError": NotPermittedError,  # the operator's role or scope refused it
}


class ServiceError(RuntimeError):
    """The service failed a call, is not running, or the connection to it was lost."""


def commands_of(protocol: type) -> frozenset[str]:
    """The public methods a ``Protocol`` declares: what a window may call."""
    return frozenset(
        name
        for name, member in inspect.getmembers(protocol, inspect.isfunction)
        if not name.startswith("_")
    )


@dataclass
class Welcome:
    """What a service says about itself when a window attaches."""

    origin: str
    version: str
    database: str
    pid: int
    host: str
    frontend: tuple[str, int] | None = None
    features: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------- service side
class _Peer:
    """One attached window: its channel, a writer thread with a bounded queue (a slow window
    cannot hold up the bus), its live streams."""

    def __init__(self, server: RpcServer, channel: Channel) -> None:
        self.server = server
        self.channel = channel
        self.origin = ""
        self.operator: Operator | None = None
        self.info: dict[str, Any] = {}
        self.streams: dict[str, tuple[NewestBuffer[Any], Callable[[], None]]] = {}
        self._out: queue.Queue[Any] = queue.Queue(PEER_QUEUE_MAX)
        self._writer = threading.Thread(target=self._write, name=f"rpc-out {channel.peer}")
        self._writer.daemon = True
        self._writer.start()

    def post(self, message: Any) -> None:
        try:
            self._out.put_nowait(message)
        except queue.Full:
            log.warning("window %s is too slow to follow: disconnected", self.channel.peer)
            self.channel.close()

    def _write(self) -> None:
        while True:
            message = self._out.get()
            if message is None:
                return
            try:
                self.channel.send(message)
            except ChannelError:
                return
            except Exception:
                log.exception("cannot send %r to %s", message[0], self.channel.peer)

    def close(self) -> None:
        for _buffer, stop in self.streams.values():
            with contextlib.suppress(Exception):
                stop()
        self.streams.clear()
        with contextlib.suppress(queue.Full):
            self._out.put_nowait(None)
        self.channel.close()


class RpcServer:
    """Accepts windows that know ``secret`` on (host, port) and serves them."""

    def __init__(
        self,
        bus: EventBus,
        exposed: Exposed,
        secret: bytes,
        welcome: Callable[[], Welcome],
        *,
        on_attach: Callable[[int], None] | None = None,
        on_detach: Callable[[int, bool], None] | None = None,
    ) -> None:
        self.bus = bus
        self._secret = secret
        self._welcome = welcome
        self.on_attach = on_attach  # (windows attached now)
        self.on_detach = on_detach  # (windows attached now, asked to stop)
        self._exposed = exposed
        self._allowed: dict[type, frozenset[str]] = {}
        self._peers: list[_Peer] = []
        self._lock = threading.Lock()
        self._pool = concurrent.futures.ThreadPoolExecutor(CALL_WORKERS, "rpc-call")
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.address: tuple[str, int] | None = None
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def windows(self) -> int:
        with self._lock:
            return len(self._peers)

    def start(self, host: str, port: int) -> tuple[str, int]:
        listener = socket.create_server((host, port), reuse_port=False)
        self._listener = listener
        self.address = cast(tuple[str, int], listener.getsockname()[:2])
        self._unsubscribe = self.bus.subscribe_envelopes(self._forward, name="rpc-forward")
        for target, name in ((self._accept, "rpc-accept"), (self._stream_loop, "rpc-streams")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self.address

    def stop(self) -> None:
        self._stop.set()
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._listener is not None:
            with contextlib.suppress(OSError):  # wakes the thread blocked in accept()
                self._listener.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                self._listener.close()
        with self._lock:
            peers, self._peers = self._peers, []
        for peer in peers:
            peer.close()
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- connections
    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                sock, address = self._listener.accept()
            except OSError:
                return
            threading.Thread(
                target=self._serve, args=(sock, f"{address[0]}:{address[1]}"), daemon=True
            ).start()

    def _serve(self, sock: socket.socket, peer_name: str) -> None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            channel = accept(sock, self._secret, peer_name)
        except ChannelError as err:
            log.warning("refused a connection from %s: %s", peer_name, err)
            sock.close()
            return
        peer = _Peer(self, channel)
        stop_requested = False
        try:
            self._greet(peer)
            stop_requested = self._loop(peer)
        except ChannelError as err:
            log.info("window %s: %s", peer_name, err)
        except Exception:
            log.exception("window %s: the connection failed", peer_name)
        finally:
            with self._lock:
                attached = peer in self._peers
                if attached:
                    self._peers.remove(peer)
                count = len(self._peers)
            peer.close()
            if attached:
                log.info("window %s detached (%d attached)", peer_name, count)
                if self.on_detach is not None:
                    self.on_detach(count, stop_requested)

    def _greet(self, peer: _Peer) -> None:
        first = peer.channel.recv()
        if not (isinstance(first, tuple) and first and first[0] == "hello"):
            raise ChannelError("the window did not say hello")
        peer.info = dict(first[1])
        peer.origin = str(peer.info.get("origin", ""))
        who = peer.info.get("operator")
        if isinstance(who, Operator):
            peer.operator = who
        welcome = self._welcome()
        with self._lock:  # the welcome goes first, before any event forwarded to the peer
            peer.post(("welcome", welcome))
            self._peers.append(peer)
            count = len(self._peers)
        log.info("window attached from %s (%d attached)", peer.channel.peer, count)
        if self.on_attach is not None:
            self.on_attach(count)

    def _loop(self, peer: _Peer) -> bool:
        """Serve the window's messages until it says bye (returns whether it asked the service
        to stop) or the connection ends (raises ``ChannelError``)."""
        while True:
            message = peer.channel.recv()
            kind = message[0]
            if kind == "call":
                self._pool.submit(self._call, peer, *message[1:])
            elif kind == "publish":
                self.bus.deliver(message[1])
            elif kind == "stream":
                self._stream(peer, message[1], bool(message[2]))
            elif kind == "operator" and isinstance(message[1], Operator):
                peer.operator = message[1]
                log.info("window %s: %s signed in", peer.channel.peer, message[1].login)
            elif kind == "bye":
                return bool(message[1])

    # -- calls
    def _call(self, peer: _Peer, call_id: int, feature: str, method: str, args: tuple) -> None:  # type: ignore[type-arg]
        try:
            api, protocol = self._exposed.apis.get(feature, (None, object))
            if api is None:
                raise ValueError(f"the service has no feature {feature!r}")
            allowed = self._allowed.get(protocol)
            if allowed is None:
                allowed = self._allowed[protocol] = commands_of(protocol)
            if method not in allowed:
                raise ValueError(f"{feature} has no call {method!r}")
            with acting_as(peer.operator):
                value = getattr(api, method)(*args)
            reply: tuple[Any, ...] = ("result", call_id, value)
        except Exception as err:
            kind = type(err).__name__
            if kind in _KINDS:
                reply = ("error", call_id, kind, str(err))
            else:
                reply = ("error", call_id, "ServiceError", f"{kind}: {err}")
        peer.post(reply)

    # -- events
    def _forward(self, envelope: Envelope) -> None:
        with self._lock:
            peers = list(self._peers)
        for peer in peers:
            if peer.origin != envelope.origin:
                peer.post(("event", envelope))

    # -- streams
    def _stream(self, peer: _Peer, name: str, on: bool) -> None:
        subscribe = self._exposed.streams.get(name)
        if on and name not in peer.streams and subscribe is not None:
            buffer: NewestBuffer[Any] = NewestBuffer(STREAM_BATCH_MAX)
            peer.streams[name] = (buffer, subscribe(buffer.push))
        elif not on and name in peer.streams:
            _buffer, stop = peer.streams.pop(name)
            stop()

    def _stream_loop(self) -> None:
        while not self._stop.wait(STREAM_EVERY_S):
            with self._lock:
                peers = list(self._peers)
            for peer in peers:
                for name, (buffer, _stop) in list(peer.streams.items()):
                    items, dropped = buffer.take()
                    if items or dropped:
                        peer.post(("items", name, items, dropped))


# ---------------------------------------------------------------------------- window side
@dataclass(frozen=True, slots=True)
class ServiceLink:
    """The window's link to the service came up or went down (published on the window's bus)."""

    connected: bool
    address: str
    error: str = ""


class RpcClient:
    """A window's connection to the service: calls, events into the window's bus, streams.
    A lost connection fails the calls in flight and is retried in the background."""

    def __init__(self, host: str, port: int, secret: bytes, bus: EventBus) -> None:
        self.host, self.port = host, port
        self.address = f"{host}:{port}"
        self._secret = secret
        self.bus = bus
        self.welcome: Welcome | None = None
        self._channel: Channel | None = None
        self._calls: dict[int, concurrent.futures.Future[Any]] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._listeners: dict[str, list[StreamListener]] = {}
        self._closing = threading.Event()
        self._connected = threading.Event()
        self._health = Health(log, f"the service at {self.address}")
        self._unsubscribe: Callable[[], None] | None = None
        self._reader: threading.Thread | None = None

    # -- life
    def connect(self, timeout: float = 5.0) -> Welcome:
        """Attach (raises ``ChannelError``/``AuthenticationError``), then keep attached."""
        welcome = self._attach(timeout)
        self._unsubscribe = self.bus.subscribe_envelopes(self._publish_own, name="rpc-publish")
        return welcome

    def _attach(self, timeout: float) -> Welcome:
        channel = connect(self.host, self.port, self._secret, timeout=timeout)
        channel.send(
            ("hello", {"origin": self.bus.origin, "pid": os.getpid(), "operator": current()})
        )
        try:
            first = channel.recv()
        except ChannelError:
            channel.close()
            raise
        if not (isinstance(first, tuple) and first[0] == "welcome"):
            channel.close()
            raise AuthenticationError(f"{self.address} did not welcome this window")
        self.welcome = first[1]
        self._channel = channel
        for name in list(self._listeners):
            channel.send(("stream", name, True))
        self._connected.set()
        self._reader = threading.Thread(target=self._read, args=(channel,), daemon=True)
        self._reader.name = "rpc-in"
        self._reader.start()
        self._health.ok()
        self.bus.publish(ServiceLink(True, self.address))
        return self.welcome

    def close(self, *, stop_service: bool = False) -> None:
        """Detach; ``stop_service``: ask the service to stop if no other window is attached."""
        self._closing.set()
        if self._unsubscribe is not None:
            self._unsubscribe()
        channel = self._channel
        if channel is not None:
            with contextlib.suppress(ChannelError):
                channel.send(("bye", stop_service))
            channel.close()
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(5)

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    # -- calls
    def call(self, feature: str, method: str, *args: Any) -> Any:
        channel = self._channel
        if channel is None or not self._connected.is_set():
            raise ServiceError(f"not connected to the service at {self.address}")
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        call_id = next(self._ids)
        with self._lock:
            self._calls[call_id] = future
        try:
            channel.send(("call", call_id, feature, method, args))
        except ChannelError as err:
            with self._lock:
                self._calls.pop(call_id, None)
            raise ServiceError(f"the service at {self.address} is not reachable: {err}") from err
        return future.result()

    def announce(self, operator: Operator) -> None:
        """Tell the service who signed in at this window (a reconnection says it again in its
        hello, from the process's operator)."""
        self._send_quietly(("operator", operator))

    # -- streams
    def stream(self, name: str, listener: StreamListener) -> Callable[[], None]:
        """Batches of the live stream ``name`` to ``listener(items, dropped)`` (reader thread)."""
        first = not self._listeners.get(name)
        self._listeners.setdefault(name, []).append(listener)
        if first:
            self._send_quietly(("stream", name, True))

        def stop() -> None:
            listeners = self._listeners.get(name, [])
            if listener in listeners:
                listeners.remove(listener)
            if not listeners:
                self._listeners.pop(name, None)
                self._send_quietly(("stream", name, False))

        return stop

    def _send_quietly(self, message: Any) -> None:
        channel = self._channel
        if channel is not None and self._connected.is_set():
            with contextlib.suppress(ChannelError):
                channel.send(message)

    # -- events the window commits itself
    def _publish_own(self, envelope: Envelope) -> None:
        if envelope.origin == self.bus.origin and isinstance(envelope.event, Change):
            self._send_quietly(("publish", envelope))

    # -- the reader thread
    def _read(self, channel: Channel) -> None:
        error = "the connection was closed"
        try:
            while True:
                self._dispatch(channel.recv())
        except ChannelError as err:
            error = str(err)
        except Exception as err:
            log.exception("the service's message could not be handled")
            error = f"{type(err).__name__}: {err}"
        finally:
            channel.close()
            self._lost(error)

    def _dispatch(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "event":
            self.bus.deliver(message[1])
        elif kind == "items":
            for listener in list(self._listeners.get(message[1], ())):
                listener(message[2], message[3])
        elif kind in ("result", "error"):
            with self._lock:
                future = self._calls.pop(message[1], None)
            if future is None:
                return
            if kind == "result":
                future.set_result(message[2])
            else:
                future.set_exception(_KINDS.get(message[2], ServiceError)(message[3]))

    def _lost(self, error: str) -> None:
        self._connected.clear()
        self._channel = None
        with self._lock:
            calls, self._calls = self._calls, {}
        for future in calls.values():
            future.set_exception(ServiceError(f"the service at {self.address} stopped: {error}"))
        if self._closing.is_set():
            return
        self._health.failed(f"connection lost: {error}")
        self.bus.publish(ServiceLink(False, self.address, error))
        threading.Thread(target=self._reconnect, name="rpc-reconnect", daemon=True).start()

    def _reconnect(self) -> None:
        for attempt in itertools.count():
            wait = RECONNECT_S[min(attempt, len(RECONNECT_S) - 1)]
            if self._closing.wait(wait):
                return
            try:
                self._attach(timeout=5.0)
            except ChannelError as err:
                self._health.failed(f"cannot reconnect: {err}")
                continue
            log.info("reattached to the service at %s", self.address)
            return


def proxy(protocol: type[T], client: RpcClient, feature: str) -> T:
    """An object implementing ``protocol`` whose every method runs in the service."""
    namespace: dict[str, Any] = {}
    for name in commands_of(protocol):

        def forward(_self: Any, *args: Any, _name: str = name) -> Any:
            return client.call(feature, _name, *args)

        forward.__name__ = name
        namespace[name] = forward
    stand_in = type(f"Remote{protocol.__name__}", (), namespace)
    return cast(T, stand_in())


class RemoteServices:
    """``ServiceAccess`` over the channel: the service parts of the service process."""

    def __init__(self, client: RpcClient) -> None:
        self.client = client

    def commands(self, feature: str, protocol: type[T]) -> T:
        return proxy(protocol, self.client, feature)

    def stream(self, name: str, listener: StreamListener) -> Callable[[], None]:
        return self.client.stream(name, listener)
