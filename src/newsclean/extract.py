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
from newsclean.language import detect_language
from newsclean.readers.decode import BinaryContent, decode_bytes
from newsclean.readers.markdown import looks_like_markdown, parse_markdown
from newsclean.readers.text import parse_text
from newsclean.record import Article, RawUnit, Rejected, Removal

# trafilatura options newsclean uses, kept in one place. Comments are not the story.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "with_metadata": True,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
}
_WITHOUT_METADATA = {**TRAFILATURA_OPTIONS, "with_metadata": False}  # newsclean.metadata's
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|\||\band\b|&|/)\s*")
_URL_LIKE = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_PERSON_LIKE = re.compile(r"^[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,3}$")
_LANGUAGE_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")


def extract_unit(unit: RawUnit, settings: Settings) -> Article | Rejected:
    """Turn one raw unit into an article with raw (not yet cleaned) text."""
    payload = unit.payload
    if isinstance(payload, bytes):
        try:
            payload, _encoding = decode_bytes(payload, html=unit.content_format == "html")
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
    """trafilatura.bare_extraction(page, url=url, **TRAFILATURA_OPTIONS), with the
    metadata found by newsclean.metadata: the same fields, faster."""
    from newsclean.metadata import page_metadata

    trafilatura_log = logging.getLogger("trafilatura")
    if trafilatura_log.level != logging.CRITICAL:  # setLevel clears every logger's cache
        trafilatura_log.setLevel(logging.CRITICAL)
    try:  # trafilatura gives up on a page with these, and so does newsclean
        tree = parse_page(page)
        if tree is None:
            return None
        metadata = page_metadata(tree, url)
    except (TypeError, ValueError):
        return None
    text = main_text(tree, url=url, found_url=metadata.url)
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


def main_text(tree: Any, *, url: str | None, found_url: str | None = None) -> str | None:
    """trafilatura.bare_extraction(tree, url=url, **_WITHOUT_METADATA).text, or None,
    extracted from the tree itself.

    bare_extraction extracts from a copy of a tree it is given, to leave the caller's
    whole; newsclean is done with a page's tree once its metadata is found, so the
    copy (~0.5 ms a corpus page) is skipped. These are bare_extraction's steps for
    newsclean's options (no comments, deduplication or target language), with the
    page's prunes found by newsclean.pruning; `found_url` is the metadata's URL,
    which bare_extraction hands on when it is given none. Tests compare the two on
    example and corpus pages.
    """
    from lxml.etree import strip_tags
    from trafilatura.settings import DEFAULT_CONFIG, Extractor
    from trafilatura.xml import xmltotxt

    from newsclean.pruning import trafilatura_sequence

    options = Extractor(
        config=DEFAULT_CONFIG,
        output_format="python",
        comments=_WITHOUT_METADATA["include_comments"],
        tables=_WITHOUT_METADATA["include_tables"],
        images=_WITHOUT_METADATA["include_images"],
        links=_WITHOUT_METADATA["include_links"],
        dedup=_WITHOUT_METADATA["deduplicate"],
        url=url,
    )
    try:
        sequence = trafilatura_sequence()  # trafilatura's, its whole-page prunes done faster
        body, text, _comments, comments_text = sequence(tree, options, url or found_url)
        if options.max_tree_size and len(body) > options.max_tree_size:
            strip_tags(body, "hi")
            if len(body) > options.max_tree_size:
                return None
        if (
            len(text) < options.min_output_size
            and len(comments_text) < options.min_output_comm_size
        ):
            return None
    except (TypeError, ValueError):  # as bare_extraction: the page is given up
        return None
    return xmltotxt(body, options.formatting)


def parse_page(page: str) -> Any:
    """trafilatura.utils.load_html(page) for a decoded page, on newsclean's parser.

    The same steps (the not-HTML check, trafilatura's repairs, a second parse from
    bytes) and the same tree, element classes included; only the parser differs:
    lxml.html's looks up each element's class in Python, called every time Python
    first touches an element, thousands of times a page through metadata and
    extraction (copies of the tree keep their parser). See `html_parser`.
    """
    from lxml.html import fromstring
    from trafilatura.utils import is_dubious_html, repair_faulty_html

    parser = html_parser()
    beginning = page[:50].lower()
    dubious = is_dubious_html(beginning)
    page = repair_faulty_html(page, beginning)
    tree, from_bytes = None, False
    try:
        tree = fromstring(page, parser=parser)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, from_bytes = _parse_bytes(page, parser), True
    except Exception:  # noqa: BLE001 - as trafilatura: a page lxml cannot parse
        pass
    if (tree is None or len(tree) < 1) and not from_bytes:
        tree = _parse_bytes(page, parser)
    if tree is not None and dubious and len(tree) < 2:
        return None
    return tree


def _parse_bytes(page: str, parser: Any) -> Any:
    from lxml.html import fromstring

    try:
        return fromstring(page.encode("utf8", "surrogatepass"), parser=parser)
    except Exception:  # noqa: BLE001 - as trafilatura: the page is given up
        return None


@cache
def html_parser() -> Any:
    """trafilatura's HTML parser (utils.HTML_PARSER), with lxml.html's element classes
    looked up by lxml's C code (a namespace lookup over the tag name) instead of
    lxml.html's Python `HtmlElementClassLookup.lookup`: the same class for every node."""
    from lxml import etree, html
    from trafilatura.utils import HTML_PARSER

    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=html.HtmlElement,
            comment=html.HtmlComment,
            pi=html.HtmlProcessingInstruction,
            entity=html.HtmlEntity,
        )
    )
    by_tag = lookup.get_namespace(None)
    for tag, element_class in html.HtmlElementClassLookup._default_element_classes.items():
        by_tag[tag] = element_class
    parser = HTML_PARSER.copy()  # trafilatura's settings
    parser.set_element_class_lookup(lookup)
    return parser


def _plain_lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


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
    cleaned = " ".join(text.split())
    return cleaned or None
