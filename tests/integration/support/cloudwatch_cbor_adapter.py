#!/usr/bin/env python3
"""A small HTTP front door that lets the AWS SDK for Rust talk to moto.

Why it exists
-------------
* The current ``aws-sdk-cloudwatch`` speaks Smithy RPC v2 CBOR::

      POST /service/GraniteServiceVersion20100801/operation/<Op>
      Content-Type: application/cbor        (body: a CBOR map)

  moto's CloudWatch only understands JSON 1.0 (``X-Amz-Target`` header) and the
  older query protocol. This adapter translates each CBOR request into JSON 1.0,
  forwards it to moto, and translates moto's JSON answer back into CBOR.
  botocore's service model (installed with moto) tells us the type of every
  field, so timestamps, blobs and numbers come out with the types the SDK wants.

* moto's Lambda ignores ``LoggingConfig`` and has no ``GetAccountSettings``.
  lambdatop needs both, so requests under ``/2015-03-31/functions`` and
  ``/2016-08-19/account-settings`` get a thin shim (see ``LambdaShim``).

* Every other request is passed through to moto unchanged.

Usage::

    python cloudwatch_cbor_adapter.py --port 4567 --moto-url http://127.0.0.1:5000

It prints one line ``cloudwatch-cbor-adapter ready on http://127.0.0.1:<port>``
once it accepts connections. It exits when its standard input reaches EOF (so it
never outlives the test process that started it), or on SIGTERM / SIGKILL.
"""

import argparse
import base64
import datetime
import gzip
import json
import os
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.session
import cbor2

# --------------------------------------------------------------------------
# The CloudWatch service model
# --------------------------------------------------------------------------

MODEL = botocore.session.get_session().get_service_model("cloudwatch")
TARGET_PREFIX = MODEL.metadata["targetPrefix"]  # GraniteServiceVersion20100801
CBOR_PATH_PREFIX = f"/service/{TARGET_PREFIX}/operation/"
# Error shapes are named "<namespace>#<ShapeName>" in the RPC v2 CBOR `__type`.
ERROR_NAMESPACE = "com.amazonaws.cloudwatch"

# moto reports errors with the query-protocol *code* (e.g. "InvalidParameterValue"),
# while the model names the shape differently ("InvalidParameterValueException").
# Map code -> shape name; when two shapes share a code prefer the one named like it.
ERROR_SHAPE_BY_CODE = {}
for _shape in MODEL.error_shapes:
    _code = (_shape.metadata.get("error") or {}).get("code", _shape.name)
    if _code not in ERROR_SHAPE_BY_CODE or _shape.name == _code:
        ERROR_SHAPE_BY_CODE[_code] = _shape.name

# How long to wait for moto before giving up (the adapter must never hang).
MOTO_TIMEOUT_SECONDS = 30


class TranslationError(Exception):
    """Something the adapter cannot translate; answered with HTTP 500."""


# --------------------------------------------------------------------------
# Shape-driven conversions
# --------------------------------------------------------------------------


def epoch_seconds(value):
    """A timestamp in any form we may meet -> float seconds since the epoch."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    if isinstance(value, cbor2.CBORTag) and value.tag == 1:
        return float(value.value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        # moto sometimes answers ISO 8601 ("2024-01-01T00:00:00.000Z").
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    raise TranslationError(f"cannot read a timestamp from {value!r}")


def cbor_to_json(shape, value):
    """Decoded CBOR request value -> JSON 1.0 value, guided by the botocore shape."""
    if value is None or shape is None:
        return value
    kind = shape.type_name
    if kind == "structure":
        members = shape.members
        return {k: cbor_to_json(members.get(k), v) for k, v in value.items()}
    if kind == "list":
        return [cbor_to_json(shape.member, v) for v in value]
    if kind == "map":
        return {k: cbor_to_json(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        # JSON 1.0 sends timestamps as epoch seconds.
        return epoch_seconds(value)
    if kind == "blob":
        # JSON 1.0 sends blobs as base64 strings.
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def json_to_cbor(shape, value):
    """moto's JSON response value -> CBOR-ready Python value with the right types."""
    if value is None or shape is None:
        return value
    kind = shape.type_name
    if kind == "structure":
        members = shape.members
        # Fields unknown to the model are dropped: the SDK would skip them anyway.
        return {
            k: json_to_cbor(members[k], v)
            for k, v in value.items()
            if k in members and v is not None
        }
    if kind == "list":
        return [json_to_cbor(shape.member, v) for v in value]
    if kind == "map":
        return {k: json_to_cbor(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        # RPC v2 CBOR: tag 1 (epoch-based date/time) around a number of seconds.
        return cbor2.CBORTag(1, epoch_seconds(value))
    if kind == "blob":
        return base64.b64decode(value) if isinstance(value, str) else bytes(value)
    if kind in ("double", "float"):
        # The SDK reads doubles only from CBOR floats, never from integers.
        return float(value)
    if kind in ("integer", "long", "short", "byte"):
        return int(value)
    if kind == "boolean":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    return value


# --------------------------------------------------------------------------
# Talking to moto
# --------------------------------------------------------------------------


def call_moto(moto_url, method, path, headers, body):
    """Send one request to moto; return (status, headers, body). Never raises HTTPError."""
    request = urllib.request.Request(
        moto_url + path, data=body, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=MOTO_TIMEOUT_SECONDS) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


# Headers that belong to one HTTP hop and must not be copied from moto's reply.
HOP_HEADERS = {"content-length", "connection", "transfer-encoding", "keep-alive", "server", "date"}


def reply_headers_from(moto_headers):
    """moto's response headers minus the hop-by-hop ones (we set our own)."""
    return {k: v for k, v in moto_headers.items() if k.lower() not in HOP_HEADERS}


def signing_headers(headers):
    """The headers moto needs to route a request (it routes by the SigV4 scope)."""
    keep = ("authorization", "x-amz-date", "x-amz-security-token", "user-agent")
    return {k: v for k, v in headers.items() if k.lower() in keep}


# --------------------------------------------------------------------------
# CloudWatch: RPC v2 CBOR <-> JSON 1.0
# --------------------------------------------------------------------------


def cbor_error(status, code, message, query_error=None):
    """An RPC v2 CBOR error response: (status, extra headers, body).

    The SDK reads the error code from `__type` ("<namespace>#<Shape>"), and, since
    CloudWatch is "awsQueryCompatible", prefers the `x-amzn-query-error` header
    ("<Code>;<Sender|Receiver>") whose code matches the SDK's typed errors.
    """
    shape_name = ERROR_SHAPE_BY_CODE.get(code, code)
    body = {"__type": f"{ERROR_NAMESPACE}#{shape_name}", "message": message}
    fault = "Sender" if status < 500 else "Receiver"
    headers = {"x-amzn-query-error": query_error or f"{code};{fault}"}
    return status, headers, cbor2.dumps(body)


def handle_cloudwatch(moto_url, operation_name, headers, body):
    """Translate one CBOR CloudWatch call; return (status, extra headers, CBOR body)."""
    try:
        operation = MODEL.operation_model(operation_name)
    except Exception:
        return cbor_error(400, "UnknownOperation", f"unknown operation {operation_name}")

    if headers.get("Content-Encoding", "").lower() == "gzip":
        # PutMetricData is gzip-compressed by the SDK above 10 KiB.
        body = gzip.decompress(body)
    request = cbor2.loads(body) if body else {}
    json_request = cbor_to_json(operation.input_shape, request) if request else {}

    moto_headers = signing_headers(headers)
    moto_headers["X-Amz-Target"] = f"{TARGET_PREFIX}.{operation_name}"
    moto_headers["Content-Type"] = "application/x-amz-json-1.0"
    status, reply_headers, reply = call_moto(
        moto_url, "POST", "/", moto_headers, json.dumps(json_request).encode()
    )
    request_id = reply_headers.get("x-amzn-requestid")
    extra = {"x-amzn-requestid": request_id} if request_id else {}

    try:
        parsed = json.loads(reply) if reply.strip() else {}
    except ValueError:
        # moto crashed (HTML error page) or answered something unexpected.
        snippet = reply[:300].decode("utf-8", "replace")
        raise TranslationError(
            f"moto answered HTTP {status} with a non-JSON body for {operation_name}"
            f" (moto does not implement this request faithfully): {snippet}"
        )

    if status >= 300:
        code = str(parsed.get("__type", "UnknownError")).split("#")[-1]
        message = parsed.get("message") or parsed.get("Message") or ""
        status, error_headers, error_body = cbor_error(
            status, code, message, reply_headers.get("x-amzn-query-error")
        )
        return status, {**extra, **error_headers}, error_body

    if operation.output_shape is None:
        # Operations without output (PutMetricData, SetAlarmState, ...): empty map.
        return 200, extra, cbor2.dumps({})
    return 200, extra, cbor2.dumps(json_to_cbor(operation.output_shape, parsed))


# --------------------------------------------------------------------------
# Lambda: remember LoggingConfig, answer GetAccountSettings
# --------------------------------------------------------------------------


class LambdaShim:
    """Fills the two Lambda gaps of moto that lambdatop depends on.

    * moto drops `LoggingConfig` from CreateFunction / UpdateFunctionConfiguration.
      We remember it per function name and add it to every function configuration
      moto returns, with the AWS defaults (Text format, /aws/lambda/<name> group).
    * moto has no GetAccountSettings: we answer with the AWS default limits and the
      usage computed from moto's function list.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.logging_configs = {}  # function name -> LoggingConfig dict

    @staticmethod
    def is_lambda_path(path):
        return path.startswith("/2015-03-31/functions") or path.startswith(
            "/2016-08-19/account-settings"
        )

    def logging_config_for(self, name):
        with self.lock:
            stored = dict(self.logging_configs.get(name, {}))
        config = {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}
        config.update(stored)
        if config["LogFormat"] == "JSON":
            # Real Lambda fills these in for the JSON format.
            config.setdefault("ApplicationLogLevel", "INFO")
            config.setdefault("SystemLogLevel", "INFO")
        return config

    def add_logging_config(self, function):
        if isinstance(function, dict) and "FunctionName" in function:
            function["LoggingConfig"] = self.logging_config_for(function["FunctionName"])

    def handle(self, moto_url, method, path, headers, body):
        """Return (status, headers, body) for a Lambda request."""
        if path.startswith("/2016-08-19/account-settings"):
            return self.account_settings(moto_url, headers)

        # Remember the LoggingConfig sent by CreateFunction / UpdateFunctionConfiguration.
        sent_config = None
        if method in ("POST", "PUT") and body:
            try:
                sent_config = json.loads(body).get("LoggingConfig")
            except ValueError:
                pass

        forward = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length")}
        status, reply_headers, reply = call_moto(moto_url, method, path, forward, body or None)
        # Keep moto's headers: Lambda errors carry their type in `x-amzn-errortype`.
        passthrough = (status, reply_headers_from(reply_headers), reply)
        if status >= 300 or not reply:
            return passthrough
        try:
            parsed = json.loads(reply)
        except ValueError:
            return passthrough

        if sent_config is not None and "FunctionName" in parsed:
            with self.lock:
                previous = self.logging_configs.get(parsed["FunctionName"], {})
                self.logging_configs[parsed["FunctionName"]] = {**previous, **sent_config}
        if method == "DELETE":
            return passthrough

        # Configurations appear at the top level (Create/Update/GetFunctionConfiguration),
        # under "Configuration" (GetFunction) or in a "Functions" list (ListFunctions).
        self.add_logging_config(parsed)
        self.add_logging_config(parsed.get("Configuration"))
        for function in parsed.get("Functions") or []:
            self.add_logging_config(function)
        return status, reply_headers_from(reply_headers), json.dumps(parsed).encode()

    def account_settings(self, moto_url, headers):
        forward = signing_headers(headers)
        count, code_size, marker = 0, 0, None
        while True:
            path = "/2015-03-31/functions/" + (f"?Marker={marker}" if marker else "")
            status, _, reply = call_moto(moto_url, "GET", path, forward, None)
            if status != 200:
                raise TranslationError(f"moto ListFunctions failed with HTTP {status}")
            page = json.loads(reply)
            for function in page.get("Functions", []):
                count += 1
                code_size += function.get("CodeSize", 0)
            marker = page.get("NextMarker")
            if not marker:
                break
        settings = {
            # AWS defaults for a fresh account.
            "AccountLimit": {
                "TotalCodeSize": 80530636800,
                "CodeSizeUnzipped": 262144000,
                "CodeSizeZipped": 52428800,
                "ConcurrentExecutions": 1000,
                "UnreservedConcurrentExecutions": 1000,
            },
            "AccountUsage": {"TotalCodeSize": code_size, "FunctionCount": count},
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(settings).encode()


# --------------------------------------------------------------------------
# The HTTP server
# --------------------------------------------------------------------------


def make_handler(moto_url, lambda_shim):
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 keeps the SDK's connections alive; every reply sets Content-Length.
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # keep test output quiet
            pass

        def read_body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def reply(self, status, headers, body):
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self):
            body = self.read_body()
            try:
                if self.path.startswith(CBOR_PATH_PREFIX):
                    operation = self.path[len(CBOR_PATH_PREFIX):].split("?")[0]
                    status, headers, reply = handle_cloudwatch(
                        moto_url, operation, self.headers, body
                    )
                    headers = {
                        **headers,
                        "Content-Type": "application/cbor",
                        "smithy-protocol": "rpc-v2-cbor",
                    }
                elif LambdaShim.is_lambda_path(self.path):
                    status, headers, reply = lambda_shim.handle(
                        moto_url, self.command, self.path, self.headers, body
                    )
                else:
                    # Anything else goes to moto untouched.
                    forward = {
                        k: v
                        for k, v in self.headers.items()
                        if k.lower() not in ("host", "content-length")
                    }
                    status, moto_headers, reply = call_moto(
                        moto_url, self.command, self.path, forward, body or None
                    )
                    headers = reply_headers_from(moto_headers)
            except Exception as error:  # noqa: BLE001 - report, never hang
                message = f"cloudwatch_cbor_adapter: {type(error).__name__}: {error}"
                print(message, file=sys.stderr, flush=True)
                status, headers, reply = cbor_error(500, "PeerAdapterError", message)
                headers.update({"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"})
            self.reply(status, headers, reply)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

    return Handler


def exit_when_stdin_closes():
    """Exit as soon as the parent (the test process) goes away and stdin hits EOF."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--moto-url", required=True, help="e.g. http://127.0.0.1:5000")
    parser.add_argument(
        "--no-stdin-watch",
        action="store_true",
        help="keep running when stdin closes (for running the adapter by hand)",
    )
    args = parser.parse_args()

    server = ThreadingHTTPServer((args.host, args.port), make_handler(args.moto_url.rstrip("/"), LambdaShim()))
    server.daemon_threads = True
    if not args.no_stdin_watch:
        threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    host, port = server.server_address[:2]
    print(f"cloudwatch-cbor-adapter ready on http://{host}:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
