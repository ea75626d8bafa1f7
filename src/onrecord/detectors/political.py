"""Lexicon and pattern signals for politics, position and official information.

Signal kinds (all with spans into the field they were found in):
``party`` partisan entity; ``party_factual`` a party named as a fact (someone's party, both parties,
a party's bill: checks still count it when ``PARTISAN_CUE_RE`` finds attack or praise words); ``electoral`` vote/elect/candidate/campaign language; ``campaign_handle``
(@XForCongress, #X2024); ``campaign_activity`` canvassing, door-knocking, party meetings;
``donation_link``; ``campaign_link`` (a candidate or party site); ``donation_ask``;
``bipartisan`` (neutralises party mentions); ``election_result``; ``agency_claim`` (claims the
agency's backing); ``agency_voice``; ``title_invocation`` ("As a park ranger…", "I work at…");
``office_title`` (speaking in one's own elected office: "As Minister, …", "as your Senator");
``gov_symbol`` (seal, crest, agency logo); ``commercial`` (#ad, paid partnership, "buy"…);
``nonpublic`` (markings, embargoes, drafts, "not yet announced"); ``disclaimer``;
``gov_criticism`` (harsh words about ministers or government); ``political_opinion``;
``leverage`` (invoking one's regulatory authority over the addressee); ``demand``;
``personal_task`` (asking someone to run one's personal account); ``professional_cue``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from onrecord.detectors.lexicon import lexicon
from onrecord.detectors.multipattern import SHARED_PASS, ascii_semantics, collect_ids, compiled_database
from onrecord.model.signal import Signal

I = re.IGNORECASE  # noqa: E741 - short alias keeps the pattern table readable


def _alt(words: Iterable[str]) -> str:
    # Longest first (a longer name wins over its prefix); ties alphabetical, so that the pattern, and the
    # key of its compiled database on disk, is the same in every process (set order varies with the hash seed).
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def reload_lexicon() -> None:
    """Forget the loaded lexicon (after ``ONRECORD_LEXICON_PATH`` changed); detectors built later use the new one."""
    lexicon.cache_clear()
    party_tables.cache_clear()
    government_markers.cache_clear()


@lru_cache(maxsize=1)
def party_tables() -> tuple[frozenset[str], frozenset[str]]:
    """Jurisdictions whose own party list decides which party names count (not EU: EU staff answer to
    the politics of every member state), and the party names that are ordinary words elsewhere."""
    lx = lexicon()
    return frozenset(k for k in lx["parties"] if k != "EU"), frozenset(lx["ordinary_word_parties"])


# Government titles that do not exist in a jurisdiction, so there they name someone else's government
# ("the President" to a New Zealander, "the Prime Minister" to an American). GOV_REF's words only.
FOREIGN_TITLES: dict[str, re.Pattern[str]] = {
    "US": re.compile(r"(?:(?:Prime |Deputy Prime |Cabinet |Chief |First )?Ministers?|minister(?:'s|s)?|MPs?|Premier)"),
    "UK": re.compile(r"President|Senator|Congress(?:wo)?man"),
    "NZ": re.compile(r"President|Senator|Congress(?:wo)?man|Premier"),
    "AU": re.compile(r"President|Congress(?:wo)?man"),
    "CA": re.compile(r"President|Congress(?:wo)?man"),
}


@lru_cache(maxsize=1)
def government_markers() -> dict[str, tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]]:
    """Per jurisdiction, from the lexicon's ``governments``: (its own words ending right before a
    government word, other jurisdictions' words ending there, other jurisdictions' words right after
    it). Up to two capitalised or qualifying words may come between ("the US federal government", "the
    Trump administration", "China's Communist government"); after: "the government of China", "... in Beijing"."""
    gov = lexicon()["governments"]
    between = r"(?:['’]s)?\s+(?:(?:[A-Z][\w.-]*|new|current|federal|central|national|former|communist|military|coalition)\s+){0,2}$"

    def alt(words: Iterable[str]) -> str:
        return _alt(words) or r"(?!)"

    out = {}
    for j in FOREIGN_TITLES:
        own = gov.get(j, [])
        foreign = alt(w for k, ws in gov.items() if k != j for w in ws if w not in own)
        out[j] = (
            re.compile(rf"(?<![\w-])(?:{alt(own)}){between}"),
            re.compile(rf"(?<![\w-])(?:{foreign}){between}"),
            re.compile(rf"(?:['’]s)?\s+(?:of|in)\s+(?:the\s+)?(?:{foreign})(?![\w-])"),
        )
    return out


GOV_REF = (
    r"(?:(?:Prime |Deputy Prime |Cabinet |Chief |First )?Ministers?|minister(?:'s|s)?\b|Premier|Secretary|"
    r"[Gg]overnment(?:'s)?|[Cc]abinet|MPs?|Senator|Congress(?:wo)?man|President|[Aa]dministration(?:'s)?|"
    r"Councillors?|Mayor)"
)
NEGATIVE = (
    # Words start a word ("supplies", "flying", "anti-corruption" are not criticism); the common policy
    # phrases that share a word ("disaster relief", "rubbish collection", "criminal justice", "hate crime",
    # "the responsibility lies with") are not criticism either.
    r"(?<![\w-])(?:disgrace\w*|liar|lying|lies(?!\s+(?:with|in|on|at|ahead|behind|within)\b)|incompetent|fool|"
    r"idiot\w*|garbage(?!\s+(?:collection|bins?|pick-?ups?|trucks?|services?)\b)|cruel\w*|corrupt\w*|useless|"
    r"shameful|pathetic|politically motivated|bad policy|"
    # a declared, major or natural disaster (and disasters in the plural) is an event, not a verdict
    r"(?<!declared a )(?<!declare a )(?<!major )(?<!natural )(?<!federal )"
    r"disaster(?!s\b|\s+(?:relief|recovery|response|management|assistance|declarations?|zones?|preparedness|funds?|"
    r"funding|payments?|risk|area|loans?|aid)\b)|clown\w*|moron\w*|traitor\w*|"
    r"criminal(?!\s+(?:justice|records?|law|code|offen[cs]es?|courts?|cases?|investigations?|charges?|proceedings?)\b)|"
    r"evil|spit on|hate(?!\s+(?:crimes?|speech)\b)|despise|scum|"
    r"rubbish(?!\s+(?:collection|bins?|pick-?ups?|trucks?|services?|dumping)\b)|joke|wreck\w*|destroy\w*|shambles|"
    r"heartless|a fraud|crooks?|cowards?|run (?:this|the) country into the ground)"
)
# What a party can be named with as a fact (see the party_factual patterns).
_FACT_ROLES = (
    r"leaders?|colleagues?|members?|senators?|representatives?|reps?\.?|lawmakers?|legislators?|congress(?:wo)?m[ae]n|"
    r"chair(?:m[ae]n|wom[ae]n|s)?|ranking members?|whips?|governors?|mayors?|attorneys? general|officials?|"
    r"co-?sponsors?|counterparts?|delegations?|caucus(?:es)?|conferences?|(?:national )?conventions?|"
    r"(?:study|policy|steering) committee|MPs?|councill?ors?|spokes(?:person|man|woman|people)|staff(?:ers)?|appointees?"
)
_PAIR_PARTY = r"Democrat(?:s|ic)?|Dems?|Republicans?|Repubs?|GOP"
_FACT_VERBS = (
    r"introduc(?:e|ed|es|ing)|unveil(?:s|ed|ing)?|releas(?:e|ed|es|ing)|host(?:s|ed|ing)?|(?:held|hold(?:s|ing)?) (?:a|an|the|their|its)|"
    r"present(?:s|ed|ing)?|propos(?:e|ed|es|ing)|(?:co-?)?sponsor(?:s|ed|ing)?"
)
_FACT_BILLS = r"bill|plan|act|proposal|amendment|budget|lawsuit|package"
_BILL_WORD = r"(?:#?[A-Z0-9$][\w.$-]*|tax|health ?care|spending|relief|reform|infrastructure|budget|stimulus)"
# Words that make a party mention a partisan statement (attack, praise, slogan) rather than a fact, with
# the words of harsh criticism (NEGATIVE). Checks read them only for a party inside a party_factual span
# (about 1 post in 200), so they are not part of the scan; elsewhere a party mention counts as it always did.
# A party's officers are party business, not a fact about someone's party ("in the running for RNC chair").
PARTISAN_CUE = (
    r"(?<![\w-])(?:radical\w*|reckless\w*|extrem(?:e|ist)\w*|far[- ](?:left|right)|left-?wing|right-?wing|leftists?|"
    r"socialis[tm]\w*|sham|phony|scam\w*|hoax|witch ?hunt|circus|farce|corrupt\w*|lies|lying|liars?|lied|shame\w*|"
    r"disgrace\w*|hypocri\w+|power grab|playing politics|political (?:theater|theatre|games|stunts?)|partisan|"
    r"hyper-partisan|obstruct\w*|block(?:s|ed|ing)?(?! grants?\b)|refus\w+|fail(?:s|ed|ing|ures?)?|dangerous|"
    r"destroy\w*|wreck\w*|attack\w*|threat\w*|cover(?:ing|ed)?[- ]?ups?|sycophant\w*|conspirac\w*|pretend\w*|"
    r"games|spree|wish ?list|hostage|cave[ds]?|caving|abus\w+|scheme|ploy|fool\w*|out of touch|unfit|"
    r"mean-?spirited|sabotag\w*|suppress\w*|steal\w*|rigged|cheat\w*|gut(?:s|ted|ting)?|slash\w*|blam\w+|"
    r"the party of|#\w*(?:Scam|Shutdown|Corrupt|Hypocri|Liar|Lies|Fail|Resign|Impeach|Sham)\w*)(?![\w-])"
)
PARTISAN_CUE_RE = re.compile(f"{PARTISAN_CUE}|{NEGATIVE}", I)
# "personally" marks a view ("Personally, ...", "I personally think"), not a deed ("I personally thanked")
OPINION = r"(?<![^.!?\n])\s*Personally\b|\b(?:personally(?=\s*,)|I personally (?:think|believe|feel|find|oppose|support|disagree|agree)|I think|I believe|I feel|frankly|in my (?:view|opinion)|honestly|if you ask me|IMO)\b"


def _opening_title(qualifiers: str, titles: str) -> str:
    """A title opening a sentence with no article, up to its comma ("As Minister for Health, ..."). The
    comma is required so that "As Senator Lee said" (someone else) is not the author's title."""
    return (
        rf"(?:(?<![^.!?\n(])|(?<=[.!?\n(] ))As\s+(?:(?:{qualifiers})\s+)?(?:{titles})"
        r"(?:\s+(?:of|for|at)\s+[^,.!?\n]{1,60})?,"
    )


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    lx = lexicon()
    offices = _alt(lx["offices"])
    parties = _alt(p for ps in lx["parties"].values() for p in ps)
    months = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Today|Early|Now"
    # Capitalised words that are not a candidate: "vote YES", "vote for EVERY American", "the Freedom to Vote
    # Act", "vote DOESN'T", and possessives ("vote for Isabella's artwork" is a contest, not a candidate).
    not_names = r"(?i:yes|no|aye|nay|asap|act|bill(?!\s+[A-Z])|amendment|resolution|the|this|that|these|those|every|all|any|each|our|your|my|their|his|her|its|it|them|him|us|for|against|house|senate|congress|white house)"
    name = rf"(?!(?:{months}|{not_names})\b)(?![A-Z][\w-]*['’](?:s\b|t\b|T\b))[A-Z][\w'’-]+(?:\s[A-Z][\w'’.-]+){{0,2}}"
    pats: list[tuple[str, str, int]] = [
        ("party", rf"(?<![\w-])(?:{parties})(?![\w-])", 0),
        # A party named as a fact, not praised or attacked: a person's or body's party ("the Republican
        # leader", "my GOP colleagues", "the Republican Conference"), both parties together ("Democrat and
        # Republican alike", "89% of Democrats and 79% of Republicans"), joining them ("join Senate
        # Democrats in recognising..."), what they formally did ("House Democrats are introducing the X
        # Act") and their bills ("the GOP tax plan"). Checks ignore a party inside one of these spans
        # unless the post also holds a partisan_cue. "every/no/zero Republican senator(s)" is a jab, not a fact.
        (
            "party_factual",
            rf"(?<!\bevery )(?<!\bEvery )(?<!\bno )(?<!\bNo )(?<!\bzero )(?<!\bZero )(?<!\bsingle )(?<!\bnot one )"
            rf"(?<![\w-])(?!RNC|DNC|\w+ National Committee)(?:{parties})(?:['’]s)? (?:@\w+ )?(?i:{_FACT_ROLES})\b",
            0,
        ),
        ("party_factual", rf"(?<![\w-])(?:{_PAIR_PARTY}),? (?:and|&|&amp;|or|nor) (?:[\w%]+ ){{0,2}}?(?:{_PAIR_PARTY})\b", 0),
        (
            "party_factual",
            rf"\b(?i:join(?:s|ed|ing)?) (?:with )?(?:my )?(?:fellow )?(?:[A-Z]\w+ )?(?:{parties})(?: colleagues)? "
            rf"(?:in|to|on|for|at|as)\b",
            0,
        ),
        (
            "party_factual",
            rf"(?<![\w-])(?:{parties}) (?:(?:have|has|are|will|just|today|formally) )?(?:{_FACT_VERBS})\b",
            0,
        ),
        # a bill's name between ("the GOP HEALS Act", "the GOP tax plan"), not a verb ("Republicans used budget...")
        ("party_factual", rf"(?<![\w-])(?:{parties})(?:['’]s?)? (?:{_BILL_WORD} ){{0,2}}(?i:{_FACT_BILLS})\b", 0),
        ("electoral", rf"\b[Vv]ot(?:e|ing) (?:for|against) (?:{name}|{parties})\b", 0),
        ("electoral", rf"\b[Vv]ote (?:{parties}|{name})\b(?! (?:on|in|at|by|early|today|now|tomorrow|this)\b)", 0),
        # a party named by its adjective ("Vote Conservative on Monday", "vote Green"): always a call to vote
        (
            "electoral",
            r"\b[Vv]ote (?:Conservative|Liberal|Labou?r|Green|National|Reform|NDP|Bloc|Democrat|Republican|Lib Dem|Tory|SNP|Plaid)\b",
            0,
        ),
        ("electoral", r"\b(?:has|got|have|gets?) my vote\b|\bmy vote (?:is|goes)\b|\bnot one vote\b", I),
        # "President Elect Mike Pence" is a title, not a call to elect
        ("electoral", rf"(?<![-\w])(?<!Pres )(?<!Pres\. )(?<!President )(?:[Rr]e-?)?[Ee]lect(?:ing)? (?:{name}|{parties})\b", 0),
        ("electoral", rf"\b(?:[Kk]eep|[Ss]end|[Gg]et|[Pp]ut) {name} (?:back )?(?:to|into|in) (?:the )?(?:{offices})\b", 0),
        (
            "electoral",
            # "the best option for families" is policy talk: only a candidate, or a choice for an office, is electoral
            rf"\b(?:the )?(?:only|right|best|clear|obvious|real|only real) (?:candidate (?:for|in)\b|(?:choice|pick) (?:for|in) (?:the )?(?:{offices})\b)|"
            rf"\bonly (?:{parties}) will\b",
            I,
        ),
        ("electoral", r"\b(?:proud(?:ly)?|honou?red|glad) to endorse\b|\bproudly endorses?\b", I),
        ("electoral", rf"\b(?:support|endorse)s? {name} for\b", 0),
        ("electoral", rf"{name} for (?:U\.S\. |US |State |County |City )?(?:{offices})\b", 0),
        (
            "electoral",
            rf"\b(?:candidate|nominee|running) (?:for|in) (?:the )?(?:U\.S\. |US |State |County )?(?:{offices}|\w+ (?:race|primary|election))",
            0,
        ),
        (
            "electoral",
            # "I called on every Presidential candidate" addresses them all, not one
            rf"(?<!\bevery )(?<!\ball )(?<!\beach )\b(?:U\.S\. |US |State )?(?:{offices}|[Pp]residential|[Gg]ubernatorial|[Mm]ayoral|[Cc]ongressional) (?:candidate|nominee|race|primary|campaign)\b",
            0,
        ),
        ("electoral", r"\b(?:\d+(?:st|nd|rd|th) (?:District|Congressional District)|District \d+) race\b", I),
        (
            "electoral",
            # Someone else's re-election or campaign is news ("his re-election campaign", "re-election as committee
            # chair"); the author's own is electoral. "Our campaign to end hunger" is advocacy, not an election.
            r"\b(?:(?:my|our) (?:re-?election|second term)|(?:running|up) for re-?election|support for (?:my |our )?re-?election|"
            r"campaigns? for re-?election|re-?elect me|superdelegates|(?:presidential|party|party's) nomination|"
            r"hand (?:him|her|them) the nomination|partisan primary|(?:my|our) campaign(?! (?:to|against|of|about|for (?:clean|better|a|an|more|fair))\b))\b",
            I,
        ),
        # "rally for change" is a slogan, "rally for Sam Lee" electoral
        ("electoral", r"\brall(?:y|ies) for\b(?! (?:change|justice|peace|climate|equality|freedom|democracy|action|unity|the (?:planet|climate|future))\b)|\bcampaign (?:rally|event|kick-?off|office|launch)\b", I),
        (
            "electoral",
            rf"\b(?:[Dd]on'?t let|[Ss]top|[Dd]efeat|[Bb]eat) {name}\b(?=.{{0,40}}\b(?:nominat|elect|win|office|Oval|vote))",
            0,
        ),
        # #VoteReady, #VoteEarly, #VoteByMail are reminders to vote, not for someone
        (
            "electoral",
            r"#(?:Vote|Elect|ReElect|Dump|Defeat)(?!20\d\d)(?!(?:Ready|Early|Safe|Today|Tomorrow|Now|Local|Smart|Info|Here|Where|"
            r"Out|Count|Matters|Absentee|By|From|In|Reg|Registration|Prepared|Plan|Informed|Yes|No)(?![a-z]))[A-Z][a-z]+\b",
            0,
        ),
        ("campaign_handle", rf"[@#]\w+?(?:For|4|for)(?:{offices})\w*", 0),
        (
            "campaign_activity",
            r"\b(?:knock(?:ing|ed)? (?:on )?(?:\d[\d,]* )?doors|door-?knock\w*|canvass\w*|phone-?bank\w*|"
            r"deliver(?:ing|ed)? (?:\w+ )?(?:pamphlets|leaflets|flyers)|leaflet(?:ing|ting)|branch meeting|"
            r"campaign volunteer|volunteer(?:ing|ed)? for (?:the )?(?:campaign|[A-Z]\w+ for))\b",
            I,
        ),
        (
            "donation_ask",
            # "retirement contributions", "55 cents for every dollar", "take from some to give to others" are not asks
            # blood, plasma and goods drives ask for donations too, but not for money for a campaign
            r"\bchip in\b|(?<!blood )(?<!plasma )(?<!food )(?<!organ )\bdonat(?:e|ion|ions|ing)\b"
            r"(?! (?:blood|plasma|organs?|food|supplies|masks|PPE|clothes|clothing|books|toys|coats|blankets|scrubs|vaccines|\d))|"
            r"\bcontribute (?:now|today|here|at|\$|to (?:my|our|the) campaign)|\bplease contribute\b|\bcontribute[.!]|\bcontributions? (?:of \$|to (?:my|our|the) campaign)|"
            r"\bmake a contribution\b|\bfundrais\w*|\b(?:rush|donate|pitch in|chip in) (?:just |only )?\$\d|"
            r"\$[\d,.]+ (?:contribution|donation|gift)s?\b|"
            r"\bevery dollar (?:you |we )?(?:give|gifts?|donat\w*|rais\w*|counts|helps|makes)\b|\$[\d,]+ (?:short|away from)\b|"
            r"\bgive (?:at|now|today|to (?:my|our|the) campaign)\b|\bplease give\b|"
            r"\bsponsor (?:page|me|my)\b|\bgift of \$|\bI'?ve given\b|\btickets?\b[^.]{0,40}\$\d+|\$\d+[^.]{0,30}\btickets?\b|"
            r"\bmatching (?:gift|donation)s?\b",
            I,
        ),
        # The disclaimer is written "Paid for by …" or starts a line; "bought and paid for by the defense
        # industry" is a figure of speech
        ("electoral", r"\bPaid for by\b|\bPAID FOR BY\b|(?:^|\n)\s*paid for by\b|\b(?i:authori[sz]ed by) [\w ]+ for (?:Congress|Senate|Governor)\b", 0),
        (
            "bipartisan",
            r"\bbi-?partisan\b|\bboth (?:sides|parties)\b|\bacross the aisle\b|"
            r"\b(?:Republicans|Democrats) and (?:Democrats|Republicans)\b|\bcross-party\b",
            I,
        ),
        (
            "election_result",
            r"\b(?:race|election|contest) (?:is |was |has been )?(?:finally )?called\b|\bresults? (?:show|are in)\b|"
            r"\bthe winner\b|\blosing (?:\w+ )?campaign\b|\bconced(?:e|ed|es)\b|\bwon the (?:election|race)\b",
            I,
        ),
        (
            "agency_claim",
            r"\breflects? the (?:official )?(?:position|views?|policy) of (?:the|my) (?:\w+ )?(?:government|agency|department|ministry)\b|"
            r"\b(?:agency|department|ministry|government) stands behind\b|"
            r"\b(?:endorsed|approved|sanctioned|backed) by (?:the|my) (?:agency|department|ministry|government)\b|"
            r"\bgovernment[- ](?:approved|endorsed|sanctioned)\b|'s endorsed take\b|\bofficially (?:endorsed|approved)\b|"
            r"\bI speak for (?:the|my) (?:agency|department|ministry|government)\b",
            I,
        ),
        (
            "agency_voice",
            r"\bon behalf of (?:the|our) (?:agency|department|ministry|council|government|office)\b|"
            r"\b(?:contact|call|visit) (?:our|my) office\b|\bour (?:agency|department|ministry|council)(?:'s)? (?:is|has|will)\b",
            I,
        ),
        (
            "title_invocation",
            r"\b(?:as an?|speaking as an?|as the|as your)\s+(?:[\w-]+\s+){0,4}?"
            r"(?:officers?|official|analyst|ranger|biologist|attorney|lawyer|specialist|director|inspector|commissioner|"
            r"employee|civil servant|public servant|economist|manager|secretary|nurse|engineer|scientist|advis[eo]r|"
            r"staffer|clerk|agent|chief|administrator|regulator|councill?or|minister|official)\b",
            I,
        ),
        (
            "title_invocation",
            r"\bI(?:'m| am) an? [\w -]{2,40}? (?:at|with|for) (?:the )?[A-Z][\w.]+|\bI work (?:at|for) (?:the )?[A-Z]\w+",
            0,
        ),
        (
            # An appointed title opening a sentence, with no article: "As Director of Parks, I ...".
            "title_invocation",
            _opening_title(
                "Deputy|Associate|Assistant|Acting|Interim",
                "Director|Secretary|Commissioner|Chair(?:man|woman|person)?|Chief Executive|CEO|Ambassador|Head|Chief",
            ),
            0,
        ),
        (
            # Speaking in one's own elected office: "As Minister, ...", "As Mayor of X, ...", "as your Senator",
            # "speaking as an MP". The sentence-initial form needs the comma so that "As Senator Lee said"
            # (someone else) is not read as the author's title.
            "office_title",
            _opening_title(
                "Deputy|Associate|Assistant|Acting|Shadow",
                "(?:Deputy )?Prime Minister|Minister|Mayor|Senator|Congress(?:wo)?man|Representative|MP|MLA|MPP|"
                "Councill?or|Cllr|Governor|Premier|Speaker|President|Member of (?:Parliament|Congress)",
            )
            + "|"
            r"\b(?:[Aa]s an?|[Ss]peaking as an?|[Aa]s your)\s+(?:[\w-]+\s+){0,2}?"
            r"(?:[Ss]enator|[Rr]epresentative|[Cc]ongress(?:wo)?man|[Mm]ayor|MP|MLA|MPP|[Gg]overnor|[Pp]remier|"
            r"[Mm]ember of (?:[Pp]arliament|[Cc]ongress)|[Cc]ouncil ?member|[Aa]lderman|[Ll]egislator|[Ll]awmaker|"
            r"[Ee]lected (?:official|representative))\b",
            0,
        ),
        (
            "gov_symbol",
            r"\b(?:(?:official|agency|department|departmental|ministry|council|government|federal|city|county|state)\s+"
            r"(?:\w+\s+)?(?:seal|crest|logo|insignia|emblem|coat of arms|badge|uniform))\b|\b(?:seal|crest|coat of arms|insignia) of\b",
            I,
        ),
        ("gov_symbol", r"^(?:Agency|Department|Ministry|Council|Official|Government) (?:seal|crest|logo)\b", I),
        (
            "commercial",
            r"(?:^|\s)#(?:ad|sponsored|spon|partner|paidpartnership|affiliate)\b|\bpaid partnership\b|\bsponsored by\b|"
            # "in my book" is an idiom; "buy the property" is not a sales pitch; "(use code 116727)" after a
            # phone number is a dial-in code, not a discount
            r"\buse (?:my )?code\b(?!\s*:?\s*\d{4,}\b)|\bdiscount code\b|\baffiliate link\b|\bbuy (?:it|now|one|yours|my|the (?:book|product|kit|course|album))\b|\bthe one I use\b|"
            r"\bshop (?:now|at)\b|\bpre-?order\b|\bmy (?:new )?(?:business|shop|store|course|podcast|consultancy)\b|(?<!\bin )\bmy (?:new )?book\b|"
            r"\bI (?:recommend|swear by|endorse) (?:the |this |my )?[A-Z]\w+",
            I,
        ),
        (
            "nonpublic",
            r"\b(?:OFFICIAL[- ]SENSITIVE|TOP SECRET|SECRET|CONFIDENTIAL|RESTRICTED|PROTECTED|FOUO|CUI|"
            r"IN[- ]CONFIDENCE|SENSITIVE|EMBARGOED)\b",
            0,
        ),
        (
            "nonpublic",
            r"\b(?:In Confidence|For Official Use Only|Controlled Unclassified|Commercial[- ]in[- ]Confidence|"
            r"Cabinet[- ]in[- ]Confidence|Budget Sensitive)\b",
            I,
        ),
        (
            "nonpublic",
            r"\bembargo(?:ed)? (?:until|till|to)\b|\bunder embargo\b|\bnot for (?:circulation|distribution|publication|public release|release)\b|"
            r"\bdraft\b[^.]{0,30}\bnot (?:for|to be) (?:circulat|shar|distribut|releas)\w*|"
            r"\bnot (?:yet |been )?(?:been )?(?:announced|made public|released|published)(?: yet)?\b|\bbefore (?:it'?s|it is|it gets) (?:announced|public|released)\b|"
            r"\bha(?:s|ve)n'?t (?:been )?(?:announced|released|made public)\b|\b(?:leaked|internal) (?:memo|document|doc|email|e-mail|briefing|report|draft|figures|numbers|slides)\b|"
            r"\bscreenshot of (?:our|the) (?:internal|case[- ]management|intranet|staff|HR)\b|\byou didn'?t hear (?:it|this) from me\b|"
            # a sneak peek of a choir's performance is not a leak; of the budget it may be
            r"\boff the record\b|\bsneak peek (?:at|of) (?:the |our |my |this |a |an )?(?:[\w-]+ ){0,2}?"
            r"(?:budget|report|plan|bill|draft|document|announcement|policy|results|findings|figures|numbers|data|proposal|memo|strategy|review)s?\b",
            I,
        ),
        (
            "disclaimer",
            r"\bviews? (?:are |expressed (?:here )?are )?(?:my |mine )?own\b|\bopinions? (?:are )?(?:my )?own\b|\bopinions mine\b|"
            r"\b(?:views|opinions) mine\b|\bnot (?:speaking )?(?:for|on behalf of) (?:my )?(?:employer|agency|department|ministry)\b|"
            r"\bin (?:a|my) personal capacity\b|\bRTs? (?:≠|!=|are not|aren'?t|do not equal) endorse\w*\b",
            I,
        ),
        (
            "leverage",
            r"\bI (?:review|regulate|oversee|inspect|audit|investigate|license|approve|supervise) (?:your|their|\w+'s)\b|"
            r"\breview (?:your|\w+'s) (?:company'?s? )?(?:filings|applications|permits|licen[cs]es)\b",
            I,
        ),
        # "we need to fix this problem" is a plan, "Fix this." a demand
        ("demand", r"(?<!\bto )\bfix this\b|\bI expect (?:this|you|a|an|that)\b|\bor else\b|\byou'?ll be hearing from\b|\bI demand\b", I),
        (
            "personal_task",
            r"\b(?:take over|run|manage|handle|update|post (?:on|to)|draft \w+ posts? for)\b[^.?]{0,40}\bmy (?:personal )?"
            r"(?:Instagram|Facebook|LinkedIn|Twitter|TikTok|account|page|blog|feed)\b|\bfor my personal (?:Instagram|Facebook|LinkedIn|Twitter|account|page)\b",
            I,
        ),
        (
            "professional_cue",
            r"\bproud of (?:my|our) (?:team|colleagues|staff|agency|department)\b|\bmy team\b|\bour team\b|"
            r"\b(?:in my (?:role|work|job)|at work we)\b|\b(?:went live|we launched|we shipped|our new (?:system|service|platform|tool|report))\b|"
            r"#(?:govtech|publicsector|civilservice|opendata|apsjobs)\b",
            I,
        ),
    ]
    return [(kind, re.compile(p, flags)) for kind, p, flags in pats]


_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
GOV_RE = re.compile(GOV_REF)
_NEG = re.compile(NEGATIVE, I)
_OPINION = re.compile(OPINION, I)
# The look-behind starts a link only where a run of domain characters starts (no retry inside words).
_LINK_DOMAIN = re.compile(r"(?<![a-z0-9.\-])(?:https?://)?(?:www\.)?([a-z0-9.-]+\.[a-z]{2,})(/\S*)?", I)
_CAMPAIGN_DOMAIN = re.compile(
    r"^(?:[a-z0-9-]+(?:for|4)(?:congress|senate|house|gov|governor|mayor|sheriff|president|commission|council|hd\d+|sd\d+|ag|da|judge|"
    r"america|[a-z]{2}\d*)[a-z0-9-]*|[a-z0-9-]*(?:dems|democrats|gop|republicans|labour|tories|conservatives|greens|libdems|ndp)[a-z0-9-]*)"
    r"\.(?:com|org|net|us|uk|nz|au|ca)$",
    I,
)
_DONATE_PATH = re.compile(r"/(?:donate|contribute|give|chip-?in|fundrais\w*)\b", I)


def _link_gates(donation_domains: tuple[str, ...]) -> list[re.Pattern[str]]:
    """Supersets of what :meth:`PoliticalDetector._links` reports: without a match of one of these
    in the text it finds nothing (a donation domain is in the text; a campaign domain matches
    ``_CAMPAIGN_DOMAIN`` unanchored; a donate path is there)."""
    campaign = _CAMPAIGN_DOMAIN.pattern
    assert campaign.startswith("^") and campaign.endswith("$")
    gates = [re.compile(campaign[1:-1], I), re.compile(r"/(?:donate|contribute|give|chip-?in|fundrais)", I)]
    gates.extend(re.compile(re.escape(d), I) for d in donation_domains)
    return gates


class _Prefilter:
    """One Hyperscan pass that says which patterns may match, so ``re`` runs only for those.

    Compiled with ``HS_FLAG_PREFILTER`` (look-arounds are approximated by a superset). Compiling
    takes a second or two, so the database is cached on disk (``ONRECORD_CACHE``, default
    ``~/.cache/onrecord``) keyed by the patterns and the hyperscan version; loading it takes ~1 ms.
    Without hyperscan every pattern is simply tried.
    """

    def __init__(self, patterns: list[tuple[str, re.Pattern[str]]]) -> None:
        self.db: Any = None
        self.slot = -1  # in SHARED_PASS
        try:
            import hyperscan as hs
        except ImportError:  # pragma: no cover - platform dependent
            return
        exprs = [p.pattern.encode("utf-8") for _, p in patterns]
        flags = [
            hs.HS_FLAG_PREFILTER | hs.HS_FLAG_SINGLEMATCH | hs.HS_FLAG_UTF8 | (hs.HS_FLAG_CASELESS if p.flags & re.IGNORECASE else 0)
            for _, p in patterns
        ]
        self.db = compiled_database("political", exprs, flags)
        # every post's text goes through this gate: it rides in the engine's shared pass
        if self.db is not None:
            self.slot = SHARED_PASS.join(exprs, [int(f) for f in flags], list(range(len(exprs))))

    def candidates(self, text: str, n: int) -> list[int]:
        if self.db is None:
            return list(range(n))
        primed = SHARED_PASS.lookup(text, self.slot)
        if primed is not None:
            return primed
        hits: list[int] = []
        self.db.scan(text.encode("utf-8"), match_event_handler=collect_ids, context=hits)
        return sorted(set(hits))


class PoliticalDetector:
    """Politics, position and official-information signals from the shipped lexicon."""

    name = "political"

    def __init__(self) -> None:
        self._patterns = _patterns()
        self._donation_domains = tuple(d.lower() for d in lexicon()["donation_domains"])
        # Which jurisdictions name each party ("Labor" is a party in AU, a department in the US): the
        # signal's evidence says so, so that checks can tell a party from an ordinary word.
        where: dict[str, set[str]] = {}
        for country, names in lexicon()["parties"].items():
            for party in names:
                where.setdefault(party, set()).add(country)
        self._party_where = {p: "party in " + ",".join(sorted(cs)) for p, cs in where.items()}
        # Gates ride in the same Hyperscan pass: government words (id n), criticism and opinion words
        # (n+1, n+2), then what any link signal needs (from n+3: a donation domain, a campaign-looking
        # domain, a donate path). t.co links match none of them, so most posts with links skip the link parser.
        n = len(self._patterns)
        self._gov_id, self._neg_id, self._opinion_id, self._link_id = n, n + 1, n + 2, n + 3
        link_gates = [("link", g) for g in _link_gates(self._donation_domains)]
        self._prefilter = _Prefilter([*self._patterns, ("gov", GOV_RE), ("neg", _NEG), ("opinion", _OPINION), *link_gates])
        self._n_ids = n + 3 + len(link_gates)
        self._donation_prefix = re.compile("|".join(re.escape(d) for d in self._donation_domains) or r"(?!)")
        self._donation_set = frozenset(self._donation_domains)

    def detect(self, text: str, field: str) -> Iterable[Signal]:
        out: list[Signal] = []
        if field == "links":
            return self._links(text)
        cands = self._prefilter.candidates(text, self._n_ids)
        for i in cands:
            if i >= self._gov_id:
                continue
            kind, pat = self._patterns[i]
            for m in pat.finditer(text):
                ev = self._party_where.get(m.group(), "") if kind == "party" else ""
                out.append(Signal(kind=kind, start=m.start(), end=m.end(), text=m.group(), field=field, detector=self.name, evidence=ev))
        links = field in ("text", "comment") and bool(cands) and cands[-1] >= self._link_id
        govs = [g.start() for g in GOV_RE.finditer(text)] if self._gov_id in cands else []
        # A sentence can match NEGATIVE or OPINION only if the whole text matches the prefilter's
        # superset of them (look-arounds dropped), so its "no" is exact where Hyperscan reads the text as
        # re does (ASCII; IGNORECASE also folds a few non-ASCII letters such as the Kelvin sign).
        exact = ascii_semantics(text)
        neg = not exact or self._neg_id in cands
        opinion = not exact or self._opinion_id in cands
        if not govs or not (neg or opinion):
            if links:
                out.extend(self._links(text, field))
            return out
        for m in _SENTENCE.finditer(text):
            # A GOV match never crosses a sentence end ([.!?\n]), so a sentence holds one exactly when
            # a match over the whole text starts inside it.
            a, b = m.span()
            if not any(a <= g < b for g in govs):
                continue
            sentence = m.group()
            if neg and _NEG.search(sentence):
                out.append(
                    Signal(kind="gov_criticism", start=m.start(), end=m.end(), text=sentence, field=field, detector=self.name)
                )
            if opinion and _OPINION.search(sentence):
                out.append(
                    Signal(kind="political_opinion", start=m.start(), end=m.end(), text=sentence, field=field, detector=self.name)
                )
        if links:
            out.extend(self._links(text, field))
        return out

    def _is_donation(self, domain: str, full: str) -> bool:
        if self._donation_prefix.match(full):  # also the domain itself: full starts with it
            return True
        parts = domain.split(".")
        return any(".".join(parts[i:]) in self._donation_set for i in range(1, len(parts)))

    def _links(self, text: str, field: str = "links") -> list[Signal]:
        out: list[Signal] = []
        for m in _LINK_DOMAIN.finditer(text):
            domain = m.group(1).lower()
            path = m.group(2) or ""
            full = domain + path.lower()
            if self._is_donation(domain, full):
                out.append(
                    Signal(kind="donation_link", start=m.start(), end=m.end(), text=m.group(), field=field, detector=self.name)
                )
            elif _CAMPAIGN_DOMAIN.match(domain):
                kind = "donation_link" if _DONATE_PATH.search(path) else "campaign_link"
                out.append(Signal(kind=kind, start=m.start(), end=m.end(), text=m.group(), field=field, detector=self.name))
            elif _DONATE_PATH.search(path):
                out.append(
                    Signal(kind="fundraising_link", start=m.start(), end=m.end(), text=m.group(), field=field, detector=self.name)
                )
        return out
