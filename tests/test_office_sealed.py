"""LibreOffice sealed off: an untrusted .odt/.doc/.rtf reaches neither the network
nor other files, and no LibreOffice process or temporary folder outlives a
conversion, a timeout, a killed worker or a batch."""
import http.server
import io
import os
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pytest

from pipeline import batch
from pipeline.ingest import office_reader, read_source

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "corpus" / "forms"
TEXT = "Báo cáo tổng kết phong trào thi đua năm 2023"

needs_office = pytest.mark.skipif(office_reader.soffice_path() is None,
                                  reason="LibreOffice (soffice) is not installed: run `make test-deps`")
linux_only = pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs Linux /proc")
# every test here runs LibreOffice (`make test-fast` leaves them out)
pytestmark = pytest.mark.slow


# ------------------------------------------------------------------ helpers

def odt(body: str) -> bytes:
    """A minimal OpenDocument text: mimetype (first, stored), manifest, content."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
          'xmlns:xlink="http://www.w3.org/1999/xlink"')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
               f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def frame(name: str, inner: str) -> str:
    return (f'<text:p><draw:frame draw:name="{name}" text:anchor-type="as-char" svg:width="1cm" '
            f'svg:height="1cm">{inner}</draw:frame></text:p>')


def linking_odt(base_url: str, local_file: Path) -> bytes:
    """A report whose image, OLE object and section are links: to a web server,
    and an image to a local file."""
    link = 'xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"'
    return odt(f"<text:p>{TEXT}</text:p>"
               + frame("beacon", f'<draw:image xlink:href="{base_url}/beacon.png" {link}/>')
               + frame("object", f'<draw:object xlink:href="{base_url}/object.ods" {link}/>')
               + '<text:section text:name="linked"><text:section-source '
                 f'xlink:href="{base_url}/section.odt" xlink:type="simple" xlink:show="embed" '
                 'text:filter-name="writer8"/><text:p>Phần liên kết</text:p></text:section>'
               + frame("local", f'<draw:image xlink:href="{local_file.as_uri()}" {link}/>'))


class Probe:
    """Records every request to a local web server and every opening of a local
    file (a FIFO: opening it for writing without blocking succeeds only while
    someone has it open for reading)."""

    def __init__(self, folder: Path):
        self.requests: list[str] = []
        self.file = folder / "probe.png"
        os.mkfifo(self.file)
        self.file_opened = False
        requests = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def handle_one_request(self):
                line = self.rfile.readline(65537).decode("latin-1").strip()
                if line:
                    requests.append(line)
                    self.wfile.write(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                self.close_connection = True

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self.server.serve_forever, daemon=True),
                         threading.Thread(target=self._watch_file, daemon=True)]

    def _watch_file(self):
        while not self._stop.is_set():
            try:
                os.close(os.open(self.file, os.O_WRONLY | os.O_NONBLOCK))
                self.file_opened = True
            except OSError:
                pass
            time.sleep(0.01)

    def __enter__(self):
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """A temporary folder of this test's own (a fresh LibreOffice profile, and
    leftovers that can be counted), for this process and its children."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp


def leftovers(folder: Path) -> list[str]:
    """Our folders, and LibreOffice's own temporary files (lu*.tmp)."""
    return sorted(p.name for pattern in ("tdkt-lo-*", "tdkt-office-*", "lu*.tmp") for p in folder.glob(pattern))


def read_with_probe(tmp_path) -> tuple:
    with Probe(tmp_path) as probe:
        result = read_source(str(_write(tmp_path / "report.odt", linking_odt(probe.url, probe.file))))
        time.sleep(0.3)                       # a request still in flight is counted too
    return result, probe


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def gone(pid: int) -> bool:
    """No such process, or a zombie (killed, not yet reaped by init)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def office_pids(profile: Path, program: str = "") -> list[int]:
    """The running processes started with this LibreOffice profile (whose program
    name ends with ``program``)."""
    marker = f"-env:UserInstallation={profile.as_uri()}".encode()
    pids = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            if marker in argv and argv[0].endswith(program.encode()) and not gone(int(entry.name)):
                pids.append(int(entry.name))
        except (OSError, ValueError):
            pass
    return pids


# ------------------------------------------------------------------ 1. no network, no other files

@needs_office
@linux_only
def test_the_probe_sees_an_unsealed_libreoffice(tmp_path, private_tmp, monkeypatch):
    """The document really is a beacon: without the settings and the namespace,
    LibreOffice fetches the linked image and object and opens the local file."""
    monkeypatch.setattr(office_reader, "_SETTINGS", {})
    monkeypatch.setattr(office_reader, "_network_prefix", [])
    monkeypatch.setattr(office_reader, "_environment", lambda profile, tmp: dict(os.environ))
    result, probe = read_with_probe(tmp_path)
    assert result.status == "ok", result.error
    assert any("/beacon.png" in r for r in probe.requests), probe.requests
    assert probe.file_opened


@needs_office
@linux_only
def test_linked_content_is_never_fetched(tmp_path, private_tmp):
    result, probe = read_with_probe(tmp_path)
    assert probe.requests == []
    assert not probe.file_opened
    assert result.status == "ok", result.error
    assert TEXT in result.text


@needs_office
@linux_only
def test_the_profile_alone_seals_it(tmp_path, private_tmp, monkeypatch):
    """Where no network namespace can be made, the profile's settings still hold."""
    monkeypatch.setattr(office_reader, "_network_prefix", [])
    result, probe = read_with_probe(tmp_path)
    assert (probe.requests, probe.file_opened) == ([], False)
    assert TEXT in result.text


@needs_office
@linux_only
def test_the_network_namespace_alone_seals_it(tmp_path, private_tmp, monkeypatch):
    monkeypatch.setattr(office_reader, "_network_prefix", None)
    if not office_reader._network_isolation():
        pytest.skip("this kernel or user may not create a network namespace (unshare -rn / -n)")
    monkeypatch.setattr(office_reader, "_SETTINGS", {})
    monkeypatch.setattr(office_reader, "_environment", lambda profile, tmp: dict(os.environ))
    result, probe = read_with_probe(tmp_path)
    assert probe.requests == []
    assert TEXT in result.text


def test_profile_settings_are_written_before_first_use(private_tmp):
    profile = office_reader._profile_dir()
    settings = (profile / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
    assert profile.parent == private_tmp and profile.name == f"tdkt-lo-{os.getuid()}-{os.getpid()}"
    assert '<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop>' in settings
    assert "/org.openoffice.Office.Writer/Content/Update" in settings
    office_reader.cleanup_after_worker(os.getpid())
    assert leftovers(private_tmp) == []


# ------------------------------------------------------------------ 2. time limits

@pytest.mark.parametrize("office, document, expected", [
    (None, None, 120.0), ("30", None, 30.0), (None, "120", 96.0), ("30", "120", 30.0),
    ("200", "10", 8.0), ("oops", "0", 120.0)])
def test_office_timeout_is_shorter_than_the_batch_limit(monkeypatch, office, document, expected):
    for name, value in (("TDKT_OFFICE_TIMEOUT", office), ("TDKT_DOC_TIMEOUT", document)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert office_reader.timeout_seconds() == pytest.approx(expected)


def fake_soffice(folder: Path) -> Path:
    """A LibreOffice that hangs: it records its pid and its child's, both sleep."""
    script = folder / "soffice"
    script.write_text('#!/bin/sh\nsleep 300 &\necho "$$ $!" > "$FAKE_PIDS"\nwait\n')
    script.chmod(0o755)
    return script


@linux_only
def test_hung_office_is_killed_with_its_children_and_its_files(tmp_path, private_tmp, monkeypatch):
    monkeypatch.setenv("TDKT_SOFFICE", str(fake_soffice(tmp_path)))
    monkeypatch.setenv("FAKE_PIDS", str(tmp_path / "pids"))
    monkeypatch.setenv("TDKT_OFFICE_TIMEOUT", "2")
    monkeypatch.delenv("TDKT_DOC_TIMEOUT", raising=False)
    started = time.monotonic()
    converted, error = office_reader.convert(b"{\\rtf1 x}", ".rtf")
    took = time.monotonic() - started
    assert converted is None and "within 2 s" in error and "\n" not in error
    assert took < 8
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    assert len(pids) == 2 and all(gone(p) for p in pids)
    profile = office_reader._worker_dir()
    assert [p.name for p in profile.iterdir()] == ["user"]       # the conversion's folder is gone
    office_reader.cleanup_after_worker(os.getpid())
    assert leftovers(private_tmp) == []


def long_rtf(rows: int = 2000) -> bytes:
    """A table LibreOffice takes well over 5 s to convert."""
    row = "\\trowd\\cellx2000\\cellx4000\\cellx6000 {}\\cell Bang khen\\cell 100\\cell\\row\n"
    return ("{\\rtf1\\ansi " + "".join(row.format(i) for i in range(rows)) + "}").encode()


WORKER = ("import sys; from pipeline.ingest.office_reader import convert; "
          "print(convert(open(sys.argv[1], 'rb').read(), '.rtf')[1])")


def start_worker(path: Path, env: dict) -> subprocess.Popen:
    """A process converting one file (what a batch worker does), to be killed."""
    return subprocess.Popen([sys.executable, "-c", WORKER, str(path)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@linux_only
def test_killed_worker_leaves_nothing_after_cleanup(tmp_path, private_tmp):
    env = dict(os.environ, TDKT_SOFFICE=str(fake_soffice(tmp_path)), FAKE_PIDS=str(tmp_path / "pids"),
               TDKT_OFFICE_TIMEOUT="60")
    worker = start_worker(_write(tmp_path / "a.rtf", b"{\\rtf1 x}"), env)
    assert wait_for(lambda: (tmp_path / "pids").exists() and (tmp_path / "pids").read_text().strip(), 30)
    shell, child = (int(p) for p in (tmp_path / "pids").read_text().split())
    worker.kill()
    worker.wait()
    assert wait_for(lambda: gone(shell), 5)          # the parent-death signal
    assert not gone(child)                           # a grandchild is out of its reach ...
    assert leftovers(private_tmp) == [f"tdkt-lo-{os.getuid()}-{worker.pid}"]
    office_reader.cleanup_after_worker(worker.pid)   # ... the batch's cleanup gets it, and the files
    assert gone(child)
    assert leftovers(private_tmp) == []


@needs_office
@linux_only
def test_libreoffice_dies_with_its_worker(tmp_path, private_tmp):
    """The real thing: soffice.bin, not only the launcher, dies with the worker."""
    worker = start_worker(_write(tmp_path / "long.rtf", long_rtf()), dict(os.environ))
    profile = private_tmp / f"tdkt-lo-{os.getuid()}-{worker.pid}"
    assert wait_for(lambda: office_pids(profile, "soffice.bin"), 60), "LibreOffice did not start"
    time.sleep(1)                                    # well into its start-up and conversion
    running = office_pids(profile)
    assert running, "LibreOffice ended before the test could kill its worker"
    worker.kill()
    worker.wait()
    assert wait_for(lambda: all(gone(p) for p in running), 5), running
    office_reader.cleanup_after_worker(worker.pid)
    assert leftovers(private_tmp) == []


# ------------------------------------------------------------------ 3. a batch leaves nothing

@needs_office
@linux_only
def test_batch_leaves_no_office_folders(tmp_path, private_tmp, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("000_749e481ad73445fb.odt", "000_749e481ad73445fb.rtf"):
        (src / name).write_bytes((FORMS / name).read_bytes())
    # batch.Worker.kill calls office_reader.cleanup_after_worker for every worker it ends
    summary = batch.run([str(src)], str(tmp_path / "out"), workers=1, quiet=True)
    assert summary.documents == 2 and summary.errors == 0
    assert leftovers(private_tmp) == []
