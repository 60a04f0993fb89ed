"""The pipeline: the stages in order, on the records of `record.py`.

    raw unit -> read -> extract -> repair -> strip boilerplate -> site templates
             -> validate -> write          \\-> quarantine (with a reason)

Each stage takes an `Article` and returns one (or a `Rejected`). `clean_unit` runs the
per-unit stages; a worker runs `prepare_unit`, which adds the article's validation and the
keys the site-template profile reads, so that the process that keeps the profile has only the
template stage (`strip_templates`) and writing left to do (with the story features, what
near-duplicates and story clusters are found by, computed many articles at once as the
shard writes them), and publish only compares. Reading the
inputs, shards, the spool, the manifest and publishing a day live in `newsclean.day`.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from newsclean import __version__
from newsclean.boilerplate.templates import DocumentKeys, TemplateProfile, document_keys
from newsclean.config import Settings
from newsclean.record import Article, RawUnit, Rejected
from newsclean.rows import article_record
from newsclean.validate import ARTICLE, validation_error

PIPELINE_VERSION = __version__
INTERNAL_ERROR = "pipeline.error."  # the reason prefix of a unit that hit a newsclean bug


def clean_unit(unit: RawUnit, settings: Settings) -> Article | Rejected:
    """Extract, repair and strip one unit. Never raises: a failure is a rejection."""
    # The stages' modules (trafilatura, ftfy, the boilerplate rules) are imported where
    # they run: the parent of a run that cleans in worker processes imports this module
    # for the template stage and never loads them. The workers' server has them loaded.
    from newsclean.extract import extract_unit

    try:
        extracted = extract_unit(unit, settings)
        if isinstance(extracted, Rejected):
            return extracted
        return clean_article(extracted, settings)
    except MemoryError:
        return Rejected.of(
            unit,
            "pipeline",
            "pipeline.out_of_memory",
            "cleaning this unit exceeded worker_memory_bytes",
        )
    except RecursionError:
        return Rejected.of(
            unit, "pipeline", "pipeline.too_deep", "input nested too deeply to parse"
        )
    except Exception as error:  # the one place an unexpected failure becomes data
        return _failed(unit, error)


class Prepared(NamedTuple):
    """A cleaned article as a worker hands it to its shard: the article, the validation
    error of its record (None when valid) and the keys the site-template profile reads
    (None without a source domain). Its story features are computed by the shard, many
    articles at once, as it writes them (`newsclean.stories.store.FeatureWriter`)."""

    article: Article
    error: str | None
    keys: DocumentKeys | None


def prepare_unit(
    unit: RawUnit, settings: Settings, *, ingest_date: date, template_words: int
) -> Prepared | Rejected:
    """`clean_unit`, then the per-article work of a shard that needs no other article.

    Run in the workers. `template_words` is the shard profile's max_words."""
    article = clean_unit(unit, settings)
    if isinstance(article, Rejected):
        return article
    try:
        error = validation_error(record_of(article, ingest_date), ARTICLE)
        keys = None
        if article.source_domain:
            removed = (removal.text for removal in article.removed)
            keys = document_keys(article.text, template_words, removed)
        return Prepared(article, error, keys)
    except Exception as error:  # as in clean_unit: a failure becomes data
        return _failed(unit, error)


def record_of(article: Article, ingest_date: date) -> dict:
    """The article's output record, as this pipeline version writes it."""
    return article_record(article, ingest_date=ingest_date, pipeline_version=PIPELINE_VERSION)


def clean_article(article: Article, settings: Settings) -> Article:
    """Repair, then strip boilerplate, recording every change on the article."""
    return strip_article(repair_article(article, settings), settings)


def repair_article(article: Article, settings: Settings) -> Article:
    """Repair the text and the metadata lines, recording each repair."""
    from newsclean.repair import fix_encoding, repair_text

    repairs = []
    metadata = {}
    for name in ("title", "description", "site_name"):
        value = getattr(article, name)
        if value:
            metadata[name], fixed = fix_encoding(value)
            repairs.extend(fixed)
    authors = tuple(fix_encoding(author)[0] for author in article.authors)
    text, text_repairs = repair_text(
        article.text,
        language=article.language,
        fix_typos=settings.fix_typos,
        languages=settings.typo_language_codes,
    )
    repairs.extend(text_repairs)
    return article.evolve(**metadata, authors=authors, text=text, repairs=tuple(repairs))


def strip_article(article: Article, settings: Settings) -> Article:
    """Strip boilerplate blocks from the text (if the settings say so), recording each."""
    from newsclean.boilerplate.strip import strip_boilerplate

    if not settings.remove_boilerplate:
        return article
    source = "html" if article.source_format == "html" else "text"
    detectors = settings.detector_names
    classifier = True
    if source != "html":  # a text or markdown scrape: the layers its settings name
        detectors = detectors if settings.scrape_detectors else ()
        classifier = settings.learned_boilerplate_scrapes
    text, stripped = strip_boilerplate(
        article.text,
        title=article.title,
        language=article.language,
        source=source,
        learned=settings.learned_boilerplate and (classifier or bool(detectors)),
        detectors=detectors,
        classifier=classifier,
    )
    return article.evolve(text=text, removed=article.removed + tuple(stripped))


def strip_templates(
    article: Article, templates: TemplateProfile, keys: DocumentKeys | None, settings: Settings
) -> Article:
    """Strip the lines of its source's site template (learned across documents and days)
    from the text, recording each; the same article when nothing is template."""
    if not settings.remove_boilerplate or keys is None:
        return article
    text, stripped = templates.strip(article.source_domain, article.text, keys)
    if not stripped:
        return article
    return article.evolve(text=text, removed=article.removed + tuple(stripped))


def _failed(unit: RawUnit, error: Exception) -> Rejected:
    return Rejected.of(
        unit, "pipeline", f"{INTERNAL_ERROR}{type(error).__name__}", str(error)[:1000]
    )
