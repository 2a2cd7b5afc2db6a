"""Real servers on loopback for the live-calendar tests (fixtures, registered in tests/conftest.py): Radicale (CalDAV) and a keyring
backend in a temp folder (keyrings.alt's plaintext file; never the user's own keyring)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start on port {port}")


@pytest.fixture
def radicale(tmp_path):
    """A Radicale server with user ``staff`` (password ``s3cret-pass``); yields the base URL."""
    users = tmp_path / "users"
    users.write_text("staff:s3cret-pass\n", encoding="utf-8")
    port = free_port()
    log = open(tmp_path / "radicale.log", "wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--storage-filesystem-folder",
            str(tmp_path / "collections"),
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--auth-type",
            "htpasswd",
            "--auth-htpasswd-filename",
            str(users),
            "--auth-htpasswd-encryption",
            "plain",
            "--logging-level",
            "warning",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, proc, "Radicale")
        yield f"http://127.0.0.1:{port}/staff/"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture
def temp_keyring(tmp_path):
    """keyring's backend for this test: a plaintext file under tmp_path."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    before = keyring.get_keyring()
    kr = PlaintextKeyring()
    kr.file_path = str(tmp_path / "keyring" / "keyring_pass.cfg")
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(before)


def self_signed_cert(folder) -> tuple[str, str]:
    """(cert file, key file) of a self-signed certificate for 127.0.0.1 / localhost."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(cert_file), str(key_file)


class SmtpServer:
    """aiosmtpd on loopback with STARTTLS required and a login (``sender``/``mail-pass``);
    ``messages`` holds what it accepted: (envelope from, recipients, raw bytes, was TLS)."""

    USER, PASSWORD = "sender", "mail-pass"

    def __init__(self, folder):
        import ssl

        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        self.cert, key = self_signed_cert(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, key)
        self.messages: list[tuple[str, list[str], bytes, bool]] = []
        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):  # noqa: N802 - aiosmtpd's name
                server.messages.append(
                    (
                        envelope.mail_from,
                        list(envelope.rcpt_tos),
                        envelope.original_content,
                        session.ssl is not None,
                    )
                )
                return "250 OK"

        def authenticator(smtp, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
                self.USER.encode(),
                self.PASSWORD.encode(),
            )
            return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

        self.port = free_port()
        self.controller = Controller(
            Handler(),
            hostname="127.0.0.1",
            port=self.port,
            tls_context=context,
            require_starttls=True,
            authenticator=authenticator,
            auth_require_tls=True,
        )

    def client_context(self):
        import ssl

        return ssl.create_default_context(cafile=self.cert)


@pytest.fixture
def smtp_server(tmp_path):
    server = SmtpServer(tmp_path)
    server.controller.start()
    try:
        yield server
    finally:
        server.controller.stop()
