"""The abusive-language detector (synthetic strings)."""

from __future__ import annotations

import msgspec
import pytest

from onrecord.detectors.abuse import AbuseDetector, Squeezed, is_abusive, load_model
from onrecord.detectors.base import run_detectors
from onrecord.model.post import Post


@pytest.fixture(scope="module")
def det() -> AbuseDetector:
    return AbuseDetector()


@pytest.mark.parametrize(
    ("text", "subtype", "span"),
    [
        ("you stupid moron", "insult", "moron"),
        ("I will kill you", "threat", "kill you"),
        ("shut up already", "harassment", "shut up"),
        ("you are a pig", "insult", "pig"),
        ("f*ck off", "harassment", "f*ck off"),
    ],
)
def test_lexicon(det: AbuseDetector, text: str, subtype: str, span: str) -> None:
    sigs = det.detect(text, "text")
    assert (subtype, span) in [(s.evidence.split(":")[0], s.text) for s in sigs]
    assert is_abusive(sigs)


@pytest.mark.parametrize(
    "text",
    [
        "Kill the bill! Protest at parliament on Friday.",
        "The hot dog stand opens at noon.",
        "Scunthorpe council has a new pool.",
        "Thanks everyone for coming to the community meeting.",
        "Damn, what a game.",
    ],
)
def test_benign(det: AbuseDetector, text: str) -> None:
    assert not is_abusive(det.detect(text, "text"))


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("you are an i d i o t", "i d i o t"),
        ("you are so stuuuupid", "stuuuupid"),
        ("you m\u043er\u200bon", "m\u043er\u200bon"),
        ("you 1d10t", "1d10t"),
    ],
)
def test_evasion_through_run_detectors(det: AbuseDetector, text: str, original: str) -> None:
    post = msgspec.convert({"text": text}, Post)
    sigs = run_detectors(post, [det]).of("abuse")
    assert original in [s.text for s in sigs]
    for s in sigs:
        assert text[s.start : s.end] == s.text


def test_squeeze_maps_back() -> None:
    sq = Squeezed("sttuuupid pig")
    assert sq.text == "stupid pig"
    i = sq.text.index("pig")
    assert "sttuuupid pig"[slice(*sq.span(i, i + 3))] == "pig"
    assert "sttuuupid pig"[slice(*sq.span(0, 6))] == "sttuuupid"


def test_model_is_shipped() -> None:
    assert load_model() is not None
