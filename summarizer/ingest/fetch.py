"""Web addresses: fetch a page (or PDF, image …) once, keep its bytes, read it with the reader for its type.

The network is used only for addresses the user gives (``http(s)://`` arguments, ``--urls FILE``,
``.url`` shortcuts). A fetch has a time limit, a size cap and a user agent, and follows redirects;
any failure is a skipped entry saying why. The bytes are kept in a store of their own
(``$SUMMARIZER_FETCH_DIR``, else the user's cache dir / pages), so a rerun needs no network; delete
the folder to fetch again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from ..errors import InputError, UnreadableFileError
from ..types import SkipKind, SkippedFile
from .readers import READERS, RawDocument

log = logging.getLogger(__name__)

TIMEOUT = 30.0  # seconds to connect and for each read
MAX_BYTES = 50 << 20  # 50 MB: an e-paper PDF fits, a video does not
USER_AGENT = "Mozilla/5.0 (compatible; summarizer/0.1; +news briefing reader)"
_URL_RE = re.compile(r"^https?://\S+$", re.I)
# Content types → the reader's suffix; anything else goes by the address's own suffix, else as a page.
_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt", "application/pdf": ".pdf",
          "application/json": ".json", "image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp",
          "image/tiff": ".tif", "application/zip": ".zip", "multipart/related": ".mhtml",
          "application/x-mimearchive": ".mhtml",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
          "application/msword": ".doc"}


@dataclass(frozen=True, slots=True)
class WebAddress:
    """An input that is a web address rather than a path."""

    url: str

    @property
    def path(self) -> Path:
        """A stand-in path for messages: host and path, without the scheme (``example.com/news/1.html``)."""
        parts = urlsplit(self.url)
        return Path(parts.netloc + (parts.path or "/") + (f"?{parts.query}" if parts.query else ""))


def is_url(text: object) -> bool:
    return isinstance(text, str) and bool(_URL_RE.match(text.strip()))


def default_dir() -> Path:
    if env := os.environ.get("SUMMARIZER_FETCH_DIR"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("summarizer")) / "pages"


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # where the bytes came from, after redirects
    content_type: str
    data: bytes


class PageStore:
    """Fetched bytes, one pair of files per address (``KEY.json`` says what ``KEY.body`` is)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory else default_dir()

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        folder = self.directory / key[:2]
        return folder / f"{key}.json", folder / f"{key}.body"

    def get(self, url: str) -> Fetched | None:
        info, body = self._paths(url)
        try:
            meta = json.loads(info.read_text(encoding="utf-8"))
            return Fetched(meta["url"], meta["content_type"], body.read_bytes())
        except (OSError, ValueError, KeyError):
            return None

    def put(self, url: str, page: Fetched) -> None:
        info, body = self._paths(url)
        try:
            info.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(body, page.data)  # the body first: an entry is only seen once both exist
            _write_atomic(info, json.dumps({"url": page.url, "content_type": page.content_type}).encode())
        except OSError as exc:
            log.warning("could not keep %s in %s: %s", url, self.directory, exc)


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fetch(address: WebAddress, store: PageStore | None = None) -> Fetched:
    """The bytes at ``address``: from the store, else from the network (then kept).

    Raises:
        UnreadableFileError: the fetch failed (status, network error, time-out, too large).
    """
    store = store or PageStore()
    if (kept := store.get(address.url)) is not None:
        return kept
    import urllib.error  # with http.client and email: loaded only when a page is fetched
    import urllib.request

    def fail(detail: str = "", error: str = "", kind: SkipKind = SkipKind.FETCH_FAILED) -> UnreadableFileError:
        return UnreadableFileError(address.path, kind, detail, error=error or address.url)

    request = urllib.request.Request(address.url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # follows redirects
            data = response.read(MAX_BYTES + 1)
            page = Fetched(response.geturl(), response.headers.get_content_type(), data)
    except urllib.error.HTTPError as exc:
        raise fail(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise fail(f"{TIMEOUT:g}", kind=SkipKind.FETCH_TIMEOUT) from exc
        raise fail(error=f"{address.url}: {reason}") from exc
    if len(page.data) > MAX_BYTES:
        raise fail(f"{MAX_BYTES / (1 << 20):g}", kind=SkipKind.FETCH_TOO_LARGE)
    if not page.data.strip():
        raise UnreadableFileError(address.path, SkipKind.EMPTY_FILE, error=address.url)
    store.put(address.url, page)
    return page


def read_url(address: WebAddress, store: PageStore | None = None) -> list[RawDocument | SkippedFile]:
    """Fetch an address and read it with the reader its content type (else its suffix) asks for.

    Raises:
        UnreadableFileError: the fetch failed, or the reader's own reasons.
    """
    page = fetch(address, store)
    suffix = _TYPES.get(page.content_type) or PurePosixPath(urlsplit(page.url).path).suffix.lower()
    reader = READERS.get(suffix) or READERS[".html"]
    docs = reader(address.path, page.data)
    return [dataclasses.replace(d, meta={**d.meta, "url": d.meta.get("url") or page.url})
            if isinstance(d, RawDocument) else d for d in docs]


def read_shortcut(path: Path, data: bytes) -> list[RawDocument | SkippedFile]:
    """A Windows Internet shortcut (``.url``: ``[InternetShortcut]`` then ``URL=…``): the page it points to.

    Raises:
        UnreadableFileError: it holds no web address, or the fetch failed.
    """
    urls = urls_in(data.decode("utf-8", "replace"))
    if not urls:
        raise UnreadableFileError(path, SkipKind.NO_WEB_ADDRESS)
    return read_url(WebAddress(urls[0]))


def urls_in(text: str) -> list[str]:
    """The web addresses in a list (one a line; ``#`` comments and blank lines skipped) or a shortcut."""
    out = []
    for line in text.splitlines():
        line = line.strip().removeprefix("\ufeff")
        if line.upper().startswith("URL="):
            line = line[4:].strip()
        if is_url(line):
            out.append(line)
    return out


def url_list(path: Path) -> list[str]:
    """The addresses in a ``--urls`` file (a text list or a ``.url`` shortcut).

    Raises:
        InputError: the file is missing or holds no address.
    """
    try:
        urls = urls_in(path.read_text(encoding="utf-8", errors="replace"))
    except OSError as exc:
        raise InputError(f"--urls {path}: cannot read it ({exc.strerror or exc})") from exc
    if not urls:
        raise InputError(f"--urls {path}: no web address in it; write one http:// or https:// address a line")
    return urls
