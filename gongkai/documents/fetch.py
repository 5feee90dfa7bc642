"""A polite fetcher of public web pages and files: :class:`Fetcher` (one per monitoring run) and
:func:`decode_html`.

Pure Python (standard library ``http.client``, ``socket``, ``ssl``, ``urllib.robotparser``; no Django).

What it promises, for every URL given to :meth:`Fetcher.get`:

* **robots.txt** of the host is read once per fetcher (cached in the instance) and obeyed for the fetcher's
  user agent (the product token before the first ``/``); a forbidden path is not requested (error
  ``robots``). As RFC 9309 says: a robots.txt that answers 4xx (404: there is none) allows everything
  (§2.3.1.3); one that answers 5xx or cannot be reached means "disallow all" (§2.3.1.4) — nothing of the
  host is fetched in this run, with the error ``robots_unavailable`` (a later run tries again).
* **one request per** ``min_interval`` **seconds per host** (robots.txt counts), or per the robots.txt's
  ``Crawl-delay`` for our user agent when longer (at most :data:`MAX_CRAWL_DELAY`): the fetcher sleeps (the
  injected ``sleep``, measured by the injected ``clock``) before a request that would come too soon.
* **timeouts**: ``timeout`` seconds to connect and for every read; the whole body must arrive within
  ``total_timeout`` (default eight times ``timeout``), so a server that trickles one byte a second cannot
  hold the run (error ``timeout``).
* **a size cap**: a body longer than ``max_bytes`` is not read further (error ``too_large``; a declared
  ``Content-Length`` over the cap is refused before reading).
* **retries** with exponential back-off (``backoff``, ``2 × backoff``, …) after a timeout, a connection
  error or a 5xx answer, at most ``retries`` times; never after a 4xx.
* **redirects** (301, 302, 303, 307, 308) followed up to :data:`MAX_REDIRECTS`, each target checked again
  (scheme, address rule, robots.txt).
* **the address rule (SSRF guard)**: only ``http`` and ``https`` URLs (else ``bad_url``); unless
  ``allow_private``, a host that resolves to any loopback, private, link-local, shared, multicast, reserved
  or unspecified address is refused (error ``private_address``). The fetcher connects to the very address it
  checked (no second DNS lookup that could answer differently) and sends the host name in ``Host`` and in
  TLS's SNI; no proxy is used.
* a **User-Agent** given by the caller (see :func:`user_agent`): it names Gongkai and the site's URL.

The outcome is a :class:`Fetched`: the bytes as received (``decode_html`` reads a page's text), their
SHA-256, the final URL and every redirect, the status, the time, and ``error``: ``""`` when the body is the
resource's, else one of :data:`ERRORS` (short English codes; whoever shows them translates them).
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import urllib.robotparser
import zlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message as HeaderMessage
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from gongkai.documents.text import decode_text

__all__ = [
    "ERRORS",
    "MAX_REDIRECTS",
    "Fetched",
    "Fetcher",
    "decode_html",
    "is_public_address",
    "user_agent",
]

#: The error codes of :attr:`Fetched.error` and what each means.
ERRORS: dict[str, str] = {
    "bad_url": "not an http(s) URL, or no host in it",
    "private_address": "the host resolves to a loopback, private, link-local, multicast or reserved address",
    "robots": "the site's robots.txt forbids this path to our user agent",
    "robots_unavailable": "the site's robots.txt answered 5xx: nothing of the host is fetched (RFC 9309)",
    "dns": "the host name does not resolve",
    "connection": "the connection was refused, reset or closed early (after the retries)",
    "tls": "the HTTPS certificate or handshake failed",
    "timeout": "no connection or no data within the timeout (after the retries)",
    "too_large": "the body is longer than the size cap",
    "too_many_redirects": "more than MAX_REDIRECTS redirects, or a redirect without a Location",
    "http_status": "the server answered 4xx, or 5xx after the retries (see Fetched.status)",
}

MAX_REDIRECTS = 5

#: The robots.txt of a host that answered 5xx or could not be reached: it disallows everything.
_UNAVAILABLE = urllib.robotparser.RobotFileParser()
_UNAVAILABLE.disallow_all = True  # type: ignore[attr-defined]
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: A robots.txt ``Crawl-delay`` longer than this is taken as this (seconds): one site must not stall a run.
MAX_CRAWL_DELAY = 30.0
#: robots.txt longer than this is cut (RFC 9309 §2.5 asks crawlers to read at least 500 KiB).
ROBOTS_MAX_BYTES = 512 * 1024
_CHUNK = 64 * 1024


#: ``socket.getaddrinfo`` or a stand-in: (host, port, type=…) -> [(family, type, proto, name, (address, …))]
Resolver = Callable[..., Sequence[tuple[Any, ...]]]


def user_agent(site_url: str, version: str = "1.0") -> str:
    """The User-Agent of Gongkai's monitoring: product token ``Gongkai`` (robots.txt groups match it) and
    the address of the site that runs it, so that a webmaster knows who asks and where to write."""
    return f"Gongkai/{version} (+{site_url}; annual OGI report monitoring)"


@dataclass(frozen=True)
class Fetched:
    url: str
    final_url: str
    status: int | None
    content_type: str
    body: bytes
    sha256: str
    #: When the (last) request was sent, aware UTC.
    fetched_at: datetime
    #: ``""`` when ``body`` is the resource; else a key of :data:`ERRORS` (then ``body`` is empty).
    error: str
    #: Seconds from the call to the end, waits and retries included (by the fetcher's clock).
    elapsed: float
    #: Every URL redirected to, in order (the last is ``final_url``).
    redirects: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.error


class _Failure(Exception):
    def __init__(self, code: str, *, retry: bool = False, status: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry = retry
        self.status = status


@dataclass
class _Answer:
    status: int
    headers: HeaderMessage
    body: bytes


@dataclass
class _Trace:
    url: str
    current: str
    started: float
    fetched_at: datetime
    status: int | None = None
    redirects: list[str] = field(default_factory=list)


@dataclass
class _Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, for the request line


def is_public_address(address: str) -> bool:
    """Whether an IP address is a public unicast one (what the fetcher may connect to)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d
            return is_public_address(str(ip.ipv4_mapped))
        embedded = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_unspecified
    )


class Fetcher:
    """Fetches URLs politely; keep one per run (it caches robots.txt and remembers each host's last
    request). Thread-safe: several threads may share one fetcher (a monitoring run fetches a few agencies
    at once), and the politeness holds across them — each host's robots.txt is read once, and each
    request to a host takes the next free turn of that host (turns are reserved under a lock, then slept
    for outside it, so threads on other hosts never wait for it).

    ``total_timeout``: the whole body must arrive within this many seconds (default ``8 × timeout``);
    ``resolve``: name resolution (``socket.getaddrinfo``; tests may give their own);
    ``allow_hosts``: host names exempt from the address rule (an intranet site named on purpose), where
    ``allow_private`` would exempt every host.
    """

    def __init__(
        self,
        *,
        user_agent: str,
        min_interval: float = 1.0,
        timeout: float = 15.0,
        max_bytes: int = 50 * 2**20,
        retries: int = 2,
        backoff: float = 2.0,
        allow_private: bool = False,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        total_timeout: float | None = None,
        resolve: Resolver = socket.getaddrinfo,
        allow_hosts: Collection[str] = (),
    ) -> None:
        self.user_agent = user_agent
        self.min_interval = min_interval
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff = backoff
        self.allow_private = allow_private
        self.clock = clock
        self.sleep = sleep
        self.total_timeout = total_timeout if total_timeout is not None else 8 * timeout
        self.resolve = resolve
        self.allow_hosts = frozenset(h.lower() for h in allow_hosts)
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        #: The network error that kept a host's robots.txt from being read (the host's error for the run).
        self._robots_failures: dict[str, str] = {}
        self._last: dict[str, float] = {}
        self._delays: dict[str, float] = {}
        #: Guards the dictionaries above and hands out each host's turns.
        self._lock = threading.Lock()
        #: One lock per robots.txt (scheme, host, port): the first thread reads it, the others wait for it.
        self._robots_locks: dict[str, threading.Lock] = {}

    # -- the one public call -------------------------------------------------------------------------

    def get(self, url: str) -> Fetched:
        """The resource at ``url`` after redirects, or why not (``Fetched.error``). Never raises for
        anything the network or the server does."""
        trace = _Trace(url=url, current=url, started=self.clock(), fetched_at=datetime.now(UTC))
        try:
            answer = self._follow(trace)
        except _Failure as failure:
            if failure.status is not None:
                trace.status = failure.status
            return self._result(trace, "", b"", failure.code)
        return self._result(trace, answer.headers.get("Content-Type", ""), answer.body, "")

    # -- steps ---------------------------------------------------------------------------------------

    def _follow(self, trace: _Trace) -> _Answer:
        """The final answer after redirects (each checked like the first URL); raises :class:`_Failure`."""
        for _hop in range(MAX_REDIRECTS + 1):
            target = self._target(trace.current)
            if not self._allowed(target, trace.current):
                key = f"{target.scheme}://{target.host}:{target.port}"
                if self._robots.get(key) is _UNAVAILABLE:
                    # The host could not be reached (the network error itself), or its robots.txt failed.
                    raise _Failure(self._robots_failures.get(key, "robots_unavailable"))
                raise _Failure("robots")
            trace.fetched_at = datetime.now(UTC)
            answer = self._with_retries(target)
            trace.status = answer.status
            if answer.status in _REDIRECTS:
                location = answer.headers.get("Location")
                if not location:
                    raise _Failure("too_many_redirects")
                trace.current = urljoin(trace.current, location.strip())
                trace.redirects.append(trace.current)
                continue
            if answer.status >= 400:
                raise _Failure("http_status")
            return answer
        raise _Failure("too_many_redirects")

    def _result(self, trace: _Trace, content_type: str, body: bytes, error: str) -> Fetched:
        return Fetched(
            url=trace.url,
            final_url=trace.current,
            status=trace.status,
            content_type=content_type,
            body=body,
            sha256=hashlib.sha256(body).hexdigest(),
            fetched_at=trace.fetched_at,
            error=error,
            elapsed=max(0.0, self.clock() - trace.started),
            redirects=tuple(trace.redirects),
        )

    def _target(self, url: str) -> _Target:
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise _Failure("bad_url") from exc
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise _Failure("bad_url")
        host = parts.hostname.lower()
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise _Failure("bad_url") from exc
        path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        return _Target(scheme, host, port or (443 if scheme == "https" else 80), _ascii_path(path))

    def _allowed(self, target: _Target, url: str) -> bool:
        key = f"{target.scheme}://{target.host}:{target.port}"
        with self._lock:
            robots_lock = self._robots_locks.setdefault(key, threading.Lock())
        with robots_lock:
            if key not in self._robots:
                parser = self._read_robots(target)
                delay = parser.crawl_delay(self.user_agent) if parser is not None else None
                with self._lock:
                    self._robots[key] = parser
                    if delay:
                        self._delays[target.host] = min(float(delay), MAX_CRAWL_DELAY)
            parser = self._robots[key]
        return parser is None or parser.can_fetch(self.user_agent, url)

    def _read_robots(self, target: _Target) -> urllib.robotparser.RobotFileParser | None:
        """The host's robots.txt; None when it allows everything (none: 4xx); :data:`_UNAVAILABLE` (which
        disallows everything) when it answered 5xx or could not be reached (RFC 9309 §2.3.1.4)."""
        robots = _Target(target.scheme, target.host, target.port, "/robots.txt")
        key = f"{target.scheme}://{target.host}:{target.port}"
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                answer = self._robots_request(robots)
                location = answer.headers.get("Location")
                if answer.status in _REDIRECTS and location:
                    robots = self._target(
                        urljoin(f"{robots.scheme}://{robots.host}:{robots.port}/", location)
                    )
                    continue
                break
            else:
                return None
        except _Failure as failure:
            # A name that does not resolve or an address we refuse is the page's own error, not robots'.
            if failure.code in ("dns", "private_address", "bad_url"):
                return None
            with self._lock:  # connection, timeout, tls: the host is unreachable
                self._robots_failures[key] = failure.code
            return _UNAVAILABLE
        if answer.status >= 500:
            return _UNAVAILABLE
        if answer.status >= 300:
            return None
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(answer.body.decode("utf-8", errors="replace").splitlines())
        return parser

    def _robots_request(self, target: _Target) -> _Answer:
        """robots.txt, retried like a page on network errors and 5xx (a host that is merely slow to answer
        is not written off at once)."""
        attempt = 0
        while True:
            try:
                answer = self._request(target, max_bytes=ROBOTS_MAX_BYTES, cut=True)
            except _Failure as failure:
                if not failure.retry or attempt >= self.retries:
                    raise
            else:
                if answer.status < 500 or attempt >= self.retries:
                    return answer
            self.sleep(self.backoff * 2**attempt)
            attempt += 1

    def _with_retries(self, target: _Target) -> _Answer:
        attempt = 0
        while True:
            try:
                answer = self._request(target, max_bytes=self.max_bytes)
            except _Failure as failure:
                if not failure.retry or attempt >= self.retries:
                    raise
            else:
                if answer.status < 500 or attempt >= self.retries:
                    return answer
            self.sleep(self.backoff * 2**attempt)
            attempt += 1

    def _request(self, target: _Target, *, max_bytes: int, cut: bool = False) -> _Answer:
        """One GET (after the host's interval); with ``cut``, a body over ``max_bytes`` is cut there."""
        address = self._address(target)
        self._wait_turn(target.host)
        connection = _connection(target, address, self.timeout)
        try:
            connection.putrequest("GET", target.path, skip_host=True, skip_accept_encoding=True)
            default_port = 443 if target.scheme == "https" else 80
            host = f"[{target.host}]" if ":" in target.host else target.host  # an IPv6 literal
            host = host if target.port == default_port else f"{host}:{target.port}"
            connection.putheader("Host", host)
            connection.putheader("User-Agent", self.user_agent)
            connection.putheader("Accept", "*/*")
            connection.putheader("Accept-Encoding", "gzip, identity")
            connection.putheader("Connection", "close")
            connection.endheaders()
            response = connection.getresponse()
            body = self._body(response, max_bytes, cut)
            return _Answer(response.status, response.msg, body)
        except _Failure:
            raise
        except ssl.SSLError as exc:
            raise _Failure("tls") from exc
        except TimeoutError as exc:
            raise _Failure("timeout", retry=True) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise _Failure("connection", retry=True) from exc
        finally:
            connection.close()

    def _body(self, response: http.client.HTTPResponse, max_bytes: int, cut: bool) -> bytes:
        if response.status in _REDIRECTS:
            return b""
        declared = response.getheader("Content-Length")
        if not cut and declared and declared.strip().isdigit() and int(declared) > max_bytes:
            raise _Failure("too_large", status=response.status)
        gzipped = (response.getheader("Content-Encoding") or "").strip().lower() in ("gzip", "x-gzip")
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
        deadline = self.clock() + self.total_timeout
        parts: list[bytes] = []
        size = 0
        while True:
            chunk = response.read(_CHUNK)
            if not chunk:
                break
            if inflater is not None:
                chunk = inflater.decompress(chunk, max_bytes + 1 - size)
            parts.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                if cut:
                    return b"".join(parts)[:max_bytes]
                raise _Failure("too_large", status=response.status)
            if self.clock() > deadline:
                raise _Failure("timeout", retry=True)
        return b"".join(parts)

    def _address(self, target: _Target) -> str:
        """The address to connect to: the first the name resolves to, when all of them pass the rule."""
        try:
            infos = self.resolve(target.host, target.port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise _Failure("dns") from exc
        addresses = [str(info[4][0]) for info in infos if isinstance(info[4], tuple)]
        if not addresses:
            raise _Failure("dns")
        trusted = self.allow_private or target.host in self.allow_hosts
        if not trusted and not all(is_public_address(a) for a in addresses):
            raise _Failure("private_address")
        return addresses[0]

    def _wait_turn(self, host: str) -> None:
        """Wait for the host's next turn: at least ``min_interval`` (or its Crawl-delay) after the host's
        previous turn. The turn is reserved under the lock, so two threads never take the same one."""
        with self._lock:
            now = self.clock()
            last = self._last.get(host)
            interval = max(self.min_interval, self._delays.get(host, 0.0))
            turn = now if last is None else max(now, last + interval)
            self._last[host] = turn
        if turn > now:
            self.sleep(turn - now)


def _ascii_path(path: str) -> str:
    """The request path with non-ASCII characters percent-encoded (Chinese file names in links)."""
    return quote(path, safe="/%?&=;:@!$'()*+,~-._#[]")


def _connection(target: _Target, address: str, timeout: float) -> http.client.HTTPConnection:
    """A connection to ``address`` (already checked) for ``target.host``: TLS verifies the host name."""
    if target.scheme == "https":
        return _PinnedHTTPS(target.host, address, target.port, timeout)
    return _PinnedHTTP(target.host, address, target.port, timeout)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(_PinnedHTTP):
    def connect(self) -> None:
        super().connect()
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self.sock, server_hostname=self.host)


#: Charsets a server names by default, not because the page is in them (Latin-1 decodes any bytes): the
#: page's own ``<meta>`` and its bytes decide instead.
_DEFAULT_CHARSETS = frozenset(
    {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252", "cp1252"}
)
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}


def decode_html(body: bytes, content_type: str = "") -> str:
    """The text of a fetched page: the charset of the ``Content-Type`` header when the bytes decode in it
    (GBK and GB2312 read as GB18030, their superset; a server's default Latin-1 or ASCII is not taken at its
    word), else :func:`gongkai.documents.text.decode_text` (BOM,
    UTF-8, the page's ``<meta charset>``, GB18030, Big5 by charset-normalizer), else UTF-8 with
    replacement characters (never fails)."""
    header = HeaderMessage()
    header["Content-Type"] = content_type or "text/html"
    charset = (header.get_param("charset") or "").__str__().strip().lower()
    if charset and charset not in _DEFAULT_CHARSETS:
        charset = _CHARSET_ALIASES.get(charset, charset)
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    text = decode_text(body)
    return text if text is not None else body.decode("utf-8", errors="replace")
