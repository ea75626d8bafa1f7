"""Shared judgements for the political checks: is there partisan content, and whose words is it in."""

from __future__ import annotations

import msgspec

from onrecord.checks.base import CheckContext
from onrecord.checks.facts import facts_of
from onrecord.detectors.base import field_text
from onrecord.detectors.political import FOREIGN_TITLES, GOV_RE, PARTISAN_CUE_RE, government_markers, party_tables
from onrecord.model.finding import Span
from onrecord.model.signal import Signal

# Signals that on their own make content partisan (directed at a party's or candidate's success).
STRONG = ("electoral", "campaign_handle", "campaign_activity", "campaign_link")
PROFILE_FIELDS = ("text", "bio", "display_name", "profile_image", "header_image")
# Without facts, partisan_content() finds nothing unless one of these kinds is present.
PARTISAN_KINDS = frozenset({*STRONG, "donation_link", "party"})
OPINION_KINDS = frozenset({"political_opinion", "gov_criticism"})


def own_fields(ctx: CheckContext) -> tuple[str, ...]:
    """Fields holding the author's own words: for a share or like only the added comment."""
    action = ctx.post.action
    if action in ("share", "like"):
        return ("comment",)
    if action == "profile":
        return PROFILE_FIELDS
    return ("text", "comment")


def content_fields(ctx: CheckContext) -> tuple[str, ...]:
    """Fields whose content the author puts out (a share or like spreads the shared text too)."""
    if ctx.post.action == "profile":
        return PROFILE_FIELDS
    return ("text", "comment", "links")


def span_of(s: Signal) -> Span:
    return Span(start=s.start, end=s.end, text=s.text, field=s.field)


class PartisanContent(msgspec.Struct, frozen=True):
    """Why content counts as partisan, and where."""

    reason: str
    span: Span | None
    electoral: bool  # campaign/electoral advocacy, not only a party mention


def partisan_content(ctx: CheckContext, fields: tuple[str, ...] | None = None) -> PartisanContent | None:
    """Partisan content in ``fields`` (default: everything the author puts out), or None.

    Policy and issue talk is not partisan; neither is a comment on an election already decided
    (political activity is aimed at the success or failure of a party, candidate or partisan group).
    Computed once per post and field set; several checks ask.
    """
    fs = fields or content_fields(ctx)
    key = ("partisan", fs)
    if key not in ctx.memo:
        ctx.memo[key] = _partisan_content(ctx, fs)
    return ctx.memo[key]  # type: ignore[return-value]


def _partisan_content(ctx: CheckContext, fs: tuple[str, ...]) -> PartisanContent | None:
    sig = ctx.signals
    facts = facts_of(ctx)
    decided = ctx.post.circumstances.election_period is False and sig.has("election_result", fields=fs)
    if decided and not sig.has("donation_ask", "donation_link", fields=fs):
        return None
    strong = sig.of(*STRONG, fields=fs)
    if strong:
        return PartisanContent(f"campaign or electoral language ('{strong[0].text}')", span_of(strong[0]), True)
    donation = sig.of("donation_link", fields=fs)
    if donation:
        return PartisanContent(f"political donation link ('{donation[0].text}')", span_of(donation[0]), True)
    for field in fs:
        text = ctx.post.text if field == "text" else ctx.post.comment if field == "comment" else ""
        name = facts.mentions_candidate(text) if text else None
        if name:
            i = text.find(name)
            return PartisanContent(f"names a candidate ({name})", Span(start=i, end=i + len(name), text=name, field=field), True)
    party = [
        p for p in sig.of("party", fields=fs) if party_of_jurisdiction(p, ctx.pack.jurisdiction) and not _factual(p, ctx)
    ]
    if party and not sig.has("bipartisan", fields=fs):
        return PartisanContent(f"names a political party ('{party[0].text}')", span_of(party[0]), False)
    if ctx.post.action in ("share", "like", "reply") and facts.partisan_source:
        return PartisanContent("the shared or liked item is a party's or a campaign's", None, True)
    return None


def _factual(party: Signal, ctx: CheckContext) -> bool:
    """A party named as a fact ("the Republican leader", "Democrats and Republicans alike", "House
    Democrats introduced the X Act"), in a field without attack or praise words. Official accounts
    name parties in such facts all the time; codes object to statements for or against a party."""
    spans = ctx.signals.of("party_factual", fields=(party.field,))
    if not any(f.start <= party.start and party.end <= f.end for f in spans):
        return False
    return PARTISAN_CUE_RE.search(field_text(ctx.post, party.field)) is None


def party_of_jurisdiction(sig: Signal, jurisdiction: str) -> bool:
    """Does this party signal name a party for the author's code? A foreign party whose name is an
    ordinary word here does not ("Labor" on a US post is the Department of Labor, "One Nation" a pledge,
    "Nationals" a ball team); other foreign parties still count (an official account cheering another
    country's party is still partisan). Signals without a jurisdiction, and codes without a national
    party list (EU), count every party."""
    # The tables come from the lexicon (shipped plus ONRECORD_LEXICON_PATH), read when first needed.
    party_jurisdictions, ordinary_words = party_tables()
    if not sig.evidence.startswith("party in ") or jurisdiction not in party_jurisdictions:
        return True
    return sig.text not in ordinary_words or jurisdiction in sig.evidence.removeprefix("party in ").split(",")


def political_fundraising(ctx: CheckContext) -> Span | None:
    """A request for political money (ask or donation link with partisan content), or None."""
    fs = content_fields(ctx)
    sig = ctx.signals
    asks = sig.of("donation_link", fields=fs) + sig.of("donation_ask", "fundraising_link", fields=fs)
    if not asks:
        return None
    facts = facts_of(ctx)
    political = (
        sig.has("donation_link", "campaign_link", fields=fs)
        or partisan_content(ctx, fs) is not None
        or bool(facts.candidates)
        or (ctx.post.action in ("share", "like") and facts.partisan_source)
    )
    return span_of(asks[0]) if political else None


def title_in_text(ctx: CheckContext, fields: tuple[str, ...]) -> Span | None:
    """The author's official title or organisation, an 'As a …' self-description or an elected office
    spoken from ('As Minister, …'), in ``fields``."""
    hits = ctx.signals.of("title_invocation", "office_title", fields=fields)
    if hits:
        return span_of(hits[0])
    for field in fields:
        text = ctx.post.text if field == "text" else ctx.post.comment if field == "comment" else ""
        for phrase in (ctx.post.author.title, ctx.post.author.organisation):
            if phrase and len(phrase) > 3:
                i = text.lower().find(phrase.lower())
                if i >= 0:
                    return Span(start=i, end=i + len(phrase), text=text[i : i + len(phrase)], field=field)
    return None



def foreign_government(sentence: str, jurisdiction: str | None) -> bool:
    """Is every government the sentence names another jurisdiction's? ("the US administration", "the
    President" to a New Zealander, "the government in Beijing"). Codes ask public servants to stay
    neutral towards their own government (UK Civil Service Code para 14, NZ Code standard 16, APS
    s13(11) and limiting factor 3, PSEA s113); criticising a foreign one is not that. A government word
    with nothing saying whose it is counts as the author's own; EU and unknown jurisdictions are never
    foreign here (EU staff answer to every member state)."""
    markers = government_markers().get(jurisdiction or "")
    if markers is None:
        return False
    own_end, foreign_end, foreign_after = markers
    title = FOREIGN_TITLES[jurisdiction or ""]
    refs = list(GOV_RE.finditer(sentence))
    for m in refs:
        before = sentence[: m.start()]
        if own_end.search(before):
            return False
        if not (title.fullmatch(m.group()) or foreign_end.search(before) or foreign_after.match(sentence, m.end())):
            return False
    return bool(refs)
