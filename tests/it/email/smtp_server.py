#!/usr/bin/env python3
"""A real SMTP server for the tests of `digest send` (tests/it/email/send.rs), on 127.0.0.1.

Built on aiosmtpd (Debian's python3-aiosmtpd). It listens on a port the system picks (port 0,
so tests running in parallel never collide: aiosmtpd's Controller would need a fixed port) and
prints that port on standard output, one line, once it accepts connections. It runs until its
standard input closes (the test dropping its handle), then stops.

Every message accepted is saved in --dir as NNNN.eml (the bytes received, unchanged) with
NNNN.json beside it: the envelope sender, the envelope recipients, whether the connection was
TLS and who logged in. Both are written to a temporary name first and renamed, and before the
server answers 250 to the message, so a client that got its answer finds them complete.

Options:
  --dir DIR               where to save the messages (required)
  --refuse ADDR           answer RCPT TO:<ADDR> with 550 (repeatable; any case)
  --tls-cert/--tls-key    offer STARTTLS with this certificate and key (PEM)
  --implicit-tls          speak TLS from the first byte instead (smtps://), same certificate
  --require-starttls      refuse MAIL, AUTH and the rest until STARTTLS
  --auth USER:PASSWORD    require this login (PLAIN or LOGIN), over TLS only
"""

import argparse
import asyncio
import json
import os
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

# aiosmtpd 1.4 warns about its own use of a deprecated attribute on every login.
warnings.filterwarnings("ignore", category=DeprecationWarning)


class Saver:
    """Saves what it receives; refuses the configured recipients at RCPT."""

    def __init__(self, folder, refused):
        self.folder = folder
        self.refused = {address.lower() for address in refused}
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = os.path.join(self.folder, "%04d" % self.count)
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            # session.ssl is set after STARTTLS only; an smtps:// transport says it itself.
            "tls": session.ssl is not None
            or server.transport.get_extra_info("ssl_object") is not None,
            "login": login_of(session),
        }
        write_then_rename(stem + ".eml", data)
        write_then_rename(stem + ".json", json.dumps(meta).encode("utf-8"))
        return "250 2.0.0 Message accepted for delivery"


def login_of(session):
    """The user name the client logged in with, or None."""
    data = getattr(session, "auth_data", None)
    if isinstance(data, LoginPassword):
        return data.login.decode("utf-8", "replace")
    return None


def write_then_rename(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode("utf-8", "replace") == user
            and auth_data.password.decode("utf-8", "replace") == password
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return authenticate


async def serve(args):
    os.makedirs(args.dir, exist_ok=True)
    handler = Saver(args.dir, args.refuse)
    options = {"hostname": "digest-test-smtp", "require_starttls": args.require_starttls}
    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        if not args.implicit_tls:
            options["tls_context"] = context
    if args.auth:
        user, _, password = args.auth.partition(":")
        options["authenticator"] = authenticator_for(user, password)
        options["auth_required"] = True
        options["auth_require_tls"] = True
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, **options),
        "127.0.0.1",
        0,
        ssl=context if args.implicit_tls else None,
    )
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    # Until the test closes our standard input (or dies, which closes it too).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()
    await server.wait_closed()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--refuse", action="append", default=[])
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth")
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if (args.require_starttls or args.implicit_tls) and not args.tls_cert:
        parser.error("--require-starttls and --implicit-tls need --tls-cert and --tls-key")
    if args.require_starttls and args.implicit_tls:
        parser.error("--require-starttls and --implicit-tls exclude each other")
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
