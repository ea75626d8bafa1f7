"""Use of position: endorsements, claimed official backing, leverage, personal tasks, fundraising."""

from __future__ import annotations

import re
from collections.abc import Iterator

from onrecord.checks.base import Check, CheckContext, Hit
from onrecord.checks.facts import facts_of
from onrecord.checks.partisan import own_fields, partisan_content, political_fundraising, span_of, title_in_text
from onrecord.model.finding import Fix

# The request itself says it goes to the author's staff ("can someone from my team post ...").
_ASKS_STAFF = re.compile(
    r"\bmy (?:team|staff|direct reports?|assistant|EA|PA|comms team)\b", re.I
)


class EndorsementWithTitle(Check):
    """A product, service, business or book promoted with the official title or position.

    **What it flags.** Commercial promotion (#ad, paid partnership, "the one I use", "buy", a brand)
    in the author's own words together with their title, employer, an "As a …" self-description,
    an official account, or official insignia.

    **Why it matters.** Title, position and authority may not be used to endorse any product,
    service or enterprise (5 CFR 2635.702(c)); it also uses public office for private gain
    (2635.101(b)(7); NZ Code standard 9; APS s13(10)).

    **Fix.** Display only: remove the title or the promotion.
    """

    code = "EN01"
    name = "position.endorsement"
    groups = ("position", "core")
    topics = ("endorsement", "misuse_of_position")
    needs = frozenset({"commercial"})

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        fields = own_fields(ctx)
        promo = ctx.signals.of("commercial", fields=fields)
        if not promo:
            return
        title = title_in_text(ctx, fields)
        official = ctx.post.account.kind == "official" or ctx.signals.has("gov_symbol")
        if title is None and not official:
            return
        yield Hit(
            topic="endorsement",
            message="A commercial product or enterprise is promoted with the official position"
            + (f" ('{title.text}')." if title else " (official account or insignia)."),
            span=title or span_of(promo[0]),
            fix=Fix(applicability="display", title="Remove the reference to your position, or the promotion"),
        )
        yield Hit(topic="misuse_of_position", message="Public office used for private gain.", span=span_of(promo[0]))


class ClaimedOfficialBacking(Check):
    """A personal account that claims, or looks like it has, the agency's backing.

    **What it flags.** A non-official account that says it speaks for or is endorsed by the agency,
    or wears the agency's seal, crest or logo in its profile or header image.

    **Why it matters.** Title or position may not be used so that the government appears to
    sanction personal activities (5 CFR 2635.702(b); OGE LA-15-03 factors); only authorised people
    speak for the organisation (UK Civil Service Code; NZ and APS guidance).

    **Fix.** Display only: remove the claim or the insignia; add a disclaimer.
    """

    code = "MP01"
    name = "position.official_backing"
    groups = ("position", "core")
    topics = ("misuse_of_position", "unauthorised_official_comment")
    needs = frozenset({"agency_claim", "gov_symbol"})

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        if ctx.post.account.kind in ("official", "campaign"):
            return
        claims = ctx.signals.of("agency_claim", fields=("text", "comment", "bio", "display_name"))
        if ctx.post.action in ("share", "like"):
            claims = [s for s in claims if s.field != "text"]
        seals = ctx.signals.of("gov_symbol", fields=("profile_image", "header_image"))
        if not (claims or seals):
            return
        span = span_of(claims[0]) if claims else span_of(seals[0])
        what = f"claims official backing ('{claims[0].text}')" if claims else f"shows official insignia ('{seals[0].text}')"
        yield Hit(
            topic="misuse_of_position",
            message=f"A personal account {what}, so the agency appears to sanction it.",
            span=span,
            fix=Fix(applicability="display", title="Remove the claim or insignia; say the views are your own"),
        )
        yield Hit(
            topic="unauthorised_official_comment", message="Appears to speak for the organisation without authority.", span=span
        )


class LeverageOfPosition(Check):
    """Invoking one's official authority over the addressee to get something for oneself or others.

    **What it flags.** "I work at the regulator and review your filings. Fix this." — a personal
    demand backed by the author's official role or authority over the addressee.

    **Why it matters.** Title, position or authority may not be used to coerce or induce a benefit
    for oneself, friends or relatives (5 CFR 2635.702(a); APS s13(10); NZ Code standard 9).
    """

    code = "MP02"
    name = "position.leverage"
    groups = ("position", "core")
    topics = ("misuse_of_position",)
    needs = frozenset({"leverage", "demand"})

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        if ctx.post.account.kind == "official":
            return
        fields = own_fields(ctx)
        leverage = ctx.signals.of("leverage", fields=fields)
        title = title_in_text(ctx, fields)
        demand = ctx.signals.of("demand", fields=fields)
        if leverage or (title is not None and demand):
            span = span_of(leverage[0]) if leverage else title
            yield Hit(
                topic="misuse_of_position",
                message="The official role or authority is used as leverage in a personal matter.",
                span=span,
                fix=Fix(applicability="display", title="Leave your position out of personal complaints"),
            )


class PersonalTasksForSubordinates(Check):
    """Asking subordinates to run or write for the supervisor's personal accounts.

    **What it flags.** A request to take over, post on or draft for "my personal Instagram/LinkedIn"
    sent to a subordinate, or sent over an official channel.

    **Why it matters.** A supervisor may not ask subordinates to do non-official work
    (5 CFR 2635.705(b); OGE LA-15-03 §1), and official accounts are government property (2635.704).
    """

    code = "MP03"
    name = "position.personal_tasks"
    groups = ("position", "core")
    topics = ("misuse_of_position", "government_resources")
    needs = frozenset({"personal_task"})

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        task = ctx.signals.of("personal_task", fields=own_fields(ctx))
        if not task:
            return
        facts = facts_of(ctx)
        official = ctx.post.account.kind == "official" or facts.government_device
        staff = _ASKS_STAFF.search(ctx.post.text) is not None or _ASKS_STAFF.search(ctx.post.comment) is not None
        if not (facts.subordinates or official or staff):
            return
        yield Hit(
            topic="misuse_of_position",
            message="A subordinate is asked to do work for the author's personal account.",
            span=span_of(task[0]),
            capacity="private",
            fix=Fix(applicability="display", title="Do not ask staff to work on your personal accounts"),
        )
        if official:
            yield Hit(
                topic="government_resources",
                message="An official account or government device used for a personal matter.",
                span=span_of(task[0]),
                capacity="official",
            )


class PersonalFundraising(Check):
    """Personal (non-political) fundraising that uses the title or targets subordinates.

    **What it flags.** A charity or personal fundraising ask that carries the author's official title
    (including in a signature), or is sent directly to subordinates who are not family or close friends.

    **Why it matters.** Personal fundraising is allowed only without the title and without personally
    soliciting subordinates or prohibited sources (5 CFR 2635.808(c)).
    """

    code = "MP04"
    name = "position.fundraising"
    groups = ("position", "core")
    topics = ("personal_fundraising", "misuse_of_position")
    needs = frozenset({"donation_ask", "fundraising_link"})

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        fields = own_fields(ctx)
        asks = ctx.signals.of("donation_ask", "fundraising_link", fields=fields)
        if not asks or political_fundraising(ctx) is not None or partisan_content(ctx) is not None:
            return
        facts = facts_of(ctx)
        title = title_in_text(ctx, fields)
        targeted = facts.subordinates and ctx.post.circumstances.audience in ("direct", "selected_group")
        if title is None and not (targeted and not facts.family_or_friend):
            return
        why = f"with the official title ('{title.text}')" if title else "sent directly to a subordinate"
        yield Hit(
            topic="personal_fundraising",
            fallback="misuse_of_position",  # a pack with no fundraising clause cites its misuse-of-position ones
            message=f"Personal fundraising {why}.",
            span=title or span_of(asks[0]),
            fix=Fix(applicability="display", title="Fundraise without your title and not from people you supervise"),
        )


CHECKS: list[type[Check]] = [
    EndorsementWithTitle,
    ClaimedOfficialBacking,
    LeverageOfPosition,
    PersonalTasksForSubordinates,
    PersonalFundraising,
]
