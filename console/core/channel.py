"""One authenticated connection between the service process and a window: framed messages over
TCP, each one checked before it is read.

Both ends know a shared secret and prove it without sending it (HMAC-SHA256 over each other's
random nonces); a peer that does not know it gets nothing and is told nothing. Every message
after that carries an HMAC under a key of the session and of its direction over its sequence
number, so a changed, replayed, reordered or injected message ends the connection. Payloads
are pickled Python values, unpickled only after their HMAC is verified: only a peer holding
the secret can send one. The traffic is not encrypted: on a network you do not trust, run it
inside the utility's VPN.

    server                                  client
    MAGIC, server nonce          ──────▶
                                 ◀──────    MAGIC, client nonce, HMAC(s, "client"|sn|cn)
    HMAC(s, "server"|cn|sn)      ──────▶
    then frames: length (4 bytes), HMAC(k, seq|payload), payload
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import socket
import struct
import threading
from typing import Any

MAGIC = b"SMC-CHANNEL-1\n"
NONCE_LEN = 32
MAC_LEN = 32
MAX_FRAME = 256 * 1024 * 1024  # an answer of a county's tree fits many times over
HANDSHAKE_TIMEOUT_S = 10.0
_HEADER = struct.Struct(">I")
_SEQ = struct.Struct(">Q")


class ChannelError(ConnectionError):
    """The connection failed or was closed; the message says how."""


class AuthenticationError(ChannelError):
    """The other end does not know the shared secret (or is not a console service)."""


def _mac(key: bytes, *parts: bytes) -> bytes:
    return hmac.new(key, b"".join(parts), hashlib.sha256).digest()


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = []
    while size:
        try:
            chunk = sock.recv(min(size, 1 << 20))
        except TimeoutError:
            raise ChannelError("the other end did not answer in time") from None
        except OSError as err:
            raise ChannelError(f"connection lost: {err}") from err
        if not chunk:
            raise ChannelError("the other end closed the connection")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _send_all(sock: socket.socket, data: bytes) -> None:
    try:
        sock.sendall(data)
    except OSError as err:
        raise ChannelError(f"connection lost: {err}") from err


class Channel:
    """Messages both ways over one authenticated socket. ``send`` may be called from any
    thread; ``recv`` from one reader thread."""

    def __init__(self, sock: socket.socket, send_key: bytes, recv_key: bytes, peer: str) -> None:
        self.peer = peer
        self._sock = sock
        self._send_key = send_key
        self._recv_key = recv_key
        self._send_seq = 0
        self._recv_seq = 0
        self._send_lock = threading.Lock()
        self._closed = False

    def send(self, message: Any) -> None:
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        if len(payload) > MAX_FRAME:
            raise ChannelError(f"a message of {len(payload)} bytes is larger than {MAX_FRAME}")
        with self._send_lock:
            if self._closed:
                raise ChannelError("the connection is closed")
            mac = _mac(self._send_key, _SEQ.pack(self._send_seq), payload)
            self._send_seq += 1
            _send_all(self._sock, _HEADER.pack(len(payload)) + mac + payload)

    def recv(self) -> Any:
        (size,) = _HEADER.unpack(_recv_exact(self._sock, _HEADER.size))
        if size > MAX_FRAME:
            self.close()
            raise ChannelError(f"the other end announced a message of {size} bytes")
        mac = _recv_exact(self._sock, MAC_LEN)
        payload = _recv_exact(self._sock, size)
        expected = _mac(self._recv_key, _SEQ.pack(self._recv_seq), payload)
        if not hmac.compare_digest(mac, expected):
            self.close()
            raise AuthenticationError(
                f"a message from {self.peer} failed its check (changed, replayed or injected)"
            )
        self._recv_seq += 1
        return pickle.loads(payload)

    def close(self) -> None:
        with self._send_lock:
            if self._closed:
                return
            self._closed = True
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()

    @property
    def closed(self) -> bool:
        return self._closed


def _keys(secret: bytes, server_nonce: bytes, client_nonce: bytes) -> tuple[bytes, bytes]:
    """(client-to-server key, server-to-client key) of one session."""
    return (
        _mac(secret, b"c2s", server_nonce, client_nonce),
        _mac(secret, b"s2c", server_nonce, client_nonce),
    )


def accept(sock: socket.socket, secret: bytes, peer: str) -> Channel:
    """The server's side of the handshake on a freshly accepted socket."""
    sock.settimeout(HANDSHAKE_TIMEOUT_S)
    server_nonce = os.urandom(NONCE_LEN)
    _send_all(sock, MAGIC + server_nonce)
    reply = _recv_exact(sock, len(MAGIC) + NONCE_LEN + MAC_LEN)
    if not reply.startswith(MAGIC):
        raise AuthenticationError(f"{peer} does not speak the console's protocol")
    client_nonce = reply[len(MAGIC) : len(MAGIC) + NONCE_LEN]
    proof = reply[len(MAGIC) + NONCE_LEN :]
    if not hmac.compare_digest(proof, _mac(secret, b"client", server_nonce, client_nonce)):
        raise AuthenticationError(f"{peer} does not know the shared secret")
    _send_all(sock, _mac(secret, b"server", client_nonce, server_nonce))
    sock.settimeout(None)
    c2s, s2c = _keys(secret, server_nonce, client_nonce)
    return Channel(sock, s2c, c2s, peer)


def connect(host: str, port: int, secret: bytes, *, timeout: float = 5.0) -> Channel:
    """Connect to a service and prove the secret; ``ChannelError`` (connection refused, no
    answer) or ``AuthenticationError`` (the service refused the secret, or is not one)."""
    peer = f"{host}:{port}"
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as err:
        raise ChannelError(f"cannot connect to {peer}: {err.strerror or err}") from err
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(HANDSHAKE_TIMEOUT_S)
        hello = _recv_exact(sock, len(MAGIC) + NONCE_LEN)
        if not hello.startswith(MAGIC):
            raise AuthenticationError(f"{peer} is not a console service")
        server_nonce = hello[len(MAGIC) :]
        client_nonce = os.urandom(NONCE_LEN)
        proof = _mac(secret, b"client", server_nonce, client_nonce)
        _send_all(sock, MAGIC + client_nonce + proof)
        try:
            answer = _recv_exact(sock, MAC_LEN)
        except ChannelError:
            raise AuthenticationError(
                f"the service at {peer} refused the shared secret (check [service] secret)"
            ) from None
        if not hmac.compare_digest(answer, _mac(secret, b"server", client_nonce, server_nonce)):
            raise AuthenticationError(f"{peer} does not know the shared secret")
        sock.settimeout(None)
    except BaseException:
        sock.close()
        raise
    c2s, s2c = _keys(secret, server_nonce, client_nonce)
    return Channel(sock, c2s, s2c, peer)
