"""Official information and records: nonpublic information, capacity ambiguity, public records."""

from __future__ import annotations

from collections.abc import Iterator

from onrecord.checks.base import Check, CheckContext, Hit
from onrecord.checks.facts import facts_of
from onrecord.checks.partisan import own_fields, partisan_content, span_of, title_in_text
from onrecord.model.finding import Fix


class NonpublicInformation(Check):
    """Information that is not public: protective markings, embargoes, drafts, unannounced decisions.

    **What it flags.** OFFICIAL-SENSITIVE, CONFIDENTIAL, SECRET, "In Confidence" and similar markings;
    "embargoed until"; "draft — not for circulation"; "not yet announced"; leaked or internal
    documents; screenshots of internal systems; or facts that say the content is unpublished.

    **Why it matters.** Nonpublic information may not be disclosed without authority (5 CFR
    2635.703; Civil Service Code; APS s13(6) and reg 2.1; NZ Code standard 12; EU Staff Regs Art 17).

    **Fix.** Display only: do not post until it is published.
    """

    code = "NP01"
    name = "information.nonpublic"
    groups = ("information", "core")
    topics = ("nonpublic_information",)
    needs = frozenset({"nonpublic"})

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        facts = facts_of(ctx)
        if facts.already_public:
            return
        hits = ctx.signals.of("nonpublic", fields=("text", "comment", "bio"))
        if hits:
            s = hits[0]
            yield Hit(
                topic="nonpublic_information",
                message=f"Looks like information that is not public ('{s.text}').",
                span=span_of(s),
                fix=Fix(applicability="display", title="Do not post until the information has been published"),
            )
        elif facts.unpublished:
            yield Hit(topic="nonpublic_information", message="The facts say this information has not been published.")


class CapacityAmbiguity(Check):
    """The role is identifiable but the capacity is not clear.

    **What it flags.** A personal account whose profile or post names the employer or title, posting
    opinion on politics or on the author's own policy area, without a disclaimer.

    **Why it matters.** Where capacity could be unclear, say you speak as a private individual (NZ
    SSC guidance; OGE LA-15-03 §2; LGA Model Code "Application"). A disclaimer does not cure a
    breach (APSC), so this is advice, never a verdict.

    **Fix.** Display only: add "views my own".
    """

    code = "CA01"
    name = "capacity.ambiguity"
    groups = ("capacity",)
    topics = ("capacity_ambiguity",)

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        post = ctx.post
        if post.account.kind != "personal" or post.action in ("like", "profile") or ctx.signals.has("disclaimer"):
            return
        fields = own_fields(ctx)
        a = post.author
        bio = post.account.bio.lower()
        identifiable = title_in_text(ctx, fields) is not None or any(
            p and len(p) > 3 and p.lower() in bio for p in (a.title, a.organisation)
        )
        if not identifiable:
            return
        text = " ".join([post.text, post.comment]).lower()
        area = {w for w in a.policy_area.lower().split() if len(w) > 4}
        opinion = ctx.signals.has("political_opinion", "gov_criticism", fields=fields) or partisan_content(ctx, fields)
        if opinion or any(w in text for w in area):
            yield Hit(
                topic="capacity_ambiguity",
                message="Your role is identifiable here; make clear you speak in a private capacity.",
                fix=Fix(applicability="display", title="Add a disclaimer such as 'views my own'"),
            )


class PublicRecord(Check):
    """An official-capacity post is a public record.

    **What it flags.** Every post judged to be in official capacity, whatever account it came from
    (official business on a personal account is still a public record).

    **Why it matters.** Records law and open-government duties require keeping official posts
    (e.g. 44 U.S.C. 3301; NZ Public Records Act 2005 and Code standard 11; UK Public Records Act).
    """

    code = "RC01"
    name = "records.public_record"
    groups = ("records", "core")
    topics = ("public_record",)

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        if ctx.capacity.label != "official":
            return
        where = "a personal account" if ctx.post.account.kind == "personal" else "an official account"
        yield Hit(
            topic="public_record",
            message=f"Official-capacity post on {where}: keep it as a public record.",
            fix=Fix(applicability="display", title="Archive it (onrecord archive add)"),
        )


CHECKS: list[type[Check]] = [NonpublicInformation, CapacityAmbiguity, PublicRecord]
