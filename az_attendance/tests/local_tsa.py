"""A real RFC 3161 time-stamping authority for the tests: ``openssl ts -reply`` behind an HTTP
server bound to 127.0.0.1 only (no network). Imports nothing from Odoo."""

import contextlib
import http.server
import os
import shutil
import subprocess
import tempfile
import threading
import time

CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def available():
    return bool(shutil.which("openssl"))


def make_authority(directory, name="Local test TSA"):
    """Key, self-signed time-stamping certificate and configuration in ``directory``.
    Returns the certificate (DER)."""
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "3650",
            "-keyout",
            os.path.join(directory, "tsa.key"),
            "-out",
            os.path.join(directory, "tsa.crt"),
            "-subj",
            f"/CN={name}",
            "-addext",
            "extendedKeyUsage=critical,timeStamping",
        ],
        check=True,
        capture_output=True,
    )
    with open(os.path.join(directory, "serial"), "w") as serial:
        serial.write("01\n")
    with open(os.path.join(directory, "tsa.cnf"), "w") as config:
        config.write(CONFIG.format(dir=directory))
    der = subprocess.run(
        ["openssl", "x509", "-in", os.path.join(directory, "tsa.crt"), "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    return der


def reply(directory, query):
    """The authority's answer (DER TimeStampResp) to a DER TimeStampReq."""
    query_file = os.path.join(directory, "query.tsq")
    with open(query_file, "wb") as handle:
        handle.write(query)
    return subprocess.run(
        ["openssl", "ts", "-reply", "-config", os.path.join(directory, "tsa.cnf"), "-queryfile", query_file],
        check=True,
        capture_output=True,
    ).stdout


@contextlib.contextmanager
def local_authority(delay=0):
    """Run an authority on 127.0.0.1 that answers each request after ``delay`` seconds;
    yields (url, certificate DER, directory)."""
    directory = tempfile.mkdtemp(prefix="az_tsa_")
    certificate = make_authority(directory)
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, 65536))
            time.sleep(delay)
            with lock:
                answer = reply(directory, body)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa", certificate, directory
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(directory, ignore_errors=True)
