"""The rule catalogue (data): one named kind of boilerplate per rule.

Every pattern is matched against a whole line (casefolded unless the rule says
otherwise), and every rule bounds the length of line it may touch, so a rule never
cuts into a story paragraph: a sentence that merely mentions a newsletter or the word
"Share" does not match. English, German and French are covered, with the commonest
Spanish, Portuguese, Italian, Polish and Dutch phrases. The engine that matches lines
against the catalogue is `newsclean.boilerplate.rules`.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

Where = Literal["anywhere", "edge"]


class Rule(NamedTuple):
    """One named kind of boilerplate.

    `where` says where a match may be removed: "anywhere" (the pattern alone is proof)
    or "edge" (only in the head or tail run of the text, or beside other boilerplate).
    `max_words` bounds the lines the rule may touch. `opens_block` marks headings whose
    following short lines (a list of links, widget counters) belong to the same block.
    `in_pairs` marks an edge rule whose lines go wherever two of them stand together
    (a comment form's fields and buttons, set between a story's paragraphs): a line it
    names goes beside another line that such a rule names, as beside other boilerplate.
    """

    kind: str
    pattern: re.Pattern[str]
    where: Where = "anywhere"
    max_words: int = 12
    opens_block: bool = False
    case_sensitive: bool = False
    in_pairs: bool = False


def _rule(kind: str, *patterns: str, **options: object) -> Rule:
    """A rule from lower-case patterns (matched against the lower-cased line, which is
    much faster than IGNORECASE) or, with case_sensitive=True, against the line as is."""
    return Rule(kind, re.compile("|".join(patterns)), **options)  # type: ignore[arg-type]


def _alt(*phrases: str) -> str:
    return "(?:" + "|".join(phrases) + ")"


MONTHS = _alt(
    r"jan(?:uary|\.)?", r"feb(?:ruary|\.)?", r"mar(?:ch|\.)?", r"apr(?:il|\.)?", "may",
    r"june?", r"july?", r"aug(?:ust|\.)?", r"sep(?:t|tember|\.)?", r"oct(?:ober|\.)?",
    r"nov(?:ember|\.)?", r"dec(?:ember|\.)?",
    "januar", "jänner", "februar", "märz", "mai", "juni", "juli", "oktober", "dezember",
    "janvier", "février", "mars", "avril", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
    "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip
WEEKDAYS = _alt(
    r"mon(?:day)?", r"tue(?:s|sday)?", r"wed(?:nesday)?", r"thu(?:rs|rsday)?",
    r"fri(?:day)?", r"sat(?:urday)?", r"sun(?:day)?",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo",
)  # fmt: skip
DATE = _alt(
    rf"(?:{WEEKDAYS},? )?{MONTHS} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}",
    rf"(?:{WEEKDAYS},? )?\d{{1,2}}(?:st|nd|rd|th|\.|er)? (?:de )?{MONTHS},? (?:de )?\d{{4}}",
    rf"{MONTHS} \d{{4}}",
    r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}",
    r"\d{4}[./-]\d{1,2}[./-]\d{1,2}(?:t[\d:.+z-]+)?",
)
# A clock time; "18h30" only after a date, since alone it is as often a duration.
TIME = r"\d{1,2}[:.]\d{2}(?::\d{2})?(?: ?[ap]\.?m\.?)?(?: [a-z]{2,4})?(?: uhr)?"
TIME_AFTER_DATE = r"\d{1,2}(?:[:.h]\d{2}|h)(?::\d{2})?(?: ?[ap]\.?m\.?)?(?: [a-z]{2,4})?(?: uhr)?"

_SHARE_TOKENS = _alt(
    "share", "shares", "share this", r"share this (?:article|story|post|page)", "share on",
    "share via", "tweet", "facebook", "twitter", "x", "linkedin", "whatsapp", "telegram",
    "pinterest", "pin it", "reddit", "tumblr", "email", "e-mail", "mail", "print",
    "copy link", "copy", "link", "messenger", "flipboard", "pocket", "xing", "sms",
    "teilen", "teile", "teilen mit", "sharen mit", "drucken", "versenden", "partager",
    "imprimer", "envoyer", "compartir", "compartir en", "condividi", "udostępnij",
    "comment", "comments", "save", "bookmark", "gefällt mir", "like this", "link copied!?",
    r"like loading\W*", r"gefällt mir wird geladen\W*", r"j'aime chargement\W*",
    "share full article", "share this article", "artikel teilen", "merken",
    r"zur merkliste(?: hinzufügen)?", "feedback", "artikel anhören", "vorlesen",
    "lire plus tard", "réagir", "commenter", "offrir cet article", "artikel verschenken",
    r"rss(?: feeds?)?", "stumbleupon", "digg", "delicious", "youtube", "instagram", r"google\+",
    "google bookmarks", "share to", "sharing is caring", r"per (?:e-?)?mail", "inhalt teilen",
)  # fmt: skip

_RELATED_HEADINGS = _alt(
    "related", r"related (?:articles?|stories|posts?|content|coverage|reading|news|topics"
    r"|links|videos?)", r"more on this (?:story|topic)", "more stories",
    r"more from [\w .'-]{1,30}", "more news", r"more in [\w .'-]{1,30}", "read more",
    "read next", "read also", "see also", "you may also like", "you might also like",
    r"you may (?:also )?be interested in", r"recommended(?: for you| stories| articles| reading)?",
    "most popular", "most read", "popular posts", r"trending(?: now| stories)?",
    "top stories", "latest news", "latest stories", "latest posts", "recent posts",
    "further reading", "also read", "editor's picks", "don't miss", "in case you missed it",
    "what to read next", "up next",
    r"mehr zum thema(?: (?:auf|bei) [\w.-]+)?",
    r"lesen sie (?:auch|hier|mehr)(?: die folgenden \w+)?",
    "lies auch", "auch lesen", "empfohlene (?:beiträge|artikel)", "mehr themen",
    r"top[- ]themen(?: (?:bei|auf|von) .{1,30})?", r"weitere \w*(?:tipps|themen|artikel|beiträge"
    r"|nachrichten|news|meldungen)(?: (?:in|zu|aus|von|bei|auf) .{1,30})?",
    r"(?:das|dieses|diese) (?:thema|themen|artikel) könnte(?:n)? (?:dich|sie|euch) (?:auch )?"
    r"interessieren", r"más (?:sobre|de) [\w .-]{1,30}", "dowiedz się więcej", "czytaj więcej",
    r"das könnte (?:sie|dich) (?:auch )?interessieren", "auch interessant",
    r"weitere (?:aktuelle )?(?:artikel|beiträge|themen|nachrichten|meldungen|informationen)"
    r"(?: [\w .-]{1,40})?", "ähnliche (?:artikel|beiträge)", "meistgelesen", "schon gelesen",
    "zum weiterlesen", "weiterlesen", "vorschau auf den nächsten artikel",
    r"(?:nächster|vorheriger) (?:artikel|beitrag)", r"beiträge aus dem forum",
    r"auch (?:auf|bei) [\w-]+\.[a-z]{2,4}", r"mehr (?:aus|von|zu) [\w .-]{1,30}",
    "à lire aussi", "a lire aussi", "lire aussi", "à lire également", "sur le même sujet",
    "à voir aussi", "articles similaires", "les plus lus", "dans la même rubrique",
    "contenido relacionado", "notas relacionadas", "noticias relacionadas",
    "artículos relacionados", "te puede interesar", "le puede interesar",
    "también te puede interesar", "lo más leído", "temas", "etiquetas",
    "leia também", "veja também", "notícias relacionadas", "leggi anche",
    "articoli correlati", "czytaj także", "czytaj też", "zobacz także", "zobacz też",
    "lees ook", "gerelateerde artikelen", "topics", "related topics",
    "explore more on these topics", "most viewed", r"elsewhere on [\w .'-]{1,30}",
)  # fmt: skip

_RELATED_PREFIXES = _alt(
    "read more", "read also", "also read", "related", "see also", "recommended", "watch",
    "listen", "read", "more", "lesen sie auch", "lies auch", "mehr zum thema", "siehe auch",
    "lesetipp", "auch interessant", "auch lesen", "lesen sie hier", "lesen sie mehr",
    "dowiedz się więcej", "czytaj więcej", "zobacz", "lire aussi", "à lire aussi", "a lire aussi",
    "lire également", "voir aussi", "à voir", "a voir", "lea también", "lee también",
    "lea más", "lea", "lee", "mire", "mira", "vea también", "ver también", "vea",
    "puedes ver", "puede ver", "te puede interesar", "le puede interesar", "leia também",
    "veja também", "leia mais", "leggi anche", "czytaj także", "czytaj też",
    "zobacz także", "zobacz też", "lees ook", "lees meer",
)  # fmt: skip

_REACTIONS = _alt(
    "like", "likes", "dislike", "love", "funny", "angry", "sad", "wow", "haha", "lol",
    "happy", "surprised", "upvote", "downvote", "helpful", "not helpful", "yes", "no",
    "ja", "nein", "oui", "non", "sí",
)  # fmt: skip

_WRITER_ROLES = _alt(
    "writer", "reporter", "editor", "correspondent", "journalist", "columnist",
    "contributor", "author", "producer", "freelancer", "intern", "analyst", "critic",
    "photographer", "blogger", "staff writer", "newsletter writer", "host",
)  # fmt: skip

# A comment form's fields, and the notes beside their labels.
_FORM_FIELDS = _alt(
    r"(?:your |ihre? |votre |tu |su )?(?:(?:full |first |last |display |user ?)?name|nickname"
    r"|e-?mail(?: address)?|mail|website(?: url)?|web site|url|uri|home ?page|comment|message"
    r"|subject|vorname|nachname|e-?mail-adresse|webseite|kommentar|nachricht|betreff|nom"
    r"|prénom|pseudo|adresse (?:e-?mail|électronique)|site (?:web|internet)|commentaire|nombre"
    r"|correo(?: electrónico)?|comentario|sitio web|imię|komentarz)",
)
_FORM_NOTES = r"(?:\s*[*:]|\s*\([^)]{0,60}\)|\s+(?:required|optional))*"

_PERSON = r"[A-ZÀ-Ý][\w'.-]*(?: [A-ZÀ-Ý][\w'.-]*){0,3}"
_NAME = r"[A-ZÀ-Ý][\w'.-]+(?: (?:[A-ZÀ-Ý][\w'.-]*|van|von|de|da|del|der|le|la)){1,3}"

_RIGHTS = (
    r".{0,200}\b(?:all rights reserved|alle rechte vorbehalten|tous droits réservés"
    r"|todos los derechos reservados|tutti i diritti riservati|wszelkie prawa zastrzeżone)"
    r"\b.{0,200}",
    r".{0,100}\b(?:is the copyrighted property of|written permission must be obtained"
    r"|may not be (?:published|reproduced|redistributed|rewritten)|without (?:prior )?written"
    r" permission|darf (?:nicht|nur mit) .{0,60}(?:veröffentlicht|verbreitet|vervielfältigt)"
    r"|reproduction (?:interdite|totale ou partielle)|chroniony prawem autorskim"
    r"|urheberrechtlich geschützt|protégé par le droit d'auteur)\b.*",
)

RULES: tuple[Rule, ...] = (
    # Reaction widgets: "What's Your Reaction?" then Like / 0 / Dislike / 0 ...
    _rule(
        "reaction",
        r"what'?s your reaction\??", r"how (?:do|did) you feel about this (?:article|story)\??",
        r"(?:was|is) this (?:article|page|story|post|answer) (?:helpful|useful)\??",
        r"did you find this (?:article|page|story|post)? ?(?:helpful|useful)\??",
        r"rate this(?: article| story| post)?:?", r"bewerten:?", r"artikel bewerten:?",
        r"wie (?:gefällt|hilfreich) (?:ihnen|dir|war) (?:dieser artikel|das|der artikel)\??",
        r"votre avis\s*\??", r"cet article vous a-t-il été utile\s*\??",
        opens_block=True,
    ),
    _rule("reaction", rf"{_REACTIONS}(?: ?\(?\d+\)?)?", where="edge", max_words=3),
    # Share bars
    _rule("share", rf"(?:{_SHARE_TOKENS})(?:[ :|/,·•-]+(?:{_SHARE_TOKENS}))*:?", max_words=10),
    _rule(
        "share",
        r"(?:share|teilen|partager|compartir|condividi)(?: this| diesen| cet)?"
        r" ?(?:article|story|post|artikel|beitrag|l'article)? (?:on|via|auf|sur|per|en|su) .{1,60}",
        max_words=10,
    ),
    _rule(
        "share",
        r"[\d.,]+k? (?:shares?|views?"
        r"|aufrufe|likes?)",
        max_words=3,
    ),
    # Newsletter sign-ups: imperative and short. A sentence that mentions one stays.
    _rule(
        "newsletter",
        r"(?:sign up|subscribe|register|join|get|want|never miss|don't miss|receive)\b"
        r".{0,120}\bnewsletters?\b.*",
        r"sign up (?:now |today |here )?(?:to|for) (?:get|receive|our|the|free)\b.*",
        r"(?:[\w&'.-]+ ){0,4}newsletter(?: sign[- ]?up)?:?",
        r"newsletter (?:anmeldung|abonnieren|kostenlos abonnieren|bestellen)",
        r"(?:jetzt )?(?:den |unseren |zum )?newsletter (?:abonnieren|anmelden|bestellen)\b.*",
        r"(?:mit unserem|unser) newsletter\b.*",
        r".{0,150}\b(?:our|unseren?|unserem|notre|nos|nuestro|nuestra|naszego)"
        r" \w*newsletter\w*\b.*",
        r".{0,150}\b(?:melde dich|meld dich|abonniere|sign up|subscribe)\b.{0,80}\bnewsletter\b.*",
        r".{0,100}\b(?:by|via|per) e-?mail and never miss\b.*", r".{0,60}never miss (?:our|a|the)"
        r" (?:top |latest |best )?(?:stories|story|update|issue)\b.*",
        r".{0,100}\b(?:rss[- ]feed abonnieren|subscribe (?:to|via) (?:our )?rss)\b.*",
        r"zapraszamy (?:też |także )?do (?:subskrypcji|prenumeraty)\b.*",
        r"melden sie sich (?:jetzt )?(?:für|zu|zum) (?:unseren |unserem )?newsletter\b.*",
        r"(?:abonnez-vous|inscrivez-vous|recevez|s'inscrire|s'abonner) (?:à|a)?"
        r" ?(?:notre|la|nos) (?:newsletter|lettre d'information)\b.*",
        r"suscr[íi]bete (?:a|al|gratis a) (?:nuestro|nuestra|nuestros)"
        r" (?:newsletter|bolet[íi]n)\b.*",
        r".{0,60}\b(?:delivered|straight|direct(?:ly)?|right) (?:to|into) your in-?box\b.*",
        r"(?:join|subscribe to|sign up for|get on) (?:our |the |my )?.{0,60}\bmailing list\b.*",
        r"sign me up\W*", r"please enter a valid e-?mail(?: address)?\.?",
        r".{0,80}\bcheck the boxes? below to (?:sign up|subscribe)\b.*",
        r"enter your e-?mail(?: address)?.{0,60}", r"your e-?mail(?: address)?:?",
        r"by (?:signing up|subscribing|clicking),? you (?:agree|accept)\b.*",
        r".{0,80}\b(?:sign up|subscribe|register) here[.!]?",
        max_words=30,
    ),
    _rule(
        "newsletter",
        r"subscribe(?: now| today| here)?[.!]?", r"abonnieren", r"s'abonner",
        r"jetzt (?:kostenlos )?(?:anmelden|registrieren|abonnieren)[.!]?", r"suscr[íi]bete",
        max_words=3,
    ),
    # Paywalls and subscription prompts
    _rule(
        "paywall",
        r".{0,100}\b(?:to (?:view|read|continue reading|access|unlock) (?:the|this) (?:full )?"
        r"(?:story|article|content)|for the full story|already (?:a )?(?:subscriber|member)"
        r"|(?:subscribers?|members?)[- ]only|this (?:article|story|content) is (?:for|only"
        r" available to|reserved for) (?:subscribers|members)"
        r"|subscribe (?:now )?to (?:continue|read"
        r"|keep reading)|continue reading with|start your (?:free )?trial"
        r"|pour lire la suite|pour accéder en illimité|réservé aux abonnés|déjà abonné"
        r"|nur für abonnenten|bereits abonnent|exklusiv für abonnenten|jetzt weiterlesen mit"
        r"|(?:first-time )?subscribers (?:also )?(?:receive|get) (?:a|an|our)"
        r"|hazte (?:miembro|socio)|suscr[íi]bete para (?:seguir|continuar)|cancela cuando"
        r" quieras|cancel (?:at )?any ?time)\b.*",
        max_words=40,
    ),
    # Event, app, social and donation promos placed around or inside a story
    _rule("promo", r"[\w.&'-]+ events?", where="edge", max_words=3),
    _rule(
        "promo",
        rf"[\w .'-]{{2,40}}, [\w .'-]{{2,30}} ?\| ?{DATE}(?: ?[-–] ?.{{1,20}})?",
        max_words=10,
    ),
    _rule(
        "promo",
        r"(?:register|get your tickets?|buy tickets|save your seat|book now|learn more"
        r"|sign up now|register now|start (?:your )?free trial|try it free|download (?:the|our)"
        r" app|get the app)\b.{0,80}",
        max_words=15,
    ),
    _rule(
        "promo",
        r".{0,80}\bdownload (?:the|our) .{0,40}\bapps? (?:for|on|from) .{0,20}"
        r"(?:ios|android|iphone|app store|google play)\b.*",
        r".{0,80}\b(?:lade|laden sie) (?:dir |sich )?(?:die|unsere) .{0,30}app\b.*",
        max_words=30,
    ),
    _rule(
        "promo",
        r".{0,80}\b(?:im abo|als e-?paper|print edition|digital edition|jetzt am kiosk"
        r"|exklusive angebote|exclusive offers|offres exclusives"
        r"|(?:einfach )?hier klicken und)\b.*",
        where="edge",
        max_words=30,
    ),
    _rule(
        "social",
        r".{0,60}\b(?:follow|like|join|find|subscribe to|folge|folgt|folgen sie|suivez|"
        r"rejoignez|s[íi]guenos|sigue|[úu]nete(?: a)?|abonniere|abonnieren sie)"
        r"[ -](?:us|uns|nous|our|unseren?|unserem|notre|nos|nuestro|nuestra)\b.{0,60}"
        r"\b(?:facebook|twitter|instagram|youtube|telegram|whatsapp|tiktok|linkedin|x|google"
        r" news|mastodon|threads|channel|kanal|canal)\b.*",
        r".{0,80}\b(?:our|unseren?|notre|nuestro) (?:canal|channel|kanal) (?:de|on|auf|sur)"
        r" (?:youtube|telegram|whatsapp)\b.*",
        r".{0,80}\b(?:tenemos|we have a|we're on) (?:canal de )?(?:telegram|whatsapp|youtube)\b.*",
        max_words=30,
    ),
    _rule(
        "donation",
        r".{0,100}\b(?:support (?:our (?:work|journalism|reporting)|us (?:on|with|by|today|now)"
        r"|independent journalism|quality journalism)|consider supporting|donate"
        r"(?: now| today)?|become a (?:member|patron|supporter)|we need your help"
        r"|unterstütze(?:n sie)? (?:uns|unsere arbeit) (?:mit|jetzt|finanziell|bereits)"
        r"|unterstütze [\w-]+ (?:bereits )?mit"
        r"|jetzt spenden|soutenez(?:-nous)?|faire un don|wesprzyj|apoya (?:nuestro|el)"
        r" periodismo|bezahlschranke|no paywall|keine paywall)\b.*",
        where="edge",
        max_words=80,
    ),
    # Author bios and contact lines (bios read as prose, so they stay at the edges)
    _rule(
        "bio",
        rf"(?:{_NAME}|She|He|They) (?:is|was|has been|covers|writes)(?: (?:a|an|the|our"
        rf"|[A-Z]\w+'s))?(?: [\w&-]+){{0,5}} {_WRITER_ROLES}s?\b.*",
        rf"{_NAME} (?:ist|war|schreibt als) (?:\w+ )?(?:Redakteur|Reporter|Korrespondent"
        rf"|Journalist|Autor|Kolumnist|Volontär)(?:in)?\b.*",
        rf"{_NAME} est (?:\w+ )?(?:journaliste|rédact(?:eur|rice)|correspondante?|reporter"
        rf"|chroniqueu(?:r|se))\b.*",
        where="edge",
        max_words=150,
        case_sensitive=True,
    ),
    _rule(
        "bio",
        r"(?:about the author|about the writer|author bio|über (?:den autor|die autorin)"
        r"|à propos de l'auteur|sobre el autor|view bio|full bio|more from this author"
        r"|author profile|see all (?:posts|articles|stories) by .{1,40}|all posts by .{1,40}"
        r"|(?:posts|more articles|articles|stories|(?:read )?more) by [\w .'-]{1,40}"
        r"|alle (?:artikel|beiträge)"
        r" von .{1,40})",
        max_words=8,
        opens_block=True,
    ),
    _rule(
        "contact",
        r"(?:you can )?(?:contact|reach|email|e-mail|follow|write to) (?:or verify outreach from )?"
        r"[\w .'-]{1,40} (?:by emailing|at|on|via|by email)\b.*",
        r"(?:puede escribirnos|escr[íi]benos|schreiben sie uns|schreib uns|écrivez-nous)\b.*",
        r"(?:got a (?:news )?tip|have a (?:news )?tip|send (?:us )?(?:a )?(?:news )?tips?"
        r"|contact us|kontakt|contact)\b.{0,120}",
        where="edge",
        max_words=45,
    ),
    _rule(
        "contact",
        r"[^|]{0,80}\b[\w.+-]+@[\w-]+\.[\w.]+\b[^|]{0,80}",
        where="edge",
        max_words=10,
    ),
    _rule("contact", r".{0,60}\bcontact (?:us|me) (?:at|via|by)\b.*", max_words=30),
    _rule(
        "contact",
        r".{0,100}\b(?:letters? to the editor|leserbrief(?:e|en)?|courrier des lecteurs)\b.*",
        where="edge",
        max_words=40,
    ),
    _rule(
        "bio",
        r"(?:redakteur(?:in)?|reporter(?:in)?|korrespondent(?:in)?|editor|correspondent"
        r"|staff writer|autor(?:in)?|journalist(?:in)?)"
        r"(?: (?:in der|im|für|for|at|bei|der) .{1,40})?\.?",
        where="edge",
        max_words=6,
    ),
    # Advertising and disclosures
    _rule(
        "ads",
        r"(?:advertisement|advertising|sponsored(?: content| post| links?)?|ad|ads|anzeige"
        r"|werbung|publicité|publicite|annonce|anuncio|publicidad|reklama|story continues"
        r" below(?: advertisement)?|article continues below(?: advertisement)?"
        r"|continue reading below|scroll to continue(?: with content)?|skip (?:this )?ad"
        r"|paid content|promoted(?: content| stories)?|partner content|\*?affiliate[- ]?links?"
        r"|skip advertisement|supported by|ad feedback|sponsor message|advertisement - scroll to"
        r" continue)"
        r"[.:!*]?",
        max_words=6,
    ),
    _rule(
        "ads",
        r"\*?(?:advertisement|anzeige|werbung|sponsored|publicité|anuncio)\s*[-:–|.*]\s*.{0,200}",
        r".{0,300}\b(?:this (?:post|article|page|story) (?:contains|may contain|includes)"
        r" (?:affiliate links|references to products|sponsored|paid)|we may (?:receive|earn)"
        r" (?:a )?(?:small )?(?:compensation|commission)|dieser (?:beitrag|artikel) (?:enthält"
        r"|beinhaltet) (?:werbung|affiliate[- ]links|provisions-links)|enthält (?:werbung"
        r"|affiliate[- ]links)|cet article contient des liens (?:affiliés|sponsorisés)"
        r"|advertise with (?:us|the|our)|amazon product advertising api)\b.*",
        max_words=80,
    ),
    _rule("ads", r".{0,120}\baffiliate[- ]?links?\b.*", max_words=25),
    _rule("ads", r".{0,120}\baffiliate[- ]?links?\b.*", where="edge", max_words=40),
    _rule(
        "legal",
        r".{0,100}\b(?:akzeptieren sie|you (?:agree|accept)(?: to)?|vous acceptez) (?:unsere|our"
        r"|nos|the) .{0,40}(?:datenschutz|nutzungsbedingungen|privacy|terms|conditions)\b.*",
        r"\(?(?:alle )?angaben ohne gewähr\.?\)?", r"(?:all )?information without guarantee\.?",
        max_words=50,
    ),
    # Copyright and legal notices
    _rule(
        "legal",
        r"(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4}|:)|copyright (?:by|of|holder)|&copy;).{0,400}",
        r".{0,60}(?:©|\(c\)) ?\d{4}.{0,200}",
        max_words=80,
    ),
    # A rights notice is short, or stands at the head or tail; a story paragraph that
    # discusses "all rights reserved" is long and sits between story paragraphs.
    _rule("legal", *_RIGHTS, max_words=16),
    _rule("legal", *_RIGHTS, where="edge", max_words=80),
    _rule(
        "legal",
        r"(?:sofern nicht anders (?:angegeben|ausgewiesen|vermerkt)|unless otherwise (?:noted"
        r"|stated|indicated)|licensed under (?:a |the )?creative commons|this work is licensed"
        r"|dieses werk ist lizenziert|lizenz: ?cc|license: ?cc|cc[- ]by(?:-[a-z]{2})*"
        r"(?: \d\.\d)?)\b.*",
        where="edge",
        max_words=40,
    ),
    _rule(
        "legal",
        r"(?:impressum|datenschutz(?:erklärung)?|privacy policy|privacy|terms of use"
        r"|terms of service|terms and conditions|terms & conditions|cookie policy|disclaimer"
        r"|mentions légales|politique de confidentialité|cgu|cgv|agb|imprint|legal notice"
        r"|accessibility|sitemap|site map|aviso legal|política de privacidad)"
        r"(?:[ |·•/,-]+(?:impressum|datenschutz(?:erklärung)?|privacy policy|privacy|terms of use"
        r"|terms of service|terms and conditions|cookie policy|disclaimer|mentions légales"
        r"|politique de confidentialité|agb|imprint|legal notice|accessibility|sitemap|kontakt"
        r"|contact(?: us)?|about(?: us)?|careers|advertise|faq|help|aviso legal))*",
        max_words=20,
    ),
    # Cookie banners
    _rule(
        "cookie",
        r".{0,200}\b(?:(?:we|this (?:web)?site|our (?:web)?site|wir|diese (?:website|webseite"
        r"|seite)|nous|ce site|utilizamos|este sitio(?: web)?) (?:uses?|use|verwenden|nutzen"
        r"|setzen|verwendet|nutzt|setzt|utilisons|utilise|utiliza)(?: \w+){0,2} cookies"
        r"|use of cookies|accept (?:all )?cookies|cookie (?:settings|preferences|consent"
        r"|einstellungen)|accepter (?:les|tous les) cookies|cookies (?:akzeptieren|zulassen))\b.*",
        max_words=70,
    ),
    _rule(
        "cookie",
        r".{0,100}\b(?:(?:den )?inhalt von .{1,60} zu laden|externe inhalte (?:laden|anzeigen)"
        r"|to load (?:the )?(?:content|video|map) from|load external content"
        r"|charger le contenu de)\b.*",
        max_words=40,
    ),
    _rule(
        "cookie",
        r"(?:accept|accept all|reject all|decline|i agree|got it|ok|okay|alle akzeptieren"
        r"|akzeptieren|ablehnen|tout accepter|tout refuser|accepter|refuser|aceptar)[.!]?",
        where="edge",
        max_words=3,
    ),
    # Tags and categories
    _rule(
        "tags",
        r"(?:tags?|tagged(?: with)?|schlagwörter|schlagworte|stichwörter|mots-clés|mots clés"
        r"|étiquettes|topics|themen|keywords|etiquetas|tagi)\s*:.{0,200}",
        max_words=30,
    ),
    _rule(
        "tags",
        r"(?:filed under|posted in|categories|category|kategorie|kategorien|rubrique"
        r"|catégories?|categorías?)\s*:.{0,200}",
        where="edge",
        max_words=30,
    ),
    # Navigation: breadcrumbs, skip links, pagers, menus
    _rule(
        "navigation",
        r"(?:home|start|startseite|accueil|inicio)(?: ?[>»›/|] ?[^>»›|]{1,40}){1,6}",
        r"[^>»›|]{1,30}(?: ?[>»›] ?[^>»›|]{1,40}){2,6}",
        max_words=20,
    ),
    _rule(
        "navigation",
        r"(?:skip to (?:main )?content|skip to navigation|jump to|zum inhalt springen"
        r"|continue reading(?: the main story| below)?|read (?:the )?full (?:article|story)"
        r"|zur startseite|listen to (?:this )?(?:article|story)(?: \d+ min(?:utes)?)?"
        r"|enlarge this image|toggle caption|hide caption|show caption|expand image"
        r"|aller au contenu|back to top|nach oben|retour en haut|menu|main menu|search"
        r"|suche|rechercher|home|startseite|accueil|previous(?: (?:article|post|story))?"
        r"|next(?: (?:article|post|story))?|older posts|newer posts|« previous|next »"
        r"|zurück|weiter|précédent|suivant|load more|show more|mehr anzeigen|voir plus"
        r"|loading\W*|wird geladen\W*|chargement\W*|cargando\W*|log ?in|sign ?in|sign ?up"
        r"|register|anmelden|se connecter|login|my account|mein konto|mon compte|close"
        r"|schließen|fermer|toggle navigation|bild anzeigen|bild vergrößern|enlarge image"
        r"|view image|play video|video abspielen|vollbild|fullscreen|inhaltsverzeichnis"
        r"|table of contents|contents|sommaire|índice|spis treści)[.:!]?",
        max_words=5,
    ),
    _rule("navigation", r"(?:page|seite|página) \d+ (?:of|von|sur|de) \d+", max_words=6),
    _rule(
        "navigation",
        rf".{{1,150}}(?: \| [^|]{{1,40}}){{2,}} \| {DATE}",
        where="edge",
        max_words=30,
    ),
    # Comment sections
    _rule(
        "comments",
        r"(?:\d+ )?(?:comments?|kommentare?|commentaires?|comentarios?|leave a (?:comment|reply)"
        r"|post a comment|add a comment|join the (?:conversation|discussion)|view comments"
        r"|schreibe einen kommentar|kommentar schreiben|kommentieren|laisser un commentaire"
        r"|(?:no|keine) (?:comments?|kommentare)(?: yet)?|be the first to comment"
        r"|comments are closed|show comments|kommentare insgesamt)[.:!]?(?: \(?\d+\)?)?",
        max_words=8,
        opens_block=True,
    ),
    _rule(
        "comments",
        r".{0,60}\b(?:must be logged in to (?:post|leave) a comment|eingeloggt sein,? um"
        r" (?:einen )?kommentare? zu (?:schreiben|verfassen)|connecté pour (?:publier|poster)"
        r" un commentaire|(?:sie sind|du bist) (?:aktuell |derzeit |noch )?nicht (?:eingeloggt"
        r"|angemeldet)|you are not logged in)\b.*",
        max_words=30,
    ),
    _rule(
        "comments",
        r".{0,80}\b(?:in den kommentaren|in the comments|dans les commentaires"
        r"|en los comentarios)\b.*",
        r".{0,80}\b(?:hinterlasse|hinterlassen sie|leave|schreib|schreiben sie) (?:uns )?"
        r"(?:einfach |gerne )?(?:einen|a|un) (?:kommentar|comment)\b.*",
        where="edge",
        max_words=40,
    ),
    # Comment forms: a field's label with its notes ("Name (required)", "Mail (will not
    # be published)", "Website", "E-Mail *"), and the form's own lines. Only where a
    # form stands: in the head or tail run, beside other boilerplate, or two together.
    _rule("comments", rf"{_FORM_FIELDS}{_FORM_NOTES}", where="edge", max_words=12, in_pairs=True),
    _rule(
        "comments",
        r"notify me (?:of|when|by) .{0,60}\b(?:comments?|posts?|replies)\b.*",
        r"(?:save|remember) my name,? e-?mail,? and website\b.*",
        r"(?:you (?:can|may) use these|allowed) (?:html )?(?:tags|html)\b.*",
        r"(?:some )?html(?: tags)? (?:is |are )?(?:not )?allowed\b.*",
        r"remember (?:me|personal info)\??", r"\(?required\)?\.?(?: not published\.?)?",
        r"(?:submit|send|publish|post) (?:a |your |the )?(?:comment|reply|message)[.!]?",
        r"cancel reply|leave this field (?:blank|empty)|captcha(?: code)?|anti-spam word\b.*",
        r"(?:kommentar|antwort) absenden|benachrichtig(?:e mich|ung) bei .{0,60}\b(?:kommentaren"
        r"|beiträgen)\b.*",
        r"(?:informiere|benachrichtige) mich über (?:neue )?(?:beiträge|kommentare|antworten)"
        r" per e-?mail\b.*",
        r"your ip address (?:will be|is) (?:logged|recorded|stored)\b.*",
        r"you are commenting using your [\w.+ ]{1,30} account\b.*",
        where="edge",
        max_words=40,
        in_pairs=True,
    ),
    # Related-content headings and inline "READ MORE: ..." teasers
    _rule("related", rf"{_RELATED_HEADINGS}\s*[:.!?]?", max_words=8, opens_block=True),
    _rule(
        "related",
        rf"{_RELATED_PREFIXES}\s*[:>»|–—]\s*.{{3,250}}",
        r"(?:>>(?!>)|→) ?.{3,200}(?: ?<<)?",
        max_words=35,
    ),
    # Syndication notes, wire credits and "Reporting by" lines at the foot of a story
    _rule(
        "syndication",
        r".{0,80}\b(?:this (?:article|story|post|piece) (?:was|is|has been) (?:originally|first)"
        r" (?:published|posted)|(?:originally|first) (?:published|appeared) (?:on|in|at|by)"
        r"|read the original article|republished (?:from|with permission|under a creative)"
        r"|erschien (?:zuerst|ursprünglich) (?:auf|in|bei)|initialement publié)\b.*",
        where="edge",
        max_words=40,
    ),
    _rule(
        "byline",
        r"mit material (?:von|der|des) .{1,60}", r"[\w .'-]{1,30} avec (?:afp|reuters|ap)",
        r"follow (?:\w+'s )?coverage (?:of .{1,50} )?at .{1,80}",
        where="edge",
        max_words=40,
    ),
    _rule(
        "promo",
        r"click here (?:to|for) .{1,100}", r"klicken sie hier,? um .{1,100}",
        r"cliquez ici pour .{1,100}",
        max_words=15,
    ),
    _rule(
        "legal",
        r"(?:our standards|privacy notice|reuse this content)\s*:?.{0,120}",
        where="edge",
        max_words=30,
    ),
    _rule("related", r"more [\w'.-]+(?: [\w'.-]+)?", where="edge", max_words=3, opens_block=True),
    _rule(
        "related",
        r"(?:(?:weitere|mehr) )?(?:infos?|informationen) (?:unter|auf|bei) \S+\.[a-z]{2,6}\S*\.?",
        r"(?:more (?:info|information|details)|plus d'infos?|plus d'informations) (?:at|on|sur)"
        r" \S+\.[a-z]{2,6}\S*\.?",
        r".{1,80} (?:findest du|finden sie|gibt es|gibt's) hier[.!]?",
        r"(?:read|learn|find out) more (?:here|about .{1,60} here)[.!]?",
        where="edge",
        max_words=12,
    ),
    _rule(
        "link",
        r"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}/?",
        where="edge",
        max_words=1,
    ),
    # Image credits, captions and agency signatures
    _rule(
        "credit",
        r"(?:photo|photos|image|images|picture|foto|fotos|fot\.|bild|bilder|beitragsbild"
        r"|titelbild|headerbild|symbolbild|credit|credits|crédit|crédits|quelle|source"
        r"|illustration|grafik|video|fuente|bildquelle|bildnachweis|fotonachweis|photograph"
        r"|image illustrative)(?: ?(?:credits?|nachweis|quelle))?\s*[:©].{0,150}",
        r"\((?:photo|foto|image|bild|credit|crédit|source|quelle|fuente)s?\s*:.{1,120}\)\.?",
        r"(?:crédits?|credits?) (?:photos?|images?|fotos?)\s*:.{0,150}",
        r"(?:fot|foto|phot)\.\s.{1,100}",
        r"(?:getty images|reuters|ap photo|afp|dpa|shutterstock|istock|imago)(?: ?/ ?.{1,60})?",
        max_words=15,
    ),
    _rule(
        "credit",
        # A caption: one short sentence ending in a photo credit. A story paragraph that
        # ends by citing its source "(Quelle: SWR)" is longer and is kept.
        r".{0,200}\((?:photo|foto|fotos|photos|bild|image|crédit|credit)s?\s*:[^)]{1,80}\)\.?",
        r".{0,200}(?:©|\(c\)) ?[\w .&/'-]{2,50}",
        max_words=25,
    ),
    _rule(
        "credit",
        r"\(?(?:[a-zäöü]{2,5}/)*(?:dpa|afp|ap|pap|apa|kna|epd|reuters|sda|ats|ansa|efe|dts)"
        r"(?:[-/][a-z]{2,5})*\)?",
        max_words=2,
    ),
    # Dates, times and bylines standing alone at the head or tail
    _rule(
        "dateline",
        rf"(?:(?:published|posted|updated|last updated|last modified|created|date|datum"
        rf"|veröffentlicht|aktualisiert|erstellt|stand|publié|mis à jour|modifié|publicado"
        rf"|actualizado|news date|letzte änderung|letzte aktualisierung|zuletzt (?:aktualisiert"
        rf"|geändert)|video verfügbar bis|verfügbar bis)(?: on| am| le| el| at)?\s*:?\s*)?"
        rf"{DATE}(?:,? (?:at |um |à |a las )?(?:{DATE}|{TIME_AFTER_DATE}))*"
        r"[.,]?(?:\s*[|,•·~-]\s*.{0,80}|\s+[\w ]{2,20}\s?:\s?.{0,60})?",
        # A time alone (no date) is a dateline only without a tail: "14:30 Uhr, Rathaus"
        # is event information.
        rf"(?:(?:published|posted|updated|aktualisiert|stand|publié|mis à jour)\s*:?\s*)?"
        rf"{TIME}(?:,? {DATE})?",
        rf".{{0,60}}\b(?:last modified|zuletzt geändert|letzte änderung)\s*:?\s*"
        rf"(?:{DATE}|{TIME}).*",
        where="edge",
        max_words=16,
    ),
    _rule(
        "dateline",
        r"(?:release date|published|posted|updated|last updated|last modified|created|date"
        r"|datum|veröffentlicht|aktualisiert(?: am)?|publié le|mis à jour le)\s*:?",
        where="edge",
        max_words=3,
    ),
    _rule(
        "byline",
        rf"(?:[Bb]y|BY|[Vv]on|VON|[Pp]ar|PAR|[Pp]or|POR|[Ww]ritten by|[Pp]osted by|[Rr]eported by"
        rf"|[Gg]eschrieben von)\s+{_PERSON}(?:\s*(?:,|and|und|et|y|&)\s*{_PERSON}){{0,3}}"
        rf"(?:(?:\s*[|•·]|\s[–-])\s.{{0,60}}|,\s*(?:{DATE}|{TIME}).{{0,30}})?",
        where="edge",
        max_words=14,
        case_sensitive=True,
    ),
    _rule(
        "byline",
        r"(?:autor(?:in)?|author|auteur|autores?)\s*:\s*.{1,100}",
        where="edge",
        max_words=14,
    ),
    _rule(
        "reading_time",
        r"(?:\d+|one|two|three|five) ?(?:-| )?min(?:ute)?s?\.?(?: read|(?: )?lesezeit"
        r"| de lecture| de lectura)?",
        r"(?:lesezeit|reading time|temps de lecture|tiempo de lectura|czas czytania)\s*:?.{0,20}",
        r"lecture:? \d+ min\.?",
        r"ten tekst przeczytasz w .{1,30}",
        max_words=8,
    ),
    # Debris: lines with no letters (table pipes, separators, lone counters)
    _rule("debris", r"[\W_]+", max_words=40),
    _rule("debris", r"(?![^€$£¥%]*[€$£¥%])[\W\d_]{1,8}", where="edge", max_words=3),
)  # fmt: skip


DEBRIS = RULES[-2]


MEDIA = Rule("media", re.compile(r"(?:!\[[^\]]*\]\([^)]*\)\s*)+"))
