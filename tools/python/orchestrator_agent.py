"""A client for the orchestrator's agent protocol (v1): an external strategy agent in Python.

Python 3 standard library only. One module; copy it next to your agent or put ``tools/python`` on
``PYTHONPATH``.

An agent connects to the daemon's signal gateway (line-delimited JSON over TCP), authenticates,
says hello (its name, symbols, bar timeframes, whether it wants ticks, the request methods it
answers), then receives market data, its own orders, fills and positions and the account, and
sends signals. Write a subclass and override the ``on_*`` callbacks you need::

    from decimal import Decimal
    from orchestrator_agent import Agent

    class MyAgent(Agent):
        name = "my_agent"                       # default; ORCHESTRATOR_AGENT_NAME overrides it

        def on_bar(self, bar):
            if bar.close > Decimal("180"):
                self.submit_signal(bar.symbol, "SELL", 0.8, quantity=10, reason="above 180")

        def on_fill(self, fill):
            self.log.info("filled %s %s @ %s", fill.side, fill.quantity, fill.price)

        @handles("get_state")
        def get_state(self, params):
            return {"position": str(self.positions.get("AAPL"))}

    MyAgent(symbols=["AAPL"], bars=["1m"]).run()

Where it connects comes from the environment, so the same script runs by hand or supervised by the
daemon: ``ORCHESTRATOR_GATEWAY`` (``host:port``, default ``127.0.0.1:7400``),
``ORCHESTRATOR_AGENT_TOKEN`` (optional; never logged), ``ORCHESTRATOR_AGENT_NAME`` (optional; the
agent's name when the code does not pass one).

Threads: ``run()`` blocks the calling thread and calls every callback on it, one at a time, in the
order the lines arrived; a reader thread reads the socket and settles signal answers directly, so a
callback may wait on a signal's ``ack``/``outcome`` future. While a callback runs no heartbeat is
sent: a callback that blocks longer than the heartbeat timeout makes the agent look hung (that is
what the heartbeat is for). When the callbacks fall behind, the reader stops reading once
``queue_size`` lines wait, and the daemon drops this agent's oldest market data (``on_dropped``
tells how much); orders and fills are never dropped.

Money is ``decimal.Decimal`` everywhere: JSON numbers are parsed with ``parse_float=Decimal`` and
price fields that arrive as whole numbers are made ``Decimal`` too; prices you pass are sent as
exact decimal text, and a ``float`` price is refused.

Reconnects: when the connection drops the client reconnects with exponential backoff (0.5 s
doubling to 30 s, with jitter) and sends ``last_fill_seq`` in its hello, so the daemon replays the
fills it missed (``fill.replay`` is true on those), then its open orders and positions. SIGTERM (and
Ctrl-C) end ``run()`` cleanly; it returns, and a script that then ends exits 0.
"""
from __future__ import annotations

import concurrent.futures
import itertools
import json
import logging
import os
import queue
import random
import signal as _signal
import socket
import threading
import time
from decimal import Decimal
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

__all__ = [
    "Agent",
    "AgentError",
    "Message",
    "SignalHandle",
    "handles",
    "parse_gateway",
    "PROTOCOL_VERSION",
]

PROTOCOL_VERSION = "1.0"
DEFAULT_GATEWAY = "127.0.0.1:7400"

# Fields whose values are money or prices: always Decimal, even when the JSON number was whole.
_MONEY_FIELDS = frozenset((
    "price", "bid", "ask", "open", "high", "low", "close", "limit_price", "stop_price", "avg_price",
    "realized_pnl", "unrealized_pnl", "commission", "cash", "equity", "buying_power",
    "take_profit", "stop_loss", "trail_price",
))
# Protective exits a signal may carry (issue 19): each pair is a price or a percent of the entry's fill price, not both.
_EXIT_PAIRS = (("take_profit", "take_profit_pct"), ("stop_loss", "stop_loss_pct"), ("trail_price", "trail_percent"))
_OUTCOMES = frozenset(("ordered", "risk_rejected", "no_order"))
_STOP = object()          # queue sentinel: stop() was called
_DISCONNECTED = object()  # queue sentinel: the reader saw the connection end


class _Terminated(BaseException):
    """Raised in the main thread by the SIGTERM handler, caught by ``Agent.run``."""


class AgentError(Exception):
    """A fatal problem the client cannot fix by reconnecting: a refused token or hello."""


class Message(dict):
    """One line from the daemon: a dict that also reads its fields as attributes (``bar.close``).

    A field that the line does not carry reads as ``None`` through an attribute (``tick.bid`` when
    the quote is unknown) and raises ``KeyError`` through ``[]``.
    """

    __slots__ = ()

    def __getattr__(self, key: str) -> Any:
        return self.get(key)

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("messages from the daemon are read-only")


class SignalHandle:
    """A submitted signal: its ``id``, and two futures the reader thread settles.

    ``ack`` resolves with the gateway's immediate answer (``status`` ``accepted`` with ``seq``, or
    ``rejected`` with ``error``). ``outcome`` resolves with the engine's decision (``status``
    ``ordered`` with ``order_id``, ``risk_rejected`` with ``reason``, or ``no_order``); for a signal
    the gateway rejected it resolves with the same rejection. Both fail with ``ConnectionError`` when
    the connection ends first (the signal may then have been accepted: its orders and fills still
    arrive through ``on_order``/``on_fill``).
    """

    def __init__(self, signal_id: str) -> None:
        self.id = signal_id
        self.ack: "concurrent.futures.Future[Message]" = concurrent.futures.Future()
        self.outcome: "concurrent.futures.Future[Message]" = concurrent.futures.Future()

    def result(self, timeout: Optional[float] = None) -> Message:
        """The outcome (waits at most ``timeout`` seconds; ``concurrent.futures.TimeoutError`` after)."""
        return self.outcome.result(timeout)

    @property
    def accepted(self) -> bool:
        """True once the gateway accepted the signal (False while unanswered or when rejected)."""
        return self.ack.done() and not self.ack.exception() and self.ack.result().get("status") == "accepted"

    def __repr__(self) -> str:
        state = "answered" if self.outcome.done() else "acked" if self.ack.done() else "pending"
        return f"<SignalHandle {self.id} {state}>"


def handles(method: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Marks an agent method as the handler of request ``method`` (its ``params`` dict in, a JSON-able result out).

    The method's name is announced in hello; a raised exception is answered as the response's ``error``.
    """

    def mark(func: Callable[..., Any]) -> Callable[..., Any]:
        func._orchestrator_request_method = method  # type: ignore[attr-defined]
        return func

    return mark


def parse_gateway(text: str) -> Tuple[str, int]:
    """``host:port`` → (host, port); raises ValueError naming ORCHESTRATOR_GATEWAY for anything else."""
    host, sep, port = text.strip().rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"ORCHESTRATOR_GATEWAY: expected host:port (e.g. {DEFAULT_GATEWAY}), got {text!r}")
    return host.strip("[]"), int(port)


def dumps(value: Any) -> str:
    """Compact JSON with ``Decimal`` written as its exact decimal text (``json`` cannot do that)."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        return format(value, "f")
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(str(k)) + ":" + dumps(v) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def _money(field: str, value: Any) -> Optional[Decimal]:
    """A price argument as Decimal: Decimal, int or numeric str; float refused (money is never binary floating point)."""
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{field}: pass a decimal.Decimal, int or str, not {type(value).__name__}")
    try:
        result = Decimal(value)
    except Exception as exc:  # decimal.InvalidOperation, TypeError
        raise ValueError(f"{field}: not a number: {value!r}") from exc
    if not result.is_finite() or result <= 0:
        raise ValueError(f"{field}: must be a positive number, got {value!r}")
    return result


def _check_quantity(quantity: Optional[int]) -> None:
    if quantity is not None and (isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0):
        raise ValueError(f"quantity: must be a whole number > 0, got {quantity!r}")


def _order_id(order_id: Any) -> str:
    """An order id as the daemon gave it (``"17"``) or an int: sent as its digits."""
    text = str(order_id) if isinstance(order_id, (int, str)) and not isinstance(order_id, bool) else ""
    if not text.isdigit() or int(text) <= 0 or int(text) >= 2 ** 63:
        raise ValueError(f"order_id: must be the order_id an outcome gave (digits, above 0), got {order_id!r}")
    return text


def _parse(line: bytes) -> Message:
    obj = json.loads(line, parse_float=Decimal, object_hook=Message)
    if not isinstance(obj, Message):
        raise ValueError("not a JSON object")
    for key in _MONEY_FIELDS.intersection(obj.keys()):
        value = obj[key]
        if isinstance(value, int) and not isinstance(value, bool):
            dict.__setitem__(obj, key, Decimal(value))
    return obj


class Agent:
    """An external agent. Subclass it and override the ``on_*`` callbacks; then call ``run()``.

    Arguments (all optional): ``name`` (else ``ORCHESTRATOR_AGENT_NAME``, else the class attribute
    ``name``), ``symbols``, ``bars`` (timeframes such as ``"1m"``), ``ticks`` (True to receive every
    trade tick), ``gateway`` (``host:port``; else ``ORCHESTRATOR_GATEWAY``), ``token`` (else
    ``ORCHESTRATOR_AGENT_TOKEN``), ``reconnect`` (False: ``run()`` returns when the connection
    ends), ``queue_size`` (lines that may wait for the callbacks), ``connect_timeout`` (seconds for
    connecting and for the handshake's answers), ``last_fill_seq`` (the last fill this agent already
    has, e.g. saved by an earlier run against the same daemon run: only later fills are replayed).

    State kept for you: ``positions`` (symbol → the latest ``position`` message), ``account`` (the
    latest ``account`` message), ``orders`` (order id → the latest ``order`` message),
    ``last_fill_seq``, ``welcome`` (the current session's welcome), ``connected``.
    """

    name: str = ""
    version: str = PROTOCOL_VERSION
    max_backoff = 30.0
    initial_backoff = 0.5

    def __init__(self, name: Optional[str] = None, symbols: Iterable[str] = (), bars: Iterable[str] = (),
                 ticks: bool = False, gateway: Optional[str] = None, token: Optional[str] = None,
                 reconnect: bool = True, queue_size: int = 10_000, connect_timeout: float = 10.0,
                 last_fill_seq: int = 0) -> None:
        self.name = name or os.environ.get("ORCHESTRATOR_AGENT_NAME") or type(self).name
        if not self.name:
            raise ValueError("name: give the agent a name (argument, ORCHESTRATOR_AGENT_NAME or the class's name attribute)")
        self.symbols: List[str] = list(symbols)
        self.bars: List[str] = list(bars)
        self.ticks = bool(ticks)
        self.host, self.port = parse_gateway(gateway or os.environ.get("ORCHESTRATOR_GATEWAY") or DEFAULT_GATEWAY)
        self._token = token if token is not None else os.environ.get("ORCHESTRATOR_AGENT_TOKEN") or None
        self.reconnect = reconnect
        self.connect_timeout = connect_timeout
        self.log = logging.getLogger(f"orchestrator_agent.{self.name}")

        self.positions: Dict[str, Message] = {}
        self.orders: Dict[str, Message] = {}
        self.account: Optional[Message] = None
        self.welcome: Optional[Message] = None
        self.last_fill_seq = last_fill_seq
        self.dropped_market_data = 0

        self._handlers: Dict[str, Callable[[Dict[str, Any]], Any]] = {}
        for attr in dir(type(self)):
            method = getattr(type(self), attr, None)
            request = getattr(method, "_orchestrator_request_method", None)
            if request:
                self._handlers[request] = getattr(self, attr)

        self._queue: "queue.Queue[Any]" = queue.Queue(maxsize=queue_size)
        self._send_lock = threading.Lock()
        self._pending_lock = threading.Lock()
        self._pending_acks: Dict[str, SignalHandle] = {}
        self._pending_outcomes: Dict[int, SignalHandle] = {}
        self._ids = itertools.count(1)
        self._id_prefix = f"{self.name}-{os.getpid()}-{int(time.time())}"
        self._sock: Optional[socket.socket] = None
        self._stopping = threading.Event()
        self._heartbeat_s = 5.0
        self._terminated = False

    # ---- callbacks: override what you need (all run on run()'s thread) ----

    def on_start(self, welcome: Message) -> None:
        """A session began: the daemon welcomed this agent (again, after a reconnect)."""

    def on_tick(self, tick: Message) -> None:
        """A trade tick: ``symbol``, ``ts`` (ns), ``price``, ``size``, ``bid``/``ask`` when known."""

    def on_bar(self, bar: Message) -> None:
        """A closed bar: ``symbol``, ``timeframe``, ``start`` (ns), ``open``, ``high``, ``low``, ``close``, ``volume``."""

    def on_order(self, order: Message) -> None:
        """One of this agent's orders changed: ``order_id``, ``signal_id``, ``status``, ``filled``, ..."""

    def on_fill(self, fill: Message) -> None:
        """One of this agent's orders filled (partly): ``fill_seq``, ``order_id``, ``signal_id``, ``side``, ``quantity``, ``price``, ``commission``, ``leaves``; ``replay`` on a missed fill replayed after a reconnect."""

    def on_position(self, position: Message) -> None:
        """This agent's position in a symbol after one of its fills: ``quantity``, ``avg_price``, ``realized_pnl``, ``unrealized_pnl``."""

    def on_account(self, account: Message) -> None:
        """The account (at most once a second, on change): ``cash``, ``equity``, ``buying_power``."""

    def on_dropped(self, notice: Message) -> None:
        """The daemon dropped ``market_data`` ticks/bars for this agent because it read too slowly."""
        self.log.warning("the daemon dropped %s market data messages for this agent (reading too slowly)", notice.get("market_data"))

    def on_error(self, error: Message) -> None:
        """An error line from the daemon (``error``); after most of them the daemon closes the connection."""
        self.log.error("daemon: %s", error.get("error"))

    def on_disconnect(self, reason: str) -> None:
        """The connection ended (the client reconnects unless stopping or ``reconnect`` is False)."""

    def on_stop(self) -> None:
        """``run()`` is about to return (SIGTERM, Ctrl-C or ``stop()``)."""

    # ---- actions ----

    def add_request_handler(self, method: str, handler: Callable[[Dict[str, Any]], Any]) -> None:
        """Answers request ``method`` with ``handler(params)`` (before ``run()``: methods are announced in hello)."""
        self._handlers[method] = handler

    def submit_signal(self, symbol: str, side: str, confidence: Any, quantity: Optional[int] = None,
                      order_type: Optional[str] = None, limit_price: Any = None, stop_price: Any = None,
                      tif: Optional[str] = None, reason: Optional[str] = None, id: Optional[str] = None,
                      take_profit: Any = None, take_profit_pct: Any = None, stop_loss: Any = None,
                      stop_loss_pct: Any = None, trail_price: Any = None, trail_percent: Any = None) -> SignalHandle:
        """Sends a trade signal; returns its handle (``ack`` and ``outcome`` futures) at once.

        ``side`` BUY or SELL; ``confidence`` in [0, 1]; ``quantity`` the most shares sizing may give
        (None = sizing decides); ``order_type`` market|limit|stop|stop_limit|trailing_stop (None = market,
        or limit when ``limit_price`` is given); prices as Decimal/int/str; ``tif`` day|gtc|ioc|fok|opg|cls;
        ``id`` a unique string of at most 64 bytes (generated when None). Protective exits placed with the
        entry (one cancels the other): ``take_profit`` or ``take_profit_pct``, ``stop_loss`` or
        ``stop_loss_pct``, ``trail_price`` or ``trail_percent`` (a price, or a percent of the entry's fill
        price; not both of a pair; a ``trailing_stop`` order needs a trail). The daemon validates every
        field and the risk manager still decides; a refusal comes back in the handle, not as an exception.
        Raises ConnectionError when not connected, ValueError/TypeError for arguments it can tell are wrong.
        """
        side_upper = str(side).upper()
        if side_upper not in ("BUY", "SELL"):
            raise ValueError(f"side: must be BUY or SELL, got {side!r}")
        _check_quantity(quantity)
        exits = {"take_profit": take_profit, "take_profit_pct": take_profit_pct, "stop_loss": stop_loss,
                 "stop_loss_pct": stop_loss_pct, "trail_price": trail_price, "trail_percent": trail_percent}
        for price_field, percent_field in _EXIT_PAIRS:
            if exits[price_field] is not None and exits[percent_field] is not None:
                raise ValueError(f"{price_field}: give {price_field} or {percent_field}, not both")
        body: Dict[str, Any] = {"type": "signal", "symbol": symbol, "side": side_upper, "confidence": confidence}
        optional = [("quantity", quantity), ("order_type", order_type), ("limit_price", _money("limit_price", limit_price)),
                    ("stop_price", _money("stop_price", stop_price)), ("tif", tif), ("reason", reason)]
        optional += [(name, _money(name, value)) for name, value in exits.items()]
        body.update((k, v) for k, v in optional if v is not None)
        return self._submit(body, id)

    def amend_order(self, symbol: str, order_id: Any, quantity: Optional[int] = None, limit_price: Any = None,
                    stop_price: Any = None, reason: Optional[str] = None, id: Optional[str] = None) -> SignalHandle:
        """Changes one of this agent's open orders (issue 19): ``order_id`` as an ``ordered`` outcome gave it;
        a new ``limit_price``, ``stop_price`` and/or ``quantity`` (the new total, fills included; at least one).
        Side and type stay. The order changes when the venue confirms (an ``order`` line shows it); the daemon
        refuses an order that is not this agent's or not open. Returns the handle like ``submit_signal``.
        """
        _check_quantity(quantity)
        if quantity is None and limit_price is None and stop_price is None:
            raise ValueError("action: amend needs a new limit_price, stop_price or quantity")
        body: Dict[str, Any] = {"type": "signal", "symbol": symbol, "action": "amend", "order_id": _order_id(order_id)}
        optional = (("quantity", quantity), ("limit_price", _money("limit_price", limit_price)),
                    ("stop_price", _money("stop_price", stop_price)), ("reason", reason))
        body.update((k, v) for k, v in optional if v is not None)
        return self._submit(body, id)

    def cancel_order(self, symbol: str, order_id: Any, reason: Optional[str] = None, id: Optional[str] = None) -> SignalHandle:
        """Cancels what is left of one of this agent's open orders (issue 19), named by ``order_id``."""
        body: Dict[str, Any] = {"type": "signal", "symbol": symbol, "action": "cancel", "order_id": _order_id(order_id)}
        if reason is not None:
            body["reason"] = reason
        return self._submit(body, id)

    def _submit(self, body: Dict[str, Any], id: Optional[str]) -> SignalHandle:
        """Sends a signal line under ``id`` (generated when None) and returns its handle."""
        signal_id = id if id is not None else f"{self._id_prefix}-{next(self._ids)}"
        if len(signal_id.encode("utf-8")) > 64:
            raise ValueError("id: at most 64 bytes")
        body = {"type": body.pop("type"), "id": signal_id, **body}
        handle = SignalHandle(signal_id)
        with self._pending_lock:
            if signal_id in self._pending_acks:
                raise ValueError(f"id: {signal_id!r} is still waiting for its answer")
            self._pending_acks[signal_id] = handle
        try:
            self._send(body)
        except Exception:
            with self._pending_lock:
                self._pending_acks.pop(signal_id, None)
            raise
        return handle

    def stop(self) -> None:
        """Ends ``run()`` (from any thread or a signal handler): closes the connection; run() returns."""
        self._stopping.set()
        try:
            self._queue.put_nowait(_STOP)
        except queue.Full:
            pass
        self._close_socket()

    @property
    def connected(self) -> bool:
        return self._sock is not None and self.welcome is not None

    # ---- the loop ----

    def run(self) -> None:
        """Connects, says hello and calls the callbacks until SIGTERM/Ctrl-C/``stop()``.

        Reconnects with backoff when the connection ends (unless ``reconnect`` is False). Raises
        AgentError when the daemon refuses the token or the hello (retrying cannot help).
        """
        restore = self._install_signal_handlers()
        backoff = self.initial_backoff
        try:
            while not self._stopping.is_set():
                try:
                    self._connect()
                except OSError as exc:
                    if not self.reconnect:
                        raise
                    self.log.warning("cannot reach the daemon at %s:%s (%s); retrying in %.1fs", self.host, self.port, exc, backoff)
                    if self._stopping.wait(backoff * random.uniform(0.8, 1.2)):
                        break
                    backoff = min(backoff * 2, self.max_backoff)
                    continue
                backoff = self.initial_backoff
                reason = self._serve()
                self._end_session(reason)
                if self._stopping.is_set() or not self.reconnect:
                    break
                self.log.warning("disconnected (%s); reconnecting", reason)
                if self._stopping.wait(backoff * random.uniform(0.8, 1.2)):
                    break
        except (KeyboardInterrupt, _Terminated):
            self.log.info("stopping on %s", "SIGTERM" if self._terminated else "Ctrl-C")
        finally:
            self._stopping.set()
            self._close_socket()
            restore()
            try:
                self.on_stop()
            finally:
                self.log.info("stopped")

    def _install_signal_handlers(self) -> Callable[[], None]:
        """SIGTERM unwinds run() like Ctrl-C does (an exception in the main thread: no lock taken in a handler)."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def on_sigterm(signum: int, frame: Any) -> None:
            if not self._terminated:
                self._terminated = True
                raise _Terminated()

        previous = _signal.signal(_signal.SIGTERM, on_sigterm)
        return lambda: _signal.signal(_signal.SIGTERM, previous)

    def _connect(self) -> None:
        self.log.info("connecting to %s:%s as %s", self.host, self.port, self.name)
        sock = socket.create_connection((self.host, self.port), timeout=self.connect_timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        reader = sock.makefile("rb")
        try:
            if self._token:
                sock.sendall(("auth " + self._token + "\n").encode("utf-8"))
                answer = self._handshake_line(reader)
                if answer.get("status") != "authenticated":
                    raise AgentError(f"the daemon refused the token: {answer.get('error') or answer}")
            hello: Dict[str, Any] = {"type": "hello", "name": self.name, "version": self.version, "symbols": self.symbols,
                                     "ticks": self.ticks, "bars": self.bars, "methods": sorted(self._handlers),
                                     "last_fill_seq": self.last_fill_seq}
            sock.sendall((dumps(hello) + "\n").encode("utf-8"))
            answer = self._handshake_line(reader)
            if answer.get("type") == "error":
                raise AgentError(f"the daemon refused the hello: {answer.get('error')}")
            if answer.get("type") != "welcome":
                raise AgentError(f"the daemon does not speak the agent protocol (answered {answer.get('error') or dict(answer)})")
        except BaseException:
            reader.close()
            sock.close()
            raise
        sock.settimeout(None)
        self._sock = sock
        self.welcome = answer
        self._heartbeat_s = max(0.05, int(answer.get("heartbeat_interval_ms") or 5000) / 1000.0)
        threading.Thread(target=self._read, args=(sock, reader), name=f"agent-reader-{self.name}", daemon=True).start()
        self.log.info("connected: %s (symbols %s, bars %s, ticks %s, heartbeat every %.1fs)", self.name,
                      answer.get("symbols"), answer.get("bars"), answer.get("ticks"), self._heartbeat_s)
        try:
            self.on_start(answer)
        except Exception:
            self.log.exception("on_start failed (the agent goes on)")

    def _handshake_line(self, reader: Any) -> Message:
        line = reader.readline()
        if not line:
            raise ConnectionError("the daemon closed the connection during the handshake")
        try:
            return _parse(line)
        except ValueError as exc:
            raise AgentError(f"the daemon answered the handshake with a line that is no JSON object ({exc})") from exc

    def _serve(self) -> str:
        """Calls the callbacks for queued lines and sends heartbeats until the session ends; returns why."""
        next_heartbeat = time.monotonic() + self._heartbeat_s
        while not self._stopping.is_set():
            wait = next_heartbeat - time.monotonic()
            item: Any = None
            if wait > 0:
                try:
                    item = self._queue.get(timeout=wait)
                except queue.Empty:
                    item = None
            if time.monotonic() >= next_heartbeat:
                next_heartbeat = time.monotonic() + self._heartbeat_s
                try:
                    self._send({"type": "heartbeat"})
                except OSError as exc:
                    self.log.warning("heartbeat not sent (%s); closing", exc)
                    self._close_socket()  # the reader then ends and queues the end marker
            if item is None:
                continue
            if item is _STOP:
                return "stopping"
            if isinstance(item, tuple) and item and item[0] is _DISCONNECTED:
                return item[1]
            self._dispatch(item)
        return "stopping"

    def _dispatch(self, msg: Message) -> None:
        kind = msg.get("type")
        try:
            if kind == "tick":
                self.on_tick(msg)
            elif kind == "bar":
                self.on_bar(msg)
            elif kind == "order":
                self.orders[str(msg.get("order_id"))] = msg
                self.on_order(msg)
            elif kind == "fill":
                self.on_fill(msg)
            elif kind == "position":
                self.positions[msg.get("symbol")] = msg
                self.on_position(msg)
            elif kind == "account":
                self.account = msg
                self.on_account(msg)
            elif kind == "request":
                self._answer(msg)
            elif kind == "dropped":
                self.dropped_market_data += int(msg.get("market_data") or 0)
                self.on_dropped(msg)
            elif kind == "error":
                self.on_error(msg)
            elif kind == "heartbeat":
                pass
            else:
                self.log.debug("ignored a %r line", kind)
        except Exception:
            self.log.exception("the %s callback failed (the agent goes on)", kind)

    def _answer(self, request: Message) -> None:
        method = request.get("method")
        response: Dict[str, Any] = {"type": "response", "request_id": request.get("request_id")}
        handler = self._handlers.get(method)
        if handler is None:
            response["error"] = f"method: {method!r} is not handled by {self.name}"
        else:
            try:
                response["result"] = handler(request.get("params") or {})
            except Exception as exc:
                self.log.exception("request %s failed", method)
                response["error"] = f"{type(exc).__name__}: {exc}"
        try:
            self._send(response)
        except (TypeError, ValueError) as exc:  # a result that is not JSON-able
            self._send({"type": "response", "request_id": request.get("request_id"), "error": f"result: not JSON: {exc}"})

    def _read(self, sock: socket.socket, reader: Any) -> None:
        """The reader thread: settles signal answers itself, queues every other line for the callbacks."""
        reason = "the daemon closed the connection"
        try:
            for line in reader:
                if not line.strip():
                    continue
                try:
                    msg = _parse(line)
                except ValueError as exc:
                    self.log.warning("ignored a malformed line from the daemon (%s)", exc)
                    continue
                if "type" not in msg:
                    self._settle(msg)
                    continue
                if msg.get("type") == "fill" and isinstance(msg.get("fill_seq"), int):
                    self.last_fill_seq = msg["fill_seq"]
                self._put(msg)
        except OSError as exc:
            reason = f"connection error: {exc}"
        finally:
            reader.close()
            self._fail_pending(reason)
            self._put((_DISCONNECTED, reason))

    def _put(self, item: Any) -> None:
        """Queues a line for the callbacks; while they are behind this blocks, so the socket is not read."""
        while not self._stopping.is_set():
            try:
                self._queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def _settle(self, answer: Message) -> None:
        status = answer.get("status")
        with self._pending_lock:
            if status in ("accepted", "rejected"):
                handle = self._pending_acks.pop(str(answer.get("id")), None)
                if handle is not None and status == "accepted":
                    self._pending_outcomes[int(answer.get("seq"))] = handle
            elif status in _OUTCOMES:
                handle = self._pending_outcomes.pop(int(answer.get("seq")), None)
            else:
                handle = None
        if handle is None:
            self.log.warning("an answer for no pending signal: %s", dumps(answer))
            return
        if status in _OUTCOMES:
            handle.outcome.set_result(answer)
            return
        handle.ack.set_result(answer)
        if status == "rejected":
            self.log.warning("signal %s rejected: %s", handle.id, answer.get("error"))
            handle.outcome.set_result(answer)

    def _fail_pending(self, reason: str) -> None:
        with self._pending_lock:
            handles = list(self._pending_acks.values()) + list(self._pending_outcomes.values())
            self._pending_acks.clear()
            self._pending_outcomes.clear()
        for handle in handles:
            for future in (handle.ack, handle.outcome):
                if not future.done():
                    future.set_exception(ConnectionError(f"signal {handle.id}: {reason} before its answer"))

    def _send(self, obj: Dict[str, Any]) -> None:
        data = (dumps(obj) + "\n").encode("utf-8")
        with self._send_lock:
            sock = self._sock
            if sock is None:
                raise ConnectionError("not connected to the daemon")
            sock.sendall(data)

    def _end_session(self, reason: str) -> None:
        self._close_socket()
        self.welcome = None
        try:
            self.on_disconnect(reason)
        except Exception:
            self.log.exception("on_disconnect failed")

    def _close_socket(self) -> None:
        with self._send_lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
