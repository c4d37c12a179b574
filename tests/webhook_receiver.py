"""A real HTTP receiver of webhooks on 127.0.0.1 for the tests. When given the endpoint's
secret it checks every request the way the README tells receivers to, by running the
README's own snippet (`verify_servicedesk_signature`) over the exact bytes it received,
and answers 401 to a request that does not verify."""

import http.client
import http.server
import re
import ssl
import threading
import time
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_verifier():
    """The `verify_servicedesk_signature` function of the README's Python snippet."""
    snippet = re.search(r"```python\n((?:(?!```).)*def verify_servicedesk_signature(?:(?!```).)*)```",
                        README.read_text(encoding="utf-8"), re.S)
    assert snippet, "README.md has no Python block defining verify_servicedesk_signature"
    namespace: dict = {}
    exec(compile(snippet.group(1), str(README), "exec"), namespace)  # noqa: S102 - our own README
    return namespace["verify_servicedesk_signature"]


class Receiver:
    """Answers with the given status codes in turn (the last one repeats) and records every
    request (`headers`, `body`, `verified`) and every TCP connection accepted.

    `secret`: set it to the endpoint's secret to have requests verified (401 if not).
    `clock_offset`: seconds added to the receiver's clock, to receive a request later.
    `reply_headers`, `reply_body`: what every answer carries.
    `tls`: (certificate file, key file) to answer https; `server_names` lists the names
    the clients asked for (SNI)."""

    def __init__(self, statuses=(200,), *, reply_headers=None, reply_body=None, tls=None):
        self.statuses = list(statuses)
        self.server_names: list[str | None] = []
        self.reply_headers = dict(reply_headers or {})
        self.reply_body = reply_body
        self.secret: str | None = None
        self.clock_offset = 0.0
        self.requests: list[dict] = []
        self.connections = 0
        verify = readme_verifier()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def setup(self):
                receiver.connections += 1
                super().setup()

            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                verified = receiver.secret is not None and verify(
                    receiver.secret, body, self.headers.get("X-Servicedesk-Signature", ""),
                    now=time.time() + receiver.clock_offset,
                )
                receiver.requests.append({"headers": dict(self.headers), "body": body, "verified": verified})
                if receiver.secret is not None and not verified:
                    code = 401
                else:
                    code = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(code)
                for name, value in receiver.reply_headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(receiver.reply_body if receiver.reply_body is not None
                                 else b"ok" if code == 200 else b"boom")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            context.sni_callback = lambda _sock, name, _ctx: self.server_names.append(name)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/servicedesk"

    def post(self, body: bytes, headers: dict[str, str]) -> int:
        """Send a request to this receiver ourselves (a replay); returns its status."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("POST", "/hooks/servicedesk", body=body, headers=headers)
            return connection.getresponse().status
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
