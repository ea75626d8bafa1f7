"""Abusive language: insults, harassment, slurs, threats."""

from __future__ import annotations

from collections.abc import Iterator

from onrecord.checks.base import Check, CheckContext, Hit
from onrecord.detectors.abuse import FLAG_AT
from onrecord.model.finding import Fix, Span

WHAT: dict[str, str] = {
    "slur": "a slur",
    "threat": "a threat",
    "insult": "an insult",
    "harassment": "harassing language",
    "profanity": "strong profanity",
}
MAX_HITS = 5
GRAVE = frozenset({"slur", "threat"})


class AbusiveLanguage(Check):
    """Insults, harassment, slurs, threats and strong profanity, also when disguised.

    **What it flags.** Words and phrases from the abuse lexicon (slurs, threats such as "I know
    where you live", insults aimed at someone, "shut up"/"f*** off") and posts the shipped
    abusive-language model scores as abusive. Text is normalised first, so "i d i o t", "1d10t",
    "stuuupid", look-alike Cyrillic letters and zero-width characters do not hide a word; the span
    points at the original characters. Ambiguous words ("pig", "liar", "trash") count only when
    aimed at someone ("you pig"). Mild words ("damn", "crap") are not flagged on their own.

    **Why it matters.** Codes of conduct require courtesy and respect to the public and colleagues,
    and forbid harassment and discrimination (NZ Code standards; Civil Service Code; APS Code
    s13(3); House Rule XXIII; LGA Model Code). Abuse from an official or identifiable account
    reflects on the office. A slur or a threat is also reported under the code's disrepute clauses
    (APS limiting factor 4, NZ Code standard 3, 5 CFR 735.203, …), which bind in private too.

    **Example.** "Only a moron would vote against this."

    **Better.** "I disagree strongly with those voting against this, and here is why."

    **Fix safety.** Display only: rewording needs a person; nothing is changed automatically.
    """

    code = "AB01"
    name = "abuse.language"
    groups = ("abuse", "core")
    topics = ("abuse", "disrepute")
    needs = frozenset({"abuse"})

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        fields = ("text", "comment", "bio", "display_name") if ctx.post.action == "profile" else ("text", "comment")
        sigs = [s for s in ctx.signals.of("abuse", fields=fields) if s.score >= FLAG_AT]
        sigs.sort(key=lambda s: (-s.score, s.start))
        for s in sigs[:MAX_HITS]:
            sub = s.evidence.split(":", 1)[0]
            yield Hit(
                topic="abuse",
                message=f"Contains {WHAT.get(sub, 'abusive language')} ('{s.text}').",
                span=Span(start=s.start, end=s.end, text=s.text, field=s.field),
                entity=sub,
                fix=Fix(applicability="display", title="Reword without the abusive language"),
            )
        # Slurs and threats are the conduct the codes' disrepute clauses name ("notoriously disgraceful
        # conduct", damage to the agency's reputation), whatever the capacity; insults and profanity are not.
        grave = next((s for s in sigs if s.evidence.split(":", 1)[0] in GRAVE), None)
        if grave is not None:
            sub = grave.evidence.split(":", 1)[0]
            yield Hit(
                topic="disrepute",
                message=f"{WHAT[sub].capitalize()} reflects on the service, even from a personal account.",
                span=Span(start=grave.start, end=grave.end, text=grave.text, field=grave.field),
                entity=sub,
            )


CHECKS: list[type[Check]] = [AbusiveLanguage]
