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


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("you little n*gger", "n*gger"),  # a letter-for-letter (=) term with a masked letter
        ("niiiicca please", "niiiicca"),  # vowels of = terms may repeat
        ("shut up, you trailer trash", "trailer trash"),
        ("that half-breed again", "half-breed"),
        ("look at http://t.co/abc\u201dbitch", "bitch"),  # a quote mark ends the link
        ("wud up nig, text me later", "nig"),  # a slur on its own, not only when aimed
    ],
)
def test_lexicon_variants(det: AbuseDetector, text: str, span: str) -> None:
    post = msgspec.convert({"text": text}, Post)
    sigs = run_detectors(post, [det]).of("abuse")
    assert span in [s.text for s in sigs]
    assert is_abusive(sigs)


@pytest.mark.parametrize(
    "text",
    [
        "Officials continue to assess the damage from the storm.",  # "asses" is letter for letter: no "assess"
        "Our Maine coon cat won a ribbon at the county fair.",  # "ok" phrases hide the term inside
        "The coon hound field trials start Saturday.",
        "Proud to support queer youth in our district this Pride month.",  # group words never flag via the model
        "The National Council of Negro Women meets at the library today.",
        "Ho ho ho! Merry Christmas from all of us at the office.",
        "Whitey Bulger's trial begins Monday.",
        "Pleased to meet the Nig Delta Trade Mission in Washington today.",  # a Capitalised name, not the slur
    ],
)
def test_benign_official(det: AbuseDetector, text: str) -> None:
    post = msgspec.convert({"text": text}, Post)
    assert not is_abusive(run_detectors(post, [det]).all)


def test_group_word_counts_when_aimed(det: AbuseDetector) -> None:
    sigs = det.detect("you are such a queer", "text")
    assert [(s.evidence.split(":")[0], s.text) for s in sigs] == [("insult", "queer")]


@pytest.mark.parametrize(
    "text",
    [
        "lol_bitch whatever",  # "_" parts tokens for the model but is a word character for \b
        "you, ho!",  # a bigram whose words are parted by punctuation
        "what a ho",
        "Thanks to everyone who came out on Saturday.",
        "meet me at 10am @someone http://t.co/x",
        "a pig, a rat and a snake walk into a bar",
    ],
)
def test_gate_is_exact(det: AbuseDetector, text: str) -> None:
    """The gate only skips the model where it cannot change the answer."""

    class Always(AbuseDetector):
        def _may_flag(self, text: str, found: list[int] | None = None) -> bool:
            return True

    model = load_model()
    assert model is not None
    assert det.detect(text, "text") == Always(model).detect(text, "text")


def test_detector_takes_a_model() -> None:
    model = load_model()
    assert model is not None
    assert AbuseDetector(model).model is model
    assert AbuseDetector(model=False).model is None


def test_two_weight_tables() -> None:
    """The probability comes from ``score_weights``; the min-weight rule reads the plain ``weights``."""
    import numpy as np

    from onrecord.detectors.abuse import AbuseModel

    vocab = ["alpha", "beta", "LEX:insult"]
    model = AbuseModel(vocab, np.array([2.0, 0.5, 1.0]), 0.0, 0.5, 1.0, np.array([-3.0, 0.0, 0.0]), -1.0)
    p, span, top = model.score([("alpha", 0, 5), ("beta", 6, 10)])
    assert p < 0.05  # sigmoid(-1 - 3)
    assert (span, top) == ((0, 5), 2.0)
    plain = AbuseModel(vocab, np.array([2.0, 0.5, 1.0]), 0.0, 0.5)
    assert plain.score([("alpha", 0, 5)])[0] > 0.85  # sigmoid(2)
    shipped = load_model()
    assert shipped is not None and set(shipped.w) == set(shipped._both)
