"""The feature seam: what a capability of the console is built from and how it is run.

A feature is a package under ``console/`` with a ``FeatureSpec`` saying how its parts are built:
a **service part** that runs in the service process (beside the window, or alone as ``smc
service``: the front end, collection, jobs, the warning engine) and a **window part** that runs
in every window (its ``api`` is what the feature's view receives). Both are built from one
``Infrastructure`` and have ``start`` and ``stop``. Service parts offer windows their commands
and live streams through ``Exposed``; window parts reach them through ``ServiceAccess``, in
the same process or over the authenticated channel, with the same typed API either way.
Features never import each other: they meet through events on the bus and through the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.core.bus import EventBus
from console.core.clock import Clock
from console.core.config import Settings
from console.core.jobs import JobHost
from console.core.operator import Operator
from console.core.thresholds import ThresholdBook

T = TypeVar("T")
SERVICE_WHERE = "service.where"  # Infrastructure.extras: where the service runs, for people
StreamListener = Callable[[list[Any], int], None]  # (items, how many were dropped)
Subscribe = Callable[[Callable[[Any], None]], Callable[[], None]]


class Process(StrEnum):
    SERVICE = "service"  # the service process: beside the window, or alone (smc service)
    WINDOW = "window"  # every window


class Feature(Protocol):
    """A feature's part in one process: built by its spec's factory, then started and
    stopped with the process (in the order of the feature list, stopped in reverse)."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


class WindowFeature(Feature, Protocol):
    @property
    def api(self) -> Any:
        """What the feature's view receives in its ``__init__``."""
        ...


class Exposed:
    """What the service parts offer windows: command APIs (an object and the ``Protocol``
    listing the methods a window may call) and live streams."""

    def __init__(self) -> None:
        self.apis: dict[str, tuple[object, type]] = {}
        self.streams: dict[str, Subscribe] = {}

    def api(self, feature: str, implementation: object, protocol: type) -> None:
        self.apis[feature] = (implementation, protocol)

    def stream(self, name: str, subscribe: Subscribe) -> None:
        """``subscribe(push)`` starts calling ``push(item)`` from any thread and returns the
        function that stops it."""
        self.streams[name] = subscribe


class ServiceAccess(Protocol):
    """A window's way to the service parts: their commands and streams."""

    def commands(self, feature: str, protocol: type[T]) -> T: ...

    def stream(self, name: str, listener: StreamListener) -> Callable[[], None]: ...


class LocalServices:
    """The service parts in this very process (tests, ``separate_process = false``)."""

    def __init__(self, exposed: Exposed) -> None:
        self._exposed = exposed

    def commands(self, feature: str, protocol: type[T]) -> T:
        try:
            implementation, _declared = self._exposed.apis[feature]
        except KeyError:
            raise LookupError(f"no service part offers {feature!r} commands") from None
        return implementation  # type: ignore[return-value]

    def stream(self, name: str, listener: StreamListener) -> Callable[[], None]:
        subscribe = self._exposed.streams.get(name)
        if subscribe is None:
            raise LookupError(f"no service part offers the stream {name!r}")
        return subscribe(lambda item: listener([item], 0))


@dataclass
class Infrastructure:
    """What every feature part is built with. ``jobs`` and ``exposed`` exist where service
    parts run; ``services`` where window parts run (both in one process when the service
    runs inside the window's process)."""

    settings: Settings
    clock: Clock
    db_url: str
    engine: Engine
    session_factory: sessionmaker[Session]
    bus: EventBus
    operator: Operator
    thresholds: ThresholdBook
    jobs: JobHost | None = None
    exposed: Exposed | None = None
    services: ServiceAccess | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def service(self, feature: str, protocol: type[T]) -> T:
        """The commands of ``feature``'s service part (in this process or over the channel)."""
        if self.services is None:
            raise LookupError("this process has no way to the service")
        return self.services.commands(feature, protocol)


ServiceFactory = Callable[[Infrastructure], Feature]
WindowFactory = Callable[[Infrastructure], WindowFeature]


@dataclass(frozen=True)
class FeatureSpec:
    """One capability: its name (also its view's key), how its parts are built, where they
    run (``service`` in the service process, ``window`` in every window)."""

    name: str
    service: ServiceFactory | None = None
    window: WindowFactory | None = None

    def parts(self, process: Process) -> ServiceFactory | WindowFactory | None:
        return self.service if process is Process.SERVICE else self.window
