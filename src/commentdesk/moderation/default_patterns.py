"""The default phrase patterns of a site's policy: threats, dehumanising language, hatred of a
group, off-topic markers.

They are data, not code: `Policy` takes them as the defaults of its pattern settings, which a site
may replace (`threat_patterns`, `dehumanising_patterns`, `group_hatred_patterns`,
`off_topic_markers`), and the phases match
whatever the policy holds. All are RE2 syntax over the normalised text (lower case, disguises
undone; see moderation.patterns and moderation.normalize), valid in Python's engine too.
"""

# --- Groups of people -------------------------------------------------------------------------

# Groups the patterns below speak of: by a plural noun, by a pronoun, or as people of a kind.
_NAMED_GROUPS = (
    r"(?:(?:all |most |the )?(?:muslims|jews|christians|hindus|sikhs|immigrants|migrants|"
    r"refugees|asylum seekers|blacks|whites|gays|lesbians|trans people|arabs|pakistanis|afghans|indians|mexicans|africans|"
    r"chinese|women|feminists|liberals|conservatives|leftists|foreigners|pashtuns|shias|sunnis|ahmadis|roma|gypsies))"
)
_GROUPS = rf"(?:they|these people|those people|{_NAMED_GROUPS})"
# Named by what it is, as people ("black people", "disabled women", "gay players", "the
# homeless"): the way most comments and hate-speech tests name one.
_PEOPLE_OF = (
    r"(?:(?:all |most |the )?(?:black|white|brown|asian|jewish|muslim|christian|hindu|sikh|gay|lesbian|bisexual|queer|"
    r"trans|transgender|disabled|deaf|blind|autistic|homeless|immigrant|migrant|foreign|arab|african|indian|pakistani|"
    r"afghan|mexican|chinese|romani|latino|hispanic) (?:people|persons|men|women|folks?|kids|children|players|families|"
    r"lads|girls|boys)|(?:all |most |the )?(?:disabled|homeless|asians|latinos|hispanics|transgenders|homosexuals))"
)
# Groups of people by a trait protected from hatred (not the political ones of _NAMED_GROUPS:
# "I can't stand liberals" is a view for the comment section).
_PROTECTED = (
    r"(?:(?:all |most |the )?(?:muslims|jews|christians|hindus|sikhs|immigrants|migrants|refugees|asylum seekers|blacks|"
    r"whites|gays|lesbians|trans people|arabs|pakistanis|afghans|indians|mexicans|africans|chinese|women|foreigners|"
    rf"pashtuns|shias|sunnis|ahmadis|roma|gypsies)|{_PEOPLE_OF})"
)

# --- Threats of violence ------------------------------------------------------------------------

_HARM = (
    r"(?:shot|killed|hanged|hung|lynched|executed|beheaded|stabbed|run over|burn(?:ed|t)(?: alive)?|raped|beaten(?: up)?|"
    r"strung up|wiped out|gassed|murdered|put down|exterminated|shot dead)"
)
# What a person says they want to do to someone.
_WANT_TO = r"(?: want|wanna| would love|'d love| would like|'d like| intend| plan| am going|'m going| am gonna|'m gonna) to"
_INTENDED_HARM = r"kill|shoot|stab|murder|hang|hurt|harm|beat up|beat|punch|attack|rape|lynch|torture|bomb|burn|slaughter"
DEFAULT_THREAT_PATTERNS = [
    rf"\b(?:should|must|will|gonna|ought to|needs? to|deserves? to|deserve to) (?:all )?(?:be|get) {_HARM}\b",
    r"\bi(?: will|'ll| am going to|'m going to|'m gonna| gonna| would happily| will happily)? (?:happily )?"
    r"(?:kill|shoot|stab|murder|hang|behead|run over|burn|beat up|hunt down|find and kill) (?:you|him|her|them|every|all|each)\b",
    r"\bi know where (?:you|he|she|they|his|her|their|your)(?: family)? (?:live|lives|family lives|kids|children|work|works)\b",
    r"\b(?:kill|shoot|hang|stab|burn|gas) (?:them|him|her|you) all\b",
    r"\b(?:go |just )?(?:kill|hang) yourself\b",
    r"\bi(?: will|'ll)? happily do it myself\b",
    r"\b(?:watch|better watch) your back\b",
    # Calls on others to do it ("someone should shoot the minister").
    r"\b(?:someone|somebody|anyone|anybody|we|you|people|they) (?:should|must|needs? to|ought to|has to|have to|will|gonna|"
    r"should just|needs? to just) (?:shoot|kill|hang|stab|murder|behead|lynch|burn|bomb|execute|take out|string up|run over|"
    r"beat up|blow up|gas|slaughter|exterminate|eliminate|torch|firebomb|put (?:[a-z']+ ){1,2}in (?:a |the )?hospital)\b",
    # Driving into people: how marches and crowds are attacked ("someone should drive a van into
    # that march"); "drove" in a report is not matched.
    r"\b(?:drive|steer|ram|plough|plow) (?:a |the |your |my |his |their )?(?:car|van|truck|lorry|bus|tractor) (?:into|through) "
    r"(?:the |that |those |this |their |all )?(?:march|marchers|parade|crowd|crowds|protest|protesters|demo|rally|people|them|mob)\b",
    # Setting fire to someone's property ("fans should torch the referee's car").
    r"\b(?:should|must|needs? to|ought to|gonna|going to|let's|lets) (?:torch|firebomb|petrol bomb|burn down|set fire to) "
    r"(?:the |his |her |their |your |that )?(?:[a-z']+'s )?(?:car|cars|house|home|flat|office|van|shop)\b",
    # Incitement against whole groups ("kill every last one of them", "burn their villages").
    r"\b(?:kill|shoot|hang|burn|bomb|slaughter|exterminate|wipe out|gas|lynch|massacre|deport and shoot) (?:every|each|all)(?: last| single)? "
    r"(?:one|of)\b",
    r"\bburn (?:their|his|her|your) (?:village|villages|house|houses|home|homes|mosque|mosques|church|churches|temple|temples|"
    r"synagogue|synagogues|shops?)\b",
    # Wishing death or harm on someone.
    r"\b(?:i )?(?:hope|wish|pray) (?:he|she|they|you|u|him|her|them) (?:dies?|gets? (?:killed|shot|cancer|raped|hit by|run over)|"
    r"rots?|burns?|chokes?|drowns?|suffers?|never wakes? up)\b",
    r"\b(?:i )?(?:hope|wish) (?:he|she|they|you) (?:was|were) dead\b",
    # The same wishes about someone named or described ("I hope Helen Ward gets cancer", "I pray
    # that the keeper gets hit by a bus"), with only the harms no idiom shares: "gets killed" (at
    # the polls) and "gets shot" (down) also wish a bill or a party defeat. A negation among the
    # words between turns the wish round ("I hope no child gets hit by a tram"): see
    # phases.threats.negated_wish.
    r"\b(?:i )?(?:hope|wish|pray)(?: that)? (?:[a-z0-9'-]+ ){1,4}?(?:gets?|get) (?:cancer|raped|stabbed|run over|"
    r"hit by (?:a|the) (?:bus|car|lorry|truck|train|tram|van))\b",
    # "May" before whom it wishes on ("May every minister who voted for this die cold and
    # hungry", "may he rot"); the "may" of "patients may well die" has its subject before it.
    r"\bmay (?:every|each|all the|all of|all those|all these|the|that|this|those|these|his|her|their|your|he|she|they|you|[a-z]+'s) "
    r"(?:[a-z0-9'-]+ ){0,7}?(?:die|rot|choke|drown|burn in hell)\b",
    # Harm a few words after "should be" / "deserve to be" ("should be dragged out and hanged").
    rf"\b(?:should|must|ought to|needs? to|deserves? to|deserve to) (?:all |each |both )?(?:be|get|have) (?:[a-z']+ ){{1,6}}?{_HARM}\b",
    r"\b(?:deserves?|deserve|earned|needs?) (?:a|the|his|her|their) (?:bullet|bullets|rope|noose|beating|kicking|hiding|firing squad)\b",
    r"\b(?:deserves?|deserve|needs?) (?:a )?bullets? (?:each|in (?:the|his|her|their) heads?)\b",
    r"\b(?:deserves?|deserve|ought|need|needs?) to (?:die|be dead|burn|hang|rot)\b",
    r"\b(?:heads?|faces?|teeth|skulls?) (?:kicked|smashed|bashed|caved) in\b",
    r"\b(?:legs|arms|neck|necks|jaw|knees|bones) broken\b",
    # First-person harm to a body ("I will break his legs", "I'm coming for you").
    r"\b(?:break|smash|snap|cut|slit|bash) (?:your|his|her|their) (?:legs|arms|neck|necks|face|faces|jaw|skull|head|heads|knees|throat|throats)\b",
    r"\b(?:i'm|i am|we're|we are|i'll be|we'll be) (?:coming|comin) for (?:you|him|her|them|your|his|her|their)\b",
    r"\b(?:hunt|track) (?:you|him|her|them|the \w+) down\b",
    r"\b(?:leave|leaves|go home|goes home|going home|sent home|carried out) (?:here |town |this town )?in (?:a box|a coffin|a body bag|an ambulance|pieces)\b",
    r"\b(?:put|plant|place) a (?:bomb|bullet|knife) (?:under|in|into|on|through)\b",
    r"\bwon't (?:see me coming|make it home|walk out)\b",
    # Calls to violence against many ("bomb the tribal areas flat", "rise up and hang every minister").
    r"\b(?:bomb|nuke|shell|flatten|drone strike|carpet bomb) (?:the (?:entire|whole) |every |all (?:the )?)(?:[a-z']+ ){0,3}",
    r"\bbomb (?:[a-z']+ ){0,4}flat\b",
    r"\b(?:rise up|take up arms|grab (?:your|a) (?:gun|guns|knife|knives|torch|torches)) and (?:kill|hang|shoot|burn|lynch|attack|beat|string up|drag)\b",
    r"\b(?:round|rounded|rounding) up (?:all |every |the )?(?:[a-z']+ ){0,3}?and (?:put|shoot|gas|kill|hang|burn|drown|throw|lock)\b",
    r"\b(?:should|must|need to|needs to) be (?:rounded up|gassed|wiped out|exterminated|drowned|thrown into the sea|lined up)\b",
    r"\b(?:beat|rough) up (?:every|all|whoever|anyone|any)\b",
    r"\bturn (?:their|our|your|the) (?:guns|weapons|rifles) on\b",
    r"\b(?:drive|get|kick|force|throw) (?:[a-z']+ ){0,6}?out (?:of )?(?:[a-z']+ ){0,4}?(?:by force|fire included|by any means)\b",
    r"\bburn (?:down )?every (?:[a-z']+ ){0,2}?(?:mosque|church|synagogue|temple|hotel|house|home|shop|office)s?\b",
    r"\bwith (?:the |all the )?(?:worshippers|people|families|children|kids|residents|migrants|refugees|doors locked) (?:still )?inside\b",
    r"\b(?:don't|do not) let (?:a single|any|one) (?:[a-z']+ ){0,2}leave alive\b",
    r"\b(?:put|throw|hurl) (?:a )?(?:bricks?|rocks?|petrol bombs?|molotovs?) through\b",
    r"\b(?:pay|paid) (?:them|him|her|you|the \w+) a (?:little )?visit\b.{0,60}\b(?:regret|sorry|learn|lesson|afraid|scared|pay)\b",
    # Wanting to harm someone or a group ("I want to hurt them", "I'd love to shoot every one of them").
    rf"\bi(?: really| just)?{_WANT_TO} (?:{_INTENDED_HARM}) (?:you|him|her|them|every|all|each|some of them|those people|these people)\b",
    rf"\bi(?: really| just)?{_WANT_TO} (?:{_INTENDED_HARM}) (?:some |a few |a couple of )?{_PROTECTED}\b",
]

# --- Dehumanising language -----------------------------------------------------------------

# People described as less than human: the language that comes before violence against a group.
_LESS_THAN_HUMAN = (
    r"(?:animals|vermin|rats|snakes|parasites|cockroaches|roaches|insects|a disease|a cancer|a plague|subhuman|"
    r"sub-human|savages|pigs|dogs|apes|monkeys|filth|scum|an infestation|a virus|leeches|maggots|beasts)"
)
# Worthless as things: of a named group only. "They are trash" is as often a football team.
_WORTHLESS = r"(?:trash|garbage|human garbage|human trash|pests|a blight)"
_ARE = r"(?:are|r) (?:just |nothing but |all |like |no better than |worse than )?"
DEFAULT_DEHUMANISING_PATTERNS = [
    rf"\b{_GROUPS} {_ARE}{_LESS_THAN_HUMAN}\b",
    rf"\b{_GROUPS} (?:breed|multiply) like {_LESS_THAN_HUMAN}\b",
    rf"\b{_PEOPLE_OF} {_ARE}(?:{_LESS_THAN_HUMAN}|{_WORTHLESS})\b",
    rf"\b{_PEOPLE_OF} (?:breed|multiply) like {_LESS_THAN_HUMAN}\b",
    rf"\b{_NAMED_GROUPS} {_ARE}{_WORTHLESS}\b",
]


# --- Hatred of a group ------------------------------------------------------------------------

# Hatred of a protected group said outright, and the wish to be rid of it ("I hate Muslims", "gay
# people don't deserve to live here", "we should get rid of black people"). The group's word must
# end there: "I hate women's football being ignored" is about football.
_GROUP_ENDS = r"(?:$|[^a-z0-9'’])"
DEFAULT_GROUP_HATRED_PATTERNS = [
    rf"\bi (?:really |just |fucking |truly |absolutely )?(?:hate|despise|loathe|detest|can't stand|cant stand|cannot stand) {_PROTECTED}{_GROUP_ENDS}",
    rf"\b{_PROTECTED} (?:don't|do not|dont) deserve (?:to (?:live|exist|breathe|be here|be alive)|rights|respect){_GROUP_ENDS}",
    # Ending the sentence or followed by where from: "get rid of the disabled toilets" is about toilets.
    rf"\b(?:get rid of|rid (?:this|our|the) country of|cleanse (?:this|our|the) country of) {_PROTECTED}"
    r"(?:$|[.!?,;]| for good| once and for all| from| out of| in this)",
    rf"\b{_PROTECTED} belong (?:in|at) (?:a |the )?(?:zoo|cage|jungle|gutter|sewer|bin|ovens?|gas chambers?){_GROUP_ENDS}",
    rf"\bnever trust (?:a |an |any )?{_PROTECTED}{_GROUP_ENDS}",
]


# --- Off-topic markers -----------------------------------------------------------------------

# Readers often say so themselves: "Off topic, but does anyone know…", "Unrelated, but…". RE2 over
# the normalised text; "not to go off topic, but the minister…" is not a marker.
DEFAULT_OFF_TOPIC_MARKERS = [
    r"^(?:slightly |a bit |totally |completely |a little |somewhat )?(?:off[ -]?topic|ot)\b",
    r"\b(?:sorry|apologies),? (?:for going |for being |to go |a bit |slightly |totally )?(?:off[ -]?topic|unrelated)\b",
    r"(?:^|[.!?] )(?:totally |completely |slightly )?unrelated,? but\b",
    r"(?:^|[.!?] )random question\b",
    r"\b(?:this|it|sorry|question)(?: is| has)? nothing to do with (?:the|this) (?:article|story|piece|thread|topic|report)\b",
    r"\bnothing to do with [a-z]+,? (?:but|sorry)\b|\bsorry,? nothing to do with\b",
    r"\b(?:sorry to|not to) hijack\b|\bto hijack (?:the|this) thread\b",
    r"\b(?:changing|change of) (?:the )?subject,? but\b",
]
