"""What else a comment could be about: a bank of the chatter readers post under any article.

Similarity to the article alone misses chatter written in news vocabulary ("Pakistan batted
badly yesterday" under a diplomacy story shares the country, not the subject). So each comment is
also compared with short prototypes of the common off-topic subjects below; when one of them
fits clearly better than anything in the article (or the comment answered), the comment is
probably about that subject instead, and the moderator and the reader are told which.

The prototypes are written for this project and embedded once when the models load.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

import numpy as np

# name -> (words for the reader: "it looks like it is about ...", prototypes)
TOPICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "cricket": (
        "cricket",
        (
            "What a great innings by the captain last night.",
            "Who won the cricket match yesterday?",
            "The bowlers were terrible in the test match.",
            "Can't wait for the T20 final this weekend.",
            "That was an amazing century by the opening batsman.",
            "Our team lost the one-day series again.",
            "Brilliant spell of fast bowling this afternoon, five wickets.",
            "Rain stopped play again at the county ground.",
            "Who is opening the batting in the next test?",
            "Our club side won by forty runs on Sunday.",
        ),
    ),
    "football": (
        "football",
        (
            "Did you see the goal in the derby last night?",
            "My club needs a new striker before the transfer window closes.",
            "The referee ruined the match yesterday.",
            "Who do you think will win the league this season?",
            "What a save by the goalkeeper in the second half.",
            "The Champions League final was boring.",
            "Our Sunday league side finally won a game.",
            "Season tickets went up again, robbery.",
            "Terrible penalty decision in the cup tie on Saturday.",
            "Anyone going to the away match next week?",
        ),
    ),
    "other_sport": (
        "a sports result",
        (
            "Great win for the basketball team tonight.",
            "The tennis final went to five sets.",
            "Formula One qualifying was exciting today.",
            "Who won the boxing fight on Saturday?",
            "The marathon results are out.",
            "Our hockey team made the playoffs.",
            "Great fight night at the arena, what a knockout.",
            "The rugby lads were unlucky in the final minutes.",
            "Anyone got a spare ticket for the darts on Friday?",
            "Our netball team is top of the league.",
        ),
    ),
    "weather": (
        "the weather",
        (
            "It is so hot today, must be 45 degrees.",
            "Heavy rain again this morning, the streets are flooded.",
            "Beautiful sunny weather here today.",
            "Is it going to snow this weekend?",
            "The fog is so thick I can't see across the road.",
            "What a cold winter morning.",
            "Windy enough to blow the bins over today.",
            "Frost on the car again, took ages to scrape it.",
            "Thunderstorms forecast for tonight, bring the washing in.",
            "Glorious sunshine at the beach this afternoon.",
        ),
    ),
    "shopping": (
        "shopping or a product question",
        (
            "Does anyone know where I can buy cheap shoes?",
            "Which washing machine should I buy?",
            "Big sale at the mall this weekend, everything half price.",
            "Where can I order a birthday cake online?",
            "Is this brand of air conditioner any good?",
            "Looking for a good second-hand car under budget.",
            "Where is the best place in town to buy a sofa?",
            "Any recommendations for comfortable walking boots?",
            "Does the garden centre sell bird feeders?",
            "Which shop has decent school uniforms at a fair price?",
        ),
    ),
    "tech_help": (
        "a technical question",
        (
            "My phone keeps restarting, can anyone help?",
            "How do I reset my wifi password?",
            "Which laptop is best for students?",
            "My computer is very slow after the update.",
            "Why does this website not load on my phone?",
            "Anyone know how to recover deleted photos?",
            "The smart TV won't connect to the streaming app any more.",
            "Is it worth paying for more cloud storage?",
            "My tablet's battery drains overnight, any fix?",
            "Can't log into my email since the password change.",
            "My printer refuses to print from the laptop, any ideas?",
            "Which phone has the best camera for the money?",
        ),
    ),
    "greetings": (
        "a greeting",
        (
            "Happy birthday to my dear brother!",
            "Eid Mubarak to everyone.",
            "Merry Christmas and happy new year all.",
            "Good morning everyone, have a nice day.",
            "Happy anniversary to my parents.",
            "Greetings from Toronto to all readers.",
            "Hello from a new reader in the north of England.",
            "Good evening all, hope everyone had a lovely weekend.",
            "Hi everybody, long-time reader, first-time commenter.",
            "Happy new year to everyone on this site.",
        ),
    ),
    "first": (
        "being first to comment",
        (
            "First!",
            "First comment.",
            "Am I the first one here?",
            "First, yay.",
            "Second!",
            "Early comment, first here.",
            "First post!",
            "Got here first.",
            "First again!",
            "Me first this time.",
        ),
    ),
    "personal_message": (
        "a personal message to someone",
        (
            "Ali, call me when you read this.",
            "Mum, I will be home late tonight.",
            "Sara, did you get my message?",
            "Hi Ahmed, long time no see, how is your family?",
            "Waiting for you at the station, brother.",
            "Miss you, please text me back.",
            "Auntie, the kids say thank you for the presents.",
            "Jamal, your mother is looking for you, call home.",
            "Dave, you left your keys at ours last night.",
            "Hey Priya, are you still coming round on Saturday?",
            "Nice to bump into you here, Mark, give my best to Sue.",
            "Uncle, please check your messages, it's urgent.",
        ),
    ),
    "promotion": (
        "an advertisement",
        (
            "Earn 500 dollars a day working from home, message me.",
            "Visit my channel and subscribe for daily videos.",
            "Best prices on home loans, contact us today.",
            "Follow me on Instagram for more.",
            "Buy followers and likes cheap, inbox me.",
            "Check out my new online shop, free delivery.",
            "Reliable plumber, fair prices, call any time for a quote.",
            "Cheap driving lessons, first hour free, message for details.",
            "Lose ten kilos in a month with my plan, link in my profile.",
            "Local builder, extensions and loft conversions, free estimates.",
        ),
    ),
    "entertainment": (
        "films, music or celebrities",
        (
            "Has anyone watched the new season of that drama?",
            "Her new song is amazing.",
            "Which movie should I watch tonight?",
            "The actor looked great at the awards show.",
            "Can't stop listening to this album.",
            "The last episode was so disappointing.",
            "Just finished a brilliant crime novel, could not put it down.",
            "Who is going to the concert at the park in July?",
            "That quiz show last night had such easy questions.",
            "Any good podcasts for a long drive?",
        ),
    ),
    "food": (
        "food or cooking",
        (
            "Does anyone have a good biryani recipe?",
            "Best pizza in town is at the corner shop.",
            "I made chocolate cake today.",
            "What should I cook for dinner tonight?",
            "This restaurant serves the best kebabs.",
            "How long do you boil eggs?",
            "The new bakery on the high street does lovely bread.",
            "Any tips for making crispy roast potatoes?",
            "Where can I get a decent curry delivered late?",
            "Tried the new burger place, not worth the queue.",
        ),
    ),
    "travel": (
        "travel plans",
        (
            "Planning a holiday to Turkey next month, any tips?",
            "Which airline has the cheapest flights to Dubai?",
            "Our trip to the mountains was wonderful.",
            "Is it easy to get a tourist visa these days?",
            "Looking for a nice hotel near the beach.",
            "Just landed after a long flight.",
            "Is the ferry still running in winter?",
            "Any tips for cheap parking at the airport?",
            "Back from a week of camping in the hills, bliss.",
            "How early should I get to the airport for a morning flight?",
        ),
    ),
    "local_services": (
        "a question about local services",
        (
            "Is the post office open on Saturday afternoons?",
            "Does anyone know a good dentist in town?",
            "What time does the supermarket close tonight?",
            "Is the car park by the station free after six?",
            "Are the buses running normally today?",
            "Which day is the rubbish collected on our road?",
            "Does anyone know a good mechanic who won't rip me off?",
            "What are the opening hours of the swimming pool now?",
            "Is the library open on bank holidays?",
            "Can anyone recommend a cheap taxi to the station?",
        ),
    ),
    "home_and_garden": (
        "home or garden matters",
        (
            "How do I get rid of weeds between the paving stones?",
            "My boiler keeps making a banging noise at night.",
            "What's the best paint for a bathroom ceiling?",
            "The washing machine flooded the kitchen again.",
            "When should I plant tomatoes outside?",
            "The neighbours' hedge is blocking all our light.",
            "How do I get mould off the bathroom wall?",
            "Is it worth getting the windows double glazed?",
            "My lawn is full of moss, what should I do?",
            "What should I put down to stop slugs eating my lettuce?",
        ),
    ),
    "life_events": (
        "a personal occasion",
        (
            "Remembering my grandmother, gone ten years today.",
            "So proud of my daughter, she passed her driving test!",
            "We had a baby boy this morning, over the moon.",
            "Congratulations to my cousin on her wedding day.",
            "Rest in peace to my old teacher, a wonderful man.",
            "Celebrating twenty years at my company today.",
            "My little girl started school today, where did the years go?",
            "Happy retirement to my dad, forty years on the buses.",
            "Thinking of my late husband on what would have been his birthday.",
            "Our twins took their first steps this week.",
        ),
    ),
    "hobbies": (
        "a hobby",
        (
            "Finished knitting my first jumper this weekend.",
            "Saw a heron by the canal today, made my morning.",
            "I've started learning the guitar at fifty.",
            "Our quiz team finally won at the pub last night.",
            "Went fishing at the lake, caught nothing as usual.",
            "Building a model railway in the loft, slow going.",
            "Managed a ten-mile bike ride this morning, legs are jelly.",
            "Finally finished the crossword without any help.",
            "Spotted a fox in the back garden at dawn.",
            "Been painting watercolours of the harbour all week.",
        ),
    ),
    "events_promotion": (
        "promoting an event",
        (
            "Come and see my band play at the Crown on Saturday.",
            "My art exhibition opens next week, everyone welcome.",
            "We're holding a charity car boot sale on Sunday, please come along.",
            "Our comedy night is back this Friday, tickets on the door.",
            "Join our running club, we meet every Tuesday at seven.",
            "The church choir concert is on Sunday evening, free entry.",
            "Our school fair is on Saturday, cakes and a raffle, all welcome.",
            "Quiz night at the community hall on Thursday, teams of four.",
            "The farmers' market is back in the square this weekend.",
            "Come along to our open gardens day, proceeds to the hospice.",
        ),
    ),
    "pets": (
        "pets",
        (
            "My cat has stopped eating, what should I do?",
            "Look at my new puppy, so cute.",
            "What is the best food for a parrot?",
            "Our dog loves the park.",
            "Has anyone seen a grey tabby cat near the park? He is missing.",
            "Our rabbit escaped into the neighbour's garden again.",
            "Any advice on training a stubborn puppy?",
            "The vet bill for our dog was eye-watering.",
        ),
    ),
}

# An article whose passages come this close to a subject's prototypes is about that subject.
ARTICLE_TOPIC_SIMILARITY = 0.45
# Articles whose subjects are remembered (a few hundred bytes each); the table starts again when full.
ARTICLES_REMEMBERED = 1024

SPORTS = {"cricket", "football", "other_sport"}

# Reactions that are about whatever they answer: never chatter, however short.
REACTIONS = (
    "Well said.",
    "Great reporting.",
    "Good article.",
    "I agree.",
    "I disagree.",
    "Exactly right.",
    "The minister is wrong again.",
    "This is a disgrace.",
    "Thank you for this piece.",
    "Spot on.",
    "Nonsense.",
    "Shameful.",
    "About time.",
    "Sad news.",
    "Very informative.",
    "What a joke.",
)


@dataclass
class ChatterMatch:
    topic: str
    words: str  # for the reader: "it looks like it is about <words>"
    similarity: float
    reaction_similarity: float
    closest: str


class ChatterBank:
    """The topic prototypes' vectors and the best match for a comment vector."""

    def __init__(self, encode) -> None:
        texts: list[str] = []
        owners: list[str] = []
        for name, (_words, prototypes) in TOPICS.items():
            texts += prototypes
            owners += [name] * len(prototypes)
        vectors = np.asarray(encode(texts + list(REACTIONS)), dtype=np.float32)
        self._texts, self._owners = texts, np.array(owners)
        self._vectors, self._reactions = vectors[: len(texts)], vectors[len(texts) :]
        self._names = list(TOPICS)
        # Each subject's prototypes as a row of indexes, padded with an extra column that scores
        # -inf, so that every subject is scored in one array operation.
        members = [np.flatnonzero(self._owners == name) for name in self._names]
        self._members = np.full((len(members), max(len(m) for m in members)), len(texts), dtype=np.int64)
        for row, found in zip(self._members, members, strict=True):
            row[: len(found)] = found
        self._article_topics: dict[bytes, frozenset[str]] = {}  # by a digest of the passages' vectors
        self._article_topics_lock = threading.Lock()

    def _topic_scores(self, sims: np.ndarray) -> np.ndarray:
        """Each subject's score, in the order of TOPICS: the mean of its two closest prototypes
        (one lucky match is not enough)."""
        padded = np.append(sims, -np.inf)[self._members]
        top_two = np.sort(padded, axis=1)[:, -2:]
        single = ~np.isfinite(top_two[:, 0])  # a subject with one prototype: that one alone
        return np.where(single, top_two[:, 1], top_two.mean(axis=1))

    def article_topics(self, passage_vecs: np.ndarray | None) -> frozenset[str]:
        """Subjects the article itself is about (cricket is no chatter under a cricket report)."""
        if passage_vecs is None or not len(passage_vecs):
            return frozenset()
        vectors = np.asarray(passage_vecs, dtype=np.float32)
        # A digest, not the vectors' bytes: a key of 16 bytes instead of 1.5 KB per passage.
        key = hashlib.blake2b(vectors.tobytes(), digest_size=16).digest()
        with self._article_topics_lock:
            known = self._article_topics.get(key)
        if known is not None:
            return known
        sims = (vectors @ self._vectors.T).max(axis=0)
        scores = self._topic_scores(sims)
        covered = {name for name, score in zip(self._names, scores, strict=True) if score >= ARTICLE_TOPIC_SIMILARITY}
        # A report on one sport draws comments in the language of every sport.
        subjects = frozenset(covered | SPORTS if covered & SPORTS else covered)
        with self._article_topics_lock:
            if len(self._article_topics) >= ARTICLES_REMEMBERED:
                self._article_topics.clear()
            self._article_topics[key] = subjects
        return subjects

    def match(self, comment_vec: np.ndarray, passage_vecs: np.ndarray | None = None) -> ChatterMatch:
        sims = self._vectors @ np.asarray(comment_vec, dtype=np.float32).ravel()
        covered = self.article_topics(passage_vecs)
        best_topic, best_score, best_text = "", -1.0, ""
        for name, score in zip(self._names, self._topic_scores(sims).tolist(), strict=True):
            if name not in covered and score > best_score:
                best_topic, best_score = name, score
        if best_topic:
            mine = self._members[self._names.index(best_topic)]
            mine = mine[mine < len(self._texts)]
            best_text = self._texts[mine[int(np.argmax(sims[mine]))]]
        reaction = float(np.max(self._reactions @ np.asarray(comment_vec, dtype=np.float32).ravel()))
        if not best_topic:
            return ChatterMatch("", "", 0.0, reaction, "")
        return ChatterMatch(best_topic, TOPICS[best_topic][0], best_score, reaction, best_text)
