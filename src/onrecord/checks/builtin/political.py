"""Political checks: solicitation, partisan activity on duty, official channels, title, subordinates."""

from __future__ import annotations

from collections.abc import Iterator

from onrecord.checks.base import Check, CheckContext, Hit
from onrecord.checks.facts import facts_of
from onrecord.checks.partisan import (
    OPINION_KINDS,
    PARTISAN_KINDS,
    PartisanContent,
    foreign_government,
    own_fields,
    partisan_content,
    political_fundraising,
    span_of,
    title_in_text,
)
from onrecord.model.finding import Fix


def _official_channel(ctx: CheckContext) -> bool:
    """An official account, or (account kind unknown, as in an audit) a post judged official."""
    kind = ctx.post.account.kind
    return kind == "official" or (kind == "unknown" and ctx.capacity.label == "official")



def _partisan_act(ctx: CheckContext) -> PartisanContent | None:
    """Partisan content the author puts out; a like counts only for an electoral post."""
    found = partisan_content(ctx)
    if found is None or (ctx.post.action == "like" and not found.electoral):
        return None
    return found

class PoliticalSolicitation(Check):
    """Asks for, passes on or likes a request for political contributions.

    **What it flags.** A donation ask or link ("chip in", ActBlue/WinRed, a candidate's /donate page,
    fundraiser tickets) together with partisan content, in a post, reply, share or like.

    **Why it matters.** Soliciting political contributions is barred at all times for US federal
    employees, including sharing or liking a fundraising post (5 U.S.C. 7323(a)(2), 5 CFR 734.303,
    OSC social-media guidance); official resources may never raise political money anywhere.

    **Example.** Sharing "Chip in $5 now: secure.actblue.com/…". **Better.** Share the candidate's
    policy post without the donation request, off duty; accepting an invitation is fine.

    **Fix.** Display only: remove the request or the link.
    """

    code = "PO01"
    name = "political.solicitation"
    groups = ("political", "core")
    topics = ("solicit_political_contributions",)
    needs = frozenset({"donation_link", "donation_ask", "fundraising_link"})

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        span = political_fundraising(ctx)
        if span is None:
            return
        verb = {"share": "Sharing", "like": "Liking"}.get(ctx.post.action, "Posting")
        yield Hit(
            topic="solicit_political_contributions",
            message=f"{verb} a request for political contributions.",
            span=span,
            fix=Fix(applicability="display", title="Remove the donation request or link; do not share or like fundraising posts"),
        )


class PartisanOnDuty(Check):
    """Partisan activity on duty, in the workplace or with government equipment.

    **What it flags.** Partisan content (for or against a party, partisan candidate or partisan
    group: posts, shares, likes, replies, and partisan profile pictures that travel with every
    action) when the post is made on duty, in the workplace, or from a government device or account.

    **Why it matters.** The Hatch Act bars political activity on duty, in federal buildings and with
    government property (5 U.S.C. 7324, 5 CFR 734.306); other codes forbid using government time and
    resources for party purposes.

    **Example.** Liking a candidate's rally post at your desk over lunch. **Better.** Wait until you
    are off duty and away from the workplace, on your own device.

    **Fix.** Display only: remove it, or post it later off duty.
    """

    code = "PO02"
    name = "political.on_duty"
    groups = ("political", "core")
    topics = ("partisan_activity_on_duty", "government_resources")
    needs = PARTISAN_KINDS

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        c = ctx.post.circumstances
        facts = facts_of(ctx)
        # An official account alone does not make it "on duty": PO03 judges official channels; this
        # check is about the person's time, place and equipment, as the facts give them.
        gov_device = facts.government_device
        if not (c.on_duty or c.in_workplace or gov_device):
            return
        found = partisan_content(ctx)
        if found is None:
            return
        where = "on duty" if c.on_duty else "in the workplace" if c.in_workplace else "with government equipment"
        yield Hit(
            topic="partisan_activity_on_duty",
            message=f"Partisan activity {where}: {found.reason}.",
            span=found.span,
            fix=Fix(
                applicability="display", title="Remove it; political activity only off duty, away from work, on your own device"
            ),
        )
        if gov_device:
            yield Hit(
                topic="government_resources",
                message=f"A government device or account used for partisan activity: {found.reason}.",
                span=found.span,
            )


class PartisanOfficialChannel(Check):
    """Partisan content or personal political views on an official channel.

    **What it flags.** An official or agency account that posts, shares, likes or points followers to
    partisan content (parties, candidates, campaign accounts, officials' campaign appearances), or
    voices personal political opinions about the government of the day.

    **Why it matters.** Official channels must stay politically neutral (OSC guidance on official
    accounts; UK GCN propriety guidance; NZ political neutrality; LGA pre-election guidance).

    **Fix.** Display only: remove it; keep official posts to programme and service information.
    """

    code = "PO03"
    name = "political.official_channel"
    groups = ("political", "core")
    topics = ("political_neutrality",)
    needs = PARTISAN_KINDS | OPINION_KINDS

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        if not _official_channel(ctx):
            return
        found = partisan_content(ctx)
        if found is not None:
            yield Hit(
                topic="political_neutrality",
                message=f"Partisan content on an official channel: {found.reason}.",
                span=found.span,
                capacity="official",
                fix=Fix(applicability="display", title="Remove it: official accounts stay politically neutral"),
            )
            return
        opinion = ctx.signals.of("political_opinion", "gov_criticism", fields=own_fields(ctx))
        if opinion:
            yield Hit(
                topic="political_neutrality",
                message="Personal political views about the government on an official channel.",
                span=span_of(opinion[0]),
                capacity="official",
                fix=Fix(applicability="display", title="Keep to the facts of the programme; leave out personal views"),
            )


class TitleInPolitics(Check):
    """Official title, authority or an official account used in partisan activity.

    **What it flags.** Partisan or campaign content in the author's own words next to their official
    title or employer ("As a park ranger…", "Speaking as a federal biologist…"), or electoral
    advocacy from an official account.

    **Why it matters.** Using official authority or title to affect an election is barred at all
    times (5 U.S.C. 7323(a)(1), 5 CFR 734.302); listing a title in a profile is fine, invoking it in
    the post is not.

    **Fix.** Display only: drop the title, or the partisan content.
    """

    code = "PO04"
    name = "political.title"
    groups = ("political", "core")
    topics = ("use_of_official_title_for_politics", "misuse_of_position")
    needs = PARTISAN_KINDS

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        if ctx.post.action == "profile":
            return  # a title listed beside political views in a profile is not a use of authority
        fields = own_fields(ctx)
        found = partisan_content(ctx, fields)
        if found is None:
            return
        # On an official account the title is expected; what matters there is electoral advocacy.
        title = title_in_text(ctx, fields) if ctx.post.account.kind != "official" else None
        if title is not None:
            yield Hit(
                topic="use_of_official_title_for_politics",
                message=f"Official title or position invoked in partisan content ('{title.text}'): {found.reason}.",
                span=title,
                fix=Fix(applicability="display", title="Remove the reference to your position"),
            )
            yield Hit(topic="misuse_of_position", message="The position is used to lend weight to partisan advocacy.", span=title)
        elif found.electoral and ctx.post.account.kind == "official":
            yield Hit(
                topic="use_of_official_title_for_politics",
                message=f"Electoral advocacy from an official account: {found.reason}.",
                span=found.span,
                capacity="official",
            )


class PoliticsAtSubordinates(Check):
    """Partisan or fundraising messages aimed at the author's subordinates.

    **What it flags.** Partisan content or political fundraising sent directly, or to a selected
    group, that includes subordinates, or that tags subordinates. A post to all followers is not
    aimed at anyone in particular.

    **Why it matters.** Using authority to influence subordinates' political participation, or
    soliciting them, is a misuse of position (5 CFR 734.302, 2635.702(a), OSC supervisors FAQ). Packs that
    name such rules apart (topic ``political_pressure``) cite them; the others their misuse-of-position clauses.
    """

    code = "PO05"
    name = "political.subordinates"
    groups = ("political", "core")
    topics = ("political_pressure", "misuse_of_position")
    needs = frozenset()  # subordinates are known only from the facts

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        facts = facts_of(ctx)
        if not facts.subordinates:
            return
        found = partisan_content(ctx)
        money = political_fundraising(ctx)
        if found is None and money is None:
            return
        targeted = ctx.post.circumstances.audience in ("direct", "selected_group")
        tagged = [h for h in facts.subordinate_handles if h in ctx.post.text.lower()]
        if not (targeted or tagged):
            return
        span = money or (found.span if found else None)
        yield Hit(
            topic="political_pressure",
            fallback="misuse_of_position",
            message="Political content aimed at the author's subordinates.",
            span=span,
            fix=Fix(applicability="display", title="Do not direct political messages at people you supervise"),
        )


class FurtherRestrictedPartisan(Check):
    """Partisan activity by staff under the strictest political restrictions.

    **What it flags.** Any partisan post, share or reply by an author whose restriction is
    ``further_restricted`` (e.g. US staff of the FBI, FEC, OSC, career SES, ALJs).

    **Why it matters.** Further-restricted employees may not take an active part in partisan
    campaigns at any time (5 CFR 734.401–.412 and OSC guidance).
    """

    code = "PO06"
    name = "political.further_restricted"
    groups = ("political", "core")
    topics = ("further_restricted_partisan_activity",)
    needs = PARTISAN_KINDS

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        if ctx.post.author.restriction != "further_restricted" or ctx.post.action == "profile":
            return
        found = _partisan_act(ctx)
        if found is None:
            return
        yield Hit(
            topic="further_restricted_partisan_activity",
            message=f"Partisan activity by a further-restricted employee: {found.reason}.",
            span=found.span,
        )


class RestrictedRolePartisan(Check):
    """Partisan public comment by a senior or politically restricted official, on any personal channel.

    **What it flags.** A partisan post, share or reply (or the like of an electoral post) from a
    personal or unknown account whose author's role is ``senior_official``, whether or not the role
    is named next to it.

    **Why it matters.** Some codes restrict senior and politically restricted staff even in private:
    no public comment supporting a party (UK Civil Service Management Code 4.4; Local Government and
    Housing Act 1989 ss1-3; PSEA s117 for Canadian deputy heads). Each pack says which roles such a
    clause binds; where none does (US Hatch Act off duty for most staff), nothing is reported.

    **Fix.** Display only: remove it; restricted posts keep out of party politics in public.
    """

    code = "PO10"
    name = "political.restricted_role"
    groups = ("political", "core")
    topics = ("political_neutrality",)
    needs = PARTISAN_KINDS

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        if ctx.post.author.role != "senior_official" or _official_channel(ctx) or ctx.post.action == "profile":
            return
        found = _partisan_act(ctx)
        if found is None:
            return
        yield Hit(
            topic="political_neutrality",
            message=f"Partisan public comment by a senior or politically restricted official: {found.reason}.",
            span=found.span,
            fix=Fix(applicability="display", title="Remove it: politically restricted posts stay out of party politics in public"),
        )


class PreElectionOfficialChannel(Check):
    """Political content on an official channel during a pre-election period.

    **What it flags.** An official channel that shares politicians' or parties' content, or posts on
    politically controversial matters, while an election period is running.

    **Why it matters.** Pre-election (purdah) rules keep official publicity out of the campaign
    (LGA pre-election guidance; Cabinet Office election guidance; House mass-communication blackout).
    """

    code = "PO07"
    name = "political.pre_election"
    groups = ("political", "core")
    topics = ("pre_election_period",)
    needs = PARTISAN_KINDS | OPINION_KINDS

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        if not (_official_channel(ctx) and ctx.post.circumstances.election_period):
            return
        found = partisan_content(ctx)
        opinion = ctx.signals.of("gov_criticism", "political_opinion", fields=own_fields(ctx))
        if found is None and not opinion:
            return
        yield Hit(
            topic="pre_election_period",
            message="Political content on an official channel during the pre-election period.",
            span=found.span if found else span_of(opinion[0]),
            capacity="official",
        )


class PoliticsLinkedToRole(Check):
    """Partisan expression tied to the author's public role.

    **What it flags.** Partisan content from a personal account where the role is identifiable next
    to it: employer or title in the post or profile, a work-profile platform (LinkedIn), or an
    "As a …" self-description.

    **Why it matters.** Codes that allow private political activity still require it to be kept
    apart from the work role (NZ PSC personal-use guidance; UK Civil Service Code para 14; APS
    s13(11); PSEA s113). Where the code does not govern private partisan speech (US Hatch Act off
    duty), nothing is reported.
    """

    code = "PO08"
    name = "political.linked_to_role"
    groups = ("political",)
    topics = ("political_neutrality",)
    needs = PARTISAN_KINDS

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        if _official_channel(ctx) or ctx.post.action in ("like", "profile"):
            return
        found = partisan_content(ctx, own_fields(ctx))
        if found is None:
            return
        a = ctx.post.author
        bio = ctx.post.account.bio.lower()
        linked = (
            ctx.post.platform == "linkedin"
            or title_in_text(ctx, own_fields(ctx)) is not None
            or any(p and len(p) > 3 and p.lower() in bio for p in (a.title, a.organisation))
        )
        if linked:
            yield Hit(
                topic="political_neutrality",
                message=f"Partisan expression linked to the author's role: {found.reason}.",
                span=found.span,
                fix=Fix(applicability="display", title="Keep political comment apart from your work identity"),
            )


class HarshCriticismOfGovernment(Check):
    """Harsh or extreme criticism of ministers or the government, especially in one's own area.

    **What it flags.** Insulting or extreme language about ministers, MPs or the government in the
    author's own words; a second finding when it concerns the author's own policy area. Only the
    author's own jurisdiction's government counts: "the US administration", "the President" (to a
    New Zealander) or "the government in Beijing" are someone else's.

    **Why it matters.** Public servants may criticise policy, but not so harshly that they could no
    longer be seen to serve impartially (APS s13(11) and APSC limiting factors; UK Civil Service
    Code paras 14–15; NZ Code standards 16–17).
    """

    code = "PO09"
    name = "political.harsh_criticism"
    groups = ("political", "core")
    topics = ("political_neutrality", "criticism_of_own_area")
    needs = frozenset({"gov_criticism"})

    def evaluate(self, ctx: CheckContext) -> Iterator[Hit]:
        if _official_channel(ctx):
            return  # PO03 covers official channels
        # Only the author's own government: a New Zealander attacking the US administration is not
        # failing to serve their own government impartially.
        where = ctx.post.jurisdiction or ctx.pack.jurisdiction
        hits = [h for h in ctx.signals.of("gov_criticism", fields=own_fields(ctx)) if not foreign_government(h.text, where)]
        if not hits:
            return
        s = hits[0]
        yield Hit(
            topic="political_neutrality",
            message="Harsh or extreme criticism of ministers or the government.",
            span=span_of(s),
            fix=Fix(applicability="display", title="Criticise the policy, not the person, in measured terms"),
        )
        area = ctx.post.author.policy_area.lower()
        words = {w.strip("()'’s,.") for w in area.split() if len(w) > 3}
        sentence = s.text.lower()
        if facts_of(ctx).own_area or any(w and w in sentence for w in words):
            yield Hit(
                topic="criticism_of_own_area",
                message="The criticism concerns the author's own area of work.",
                span=span_of(s),
            )


CHECKS: list[type[Check]] = [
    PoliticalSolicitation,
    PartisanOnDuty,
    PartisanOfficialChannel,
    TitleInPolitics,
    PoliticsAtSubordinates,
    FurtherRestrictedPartisan,
    PreElectionOfficialChannel,
    PoliticsLinkedToRole,
    HarshCriticismOfGovernment,
    RestrictedRolePartisan,
]
