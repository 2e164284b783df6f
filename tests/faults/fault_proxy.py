#!/usr/bin/env python3
"""Fault-injecting HTTP proxy in front of a real Elasticsearch/OpenSearch node.

Test tooling for the fault tests. It listens on 127.0.0.1 (an ephemeral port
unless --port is given), forwards every request to --upstream, and injects
faults into _bulk requests:

  --fail-requests N   the first N _bulk requests get HTTP --fail-status
                      (default 503) and are not forwarded.
  --retry-id REGEX    items whose _id matches (re.search) get a per-item 429
                      for their first --retry-times attempts, then are
                      forwarded.
  --reject-id REGEX   items whose _id matches get a per-item 400
                      mapper_parsing_exception on every attempt.

Injected items are removed from the forwarded body, and the node's per-item
results are merged with the injected ones in the request's order.

Once ready it writes "fault proxy listening on http://127.0.0.1:PORT" to
stderr. GET /_fault_proxy/stats returns its counters as JSON and is never
forwarded. Only loopback upstreams are accepted.
"""

import argparse
import http.client
import http.server
import ipaddress
import json
import re
import sys
import threading
import urllib.parse

STATS_PATH = "/_fault_proxy/stats"
INJECTED_REASON = "injected by fault proxy"

# Hop-by-hop headers, which belong to one connection and are not forwarded,
# plus those the proxy sets itself.
HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect",
    "content-length", "host",
}


class Faults:
    """The fault rules and the counters of what was injected, shared by all handler threads."""

    def __init__(self, args):
        self.retry_id = re.compile(args.retry_id) if args.retry_id else None
        self.retry_times = args.retry_times
        self.reject_id = re.compile(args.reject_id) if args.reject_id else None
        self.fail_requests = args.fail_requests
        self.fail_status = args.fail_status
        self.lock = threading.Lock()
        self.attempts = {}  # _id -> number of 429s injected for it
        self.stats = {
            "requests": 0,
            "bulk_requests": 0,
            "bulk_items": 0,
            "forwarded_items": 0,
            "injected_request_failures": 0,
            "injected_429": 0,
            "injected_400": 0,
            "upstream_errors": 0,
        }

    def count(self, name, amount=1):
        with self.lock:
            self.stats[name] += amount

    def take_request_failure(self):
        """Returns True when this _bulk request must fail as a whole."""
        with self.lock:
            if self.stats["injected_request_failures"] < self.fail_requests:
                self.stats["injected_request_failures"] += 1
                return True
            return False

    def item_fault(self, item_id):
        """Returns 429, 400 or None (forward) for an item with `item_id`."""
        if item_id is None:
            return None
        if self.reject_id is not None and self.reject_id.search(item_id):
            self.count("injected_400")
            return 400
        if self.retry_id is not None and self.retry_id.search(item_id):
            with self.lock:
                done = self.attempts.get(item_id, 0)
                if done < self.retry_times:
                    self.attempts[item_id] = done + 1
                    self.stats["injected_429"] += 1
                    return 429
        return None

    def snapshot(self):
        with self.lock:
            result = dict(self.stats)
            result["retried_ids"] = len(self.attempts)
            return result


def split_bulk(body):
    """Splits an NDJSON _bulk body into items: (action, action_line, source_line or None)."""
    lines = [line for line in body.split(b"\n") if line.strip()]
    items = []
    i = 0
    while i < len(lines):
        action_line = lines[i]
        action = json.loads(action_line)
        i += 1
        verb = next(iter(action))
        source_line = None
        if verb != "delete":
            if i >= len(lines):
                raise ValueError("_bulk body ends after an action line without its source")
            source_line = lines[i]
            i += 1
        items.append((action, action_line, source_line))
    return items


def injected_item(action, status):
    verb = next(iter(action))
    meta = action[verb]
    if status == 429:
        error = {"type": "es_rejected_execution_exception", "reason": INJECTED_REASON}
    else:
        error = {"type": "mapper_parsing_exception", "reason": INJECTED_REASON}
    return {verb: {"_index": meta.get("_index"), "_id": meta.get("_id"), "status": status, "error": error}}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the node
    disable_nagle_algorithm = True  # headers and body are separate writes
    faults = None
    upstream = None  # urllib.parse.SplitResult
    local = threading.local()

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass  # one line per request would drown the test's output

    def do_GET(self):
        self.handle_any()

    def do_HEAD(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def do_DELETE(self):
        self.handle_any()

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length) if length > 0 else b""

    def reply(self, status, body, content_type="application/json; charset=UTF-8"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def reply_json(self, status, value):
        self.reply(status, json.dumps(value).encode())

    def forward(self, method, body):
        """Sends the request upstream on this thread's connection; returns (status, content type, body)."""
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
        for attempt in range(2):
            connection = getattr(Handler.local, "connection", None)
            if connection is None:
                connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=120)
                Handler.local.connection = connection
            try:
                connection.request(method, self.path, body=body if body or method in ("POST", "PUT") else None,
                                   headers=headers)
                response = connection.getresponse()
                data = response.read()
                return response.status, response.getheader("Content-Type", "application/json"), data
            except (http.client.HTTPException, OSError):
                # A kept-alive connection the node closed: reconnect once.
                connection.close()
                Handler.local.connection = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def handle_any(self):
        self.faults.count("requests")
        body = self.read_body()
        path = urllib.parse.urlsplit(self.path).path
        if path == STATS_PATH:
            self.reply_json(200, self.faults.snapshot())
            return
        try:
            if self.command == "POST" and (path == "/_bulk" or path.endswith("/_bulk")):
                self.handle_bulk(body)
            else:
                status, content_type, data = self.forward(self.command, body)
                self.reply(status, data, content_type)
        except (http.client.HTTPException, OSError, ValueError) as error:
            # ValueError: the node's 2xx _bulk response was not JSON.
            self.faults.count("upstream_errors")
            print(f"fault proxy: forwarding {self.command} {self.path} failed: {error}", file=sys.stderr, flush=True)
            self.reply_json(502, {"error": {"type": "fault_proxy_exception", "reason": f"upstream failed: {error}"},
                                  "status": 502})

    def handle_bulk(self, body):
        self.faults.count("bulk_requests")
        if self.faults.take_request_failure():
            self.reply_json(self.faults.fail_status, {
                "error": {"type": "fault_proxy_exception", "reason": INJECTED_REASON}, "status": self.faults.fail_status})
            return

        try:
            items = split_bulk(body)
        except (ValueError, StopIteration) as error:
            # Not a body this proxy understands: let the node judge it.
            print(f"fault proxy: forwarding an unreadable _bulk body unchanged: {error}", file=sys.stderr, flush=True)
            status, content_type, data = self.forward("POST", body)
            self.reply(status, data, content_type)
            return
        self.faults.count("bulk_items", len(items))

        results = [None] * len(items)
        forwarded = []  # indexes into items
        for i, (action, _, _) in enumerate(items):
            item_id = action[next(iter(action))].get("_id")
            status = self.faults.item_fault(item_id)
            if status is None:
                forwarded.append(i)
            else:
                results[i] = injected_item(action, status)

        if forwarded:
            parts = []
            for i in forwarded:
                _, action_line, source_line = items[i]
                parts.append(action_line)
                if source_line is not None:
                    parts.append(source_line)
            status, content_type, data = self.forward("POST", b"\n".join(parts) + b"\n")
            self.faults.count("forwarded_items", len(forwarded))
            if status < 200 or status > 299:
                self.reply(status, data, content_type)  # a whole-request error of the node, passed on as is
                return
            upstream = json.loads(data)
            upstream_items = upstream.get("items", [])
            if len(upstream_items) != len(forwarded):
                self.faults.count("upstream_errors")
                print(f"fault proxy: node returned {len(upstream_items)} items for {len(forwarded)} forwarded",
                      file=sys.stderr, flush=True)
                self.reply_json(502, {"error": {"type": "fault_proxy_exception", "reason":
                                                f"node returned {len(upstream_items)} items for {len(forwarded)}"},
                                      "status": 502})
                return
            for i, result in zip(forwarded, upstream_items):
                results[i] = result

        errors = any(next(iter(result.values())).get("status", 0) >= 300 for result in results)
        self.reply_json(200, {"took": 0, "errors": errors, "items": results})


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="node base URL, e.g. http://127.0.0.1:9200 (loopback only)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: an ephemeral port)")
    parser.add_argument("--fail-requests", type=int, default=0, help="number of first _bulk requests to fail whole")
    parser.add_argument("--fail-status", type=int, default=503, help="HTTP status of a failed whole request")
    parser.add_argument("--retry-id", help="regular expression of _ids that get 429 for their first attempts")
    parser.add_argument("--retry-times", type=int, default=1, help="number of 429s per matching _id")
    parser.add_argument("--reject-id", help="regular expression of _ids that get 400 on every attempt")
    return parser.parse_args()


def main():
    args = parse_args()
    upstream = urllib.parse.urlsplit(args.upstream)
    if upstream.scheme != "http" or upstream.hostname is None or upstream.port is None:
        sys.exit(f"fault proxy: invalid --upstream {args.upstream}: expected http://HOST:PORT")
    host = "127.0.0.1" if upstream.hostname == "localhost" else upstream.hostname
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        sys.exit(f"fault proxy: invalid --upstream {args.upstream}: only loopback addresses are allowed")

    Handler.faults = Faults(args)
    Handler.upstream = upstream
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"fault proxy listening on http://127.0.0.1:{server.server_address[1]}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
