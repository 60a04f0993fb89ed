"""Extraction: a raw unit becomes an article with its text and metadata.

HTML goes through trafilatura; plain-text and markdown scrapes through their
readers. Metadata from the input (front matter, JSON Lines keys) wins over what is
found in the page. Text comes out one paragraph per line.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from newsclean.config import Settings
from newsclean.fastpaths import uses_fast
from newsclean.language import detect_language
from newsclean.readers.decode import BinaryContent, decode_bytes
from newsclean.readers.markdown import looks_like_markdown, parse_markdown
from newsclean.readers.text import parse_text
from newsclean.record import Article, RawUnit, Rejected, Removal
from newsclean.text import paragraphs, squeeze

# trafilatura options newsclean uses, kept in one place. Comments are not the story.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "with_metadata": True,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
}
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|\||\band\b|&|/)\s*")
_URL_LIKE = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_PERSON_LIKE = re.compile(r"^[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,3}$")
_LANGUAGE_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")


def extract_unit(unit: RawUnit, settings: Settings) -> Article | Rejected:
    """Turn one raw unit into an article with raw (not yet cleaned) text."""
    payload = unit.payload
    if isinstance(payload, bytes):
        try:
            payload, _encoding = decode_bytes(
                payload,
                html=unit.content_format == "html",
                declared=_as_text(unit.fields.get("charset")),
            )
        except BinaryContent as error:
            return Rejected.of(unit, "read", "read.binary", f"not text: {error}")
    removed: list[Removal] = []
    if unit.content_format == "html":
        extracted = _extract_html(payload, url=_as_text(unit.fields.get("url")))
        if extracted is None:
            return Rejected.of(
                unit, "extract", "extract.no_content", "trafilatura found no main text in the page"
            )
        title, body, found = extracted
    elif unit.content_format == "markdown" or looks_like_markdown(payload):
        title, body, found, broken = parse_markdown(
            payload, max_front_matter_bytes=settings.max_front_matter_bytes
        )
        if broken:
            removed.append(Removal("front_matter", broken))
        if title is None:
            title, body = _first_line_title(body)
    elif unit.source_format == "jsonl":
        # A record's text is all story; its title comes from the record's fields.
        title, body, found = None, "\n".join(_plain_lines(payload)), {}
    else:
        title, body, found = parse_text(payload)
    fields = {**found, **unit.fields}
    title = _as_text(unit.fields.get("title")) or title
    return _article(unit, title, body, fields, removed)


def _extract_html(page: str, *, url: str | None) -> tuple[str | None, str, dict[str, Any]] | None:
    """trafilatura.bare_extraction(page, url=url, **TRAFILATURA_OPTIONS): the title,
    the text and the metadata newsclean keeps, or None where trafilatura finds no text.

    Through newsclean.fastpaths.trafilatura where this run uses it; a page on which
    that raises goes through trafilatura's own run instead, so a changed trafilatura
    never turns a page into a rejection that trafilatura would not make.
    """
    trafilatura_log = logging.getLogger("trafilatura")
    if trafilatura_log.level != logging.CRITICAL:  # setLevel clears every logger's cache
        trafilatura_log.setLevel(logging.CRITICAL)
    found = None
    if uses_fast("trafilatura"):
        from newsclean.fastpaths.trafilatura import extract_html

        try:
            found = extract_html(page, url)
        except Exception:  # noqa: BLE001 - trafilatura's own run below decides the page
            found = html_by_public_api(page, url)
    else:
        found = html_by_public_api(page, url)
    if found is None:
        return None
    metadata, text = found
    if not (text or "").strip():
        return None
    fields = {
        "url": metadata.url,
        "authors": metadata.author,
        "published": metadata.date,
        "site_name": metadata.sitename,
        "description": metadata.description,
        "categories": metadata.categories,
        "tags": metadata.tags,
        "language": None,  # trafilatura sets it only given a target language
    }
    return metadata.title, "\n".join(_plain_lines(text)), fields


def html_by_public_api(page: str, url: str | None) -> tuple[Any, str] | None:
    """The document (its metadata) and text of trafilatura.bare_extraction(page,
    url=url, **TRAFILATURA_OPTIONS), or None where it finds no text; the text without
    the page's hidden elements where `hidden_to_prune` finds some (trafilatura's
    `prune_xpath`, which it applies after the metadata and before the text)."""
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    tree = load_html(page)
    hidden = HIDDEN_XPATH if tree is not None and hidden_to_prune(tree) else None
    document = bare_extraction(
        page if tree is None else tree, url=url, prune_xpath=hidden, **TRAFILATURA_OPTIONS
    )
    if document is None or document.text is None:
        return None
    return document, document.text


# Elements a browser does not show: the `hidden` attribute (not "until-found", which a
# reader's search opens) and inline styles with display:none or visibility:hidden
# (spaces and ASCII case aside). The page's menus, dialogs and alternate versions.
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_STYLE = f"translate(@style, '{_LOWER.upper()} \t\n\r', '{_LOWER}')"
HIDDEN_XPATH = (
    "//body//*[(@hidden and not(@hidden = 'until-found'))"
    f" or contains({_STYLE}, 'display:none') or contains({_STYLE}, 'visibility:hidden')]"
)
# The same test in Python, on the elements with either attribute (faster than the above).
_CANDIDATES = "//body//*[@hidden or @style]"
_STYLE_FOLD = str.maketrans(_LOWER.upper(), _LOWER, " \t\n\r")
_LENGTH = "string-length(normalize-space(.))"
_CODE = "descendant-or-self::script|descendant-or-self::style"
# Hidden parts are pruned only while they are small beside the page: each at most half
# of its text, all together at most three quarters. A page that hides most of its text
# (a gallery paged by script, a story revealed when the page has loaded) keeps it.
HIDDEN_MOST_EACH = 0.5
HIDDEN_MOST_ALL = 0.75


def hidden_elements(tree: Any) -> list[Any]:
    """The elements `HIDDEN_XPATH` selects, in document order."""
    found = []
    for element in _compiled(_CANDIDATES)(tree):
        flag = element.get("hidden")
        if flag is not None and flag != "until-found":
            found.append(element)
            continue
        style = element.get("style")
        if style:
            style = style.translate(_STYLE_FOLD)
            if "display:none" in style or "visibility:hidden" in style:
                found.append(element)
    return found


def hidden_to_prune(tree: Any) -> list[Any]:
    """The page's hidden elements (`hidden_elements`) to prune before its text is
    extracted, or none when they hold much of its text (characters outside scripts and
    styles, white space folded): one more than half of it, or all more than three
    quarters."""
    found = hidden_elements(tree)
    if not found:
        return found
    chosen = set(found)
    outermost = [
        element
        for element in found
        if not any(ancestor in chosen for ancestor in element.iterancestors())
    ]
    body = tree.find("body")
    total = _characters(tree if body is None else body)
    sizes = [_characters(element) for element in outermost]
    if max(sizes) > HIDDEN_MOST_EACH * total or sum(sizes) > HIDDEN_MOST_ALL * total:
        return []
    return found


def _characters(element: Any) -> float:
    length = _compiled(_LENGTH)
    return max(0.0, length(element) - sum(length(code) for code in _compiled(_CODE)(element)))


@cache
def _compiled(expression: str) -> Any:
    from lxml.etree import XPath

    return XPath(expression)


def _plain_lines(text: str) -> list[str]:
    return paragraphs(text.splitlines())


def _first_line_title(body: str) -> tuple[str | None, str]:
    first, _, rest = body.partition("\n")
    if first and rest and len(first) <= 200:
        return first, rest
    return None, body


def _article(
    unit: RawUnit, title: str | None, body: str, fields: dict[str, Any], removed: list[Removal]
) -> Article:
    url, authors, site_name = _url_authors_site(fields)
    language = _language(fields.get("language")) or detect_language(body)
    return Article(
        id=article_id(unit),
        source_uri=unit.source_uri,
        source_format=unit.source_format,
        text=body,
        title=_clean_line(title),
        url=url,
        source_domain=source_domain(url),
        authors=authors,
        published_at=parse_timestamp(fields.get("published")),
        language=language,
        site_name=_clean_line(site_name),
        description=_clean_line(_as_text(fields.get("description"))),
        categories=_as_list(fields.get("categories")),
        tags=_as_list(fields.get("tags")),
        removed=tuple(removed),
        fetched_at=parse_timestamp(unit.fields.get("fetched_at")),
        warc_record_id=_as_text(unit.fields.get("warc_record_id")),
        payload_digest=_as_text(unit.fields.get("payload_digest")),
    )


def article_id(unit: RawUnit) -> str:
    """Stable id: the unit's place relative to the input root and its content."""
    payload_sha256 = unit.payload_sha256
    if payload_sha256 is None:
        payload = unit.payload
        payload_sha256 = hashlib.sha256(
            payload if isinstance(payload, bytes) else payload.encode("utf-8")
        ).digest()
    digest = hashlib.sha256()
    digest.update(unit.relative_uri.encode("utf-8", errors="surrogateescape"))
    digest.update(b"\0")
    digest.update(payload_sha256)
    return digest.hexdigest()[:32]


def _url_authors_site(fields: dict[str, Any]) -> tuple[str | None, tuple[str, ...], str | None]:
    url = _as_text(fields.get("url"))
    authors = _authors(fields.get("authors"))
    site_name = _as_text(fields.get("site_name"))
    # Scrapers disagree on `source`: a URL, a site, or (seen) the author's name.
    source = _as_text(fields.get("source"))
    if source:
        if _URL_LIKE.match(source):
            url = url or source
        elif not authors and _PERSON_LIKE.match(source):
            authors = (source,)
        else:
            site_name = site_name or source
    if url and not _URL_LIKE.match(url):
        url = None
    return url, authors, site_name


def _authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        names = _AUTHOR_SPLIT.split(value)
    elif isinstance(value, list | tuple):
        names = [
            _as_text(item.get("name") if isinstance(item, dict) else item) or "" for item in value
        ]
    elif isinstance(value, dict):
        names = [_as_text(value.get("name")) or ""]
    else:
        return ()
    seen: dict[str, None] = {}
    for name in names:
        cleaned = _clean_line(name)
        if cleaned and len(cleaned) <= 200:
            seen.setdefault(cleaned, None)
    return tuple(seen)


def source_domain(url: str | None) -> str | None:
    """The host of a URL, lowercased, without a leading 'www.'."""
    if not url:
        return None
    try:
        host = urlsplit(url if "://" in url else f"http://{url}").hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


def parse_timestamp(value: Any) -> str | None:
    """An ISO 8601 UTC timestamp ('2026-02-13T15:40:15Z') from what scrapers write."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                from dateutil import parser as date_parser

                moment = date_parser.parse(text)
            except (ValueError, OverflowError, TypeError):
                return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    if not 1900 <= moment.year <= 2200:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _language(value: Any) -> str | None:
    text = _as_text(value)
    match = _LANGUAGE_TAG.match(text or "")
    return match.group(1).lower() if match else None


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        value = value[0] if value else None
        if value is None:
            return None
    text = str(value).strip()
    return text or None


def _as_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    seen: dict[str, None] = {}
    for item in items:
        cleaned = _clean_line(_as_text(item))
        if cleaned and len(cleaned) <= 200:
            seen.setdefault(cleaned, None)
    return tuple(seen)


def _clean_line(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = squeeze(text)
    return cleaned or None
