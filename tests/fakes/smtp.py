"""A minimal SMTP server on loopback that records what it receives (enough for smtplib)."""
from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: str


@dataclass
class FakeSMTP:
    messages: list[Received] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0

    def __enter__(self) -> "FakeSMTP":
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write((line + "\r\n").encode())

            def handle(self) -> None:
                sender, recipients = "", []
                self.reply("220 fake-smtp ready")
                while line := self.rfile.readline().decode("utf-8", "replace"):
                    verb = line.strip().split(" ", 1)[0].upper()
                    if verb in {"EHLO", "HELO"}:
                        self.reply("250 fake-smtp")
                    elif verb == "MAIL":
                        sender = line.split(":", 1)[1].strip()
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        recipients.append(line.split(":", 1)[1].strip())
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 go ahead")
                        body = []
                        while (chunk := self.rfile.readline().decode("utf-8", "replace")) not in (".\r\n", ""):
                            body.append(chunk)
                        outer.messages.append(Received(sender, recipients, "".join(body)))
                        sender, recipients = "", []
                        self.reply("250 queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("250 OK")

        self._server = socketserver.ThreadingTCPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
