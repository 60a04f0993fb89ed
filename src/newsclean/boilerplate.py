"""Strip template text (widgets, promos, bios, share bars, ...) from extracted story text.

Text arrives as one paragraph per line. Two stages:

- `strip_boilerplate`: a catalogue of named rules, applied with regard to position.
  Most boilerplate stands at the head or tail of a story, or as short isolated lines;
  a long story paragraph is almost never touched.
- `TemplateProfile`: lines that repeat across many documents of one source domain are
  site template even when no rule names them. The profile is persisted and grows over
  runs, with bounded memory (hashes of short lines only, capped per domain).

Every removed line is reported as `Removal(kind, text)`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from newsclean.record import Removal

# ---------------------------------------------------------------------------
# Line features


_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKUP = re.compile(r"^(?:#{1,6}\s+|>\s*|[-*+]\s+)|\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")


def _plain(line: str) -> str:
    """The line without markdown links and emphasis, NFKC-normalized, spaces folded."""
    line = unicodedata.normalize("NFKC", line).replace("\u2019", "'")
    line = _MARKDOWN_LINK.sub(r"\1", line)
    line = _MARKDOWN_MARKUP.sub("", line.strip())
    return " ".join(line.split())


def _fold(line: str) -> str:
    """Casefolded plain form used for rule matching and comparisons."""
    return _plain(line).casefold()


def _words(line: str) -> int:
    return len(line.split())


_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*$")
_LETTER = re.compile(r"[^\W\d_]")


def _is_prose(line: str) -> bool:
    """A line that reads like a story paragraph: long enough and sentence-shaped."""
    words = _words(line)
    if words >= 25:
        return True
    return words >= 8 and bool(_SENTENCE_END.search(line))


# ---------------------------------------------------------------------------
# The rule catalogue


class Rule(NamedTuple):
    """One named kind of boilerplate.

    `pattern` is matched against the folded line (`re.fullmatch` unless `search`).
    `where` says where a match may be removed: "anywhere" (the pattern alone is proof),
    or "edge" (only in the head or tail run of non-prose lines, or next to other
    boilerplate). `max_words` bounds the line length the rule may touch.
    `opens_block` marks headings after which the short lines that follow (a list of
    links, widget counters) belong to the same block.
    """

    kind: str
    pattern: re.Pattern[str]
    where: str = "anywhere"
    max_words: int = 12
    search: bool = False
    opens_block: bool = False
    case_sensitive: bool = False


def _alt(*phrases: str) -> str:
    return "(?:" + "|".join(phrases) + ")"


_MONTHS = _alt(
    r"jan(?:uary|\.)?", r"feb(?:ruary|\.)?", r"mar(?:ch|\.)?", r"apr(?:il|\.)?", "may",
    r"june?", r"july?", r"aug(?:ust|\.)?", r"sep(?:t|tember|\.)?", r"oct(?:ober|\.)?",
    r"nov(?:ember|\.)?", r"dec(?:ember|\.)?",
    # German and French month names
    "januar", "jänner", "februar", "märz", "mai", "juni", "juli", "oktober", "dezember",
    "janvier", "février", "mars", "avril", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip
_WEEKDAYS = _alt(
    r"mon(?:day)?", r"tue(?:s|sday)?", r"wed(?:nesday)?", r"thu(?:rs|rsday)?",
    r"fri(?:day)?", r"sat(?:urday)?", r"sun(?:day)?",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
)  # fmt: skip
_DATE = _alt(
    rf"(?:{_WEEKDAYS},? )?{_MONTHS} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}",
    rf"(?:{_WEEKDAYS},? )?\d{{1,2}}(?:st|nd|rd|th|\.)? (?:de )?{_MONTHS},? \d{{4}}",
    r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}",
    r"\d{4}-\d{2}-\d{2}(?:t[\d:.+z-]+)?",
)
_TIME = r"\d{1,2}[:.h]\d{2}(?: ?[ap]\.?m\.?)?(?: [a-z]{2,4})?(?: uhr)?"

_SHARE_TOKENS = _alt(
    "share", "shares", "share this", "share this (?:article|story|post|page)", "share on",
    "share via", "tweet", "facebook", "twitter", "x", "linkedin", "whatsapp", "telegram",
    "pinterest", "pin it", "reddit", "tumblr", "email", "e-mail", "mail", "print",
    "copy link", "copy", "link", "messenger", "flipboard", "pocket", "xing", "sms",
    "teilen", "teile", "drucken", "versenden", "partager", "imprimer", "envoyer",
    "compartir", "condividi", "comment", "comments", "save", "bookmark",
)  # fmt: skip

_RELATED_HEADINGS = _alt(
    "related", "related articles?", "related stories", "related posts?", "related content",
    "related coverage", "related reading", "related news", "related topics",
    "more on this (?:story|topic)", "more stories", "more from [\\w .'-]{1,30}",
    "more news", "more in [\\w .'-]{1,30}", "read more", "read next", "read also",
    "see also", "you may also like", "you might also like", "you may be interested in",
    "recommended(?: for you| stories| articles| reading)?", "most popular", "most read",
    "popular posts", "trending(?: now| stories)?", "top stories", "latest news",
    "latest stories", "latest posts", "recent posts", "further reading", "also read",
    "editor's picks", "don't miss", "in case you missed it", "what to read next",
    "mehr zum thema", "lesen sie auch", "das könnte sie auch interessieren",
    "weitere artikel", "weitere informationen", "ähnliche artikel", "meistgelesen",
    "à lire aussi", "a lire aussi", "lire aussi", "sur le même sujet", "à voir aussi",
    "articles similaires", "les plus lus",
)  # fmt: skip

_REACTIONS = _alt(
    "like", "likes", "dislike", "love", "funny", "angry", "sad", "wow", "haha", "lol",
    "happy", "surprised", "upvote", "downvote", "helpful", "not helpful", "yes", "no",
)  # fmt: skip


def _rule(kind: str, pattern: str, **options: object) -> Rule:
    return Rule(kind, re.compile(pattern), **options)  # type: ignore[arg-type]


RULES: tuple[Rule, ...] = (
    # Reaction widgets: "What's Your Reaction?" then Like / 0 / Dislike / 0 ...
    _rule(
        "reaction",
        r"what'?s your reaction\??|how (?:do|did) you feel about this (?:article|story)\??"
        r"|was this (?:article|page|story) (?:helpful|useful)\??|rate this (?:article|story)"
        r"|wie gefällt ihnen (?:dieser artikel|das)\??|votre avis\s*\??",
        opens_block=True,
    ),
    _rule("reaction", rf"{_REACTIONS}(?: ?\(?\d+\)?)?", where="edge", max_words=3),
    # Share bars
    _rule("share", rf"(?:{_SHARE_TOKENS})(?:[ :|/,·•-]+(?:{_SHARE_TOKENS}))*:?", max_words=10),
    _rule(
        "share",
        r"(?:share|teilen|partager)(?: this| diesen| cet)? ?(?:article|story|post|artikel)?"
        r" (?:on|via|auf|sur|per) .{1,60}",
        max_words=10,
    ),
    _rule("share", r"\d+ (?:shares?|comments?|kommentare?|commentaires?)", max_words=3),
    # Newsletter sign-ups (imperative, short); a sentence that mentions one stays.
    _rule(
        "newsletter",
        r"(?:sign up|subscribe|register|join|get|want)(?: now)?(?: for| to)?"
        r"(?: our| the| my| a| free)?(?: free| daily| weekly)?"
        r" [\w .'&-]{0,40}newsletters?\b.*"
        r"|newsletter(?: sign[- ]?up| anmeldung| abonnieren| kostenlos abonnieren)?:?"
        r"|(?:jetzt )?(?:zum |unseren |den )?newsletter (?:abonnieren|anmelden|bestellen)\b.*"
        r"|abonnez-vous à (?:notre|la) newsletter\b.*|(?:s'|)inscri(?:re|vez-vous) à"
        r" (?:notre|la) newsletter\b.*"
        r"|.{0,60}\b(?:delivered|straight|direct(?:ly)?) to your inbox\b.*"
        r"|enter your e-?mail(?: address)?.{0,60}|your e-?mail(?: address)?:?"
        r"|by (?:signing up|subscribing),? you agree\b.*",
        max_words=30,
    ),
    _rule("newsletter", r"subscribe(?: now| today| here)?[.!]?|abonnieren|s'abonner", max_words=3),
    # Event and product promos placed inside a story
    _rule("promo", r"[\w.&'-]+ events?", where="edge", max_words=3),
    _rule(
        "promo",
        rf"[\w .'-]{{2,40}}, [\w .'-]{{2,30}} ?\| ?{_DATE}(?: ?[-–] ?.{{1,20}})?",
        max_words=10,
    ),
    _rule(
        "promo",
        r"(?:register|get your tickets?|buy tickets|save your seat|book now|learn more"
        r"|sign up now|register now|start (?:your )?free trial|try it free|download (?:the|our) app"
        r"|get the app)\b.{0,80}",
        max_words=15,
    ),
    # Author bios and contact lines
    _rule(
        "bio",
        r"(?:[A-Z][\w'.-]+(?: [A-Z][\w'.-]*){1,3}|She|He|They) (?:is|was|has been|covers)"
        r" (?:a|an|the|our|[A-Z]\w+'s)(?: [\w-]+){0,5} (?:writer|reporter|editor|correspondent"
        r"|journalist|columnist|contributor|author|producer|freelancer|intern|analyst|critic"
        r"|photographer|blogger|staff writer)\b.*"
        r"|[A-Z][\w'.-]+(?: [A-Z][\w'.-]*){1,3} (?:ist|war) (?:\w+ )?(?:Redakteur|Reporter"
        r"|Korrespondent|Journalist|Autor|Kolumnist)(?:in)?\b.*"
        r"|[A-Z][\w'.-]+(?: [A-Z][\w'.-]*){1,3} est (?:\w+ )?(?:journaliste|rédact(?:eur|rice)"
        r"|correspondante?|reporter|chroniqueu(?:r|se))\b.*",
        where="edge",
        max_words=150,
        case_sensitive=True,
    ),
    _rule(
        "bio",
        r"(?:about the author|about the writer|author bio|über den autor|über die autorin"
        r"|à propos de l'auteur|view bio|full bio|more from this author|author profile"
        r"|see all (?:posts|articles|stories) by .{1,40}|all posts by .{1,40}"
        r"|posts by .{1,40}|more articles by .{1,40}|articles by .{1,40})",
        max_words=8,
    ),
    _rule(
        "contact",
        r"(?:you can )?(?:contact|reach|email|e-mail|follow) (?:or verify outreach from )?"
        r"[\w .'-]{1,40} (?:by emailing|at|on|via|by email)\b.*",
        where="edge",
        max_words=45,
    ),
    _rule(
        "contact",
        r"(?:got a (?:news )?tip|have a tip|send (?:us )?(?:a )?tips?|contact us|kontakt|contact)"
        r"\b.{0,80}",
        where="edge",
        max_words=20,
    ),
    # Advertising
    _rule(
        "ads",
        r"(?:advertisement|advertising|sponsored(?: content| post| links?)?|ad|ads|anzeige"
        r"|werbung|publicité|publicite|annonce|story continues below(?: advertisement)?"
        r"|article continues below(?: advertisement)?|continue reading below"
        r"|scroll to continue(?: with content)?|skip (?:this )?ad|paid content"
        r"|promoted(?: content| stories)?|partner content)",
        max_words=6,
    ),
    # Copyright and legal notices
    _rule(
        "legal",
        r"(?:©|\(c\)|copyright\b|&copy;).{0,200}",
        max_words=40,
    ),
    _rule(
        "legal",
        r".{0,120}\b(?:all rights reserved|alle rechte vorbehalten|tous droits réservés"
        r"|todos los derechos reservados)\b.{0,120}",
        max_words=40,
    ),
    _rule(
        "legal",
        r"(?:impressum|datenschutz(?:erklärung)?|privacy policy|privacy|terms of use"
        r"|terms of service|terms and conditions|terms & conditions|cookie policy|disclaimer"
        r"|mentions légales|politique de confidentialité|cgu|cgv|agb|imprint|legal notice"
        r"|accessibility|sitemap|site map)"
        r"(?:[ |·•/,-]+(?:impressum|datenschutz(?:erklärung)?|privacy policy|privacy|terms of use"
        r"|terms of service|terms and conditions|cookie policy|disclaimer|mentions légales"
        r"|politique de confidentialité|agb|imprint|legal notice|accessibility|sitemap|kontakt"
        r"|contact(?: us)?|about(?: us)?|careers|advertise|faq|help))*",
        max_words=20,
    ),
    # Cookie banners
    _rule(
        "cookie",
        r".{0,200}\b(?:(?:we|this (?:web)?site|our (?:web)?site|wir) uses? cookies"
        r"|use of cookies|accept (?:all )?cookies|cookie (?:settings|preferences|consent)"
        r"|verwendet cookies|nutzt cookies|utilise des cookies|utilisation (?:des|de) cookies"
        r"|akzeptieren|accepter (?:les|tous les) cookies)\b.*",
        max_words=70,
    ),
    _rule(
        "cookie",
        r"(?:accept|accept all|reject all|decline|i agree|got it|ok|okay|alle akzeptieren"
        r"|akzeptieren|ablehnen|tout accepter|tout refuser|accepter|refuser)[.!]?",
        where="edge",
        max_words=3,
    ),
    # Tags and categories
    _rule("tags", r"(?:tags?|tagged(?: with)?|schlagwörter|schlagworte|stichwörter|mots-clés"
          r"|mots clés|étiquettes|topics|themen|keywords)\s*:.{0,200}", max_words=30),
    _rule("tags", r"(?:filed under|posted in|categories|category|kategorie|rubrique"
          r"|catégories?)\s*:.{0,200}", max_words=30),
    # Navigation: breadcrumbs, skip links, pagers, menus
    _rule(
        "navigation",
        r"(?:home|start|startseite|accueil)(?: ?[>»›/|] ?[^>»›|]{1,40}){1,6}",
        max_words=20,
    ),
    _rule(
        "navigation",
        r"(?:skip to (?:main )?content|skip to navigation|jump to|zum inhalt springen"
        r"|aller au contenu|back to top|nach oben|retour en haut|menu|main menu|search"
        r"|suche|rechercher|home|startseite|accueil|previous(?: (?:article|post|story))?"
        r"|next(?: (?:article|post|story))?|older posts|newer posts|« previous|next »"
        r"|zurück|weiter|précédent|suivant|load more|show more|mehr anzeigen|voir plus"
        r"|loading\.*|log ?in|sign ?in|sign ?up|register|anmelden|se connecter|login"
        r"|my account|mein konto|mon compte|close|schließen|fermer|toggle navigation)[.:!]?",
        max_words=5,
    ),
    _rule("navigation", r"(?:page|seite) \d+ (?:of|von|sur|de) \d+", max_words=6),
    # Comments sections
    _rule(
        "comments",
        r"(?:\d+ )?(?:comments?|kommentare?|commentaires?|leave a (?:comment|reply)"
        r"|post a comment|add a comment|join the (?:conversation|discussion)"
        r"|schreibe einen kommentar|kommentar schreiben|laisser un commentaire"
        r"|(?:no|keine) (?:comments?|kommentare)(?: yet)?|be the first to comment"
        r"|comments are closed|show comments|view comments)[.:!]?(?: \(\d+\))?",
        max_words=8,
        opens_block=True,
    ),
    # Related-content headings and inline "READ MORE: ..." teasers
    _rule("related", rf"{_RELATED_HEADINGS}[:.!]?", max_words=8, opens_block=True),
    _rule(
        "related",
        r"(?:read more|read also|also read|related|see also|more|recommended|watch"
        r"|listen|lesen sie auch|mehr zum thema|lire aussi|à lire aussi|a lire aussi"
        r"|lire également|voir aussi|auch interessant)\s*[:>»|–—-]\s*.{3,200}",
        max_words=30,
    ),
    # Image credits and captions markers
    _rule(
        "credit",
        r"(?:photo|image|picture|foto|bild|credit|source|quelle|crédit|getty images|reuters"
        r"|ap photo|afp|dpa)s?(?: credit)?\s*[:/©].{0,100}",
        where="edge",
        max_words=15,
    ),
    # Dates, times and bylines standing alone at the head or tail
    _rule(
        "dateline",
        rf"(?:(?:published|posted|updated|last updated|last modified|veröffentlicht"
        rf"|aktualisiert|stand|publié|mis à jour|modifié)(?: on| am| le)?:? ?)?"
        rf"(?:{_DATE}|{_TIME})(?:,? (?:at |um |à )?(?:{_DATE}|{_TIME}))*"
        r"(?: ?[|,•·-] ?.{0,40})?",
        where="edge",
        max_words=14,
    ),
    _rule(
        "byline",
        r"(?:by|von|par|written by|geschrieben von|posted by|reported by|autor(?:in)?:"
        r"|author:|auteur ?:)\s+[\w'’.-]+(?:[ ,]+(?:and |und |et |& )?[\w'’.-]+){0,6}"
        r"(?: ?[|,•·-] ?.{0,60})?",
        where="edge",
        max_words=14,
    ),
    _rule("reading_time", r"(?:\d+|one|two|three|five) ?(?:-| )?min(?:ute)?s?(?: read|\.? lesezeit"
          r"| de lecture)?|lesezeit:? \d+ min(?:uten)?\.?|reading time:? \d+ min(?:utes)?\.?",
          max_words=6),
    # Debris: lines with no letters (table pipes, separators, lone counters)
    _rule("debris", r"[\W_]+", max_words=40),
    _rule("debris", r"[\W\d_]+", where="edge", max_words=40),
)  # fmt: skip


def _classify(line: str) -> Rule | None:
    """The first rule whose pattern matches the line, or None."""
    plain = _plain(line)
    folded = plain.casefold()
    words = _words(plain)
    for rule in RULES:
        if words > rule.max_words:
            continue
        subject = plain if rule.case_sensitive else folded
        if rule.search:
            matched = rule.pattern.search(subject)
        else:
            matched = rule.pattern.fullmatch(subject)
        if matched:
            return rule
    return None


# ---------------------------------------------------------------------------
# Position logic


def _edge_flags(lines: list[str], matches: list[Rule | None] | None = None) -> list[bool]:
    """True for lines in the head or tail run of the text.

    The head run is the lines before the first story paragraph: a prose line that no
    rule claims. The tail run is the lines after the last one. A bio at the foot of a
    story reads like prose, but its rule claims it, so it belongs to the tail run.
    """
    if matches is None:
        matches = [None] * len(lines)
    story = [
        index
        for index, (line, rule) in enumerate(zip(lines, matches, strict=True))
        if rule is None and _is_prose(line)
    ]
    if not story:
        return [True] * len(lines)
    first, last = story[0], story[-1]
    return [index < first or index > last for index in range(len(lines))]


def _is_block_member(line: str) -> bool:
    """A short, non-sentence line: a link title in a list, a counter in a widget."""
    return _words(line) <= 16 and not _is_prose(line)


def _same_title(line: str, title: str) -> bool:
    def key(value: str) -> str:
        return re.sub(r"[\W_]+", "", _fold(value))

    return bool(key(title)) and key(line) == key(title)


def strip_boilerplate(
    text: str, *, title: str | None = None, language: str | None = None
) -> tuple[str, list[Removal]]:
    """Remove template lines from story text; return the kept text and what went.

    `text` holds one paragraph per line. A rule marked "anywhere" removes its line
    wherever it stands; an "edge" rule only in the head or tail run of non-prose lines
    or next to other removed lines. Headings that open a block (related lists, reaction
    widgets) take the short lines that follow them. `language` is accepted for future
    per-language rules; the catalogue already covers English, German and French.
    """
    lines = text.split("\n")
    kinds: list[str | None] = [None] * len(lines)

    if title and lines and _same_title(lines[0], title):
        kinds[0] = "title"

    matches = [_classify(line) if line.strip() else None for line in lines]
    edge = _edge_flags(lines, matches)

    for index, rule in enumerate(matches):
        if kinds[index] is not None or rule is None:
            continue
        if rule.where == "anywhere" or edge[index]:
            kinds[index] = rule.kind

    # Edge-only matches that sit beside removed lines are part of the same block.
    changed = True
    while changed:
        changed = False
        for index, rule in enumerate(matches):
            if kinds[index] is not None or rule is None:
                continue
            neighbours = [i for i in (index - 1, index + 1) if 0 <= i < len(lines)]
            if any(kinds[i] not in (None, "title") for i in neighbours) and not _is_prose(
                lines[index]
            ):
                kinds[index] = rule.kind
                changed = True

    # Block headings take the short non-prose lines that follow them.
    for index, rule in enumerate(matches):
        if rule is None or not rule.opens_block or kinds[index] != rule.kind:
            continue
        follower = index + 1
        while follower < len(lines) and (
            kinds[follower] is not None or not lines[follower].strip()
            or (edge[follower] and _is_block_member(lines[follower]))
        ):
            if kinds[follower] is None:
                kinds[follower] = rule.kind
            follower += 1

    kept: list[str] = []
    removed: list[Removal] = []
    for line, kind in zip(lines, kinds, strict=True):
        if kind is None:
            kept.append(line)
        elif line.strip():
            removed.append(Removal(kind, line))
    return _drop_blank_edges("\n".join(kept)), removed


def _drop_blank_edges(text: str) -> str:
    return text.strip("\n")


# ---------------------------------------------------------------------------
# Site templates learned across documents


def _line_key(line: str) -> str:
    """A short stable hash of a line's folded form, digits masked."""
    folded = re.sub(r"\d", "0", _fold(line))
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class TemplateSettings:
    """Thresholds for calling a line site template.

    A line is template when it is short (`max_words`), its domain has at least
    `min_documents` documents observed, the line occurs in at least `min_count`
    of them and in at least `min_share` of them, and it stands in the head or tail
    run of non-prose lines (or is not prose at all). `max_lines_per_domain` bounds
    memory: when exceeded, the rarest hashes are pruned.
    """

    max_words: int = 16
    min_documents: int = 5
    min_count: float = 3.0
    min_share: float = 0.4
    max_lines_per_domain: int = 20_000

    def __post_init__(self) -> None:
        if self.max_words < 1 or self.min_documents < 1 or self.min_count < 1:
            raise ValueError("template thresholds must be positive")
        if not 0 < self.min_share <= 1:
            raise ValueError("min_share must be in (0, 1]")
        if self.max_lines_per_domain < 100:
            raise ValueError("max_lines_per_domain must be at least 100")


@dataclass
class _DomainCounts:
    documents: float = 0.0
    lines: dict[str, float] = field(default_factory=dict)


class TemplateProfile:
    """Per-domain line statistics; observe all documents of a run, then strip.

    Counts are document frequencies of hashed short lines. A stored profile can be
    loaded with `from_json`, aged with `decay`, and extended by this run's `observe`
    calls (or combined with `merge`), so the profile grows over runs and works on
    small days too.
    """

    def __init__(self, settings: TemplateSettings | None = None) -> None:
        self.settings = settings or TemplateSettings()
        self._domains: dict[str, _DomainCounts] = {}

    # -- learning ----------------------------------------------------------------

    def observe(self, domain: str | None, text: str) -> None:
        """Count each distinct short line of one document for its domain."""
        if not domain:
            return
        counts = self._domains.setdefault(domain, _DomainCounts())
        counts.documents += 1
        for key in {_line_key(line) for line in self._candidates(text)}:
            counts.lines[key] = counts.lines.get(key, 0.0) + 1
        if len(counts.lines) > self.settings.max_lines_per_domain:
            self._prune(counts)

    def _candidates(self, text: str) -> Iterable[str]:
        for line in text.split("\n"):
            if line.strip() and _words(line) <= self.settings.max_words:
                yield line

    def _prune(self, counts: _DomainCounts) -> None:
        keep = self.settings.max_lines_per_domain // 2
        ranked = sorted(counts.lines.items(), key=lambda item: item[1], reverse=True)
        counts.lines = dict(ranked[:keep])

    def decay(self, factor: float) -> None:
        """Age all counts by `factor` (0..1], so old templates fade out over runs."""
        if not 0 < factor <= 1:
            raise ValueError("decay factor must be in (0, 1]")
        for counts in self._domains.values():
            counts.documents *= factor
            counts.lines = {
                key: value * factor for key, value in counts.lines.items() if value * factor >= 0.5
            }

    def merge(self, other: TemplateProfile) -> None:
        """Add another profile's counts (e.g. from a parallel shard) to this one."""
        for domain, theirs in other._domains.items():
            ours = self._domains.setdefault(domain, _DomainCounts())
            ours.documents += theirs.documents
            for key, value in theirs.lines.items():
                ours.lines[key] = ours.lines.get(key, 0.0) + value
            if len(ours.lines) > self.settings.max_lines_per_domain:
                self._prune(ours)

    # -- applying ----------------------------------------------------------------

    def is_template(self, domain: str | None, line: str) -> bool:
        """Whether a line is frequent enough in its domain to be template text."""
        counts = self._domains.get(domain or "")
        if counts is None or counts.documents < self.settings.min_documents:
            return False
        if not line.strip() or _words(line) > self.settings.max_words:
            return False
        seen = counts.lines.get(_line_key(line), 0.0)
        return seen >= self.settings.min_count and seen >= self.settings.min_share * counts.documents

    def strip(self, domain: str | None, text: str) -> tuple[str, list[Removal]]:
        """Remove lines that are template text for `domain`; kind "template"."""
        lines = text.split("\n")
        edge = _edge_flags(lines)
        kept: list[str] = []
        removed: list[Removal] = []
        for index, line in enumerate(lines):
            if self.is_template(domain, line) and (edge[index] or not _is_prose(line)):
                removed.append(Removal("template", line))
            else:
                kept.append(line)
        return _drop_blank_edges("\n".join(kept)), removed

    # -- persistence -------------------------------------------------------------

    def to_json(self) -> dict:
        """A JSON-ready dict; counts are rounded to keep the stored file small."""
        return {
            "version": 1,
            "domains": {
                domain: {
                    "documents": round(counts.documents, 3),
                    "lines": {key: round(value, 3) for key, value in counts.lines.items()},
                }
                for domain, counts in sorted(self._domains.items())
            },
        }

    @classmethod
    def from_json(
        cls, data: dict, settings: TemplateSettings | None = None
    ) -> TemplateProfile:
        """Load a profile written by `to_json`."""
        if data.get("version") != 1:
            raise ValueError(f"unsupported template profile version: {data.get('version')!r}")
        profile = cls(settings)
        for domain, stored in data.get("domains", {}).items():
            profile._domains[domain] = _DomainCounts(
                documents=float(stored["documents"]),
                lines={key: float(value) for key, value in stored["lines"].items()},
            )
        return profile

    def domains(self) -> list[str]:
        """The domains with observed documents."""
        return sorted(self._domains)
