"""Identifier checksums, the PII detector and the name tagger (synthetic strings)."""

from __future__ import annotations

import pytest

from onrecord.detectors.pii import PiiDetector
from onrecord.detectors.pii import checksums as ck


@pytest.mark.parametrize(
    ("fn", "value", "ok"),
    [
        (ck.luhn, "4111111111111111", True),
        (ck.luhn, "4111111111111112", False),
        (ck.iban, "GB82WEST12345698765432", True),
        (ck.iban, "GB82WEST12345698765433", False),
        (ck.us_ssn, "536220198", True),
        (ck.us_ssn, "666123456", False),
        (ck.us_ssn, "900123456", False),
        (ck.uk_nino, "AB123456C", True),
        (ck.uk_nino, "GB123456C", False),
        (ck.uk_nhs, "4010232137", True),
        (ck.uk_nhs, "4010232138", False),
        (ck.nz_ird, "49091850", True),
        (ck.nz_ird, "136410132", True),
        (ck.nz_ird, "49091851", False),
        (ck.au_tfn, "876543210", True),
        (ck.au_tfn, "876543211", False),
        (ck.ca_sin, "130692544", True),
        (ck.ca_sin, "130692545", False),
        (ck.ipv4, "203.0.113.57", True),
        (ck.ipv4, "300.1.1.1", False),
    ],
)
def test_checksums(fn, value: str, ok: bool) -> None:  # type: ignore[no-untyped-def]
    assert fn(value) is ok


@pytest.fixture(scope="module")
def det() -> PiiDetector:
    return PiiDetector()


@pytest.mark.parametrize(
    ("text", "kind", "span"),
    [
        ("mail me at jo.bloggs@example.co.nz tonight", "EMAIL_ADDRESS", "jo.bloggs@example.co.nz"),
        ("call 021 555 0123 now", "PHONE_NUMBER", "021 555 0123"),
        ("ring (04) 555 0123", "PHONE_NUMBER", "(04) 555 0123"),
        ("phone +64 21 555 0123", "PHONE_NUMBER", "+64 21 555 0123"),
        ("US office 415-555-0132 ext. 12", "PHONE_NUMBER", "415-555-0132 ext. 12"),
        ("mobile 07700 900123", "PHONE_NUMBER", "07700 900123"),
        ("AU mobile 0412 345 678", "PHONE_NUMBER", "0412 345 678"),
        ("card 5555 5555 5555 4444 lost", "CREDIT_CARD", "5555 5555 5555 4444"),
        ("SSN 536-22-0198", "US_SSN", "536-22-0198"),
        ("NI number AB 12 34 56 C", "UK_NINO", "AB 12 34 56 C"),
        ("NHS number 401 023 2137", "UK_NHS", "401 023 2137"),
        ("IRD 49-091-850", "NZ_IRD", "49-091-850"),
        ("tax file number 876 543 210", "AU_TFN", "876 543 210"),
        ("SIN 130 692 544", "CA_SIN", "130 692 544"),
        ("from 203.0.113.57 again", "IP_ADDRESS", "203.0.113.57"),
        ("from 2001:db8::ff00:42:8329 again", "IP_ADDRESS", "2001:db8::ff00:42:8329"),
        ("claim number ACC-2024-55123 approved", "CASE_REFERENCE", "ACC-2024-55123"),
        ("DOB: 3 March 1990", "DATE_OF_BIRTH", "3 March 1990"),
        ("she lives at 42 Rata Street, Lower Hutt", "STREET_ADDRESS", "42 Rata Street, Lower Hutt"),
        ("sent to 1600 Pennsylvania Avenue NW", "STREET_ADDRESS", "1600 Pennsylvania Avenue NW"),
        # streets named by their type word (no cue needed)
        ("Timotea lives on Via dei Fiorentini 17.", "STREET_ADDRESS", "Via dei Fiorentini 17"),
        ("on the north side of Rua Diadema 1903.", "STREET_ADDRESS", "Rua Diadema 1903"),
        ("drop it at ul. Grochowa 80, Warszawa", "STREET_ADDRESS", "ul. Grochowa 80, Warszawa"),
        ("enter on Sludevej 13 St. the first month", "STREET_ADDRESS", "Sludevej 13"),
        ("Brucker Bundesstrasse 31, Wien", "STREET_ADDRESS", "Brucker Bundesstrasse 31, Wien"),
        ("Thanks to Mrs Aroha Ngata for her letter", "PERSON", "Aroha Ngata"),
        ("Resident Tama Wiremu complained", "PERSON", "Tama Wiremu"),
    ],
)
def test_detects(det: PiiDetector, text: str, kind: str, span: str) -> None:
    found = [(s.kind, s.text) for s in det.detect(text, "text")]
    assert (kind, span) in found, found


@pytest.mark.parametrize(
    "text",
    [
        "I voted for H.R. 3684 in 2021.",
        "Order 4111 1111 1111 1112 shipped",
        "Version 1.2.3 is out",
        "The meeting is at 10:30 on 12/05/2024",
        "We spent $1,250,000 on roads",
        "We met Via Zoom 3 times this week",
        "I joined the brigade 2 years ago",
        "rue the day 2 people said it",
    ],
)
def test_no_identifiers_in_ordinary_numbers(det: PiiDetector, text: str) -> None:
    kinds = {s.kind for s in det.detect(text, "text")} - {"PERSON"}
    assert not kinds, kinds


def test_public_figures_are_marked(det: PiiDetector) -> None:
    sigs = [s for s in det.detect("Minister Chris Bishop and Keir Starmer met Mrs Jane Doe", "text") if s.kind == "PERSON"]
    ev = {s.text: s.evidence for s in sigs}
    assert ev.get("Chris Bishop", "").startswith("public_figure")
    assert ev.get("Keir Starmer", "").startswith("public_figure")
    assert not ev.get("Jane Doe", "public_figure").startswith("public_figure")


def test_name_tagger_is_shipped() -> None:
    from onrecord.detectors.pii.names import NameTagger

    tagger = NameTagger.load()
    assert tagger is not None
    spans = tagger.tag("Yesterday John Smith met the council about the park")
    assert any(s.start == 10 and s.end == 20 for s in spans)


SENTENCES = [
    "Please call Mrs Jane Okafor about her claim on Tuesday.",
    "Met with Tom and Priya Sharma-Lee at the Riverside library, then J. R. Smith.",
    "THANK YOU to everyone who came out! Dr. Alvarez and Coach Kim were great.",
    "@maria_h thanks Maria, see you at the council meeting with Cllr Ngata.",
    "the report was written by anna de la cruz and o'brien",
]


def test_name_tagger_scores_like_its_training_features() -> None:
    """tag_tokens sums cached per-template weights; it must give the tags and margins that the
    features used in training (token_features) give when summed one by one."""
    from onrecord.detectors.pii.names import TAGS, TOKEN_RE, NameTagger, fold, shape, token_features

    tagger = NameTagger.load()
    if tagger is None:
        pytest.skip("name model not built")
    named = 0
    for text in SENTENCES:
        words = TOKEN_RE.findall(text)
        folded, shapes = [fold(w) for w in words], [shape(w) for w in words]
        expected: list[tuple[str, float]] = []
        prev = "O"
        for i, word in enumerate(words):
            if (prev == "O" and not (word[:1].isupper() or folded[i] in tagger.gaz_first)) or not word[:1].isalpha():
                expected.append(("O", 0.0))
                prev = "O"
                continue
            feats = token_features(words, folded, shapes, i, prev, tagger.gaz_first, tagger.gaz_last, tagger.common)
            s = [sum(tagger.weights.get(f, (0.0, 0.0, 0.0))[k] for f in feats) for k in range(3)]
            s[1] += tagger.offset
            s[2] = -1e9 if prev == "O" else s[2] + tagger.offset
            best = max(range(3), key=s.__getitem__)
            expected.append((TAGS[best], s[best] - s[0] if best else 0.0))
            prev = TAGS[best]
        got = tagger.tag_tokens(words)
        named += sum(t == "B-PER" for t, _ in got)
        assert [t for t, _ in got] == [t for t, _ in expected], text
        assert [m for _, m in got] == pytest.approx([m for _, m in expected], abs=1e-9), text
    assert named >= 3  # the sentences do exercise the name path


def test_name_pass_reuses_identifiers_without_changing_them() -> None:
    from onrecord.detectors.pii import PersonNameDetector

    texts = [
        "Call Mrs Aroha Ngata on 021 555 0199 or write to 12 Rata Street, Wellington.",
        "Dear John Smith, your SSN 078-05-1120 and card 4111 1111 1111 1111 are on file.",
        "Ms Jane Doe (jane.doe@example.org) lives at 44 Elm Road.",
    ]
    eager, names, full = PiiDetector(names=False), PersonNameDetector(), PiiDetector(names=True)
    for text in texts:
        for field in ("text", "comment"):
            alone = names.detect(text, field)
            eager.detect(text, field)  # leaves its identifiers for the name pass
            after = names.detect(text, field)
            again = names.detect(text, field)  # taken once: computed afresh now
            assert alone == after == again == [s for s in full.detect(text, field) if s.kind == "PERSON"]
            assert alone, text


ADDRESSES = [
    "Send it to 12 Rata Street, Wellington 6011.",
    "She lives at 221B Baker St, London NW1 6XE",
    "PSC 1234, Box 5678\nAPO AE 09876",
    "PO Box 4410, Auckland",
    "P.O. Box 77 Springfield",
    "Meet me at 44 Elm Road Apt 3",
    "1600 Pennsylvania Avenue NW, Washington, DC 20500",
    "12 34 Kent Terrace, Mt Victoria",
    "Top 40 Under 40 list",
    "The 2020 Census counts everyone",
    "address: Konigstrasse 5, Berlin",
    "moved to Rua Augusta 274, Lisboa",
    "Flat 2, 7 Queen Street\nDunedin",
    "88 Harbour View Road\nNorthland",
    "350 Fifth Avenue Suite 3300, New York, NY 10118",
    "lives in Via Roma 10",
    "Timotea lives on Via dei Fiorentini 17.",
    "ul. Grochowa 80, Warszawa",
    "Sludevej 13, Kobenhavn",
    "Brucker Bundesstrasse 31, Wien",
    "rua do Arenque 1634",
    "my new address is the corner of 159 Eleftheriou Venizelou str and Rennie Union",
]


def test_address_gate_never_hides_an_address() -> None:
    from onrecord.detectors.pii import patterns as P
    from onrecord.detectors.pii.detector import _address_gate

    gate = _address_gate()
    hits = named = 0
    for text in ADDRESSES + [t.replace(" ", "  ") for t in ADDRESSES] + [t.upper() for t in ADDRESSES]:
        kinds = gate.gate_kinds(text)
        assert kinds is not None, text
        if P.address_matches(text):
            hits += 1
            assert "street" in kinds, text
        if list(P.ADDRESS_EU_RE.finditer(text)):
            assert "eu" in kinds, text
        if list(P.ADDRESS_NAMED_RE.finditer(text)):
            named += 1
            assert "named" in kinds, text
    assert hits >= 10 and named >= 8
    assert gate.gate_kinds("Non-ASCII text always passes: Königstraße 5") is None  # no gate: every pattern runs
    assert gate.gate_kinds("12\x1fRata Street") is None  # Unicode \s reads U+001F as a space


def test_named_streets_are_found_as_the_pattern_finds_them() -> None:
    """``address_named_matches`` tries ADDRESS_NAMED_RE only near a hint and behind a literal gate on the lower-cased
    text; on texts built from street forms, near misses and other scripts it gives exactly what finditer gives."""
    import random

    from onrecord.detectors.pii import patterns as P
    from onrecord.detectors.pii.detector import _address_gate, _named_possible

    pieces = [
        "Via dei Fiorentini 17", "via Roma 3", "Rua do Arenque 1634, Goiânia", "rue Tachkent 31", "ul. Grochowa 80",
        "Brucker Bundesstrasse 31", "The Hauptstraße 5", "KONIGSTRASSE 5", "Sludevej 13 St.", "Corso 5", "et al. 2019",
        "Via Zoom 3 times", "İstiklal Caddesi 12", "Straße", "piazza", "Ulica Długa 7\n00-238 Warszawa", "brigade 2",
        "met at", "Lisa", "Wien", ",", "\n", "42", "Suite 5", "é", "Ørstedsvej 4", "Allée des Roses 9",
        "Hauptſtrasse 5", "İnönü Caddesi 4", "STRAẞE 7", "Vİa Roma 2", "Kıtaweg 3", "Ulica 5",
    ]
    rng = random.Random(11)
    gate = _address_gate()
    for _ in range(3000):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
        expected = [m.span() for m in P.ADDRESS_NAMED_RE.finditer(text)]
        assert [m.span() for m in P.address_named_matches(text)] == expected, text
        if expected:
            assert _named_possible(text, gate.gate_kinds(text)), text
            assert _named_possible(text, None), text  # the literal gate alone
