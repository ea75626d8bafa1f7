"""Codes of conduct as loaded from packs: clauses, topics and severity per capacity."""

from __future__ import annotations

from dataclasses import dataclass, field

from onrecord.model.finding import ClauseRef

# The topics checks emit and packs govern. A pack may only name these (validated on load).
TOPICS: dict[str, str] = {
    "partisan_activity_on_duty": "political activity on duty, in the workplace or with government equipment",
    "solicit_political_contributions": "asking for, or passing on requests for, political contributions",
    "use_of_official_title_for_politics": "official title, authority or an official account used in partisan activity",
    "further_restricted_partisan_activity": "partisan activity by staff under the strictest political restrictions",
    "misuse_of_position": "using the position for private gain, to endorse, or to pressure or coerce others",
    "political_pressure": "political or fundraising messages aimed at subordinates or at people with business before the office",
    "personal_fundraising": "charity or personal fundraising that uses the title or position, or asks subordinates",
    "endorsement": "endorsing a product, service, enterprise or fundraiser with the official title or position",
    "nonpublic_information": "disclosing information that is not public: marked, embargoed, draft or unannounced",
    "political_neutrality": "partisan or politically controversial expression tied to the role or an official channel",
    "criticism_of_own_area": "public criticism of government policy in one's own area of work",
    "unauthorised_official_comment": "speaking for the organisation, or making commitments, without authority",
    "government_resources": "government accounts, devices, email or duty time used for non-official purposes",
    "personal_data": "personal data of members of the public, clients or colleagues",
    "abuse": "insults, harassment, slurs, threats or discriminatory language",
    "pre_election_period": "official channels during the pre-election (purdah) period",
    "disrepute": "conduct likely to damage the reputation of the office, organisation or service",
    "capacity_ambiguity": "role identifiable but the capacity is unclear (no disclaimer)",
    "public_record": "an official-capacity post is a public record that must be kept",
    "personal_security": "details about oneself that, alone or combined across profiles, expose employer, role, whereabouts or family",
}


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause of a code of conduct, in our own words with a link to the source."""

    id: str  # qualified: "<pack-id>:<clause-id>"
    title: str
    summary: str
    url: str
    edition: str
    licence: str
    topics: tuple[str, ...]
    severity: dict[str, str]  # capacity -> breach | warning | info
    roles: tuple[str, ...] = ()  # empty: every role
    text: str = ""  # verbatim text, only where the licence allows
    attribution: str = ""
    origin: str = ""  # the pack (file) that defined it

    @property
    def capacities(self) -> tuple[str, ...]:
        return tuple(self.severity)

    def ref(self) -> ClauseRef:
        return ClauseRef(id=self.id, title=self.title, url=self.url)


@dataclass(frozen=True, slots=True)
class Source:
    """A document a pack draws on."""

    id: str
    title: str
    url: str
    edition: str
    licence: str


@dataclass(slots=True)
class Pack:
    """A code of conduct (or an organisation's layer over one), resolved through ``extends``."""

    id: str
    title: str
    jurisdiction: str
    aliases: tuple[str, ...]
    description: str
    clauses: dict[str, Clause]  # local clause id -> clause
    sources: tuple[Source, ...] = ()
    extends: str | None = None
    select_roles: tuple[str, ...] = ()
    select_account_kinds: tuple[str, ...] = ()
    select_organisation_words: tuple[str, ...] = ()
    select_priority: int = 0
    path: str = ""
    _by_topic: dict[str, list[Clause]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        """Rebuild the topic index (after clauses change)."""
        self._by_topic = {}
        for clause in self.clauses.values():
            for topic in clause.topics:
                self._by_topic.setdefault(topic, []).append(clause)

    def governing(self, topic: str, capacity: str, role: str = "unknown") -> list[Clause]:
        """The clauses that govern ``topic`` in ``capacity`` for ``role`` (empty: not governed)."""
        return [
            c
            for c in self._by_topic.get(topic, ())
            if capacity in c.severity and (not c.roles or role in c.roles or role == "unknown")
        ]

    def topics(self) -> set[str]:
        return set(self._by_topic)
