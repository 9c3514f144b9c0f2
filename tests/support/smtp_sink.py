#!/usr/bin/python3
"""The SMTP server of the notification tests: a real one (aiosmtpd, Debian's python3-aiosmtpd) that keeps
every message it accepts instead of passing it on.

It listens on 127.0.0.1, on a port the system picks, and prints "PORT <n>" once it accepts connections.
For each message it accepts it writes DIR/NNNN.eml and then prints "MESSAGE <path>", before it answers the
client's DATA, so that a client that saw its message accepted finds the line already waiting. A file
holds the envelope, then a blank line, then the message exactly as received:

    MAIL FROM:<sender>
    RCPT TO:<recipient>          (one line per recipient)
    TLS:yes|no                   (whether the message came over TLS)
    AUTH:<login>|-               (who logged in, if anyone)
    SUBJECT64:<base64>           (the Subject as Python's email package decodes it, UTF-8)
    BODY64:<base64>              (the text as it decodes it: transfer encoding and charset undone)
    DEFECTS:<n>                  (the defects it found in the message)

    <message>

It exits when its standard input closes (the test process ended) or on SIGTERM.

    smtp_sink.py --dir DIR [--tls CERT KEY] [--require-tls] [--auth LOGIN:PASSWORD]

--tls offers STARTTLS with that certificate; --require-tls refuses mail before it; --auth requires the
client to log in with those credentials (over TLS).
"""

import argparse
import asyncio
import base64
import email
import email.policy
import logging
import os
import ssl
import sys
import threading

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.directory, "%04d.eml" % self.count)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else "-"
        head = ["MAIL FROM:<%s>" % envelope.mail_from]
        head += ["RCPT TO:<%s>" % recipient for recipient in envelope.rcpt_tos]
        head += ["TLS:%s" % ("yes" if session.ssl is not None else "no"), "AUTH:%s" % login]
        # An independent reading of the message: Python's own MIME parser, strict policy.
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        defects = len(parsed.defects) + sum(len(part.defects) for part in parsed.walk())
        subject = str(parsed["subject"] or "")
        text = parsed.get_content() if parsed.get_content_maintype() == "text" else ""
        for name, value in (("SUBJECT64", subject), ("BODY64", text)):
            head.append("%s:%s" % (name, base64.b64encode(value.encode("utf-8")).decode()))
        head += ["DEFECTS:%d" % defects, ""]
        with open(path, "wb") as out:
            out.write(("\n".join(head) + "\n").encode())
            out.write(envelope.original_content)
        print("MESSAGE %s" % path, flush=True)
        return "250 OK kept"


def authenticator_for(credentials):
    login, _, password = credentials.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == login.encode()
              and auth_data.password == password.encode())
        # handled=False: aiosmtpd answers a failure itself (535), as a real server does.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    return authenticate


async def serve(args):
    context = None
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls[0], args.tls[1])
    sink = Sink(args.dir)
    options = dict(hostname="smtp-sink.test", tls_context=context, require_starttls=args.require_tls)
    if args.auth:
        options.update(auth_required=True, auth_require_tls=True, authenticator=authenticator_for(args.auth))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, **options), "127.0.0.1", 0)
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    stopped = loop.create_future()

    def wait_for_stdin_to_close():
        sys.stdin.buffer.read()
        loop.call_soon_threadsafe(stopped.set_result, None)

    threading.Thread(target=wait_for_stdin_to_close, daemon=True).start()
    await stopped
    server.close()


def main():
    # A client that refuses the certificate is a case the tests make on purpose: no traceback for it.
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--require-tls", action="store_true")
    parser.add_argument("--auth", metavar="LOGIN:PASSWORD")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
