"""Downloads for the OCDS audit, against a local server on 127.0.0.1: refusals, limits, retries, the cache."""

from __future__ import annotations

import socket
import time

import pytest

from ocds_server import DocumentServer, Route
from tenderlint.errors import TenderlintError, is_error_code
from tenderlint.fetch import DownloadCache, FetchSettings, fetch, fetch_all

RFP = b"# Request for Proposals\n\nThe Contractor shall encrypt all personal data at rest.\n"


# Every test here may open connections to 127.0.0.1 only (tests/conftest.py, loopback_only).
pytestmark = pytest.mark.usefixtures("loopback_only")


def _settings(tmp_path, **kwargs) -> FetchSettings:
    values = {"cache_dir": tmp_path / "cache", "max_bytes": 64 * 1024, "timeout": 2.0, "retries": 1,
              "backoff": 0.05, "concurrency": 3}
    values.update(kwargs)
    return FetchSettings(**values)


def test_the_guard_refuses_other_addresses():
    with pytest.raises(AssertionError, match="only 127.0.0.1"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)


def test_download_then_not_modified_then_reused_from_the_cache(tmp_path):
    routes = {"/etag.md": Route(RFP, headers={"ETag": '"v1"', "Content-Type": "text/markdown"}),
              "/dated.txt": Route(b"Plain text terms.\n", headers={"Last-Modified": "Mon, 01 Mar 2021 10:00:00 GMT"}),
              "/bare": Route(b"<html><body><p>No validators here.</p></body></html>",
                             headers={"Content-Type": "text/html; charset=utf-8"})}
    with DocumentServer(routes) as server:
        settings = _settings(tmp_path)
        first = fetch_all([server.url(p) for p in routes], settings)
        assert [f.state for f in first.results.values()] == ["downloaded"] * 3
        etag = first.results[server.url("/etag.md")]
        assert etag.path.endswith(".md") and open(etag.path, "rb").read() == RFP
        assert first.results[server.url("/bare")].path.endswith(".html")  # from Content-Type: sniffing ties
        server.reset_counts()
        second = fetch_all([server.url(p) for p in routes], settings)
        states = {url.rsplit("/", 1)[1]: f.state for url, f in second.results.items()}
        assert states == {"etag.md": "not-modified", "dated.txt": "not-modified", "bare": "cached"}
        assert second.received == 0 and sum(server.bodies.values()) == 0
        assert server.requests["/bare"] == 0  # no validator: reused without asking
        assert second.results[server.url("/etag.md")].path == etag.path
        # The content changed: a new ETag gives a new body.
        routes["/etag.md"] = Route(RFP + b"\nThe Contractor shall delete data on exit.\n", headers={"ETag": '"v2"'})
        third = fetch(server.url("/etag.md"), settings)
        assert third.state == "downloaded" and b"delete data" in open(third.path, "rb").read()


def test_fragment_is_not_part_of_the_cache_key(tmp_path):
    with DocumentServer({"/doc.md": Route(RFP, headers={"ETag": '"a"'})}) as server:
        settings = _settings(tmp_path)
        assert fetch(server.url("/doc.md#page=3"), settings).state == "downloaded"
        assert fetch(server.url("/doc.md"), settings).state == "not-modified"


def test_http_errors_are_coded_and_4xx_is_not_retried(tmp_path):
    with DocumentServer({}) as server:
        outcome = fetch(server.url("/missing.pdf"), _settings(tmp_path, retries=3))
    assert outcome.error["code"] == "http-404" and outcome.attempts == 1 and outcome.path is None
    assert is_error_code("http-404") and not is_error_code("http-<status>") and not is_error_code("http-4044")
    assert TenderlintError("http-503", "x").code == "http-503"


def test_a_5xx_is_retried_with_backoff_and_then_succeeds(tmp_path):
    with DocumentServer({"/flaky.md": Route(RFP, fail_first=[503, 500])}) as server:
        started = time.monotonic()
        outcome = fetch(server.url("/flaky.md"), _settings(tmp_path, retries=2, backoff=0.1))
        assert outcome.state == "downloaded" and outcome.attempts == 3
        assert time.monotonic() - started >= 0.1 + 0.2  # two backoffs, doubled
        assert server.requests["/flaky.md"] == 3


def test_retry_after_is_honoured_up_to_the_cap(tmp_path):
    with DocumentServer({"/busy.md": Route(RFP, fail_first=[(429, {"Retry-After": "1"})])}) as server:
        started = time.monotonic()
        outcome = fetch(server.url("/busy.md"), _settings(tmp_path, retries=1, backoff=0.05))
        assert outcome.state == "downloaded" and outcome.attempts == 2
        assert time.monotonic() - started >= 1.0


def test_a_slow_server_times_out_on_every_attempt(tmp_path):
    with DocumentServer({"/slow.md": Route(RFP, delay=10)}) as server:
        started = time.monotonic()
        outcome = fetch(server.url("/slow.md"), _settings(tmp_path, timeout=0.3, retries=1))
        elapsed = time.monotonic() - started
    assert outcome.error["code"] == "download-timeout" and outcome.attempts == 2
    assert "2 attempts" in outcome.error["message"]
    assert elapsed < 5


def test_size_limit_is_enforced_while_streaming(tmp_path):
    big = b"word " * 40_000  # 200 kB against a 64 kB limit
    routes = {"/big-unannounced.txt": Route(big, content_length=False),
              "/big-announced.txt": Route(big),
              "/big-tagged.txt": Route(big, content_length=False, headers={"ETag": '"big"'})}
    with DocumentServer(routes) as server:
        settings = _settings(tmp_path)
        streamed = fetch(server.url("/big-unannounced.txt"), settings)
        announced = fetch(server.url("/big-announced.txt"), settings)
        tagged = fetch(server.url("/big-tagged.txt"), settings)
        assert streamed.error["code"] == "too-large" and "while receiving" in streamed.error["message"]
        assert 64 * 1024 < streamed.received <= 64 * 1024 + 64 * 1024  # stopped within one chunk of the limit
        assert announced.error["code"] == "too-large" and announced.received == 0
        assert tagged.error["code"] == "too-large"
        leftovers = sorted(p.name.split(".", 1)[1] for p in (tmp_path / "cache").rglob("*") if p.is_file())
        assert leftovers == ["too-large.json"] * 3  # no partial body kept, only the refusals
        # The next run with the same limit streams none of them again: no validator, no request at all;
        # with an ETag, a conditional request answered 304.
        server.reset_counts()
        again = [fetch(server.url(p), settings) for p in routes]
        assert [f.error["code"] for f in again] == ["too-large"] * 3
        assert [f.error["message"] for f in again] == [streamed.error["message"], announced.error["message"],
                                                       tagged.error["message"]]
        assert sum(server.bodies.values()) == 0 and dict(server.requests) == {"/big-tagged.txt": 1}
        assert server.not_modified["/big-tagged.txt"] == 1
        # A larger limit tries again, and a body that fits is kept (the refusal forgotten).
        bigger = fetch(server.url("/big-unannounced.txt"), _settings(tmp_path, max_bytes=400_000))
        assert bigger.state == "downloaded"
        assert fetch(server.url("/big-unannounced.txt"), _settings(tmp_path, max_bytes=400_000)).state == "cached"
        assert fetch(server.url("/big-unannounced.txt"), settings).error["code"] == "too-large"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/doc.pdf", "data:text/plain,hello",
                                 "javascript:alert(1)", "http:///no-host"])
def test_only_http_and_https_are_fetched(tmp_path, url):
    outcome = fetch(url, _settings(tmp_path))
    assert outcome.error["code"] == "url-refused" and outcome.attempts == 0


def test_a_redirect_to_another_scheme_is_refused_and_http_redirects_are_followed(tmp_path):
    routes = {"/to-file": Route(status=302, headers={"Location": "file:///etc/passwd"}),
              "/to-ftp": Route(status=301, headers={"Location": "ftp://127.0.0.1/x"}),
              "/moved": Route(status=307, headers={"Location": "/here.md"}),
              "/here.md": Route(RFP),
              "/loop": Route(status=302, headers={"Location": "/loop"})}
    with DocumentServer(routes) as server:
        settings = _settings(tmp_path)
        to_file = fetch(server.url("/to-file"), settings)
        to_ftp = fetch(server.url("/to-ftp"), settings)
        moved = fetch(server.url("/moved"), settings)
        loop = fetch(server.url("/loop"), settings)
    assert to_file.error["code"] == "url-refused" and "file:" in to_file.error["message"]
    assert to_ftp.error["code"] == "url-refused"
    assert moved.state == "downloaded" and open(moved.path, "rb").read() == RFP
    assert loop.error["code"] == "download-failed" and "redirects" in loop.error["message"]


def test_connection_refused_is_download_failed_and_a_cached_copy_survives_it(tmp_path):
    with DocumentServer({"/doc.md": Route(RFP, headers={"ETag": '"1"'})}) as server:
        url = server.url("/doc.md")
        settings = _settings(tmp_path, retries=1)
        assert fetch(url, settings).state == "downloaded"
    # The server is gone: the port refuses connections now.
    again = fetch(url, settings)
    assert again.state == "cached" and again.path and "could not revalidate" in again.warning
    other = fetch(url.replace("/doc.md", "/other.md"), settings)
    assert other.error["code"] == "download-failed" and other.attempts == 2


def test_concurrency_is_bounded(tmp_path):
    active, peak = 0, 0
    import threading

    lock = threading.Lock()
    original = DownloadCache.lookup

    def counting_lookup(self, url):
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.05)
        with lock:
            active -= 1
        return original(self, url)

    routes = {f"/d{i}.md": Route(RFP) for i in range(8)}
    with DocumentServer(routes) as server, pytest.MonkeyPatch.context() as patch:
        patch.setattr(DownloadCache, "lookup", counting_lookup)
        report = fetch_all([server.url(p) for p in routes] * 2, _settings(tmp_path, concurrency=2))
    assert len(report.results) == 8 and report.count("downloaded") == 8  # duplicates fetched once
    assert peak == 2
