"""Links (transports) chosen by URL. Importing this package registers every built-in scheme."""

from drivers.link import loop, serial_link, tcp
from drivers.link.base import (
    LinkUrl,
    Transport,
    create_transport,
    open_link,
    parse_link_url,
    register_scheme,
)

__all__ = [
    "LinkUrl",
    "Transport",
    "create_transport",
    "loop",
    "open_link",
    "parse_link_url",
    "register_scheme",
    "serial_link",
    "tcp",
]
