"""What keeps the local page the organiser's alone.

- Host: only 127.0.0.1 or localhost on our own port (a web page elsewhere cannot reach us by
  pointing a name at 127.0.0.1: DNS rebinding).
- Origin and Sec-Fetch-Site: a request another site started (cross-site, or same-site from
  another port) is refused, whatever its method.
- A per-session token in every form: a POST without the session's token is refused.
- A cap on every request body, checked on the declared length and on the bytes as they arrive.
- Headers: a strict Content-Security-Policy (our own script only, nothing from elsewhere), no
  framing, no sniffing, no referrer to other sites, no caching of pages.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from http.cookies import SimpleCookie

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("scheduler.web")
SESSION_COOKIE = "schedule_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ALLOWED_FETCH_SITES = frozenset({"same-origin", "none"})
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# report.html (inline styles, no script) is shown as it is written.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


class Secrets:
    """A secret for this server's life; session tokens are random, form tokens derive from them."""

    def __init__(self) -> None:
        self.key = secrets.token_bytes(32)

    @staticmethod
    def new_session() -> str:
        return secrets.token_urlsafe(32)

    def csrf_for(self, session: str) -> str:
        return hmac.new(self.key, session.encode(), hashlib.sha256).hexdigest()

    def valid(self, session: str | None, token: str | None) -> bool:
        if not session or not token:
            return False
        return hmac.compare_digest(self.csrf_for(session), token)


def session_of(headers: Headers) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # noqa: BLE001 - a malformed cookie is no session
        return None
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel and len(morsel.value) >= 32 else None


def refuse(status: int, text: str) -> PlainTextResponse:
    return PlainTextResponse(text, status_code=status, headers={"cache-control": "no-store"})


class Guard:
    """ASGI middleware: host, origin and size checks before the app sees a request."""

    def __init__(self, app: ASGIApp, *, port_of: callable, max_body: int):
        self.app = app
        self.port_of = port_of  # the port we serve on, known once the socket is bound
        self.max_body = max_body

    def allowed_hosts(self) -> set[str]:
        port = self.port_of()
        return {f"127.0.0.1:{port}", f"localhost:{port}"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "").lower()
        if host not in self.allowed_hosts():
            await refuse(421, "This page answers only on its own address (127.0.0.1).")(scope, receive, send)
            return
        site = headers.get("sec-fetch-site")
        if site is not None and site not in ALLOWED_FETCH_SITES:
            await refuse(403, "Requests from other sites are refused.")(scope, receive, send)
            return
        origin = headers.get("origin")
        if origin is not None and origin.lower() not in {f"http://{h}" for h in self.allowed_hosts()}:
            await refuse(403, "Requests from other sites are refused.")(scope, receive, send)
            return
        if scope["method"] not in SAFE_METHODS:
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body):
                await refuse(413, too_big(self.max_body))(scope, receive, send)
                return
            receive = _capped(receive, self.max_body)
        started = False
        send = _with_headers(send)

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:  # noqa: BLE001 - answered here, so no traceback (which may quote data) is logged
            log.error("a request failed: %s", type(exc).__name__)
            if not started:
                await refuse(500, "Something went wrong. Go back and try again.")(scope, receive, send)


def too_big(limit: int) -> str:
    return (f"That upload is too large: the limit is {limit // (1024 * 1024)} MB in all. "
            "Upload only the data files (venues, participants, meetings, term dates).")


class BodyTooLarge(HTTPException):
    """Raised while the body is read; the app's handler for 413 answers with `too_big`."""

    def __init__(self, limit: int):
        super().__init__(413, too_big(limit))


def _capped(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def inner() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return inner


def _with_headers(send: Send) -> Send:
    async def inner(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            names = {k.lower() for k, _ in headers}
            extra = {
                b"content-security-policy": CSP.encode(),
                b"x-content-type-options": b"nosniff",
                b"x-frame-options": b"DENY",
                b"referrer-policy": b"same-origin",  # "no-referrer" makes form posts say Origin: null
                b"cross-origin-opener-policy": b"same-origin",
                b"cross-origin-resource-policy": b"same-origin",
                b"cache-control": b"no-store",
            }
            headers += [(k, v) for k, v in extra.items() if k not in names]
            message = {**message, "headers": headers}
        await send(message)

    return inner
