#!/usr/bin/env python3
"""An external SMA-crossover agent: bars in, signals out, fills and positions logged.

For each of its symbols it keeps a fast and a slow simple moving average of the bar closes. When
the fast one crosses above the slow one it sends a BUY signal (unless already long); when it
crosses below it sends a SELL signal for what it holds. The engine's risk manager and sizing still
decide every order; this agent only asks.

    python3 tools/python/examples/sma_agent.py --symbols AAPL,MSFT --fast 5 --slow 20

Where the daemon is comes from the environment (``ORCHESTRATOR_GATEWAY``, default
``127.0.0.1:7400``; ``ORCHESTRATOR_AGENT_TOKEN`` when the gateway needs one;
``ORCHESTRATOR_AGENT_NAME``, default ``sma_agent``), so the same command runs by hand or under the
daemon's ``agents.processes:`` supervision. SIGTERM or Ctrl-C stop it with exit code 0; a refused
token or hello exits 2.
"""
import argparse
import logging
import os
import sys
from collections import deque
from decimal import Decimal
from typing import Deque, Dict, List, Optional

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from orchestrator_agent import Agent, AgentError, Message, handles  # noqa: E402


class SmaCrossover:
    """Fast and slow simple moving averages of one symbol's closes; tells when they cross."""

    def __init__(self, fast: int, slow: int) -> None:
        self.fast: Deque[Decimal] = deque(maxlen=fast)
        self.slow: Deque[Decimal] = deque(maxlen=slow)
        self.above: Optional[bool] = None  # fast above slow at the last full window

    def update(self, close: Decimal) -> Optional[str]:
        """Adds a close; returns "up" or "down" when the fast average crossed the slow one, else None."""
        self.fast.append(close)
        self.slow.append(close)
        if len(self.slow) < (self.slow.maxlen or 0):
            return None
        above = self.fast_average > self.slow_average
        crossed = None if self.above is None or above == self.above else ("up" if above else "down")
        self.above = above
        return crossed

    @property
    def fast_average(self) -> Decimal:
        return sum(self.fast, Decimal(0)) / len(self.fast)

    @property
    def slow_average(self) -> Decimal:
        return sum(self.slow, Decimal(0)) / len(self.slow)


class SmaAgent(Agent):
    name = "sma_agent"

    def __init__(self, symbols: List[str], timeframe: str, fast: int, slow: int, quantity: int) -> None:
        super().__init__(symbols=symbols, bars=[timeframe])
        self.quantity = quantity
        self.indicators: Dict[str, SmaCrossover] = {s: SmaCrossover(fast, slow) for s in symbols}
        self.bars_seen = 0
        self.fills_seen = 0

    def on_start(self, welcome: Message) -> None:
        self.log.info("trading %s on %s bars", ", ".join(welcome.symbols or self.symbols), ", ".join(welcome.bars or self.bars))

    def on_bar(self, bar: Message) -> None:
        self.bars_seen += 1
        indicator = self.indicators.get(bar.symbol)
        if indicator is None:
            return
        crossed = indicator.update(bar.close)
        self.log.info("bar %s %s close %s sma %s/%s", bar.symbol, bar.timeframe, bar.close,
                      _round(indicator.fast_average), _round(indicator.slow_average))
        held = self.position_of(bar.symbol)
        if crossed == "up" and held <= 0:
            self.send(bar.symbol, "BUY", self.quantity, f"fast sma crossed above slow at {bar.close}")
        elif crossed == "down" and held > 0:
            self.send(bar.symbol, "SELL", held, f"fast sma crossed below slow at {bar.close}")

    def send(self, symbol: str, side: str, quantity: int, reason: str) -> None:
        try:
            handle = self.submit_signal(symbol, side, 0.8, quantity=quantity, reason=reason)
        except ConnectionError as exc:
            self.log.warning("signal not sent (%s)", exc)
            return
        handle.outcome.add_done_callback(lambda f: self._log_outcome(handle.id, f))
        self.log.info("signal %s %s %s %s: %s", handle.id, side, quantity, symbol, reason)

    def _log_outcome(self, signal_id: str, future) -> None:  # runs on the reader thread: log only
        if future.exception() is not None:
            self.log.warning("%s", future.exception())
            return
        outcome = future.result()
        detail = outcome.order_id or outcome.reason or outcome.error or ""
        self.log.info("signal %s %s %s", signal_id, outcome.status, detail)

    def on_fill(self, fill: Message) -> None:
        self.fills_seen += 1
        self.log.info("fill %s %s %s %s @ %s (order %s, signal %s%s)", fill.fill_seq, fill.side, fill.quantity, fill.symbol,
                      fill.price, fill.order_id, fill.signal_id, ", replayed" if fill.replay else "")

    def on_position(self, position: Message) -> None:
        self.log.info("position %s %s @ %s realized %s unrealized %s", position.symbol, position.quantity,
                      position.avg_price, position.realized_pnl, position.unrealized_pnl)

    def position_of(self, symbol: str) -> int:
        position = self.positions.get(symbol)
        return int(position.quantity) if position is not None else 0

    @handles("get_state")
    def get_state(self, params: dict) -> dict:
        return {
            "bars": self.bars_seen,
            "fills": self.fills_seen,
            "last_fill_seq": self.last_fill_seq,
            "symbols": {s: {"fast": _round(i.fast_average) if i.fast else None,
                            "slow": _round(i.slow_average) if i.slow else None,
                            "position": self.position_of(s)} for s, i in self.indicators.items()},
        }


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"))


def main() -> int:
    parser = argparse.ArgumentParser(description="An SMA-crossover agent for the orchestrator's agent protocol.")
    parser.add_argument("--symbols", default="AAPL", help="comma-separated symbols (default AAPL)")
    parser.add_argument("--timeframe", default="1m", help="bar timeframe to trade on (default 1m)")
    parser.add_argument("--fast", type=int, default=5, help="fast SMA length in bars (default 5)")
    parser.add_argument("--slow", type=int, default=20, help="slow SMA length in bars (default 20)")
    parser.add_argument("--quantity", type=int, default=10, help="shares per entry, the most sizing may give (default 10)")
    parser.add_argument("--verbose", action="store_true", help="debug logging")
    args = parser.parse_args()
    if not 0 < args.fast < args.slow:
        parser.error("--fast must be > 0 and less than --slow")
    if args.quantity <= 0:
        parser.error("--quantity must be > 0")

    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    symbols = [s.strip() for s in args.symbols.split(",") if s.strip()]
    try:
        agent = SmaAgent(symbols, args.timeframe, args.fast, args.slow, args.quantity)
        agent.run()
    except (AgentError, ValueError) as exc:  # a refused token or hello, a bad ORCHESTRATOR_GATEWAY
        logging.getLogger("sma_agent").error("%s", exc)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
