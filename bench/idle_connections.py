#!/usr/bin/env python3
"""Idle keep-alive connections against ssad (issue 9, item 6): how many one address can hold, and the
latency an honest client sees while IDLE connections from other addresses (127.0.0.2 and up, 64 each)
stay open. Usage: idle_connections.py PORT IDLE PER_ADDRESS REQUESTS. Prints RESULT lines."""
import socket
import sys
import time

port, idle, per_address, requests = (int(a) for a in sys.argv[1:5])
REQUEST = b"GET /rdap/help HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def connect(source):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def answered(s):
    """One request on s; True when a whole response came back, False when the server closed instead."""
    try:
        s.sendall(REQUEST)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                return False
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0].split(b":")[1])
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                return False
            body += chunk
        return True
    except OSError:
        return False


def latencies(s, n):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        if not answered(s):
            raise SystemExit("the honest client was refused")
        out.append((time.perf_counter() - t) * 1e6)
    out.sort()
    return out[len(out) // 2], out[int(len(out) * 0.99)], out[-1]


# 1. One address opens connections and leaves them idle until the server refuses one (each connection is
#    checked with a request: a refused one is closed before it is answered).
held = []
while len(held) < 10 * per_address:
    s = connect("127.0.0.9")
    if not answered(s):
        s.close()
        break
    held.append(s)
print(f"RESULT one_address_holds {len(held)}")
for s in held:
    s.close()
time.sleep(0.5)  # let the server see them go

# 2. The honest client alone, then with IDLE idle connections from other addresses open.
honest = connect("127.0.0.1")
p50, p99, worst = latencies(honest, requests)
print(f"RESULT alone p50_us {p50:.0f} p99_us {p99:.0f} max_us {worst:.0f}")
others = []
address = 10
started = time.perf_counter()
while len(others) < idle:
    for _ in range(min(per_address, idle - len(others))):
        others.append(connect(f"127.0.{address // 250}.{address % 250 + 2}"))
    address += 1
for s in others:  # each one is a kept-alive connection that has spoken once, then waits
    s.sendall(REQUEST)
refused = 0
for s in others:
    if not answered(s):
        refused += 1
print(f"RESULT opened {len(others)} idle from {address - 10} addresses in {time.perf_counter() - started:.1f} s, refused {refused}")
p50, p99, worst = latencies(honest, requests)
print(f"RESULT with_idle p50_us {p50:.0f} p99_us {p99:.0f} max_us {worst:.0f}")
for s in others:
    s.close()
