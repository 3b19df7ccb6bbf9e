"""Which Host and Origin headers the emulator answers: the defence against DNS rebinding and cross-site requests.

DNS rebinding: a page on `attacker.example` makes that name resolve to 127.0.0.1, and the browser then
sends the page's requests to the emulator with `Host: attacker.example:4566`. Checking Host against names
that only the user controls stops it. Allowed by default:

- `localhost` and any `*.localhost` name (RFC 6761 reserves them for loopback; S3 virtual-host addressing
  uses `<bucket>.localhost` and `<bucket>.s3.localhost`);
- any IP address literal: a browser sends an IP as Host only when the page's own URL names that IP, so no
  rebinding is possible through it (the same rule as Vite's `server.allowedHosts`); this keeps
  `docker run -p 127.0.0.1:4566:4566` and clients that use the container's address working;
- the address the server binds (`--host`), when it is a name;
- the names in `GLUE_EMULATOR_ALLOWED_HOSTS` (`name`, `*.suffix` for its subdomains, `*` for any).

Cross-site requests carry an `Origin` header naming the page's site: it must name an allowed host too
(http or https, any port), so a page on another site cannot make the user's browser drive the emulator.
For Origin, an IP address counts only if it is a loopback one: a page served from any other address
(`http://203.0.113.5/`) is another site.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

SETTING = "GLUE_EMULATOR_ALLOWED_HOSTS"
_ANY_ADDRESS = ("0.0.0.0", "::", "")


def hostname_of(host_header: str) -> str:
    """The host name of a Host header value, lower case, without port or IPv6 brackets."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") > 1:  # a bare IPv6 address (not valid in Host, but unambiguous)
        return host
    return host.partition(":")[0].rstrip(".")


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name.partition("%")[0])
    except ValueError:
        return None


class HostPolicy:
    """The names this server answers to; built once from the settings."""

    def __init__(self, extra_hosts: Iterable[str], bind_host: str = "127.0.0.1"):
        names = {hostname_of(h) for h in extra_hosts if h.strip()}
        if bind_host not in _ANY_ADDRESS:
            names.add(hostname_of(bind_host))
        self.allow_any = "*" in names
        self._exact = {n for n in names if not n.startswith("*.")}
        self._suffixes = tuple(n[1:] for n in names if n.startswith("*.") and len(n) > 2)
        # Host header -> verdict: a server sees few distinct values, and this runs on every request.
        self._verdicts: dict[str, bool] = {}

    def allows_name(self, name: str, any_address: bool = True) -> bool:
        """Whether a bare host name (no port) is one the user trusts; IP addresses: any, or loopback only."""
        if self.allow_any:
            return True
        if not name:
            return False
        if name == "localhost" or name.endswith(".localhost") or name in self._exact:
            return True
        address = _ip(name)
        if address is not None:
            return any_address or address.is_loopback
        return name.endswith(self._suffixes)

    def allows_host(self, host_header: str | None) -> bool:
        """Whether a request's Host header names this server (a request without one is refused)."""
        if host_header is None:
            return False
        verdict = self._verdicts.get(host_header)
        if verdict is None:
            if len(self._verdicts) > 1024:  # many distinct names: someone probing; keep the memory bounded
                self._verdicts.clear()
            verdict = self._verdicts[host_header] = self.allows_name(hostname_of(host_header))
        return verdict

    def allows_origin(self, origin: str | None) -> bool:
        """Whether a request's Origin header (absent for non-browser clients) names a trusted site.

        `Origin: null` (sandboxed frames, file: pages, some redirects) names no site and is refused.
        """
        if origin is None:
            return True
        try:
            parts = urlsplit(origin.strip())
            name = (parts.hostname or "").rstrip(".")
        except ValueError:
            return False
        return parts.scheme in ("http", "https") and self.allows_name(name, any_address=False)
