"""Download the documents an OCDS publication links to, safely and once: http(s) only, bounded, cached.

Only ``http`` and ``https`` URLs are fetched, and redirects are followed by hand so that one
to another scheme (``file:``, ``ftp:``, ``data:``…) is refused rather than followed. The size
limit is enforced while the body streams in (a missing or false ``Content-Length`` changes
nothing), each attempt has a time limit, and timeouts, dropped connections and 5xx/429
answers are retried a few times with exponential backoff. A bounded thread pool does the
downloads.

The cache (``--cache DIR``) is keyed by URL (fragment removed): the body under the SHA-256 of
the URL, with a small JSON file holding the URL, the ``ETag`` and ``Last-Modified`` the server
gave, the size and the body's SHA-256. The next run asks the server with ``If-None-Match`` /
``If-Modified-Since`` and keeps the cached body on ``304 Not Modified``; a body the server gave
no validator for is reused without asking. A body refused as too large is remembered the same
way (with the limit it broke), so the next run with the same limit does not stream it again;
any other failure is not cached, and the next run tries again. Bodies are written to a
temporary file and renamed into place, so an interrupted run leaves no half-written document
behind.

This uses the standard library's ``urllib`` rather than an HTTP client package: the check
needs nothing it lacks (manual redirects, streaming reads, conditional requests, proxies from
the environment), and the runtime gains no dependency.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from tenderlint import __version__
from tenderlint.errors import TenderlintError

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_MAX_BYTES = 100 * 1024 * 1024  # the same limit the check puts on a file
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 2
DEFAULT_CONCURRENCY = 4
MAX_REDIRECTS = 5
MAX_BACKOFF = 10.0
CHUNK = 64 * 1024
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
RETRY_STATUSES = (408, 429, 500, 502, 503, 504)
# Kept on the cached body so that the Markdown/plain-text tie-break of the format sniffing still works.
KEPT_SUFFIXES = {".pdf", ".docx", ".html", ".htm", ".xhtml", ".md", ".markdown", ".txt", ".text"}
SUFFIX_BY_TYPE = {"application/pdf": ".pdf", "text/html": ".html", "application/xhtml+xml": ".xhtml",
                  "text/markdown": ".md", "text/plain": ".txt",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"}


@dataclass(frozen=True)
class FetchSettings:
    cache_dir: Path
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT  # per attempt, for the whole body
    retries: int = DEFAULT_RETRIES  # attempts after the first
    concurrency: int = DEFAULT_CONCURRENCY
    backoff: float = 0.5  # seconds before the first retry, doubled each time


@dataclass
class Fetched:
    """What became of one URL: a local body, or the error that stopped it."""

    url: str
    path: str | None = None
    state: str = "failed"  # downloaded | not-modified | cached | failed
    error: dict | None = None
    attempts: int = 0
    received: int = 0  # body bytes received in this run
    warning: str | None = None


class _Retry(Exception):
    """A failure worth another attempt; ``code``/``message`` are reported if none succeeds."""

    def __init__(self, code: str, message: str, retry_after: float = 0.0):
        super().__init__(message)
        self.code, self.message, self.retry_after = code, message, retry_after


def fetch_key(url: str) -> str:
    """The URL the cache and the request use: the fragment (``#page=32``) is never sent."""
    return urllib.parse.urldefrag(url.strip())[0]


def check_url(url: str) -> None:
    """Refuse anything but an http(s) URL with a host (``url-refused``)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        shown = f"{parts.scheme}:" if parts.scheme else "no scheme"
        raise TenderlintError("url-refused", f"only http and https URLs are fetched, not {shown}")
    if not parts.hostname:
        raise TenderlintError("url-refused", "the URL has no host")


# -- the cache ----------------------------------------------------------------------------------

class DownloadCache:
    """Bodies and their validators under ``root``, keyed by the SHA-256 of the URL."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _stem(self, url: str) -> Path:
        digest = hashlib.sha256(fetch_key(url).encode("utf-8")).hexdigest()
        return self.root / digest[:2] / digest

    def lookup(self, url: str) -> tuple[dict | None, Path | None]:
        meta_path = self._stem(url).with_suffix(".json")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None, None
        body = meta_path.parent / str(meta.get("body", ""))
        if meta.get("url") != fetch_key(url) or not body.is_file() or body.stat().st_size != meta.get("size"):
            return None, None
        return meta, body

    def refused(self, url: str, max_bytes: int) -> dict | None:
        """The record of a body refused as too large under a limit no larger than ``max_bytes``, if any."""
        try:
            record = json.loads(self._stem(url).with_suffix(".too-large.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if record.get("url") != fetch_key(url) or int(record.get("max_bytes", 0)) < max_bytes:
            return None
        return record

    def remember_refused(self, url: str, max_bytes: int, validators: dict, message: str) -> None:
        stem = self._stem(url)
        stem.parent.mkdir(parents=True, exist_ok=True)
        record = {"url": fetch_key(url), "max_bytes": max_bytes, "message": message, **validators}
        tmp = stem.parent / f".refused-{stem.name}-{threading.get_ident()}"
        tmp.write_text(json.dumps(record, sort_keys=True, indent=1), encoding="utf-8")
        os.replace(tmp, stem.with_suffix(".too-large.json"))

    def forget_refused(self, url: str) -> None:
        try:
            os.unlink(self._stem(url).with_suffix(".too-large.json"))
        except OSError:
            pass

    def temporary(self, url: str):
        stem = self._stem(url)
        stem.parent.mkdir(parents=True, exist_ok=True)
        return tempfile.NamedTemporaryFile(dir=stem.parent, prefix=".part-", delete=False)

    def commit(self, url: str, temporary: str, meta: dict, suffix: str) -> Path:
        stem = self._stem(url)
        body = stem.parent / (stem.name + suffix)
        os.replace(temporary, body)
        meta = {**meta, "url": fetch_key(url), "body": body.name}
        meta_tmp = stem.parent / f".meta-{stem.name}-{threading.get_ident()}"
        meta_tmp.write_text(json.dumps(meta, sort_keys=True, indent=1), encoding="utf-8")
        os.replace(meta_tmp, stem.with_suffix(".json"))
        return body


# -- one URL ------------------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand every redirect back to the caller, who checks the new URL's scheme before following."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)
_USER_AGENT = f"tenderlint/{__version__} (batch audit of published tender documents)"


def fetch(url: str, settings: FetchSettings, cache: DownloadCache | None = None) -> Fetched:
    """Fetch one URL into the cache; never raises for anything the server or the URL does."""
    cache = cache or DownloadCache(settings.cache_dir)
    key = fetch_key(url)
    outcome = Fetched(url=url)
    try:
        check_url(key)
    except TenderlintError as error:
        outcome.error = error.as_dict()
        return outcome
    meta, cached = cache.lookup(key)
    if meta is not None and int(meta.get("size", 0)) > settings.max_bytes:  # kept under a larger limit
        outcome.error = {"code": "too-large", "message": f"the cached copy is {meta['size'] / 1048576:.1f} MiB, over "
                                                         f"the {settings.max_bytes / 1048576:.1f} MiB download limit"}
        return outcome
    if meta is not None and not (meta.get("etag") or meta.get("last_modified")):
        outcome.path, outcome.state = str(cached), "cached"  # nothing to revalidate with: reuse as is
        return outcome
    refused = cache.refused(key, settings.max_bytes) if meta is None else None
    if refused is not None and not (refused.get("etag") or refused.get("last_modified")):
        outcome.error = {"code": "too-large", "message": refused["message"]}  # as last time, without asking
        return outcome
    if refused is not None:
        meta = refused  # revalidate the refusal: 304 means the body is still the one that was too large
    last: _Retry | None = None
    for attempt in range(settings.retries + 1):
        outcome.attempts = attempt + 1
        if attempt:  # exponential backoff, or longer when the server asked for it (Retry-After), capped
            time.sleep(min(MAX_BACKOFF, max(settings.backoff * 2 ** (attempt - 1), last.retry_after)))
        try:
            return _attempt(key, outcome, settings, cache, meta, cached)
        except _Retry as error:
            last = error
        except TenderlintError as error:
            outcome.error = error.as_dict()
            return outcome
    if meta is not None and cached is not None:  # the server is unreachable now: keep what we have
        outcome.path, outcome.state = str(cached), "cached"
        outcome.warning = f"could not revalidate the cached copy ({last.code}: {last.message})"
        return outcome
    tries = f" ({outcome.attempts} attempts)" if outcome.attempts > 1 else ""
    outcome.error = {"code": last.code, "message": last.message + tries}
    return outcome


def _attempt(url: str, outcome: Fetched, settings: FetchSettings, cache: DownloadCache,
             meta: dict | None, cached: Path | None) -> Fetched:
    deadline = time.monotonic() + settings.timeout
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        headers = {"User-Agent": _USER_AGENT, "Accept": "*/*"}
        if meta is not None and current == url:
            if meta.get("etag"):
                headers["If-None-Match"] = meta["etag"]
            if meta.get("last_modified"):
                headers["If-Modified-Since"] = meta["last_modified"]
        request = urllib.request.Request(current, headers=headers)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _Retry("download-timeout", f"no answer within {settings.timeout:g} s")
        try:
            response = _OPENER.open(request, timeout=remaining)
        except urllib.error.HTTPError as error:
            error.close()
            if error.code in REDIRECT_STATUSES:
                location = error.headers.get("Location")
                if not location:
                    raise TenderlintError(f"http-{error.code}", "a redirect without a Location header")
                current = urllib.parse.urljoin(current, location)
                try:
                    check_url(current)
                except TenderlintError as refused:
                    raise TenderlintError("url-refused", f"redirected to a URL that is refused: {refused.message}")
                continue
            if error.code == 304 and meta is not None and "message" in meta:
                raise TenderlintError("too-large", meta["message"])
            if error.code == 304 and cached is not None:
                outcome.path, outcome.state = str(cached), "not-modified"
                return outcome
            if error.code in RETRY_STATUSES:
                wait = (error.headers.get("Retry-After") or "").strip()
                raise _Retry(f"http-{error.code}", f"the server answered {error.code} {error.reason}",
                             float(wait) if wait.isdigit() else 0.0)
            raise TenderlintError(f"http-{error.code}", f"the server answered {error.code} {error.reason}")
        except (TimeoutError, socket.timeout):
            raise _Retry("download-timeout", f"no answer within {settings.timeout:g} s") from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise _Retry("download-timeout", f"no answer within {settings.timeout:g} s") from None
            raise _Retry("download-failed", f"cannot connect ({reason})") from None
        except (OSError, ValueError) as error:  # reset connections, malformed URLs or headers
            raise _Retry("download-failed", f"{type(error).__name__}: {error}") from None
        with response:
            return _receive(url, response, outcome, settings, cache, deadline)
    raise TenderlintError("download-failed", f"more than {MAX_REDIRECTS} redirects")


def _receive(url: str, response, outcome: Fetched, settings: FetchSettings, cache: DownloadCache,
             deadline: float) -> Fetched:
    limit = settings.max_bytes
    validators = {"etag": response.headers.get("ETag"), "last_modified": response.headers.get("Last-Modified")}

    def too_large(message: str) -> TenderlintError:
        cache.remember_refused(url, limit, validators, message)
        return TenderlintError("too-large", message)

    declared = response.headers.get("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > limit:
        raise too_large(f"the server announces {int(declared) / 1048576:.1f} MiB, over the "
                        f"{limit / 1048576:.1f} MiB download limit")
    digest = hashlib.sha256()
    size = 0
    temporary = cache.temporary(url)
    try:
        with temporary:
            while True:
                if time.monotonic() > deadline:
                    raise _Retry("download-timeout", f"the body took longer than {settings.timeout:g} s")
                try:
                    chunk = response.read(CHUNK)
                except (TimeoutError, socket.timeout):
                    raise _Retry("download-timeout", f"the body stalled for longer than {settings.timeout:g} s") \
                        from None
                except OSError as error:
                    raise _Retry("download-failed", f"the connection broke ({error})") from None
                if not chunk:
                    break
                size += len(chunk)
                outcome.received += len(chunk)
                if size > limit:
                    raise too_large(f"over the {limit / 1048576:.1f} MiB download limit (stopped while receiving)")
                digest.update(chunk)
                temporary.write(chunk)
        content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        meta = {"final_url": response.geturl(), **validators, "content_type": content_type,
                "size": size, "sha256": digest.hexdigest()}
        body = cache.commit(url, temporary.name, meta, _suffix(url, content_type))
        cache.forget_refused(url)
    except BaseException:
        try:
            os.unlink(temporary.name)
        except OSError:
            pass
        raise
    outcome.path, outcome.state = str(body), "downloaded"
    return outcome


def _suffix(url: str, content_type: str) -> str:
    suffix = PurePosixPath(urllib.parse.urlsplit(url).path).suffix.lower()
    if suffix in KEPT_SUFFIXES:
        return suffix
    return SUFFIX_BY_TYPE.get(content_type, ".bin")


# -- many URLs ----------------------------------------------------------------------------------

@dataclass
class FetchReport:
    results: dict[str, Fetched] = field(default_factory=dict)

    def count(self, state: str) -> int:
        return sum(1 for f in self.results.values() if f.state == state)

    @property
    def received(self) -> int:
        return sum(f.received for f in self.results.values())


def fetch_all(urls: Iterable[str], settings: FetchSettings,
              progress: Callable[[Fetched], None] | None = None) -> FetchReport:
    """Fetch each distinct URL once, ``settings.concurrency`` at a time."""
    cache = DownloadCache(settings.cache_dir)
    distinct = list(dict.fromkeys(urls))
    report = FetchReport()
    if not distinct:
        return report
    with ThreadPoolExecutor(max_workers=max(1, min(settings.concurrency, len(distinct))),
                            thread_name_prefix="tenderlint-fetch") as pool:
        for url, outcome in zip(distinct, pool.map(lambda u: fetch(u, settings, cache), distinct)):
            report.results[url] = outcome
            if progress:
                progress(outcome)
    return report
