"""Sensitive details about a particular person (PD02)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from onrecord.checks.base import Check, CheckContext, Hit
from onrecord.model.finding import Fix, Span

# A post that opens with an @mention (after optional dots: ".@name") is addressed to that person.
_OPENS_WITH_MENTION = re.compile(r"^\s*\.?@\w")

_CATEGORY: dict[str, str] = {
    "criminal": "criminal record",
    "health": "health",
    "benefits": "benefits or debts",
    "immigration": "immigration status",
    "child_protection": "child-protection or custody",
}


class SensitiveDetails(Check):
    """A particular person's criminal, health, benefit or debt, immigration or child-protection details.

    **What it flags.** A reply (or a post opening with an @mention) that states the addressee's
    sensitive details ("@jdoe your benefit overpayment ...", "you were convicted in 2019"), and any
    post that states them of a client, claimant, tenant, applicant, resident, patient, caller or
    complainant ("the claimant's conviction", "the tenant has been evicted"). Not flagged: the same
    words addressed to everyone ("your visa application can be lodged online") or said in general
    ("if you were convicted, you may apply ...").

    **Why it matters.** These are the special categories of privacy law (criminal offences, health,
    financial hardship, immigration, care of children), and public servants may not disclose what
    they learn about people at work (NZ Code standard 12 and the Privacy Act 2020; UK GDPR art. 9-10
    and the Civil Service Code; APS Code s13(10) and the Privacy Act 1988; the US Privacy Act,
    5 U.S.C. 552a(b)). Replying in public to a critic with their file is the classic case.

    **Example.** "@jdoe Your payments stopped because of your 2019 conviction." from an official account.

    **Better.** "@jdoe We can't discuss your case here: please DM us or call the number on your letter."

    **Fix.** Display only: take the details out and move the conversation to a private channel.
    """

    code = "PD02"
    name = "personal_data.sensitive_details"
    groups = ("personal_data", "core")
    topics = ("personal_data",)
    needs = frozenset({"sensitive_detail"})

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        post = ctx.post
        if post.action in ("like", "profile"):
            return
        texts = {"text": post.text, "comment": post.comment}
        for s in ctx.signals.of("sensitive_detail", fields=("text", "comment")):
            category, _, who = s.evidence.partition(": ")
            if who == "addressee" and not (post.action == "reply" or _OPENS_WITH_MENTION.match(texts[s.field])):
                continue  # "you" is everyone reading a broadcast
            yield Hit(
                topic="personal_data",
                message=f"States a particular person's {_CATEGORY.get(category, category)} details ('{s.text}').",
                span=Span(start=s.start, end=s.end, text=s.text, field=s.field),
                entity=f"SENSITIVE_{category.upper()}",
                fix=Fix(applicability="display", title="Take the details out and continue in a private channel"),
            )
            return  # one finding per post: the same disclosure often repeats the detail


CHECKS: list[type[Check]] = [SensitiveDetails]
