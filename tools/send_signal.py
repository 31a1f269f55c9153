#!/usr/bin/env python3
"""Send trade signals to the orchestrator's signal gateway and print every answer line.

Each signal is one JSON object (an argument, or one per stdin line when no argument is given):

    tools/send_signal.py --port 7400 '{"symbol":"AAPL","side":"BUY","confidence":0.85,"id":"s1"}'
    printf '%s\n' '{"symbol":"MSFT","side":"SELL","confidence":0.7}' | tools/send_signal.py

The gateway answers each line at once ("accepted" with the ring sequence, or "rejected" with the
reason) and later once more per accepted signal ("ordered", "risk_rejected" or "no_order"). This
script waits for all of them (or --timeout seconds) and exits 0 if every signal was accepted.
Python 3 standard library only. The token (--token or ORCHESTRATOR_GATEWAY_TOKEN) is never printed.
"""
import argparse
import json
import os
import socket
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description="Send signals to the orchestrator's TCP signal gateway.")
    parser.add_argument("signals", nargs="*", help="JSON signal objects (default: read one per line from stdin)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7400)
    parser.add_argument("--token", default=os.environ.get("ORCHESTRATOR_GATEWAY_TOKEN"),
                        help="auth token (default: $ORCHESTRATOR_GATEWAY_TOKEN); only when the gateway requires it")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the answers")
    args = parser.parse_args()

    lines = [s.strip() for s in (args.signals or sys.stdin.read().splitlines())]
    lines = [line for line in lines if line]
    payload = "".join(line + "\n" for line in lines)
    if args.token:
        payload = "auth " + args.token + "\n" + payload

    with socket.create_connection((args.host, args.port), timeout=args.timeout) as sock:
        sock.sendall(payload.encode("utf-8"))
        reader = sock.makefile("r", encoding="utf-8", newline="\n")
        immediate, outcomes, accepted, refused = 0, 0, 0, False
        deadline = time.monotonic() + args.timeout
        while immediate < len(lines) or outcomes < accepted:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                answer = reader.readline()
            except (socket.timeout, TimeoutError):
                print(f"timed out: {immediate}/{len(lines)} answers, {outcomes}/{accepted} outcomes", file=sys.stderr)
                return 2
            if not answer:
                break  # the gateway closed the connection (auth failure, too many connections)
            print(answer, end="", flush=True)
            status = json.loads(answer).get("status")
            if status in ("accepted", "rejected"):
                immediate += 1
                accepted += status == "accepted"
                refused |= status == "rejected"
            elif status in ("ordered", "risk_rejected", "no_order"):
                outcomes += 1
            elif status != "authenticated":
                refused = True
    return 0 if immediate == len(lines) and not refused else 1


if __name__ == "__main__":
    sys.exit(main())
