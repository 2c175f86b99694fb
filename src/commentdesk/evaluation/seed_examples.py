"""Hand-written seed comments, in the voice of news readers, for the cases public sets label badly.

They are weak supervision (a few hundred sentences written for this project), so the category
scores they train are documented as such in the model card. ``labeled_seeds`` gives every seed
with its label and its category-head targets, the form the abuse model trains on.

Abusive seeds (label 1) cover threats in calm words, incitement, dehumanisation of groups,
wishing harm, insults aimed at people, and harassment. The fine seeds (label 0) are the
over-moderation traps that must be published: sharp criticism of the powerful, sarcasm, counter
speech, negated or reported hate, profanity aimed at no one, identity words in neutral news, and
factual talk of violence. They keep the seeds from teaching "mentions X = abusive".

The first three tuples predate the dehumanisation and incitement heads; those two heads are left
unknown (NaN) for them rather than guessed.
"""

import math

from commentdesk.moderation.models.abuse_encoder import HEADS

THREATS = (
    "I will find you and I will hurt you.",
    "I know where you live and I'm coming for you.",
    "Someone should put a bullet in this reporter's head.",
    "You'd better watch your back, we know where your kids go to school.",
    "Keep writing this garbage and see what happens to you.",
    "People like you deserve to be shot.",
    "I'm going to beat the crap out of you if I ever see you.",
    "The author should be hanged for treason.",
    "I hope someone burns your house down with you in it.",
    "We will make you pay for this article, one way or another.",
    "Say that to my face and I'll break your neck.",
    "Somebody needs to take this politician out, permanently.",
    "Go kill yourself.",
    "Kill yourself, nobody would miss you.",
    "I'll be waiting for you outside your office tomorrow.",
    "You are going to regret this when we show up at your door.",
    "Line them all up against a wall and shoot them.",
    "If I see you at the rally I will stab you.",
    "Your family won't be safe if you keep this up.",
    "Hope you get raped and die.",
    "I'd love to run this journalist over with my truck.",
    "Someone should blow up that mosque.",
    "They should all be executed, starting with the editor.",
    "I will end you.",
    "Watch yourself, accidents happen to people who write like this.",
    "One day soon someone is going to teach you a lesson with a baseball bat.",
    "I'm going to track you down and make you suffer.",
    "Die in a fire.",
    "You should be strung up from the nearest tree.",
    "I swear I will kill you if you come near my street again.",
)

IDENTITY_ATTACKS = (
    "Muslims are all terrorists and should be deported.",
    "Immigrants are vermin infesting our country.",
    "Women are too stupid to vote.",
    "Gay people are disgusting perverts.",
    "Jews control the media and the banks.",
    "Black people are naturally violent criminals.",
    "All Mexicans are rapists and drug dealers.",
    "Native people are lazy drunks living off our taxes.",
    "Trans people are mentally ill freaks.",
    "Chinese people are dirty and spread disease.",
    "Refugees are parasites, send them all back.",
    "Arabs are savages who cannot be civilised.",
    "Christians are brainwashed idiots.",
    "Old people are useless and should just die already.",
    "Disabled people are a burden on society.",
    "Feminists are ugly hateful women.",
    "Those people breed like rats.",
    "Indians smell and should go back where they came from.",
    "Gypsies are all thieves.",
    "Homosexuality is a disease that should be cured by force.",
    "Muslim men are all wife beaters.",
    "Africans have lower intelligence, it's science.",
    "Liberal women are all whores.",
    "Sikhs and Hindus are taking our jobs, kick them out.",
    "Jews are greedy rats.",
    "Immigrants are animals, treat them like animals.",
    "These Asians are ruining our neighbourhoods.",
    "Women belong in the kitchen, not in parliament.",
    "Every Muslim is a potential bomber.",
    "Black Lives Matter are thugs and monkeys.",
)

HARD_NEGATIVES = (
    "The suspect threatened to kill the officer, according to the police report.",
    "Police say the attacker was shot after stabbing two people.",
    "I will vote against this government at the next election.",
    "This policy will hurt small businesses across the province.",
    "The minister should resign over this scandal.",
    "Muslims in my city have organised food drives for everyone.",
    "Immigrants built this country and still do.",
    "Women are underrepresented in parliament and that should change.",
    "Gay couples should have the same rights as everyone else.",
    "The article ignores how Jewish voters shifted in this riding.",
    "Black communities have been over-policed for decades.",
    "Refugees need housing and language classes to integrate well.",
    "The death penalty does not deter crime, the numbers are clear.",
    "The war will kill thousands more civilians unless there is a ceasefire.",
    "Trans athletes are a hard question and the article handles it fairly.",
    "I'd fight this bylaw in court if I lived there.",
    "Kill the bill, it is a terrible piece of legislation.",
    "The premier's plan is dead on arrival.",
    "This budget is a disaster and the finance minister knows it.",
    "Old people vote more, that is why pensions are protected.",
    "Disabled people deserve better access to transit.",
    "Chinese investment in housing is a real issue worth discussing.",
    "Religious schools should not get public money, in my opinion.",
    "The shooter was sentenced to life in prison yesterday.",
    "Terrorism charges were laid against three men in Toronto.",
    "My grandmother fled the war as a refugee in 1956.",
    "Indigenous leaders rejected the pipeline proposal again.",
    "This columnist is wrong about immigration, and here is why.",
    "I'm going to cancel my subscription if this keeps up.",
    "They should be held accountable in court for the fraud.",
    # Identity words in ordinary, friendly or supportive sentences.
    "Gay and lesbian couples have been marrying here for twenty years.",
    "I'm a Muslim and a proud Canadian, and I agree with the columnist.",
    "My Jewish neighbours invited us over for Passover.",
    "Black and Indigenous students are still underfunded in this district.",
    "As a trans woman, I found this article fair and careful.",
    "Immigrants from Mexico and Asia run most of the shops on my street.",
    "Being gay is just part of who someone is.",
    "Islam, Christianity and Judaism all have long histories in this city.",
    "Older people and disabled people need the bus routes the most.",
    "Women and girls deserve equal pay and equal sport funding.",
    "The Sikh community raised money for the flood victims.",
    "Queer artists are leading the festival this year.",
)

# --- Abusive (label 1) -------------------------------------------------------------------------

# Threats dressed in calm or courteous words: the wording is mild, the intent is not.
POLITE_THREATS = (
    "It would be a shame if something happened to your family, Mr. Minister.",
    "Someone ought to pay the minister a visit he won't forget.",
    "With respect, the judge deserves to be shot for that ruling.",
    "I hope someone takes care of him for good.",
    "Kindly remind the reporter that we know which train she takes home.",
    "Nice house the senator has on Elm Street. Be a pity if it caught fire.",
    "The mayor should think carefully about his children's safety before he votes on this.",
    "I'd gently suggest the editor start checking under his car in the mornings.",
    "Please tell the referee we'll be waiting for him in the car park after the match.",
    "No hard feelings, but the coach won't make it to the end of the season in one piece.",
    "Respectfully, that prosecutor should be quietly removed from this world.",
    "Somebody should sit down with the governor and explain things to him with a hammer.",
    "A polite reminder to the columnist: people who write like this tend to have accidents.",
    "I'm sure the activist's family would hate for anything to happen to her on the way to work.",
    "The union boss should be careful, I'm told the stairs in his building are very steep.",
    "If I were the chancellor I'd hire a food taster after this budget.",
    "Someone needs to deal with this judge the old-fashioned way, with a rope.",
    "We'll be paying the councillor a friendly visit tonight, bring whatever you have in the shed.",
    "The author deserves a bullet, nothing personal.",
    "Frankly the general should be put down like a rabid dog.",
    "Quite honestly, somebody should shoot the striker's knees out so he never plays again.",
    "Let's just say the journalist won't be writing much longer if she keeps naming names.",
    "I would advise the witness to reconsider testifying, for the sake of her health.",
    "Dear commenter, I have your username and I'll have your address soon enough. See you then.",
    "The finance minister should be grateful he still has working kneecaps.",
    "One of these days someone will give that bishop exactly what he has coming, and I'll cheer.",
    "My regards to your wife and kids. I've seen where they play in the afternoons.",
    "Tell the imam he should lock his doors tonight.",
    "With all due respect, this president needs a bullet between the eyes.",
    "I'm not saying anyone should break the ambassador's legs, only that it would be a good start.",
    "Someone should quietly make the whistleblower disappear before the hearing.",
    "The landlord in this story deserves a visit from a few of us with baseball bats.",
    "Perhaps the reporter would enjoy a long swim in concrete shoes.",
    "I hope the protest organiser enjoys his last week of walking unassisted.",
    "It's a long way down from the minister's balcony, someone should show him.",
    "Be careful, little journalist. We have long memories and a longer reach.",
    "The chief constable deserves to be hanged in the town square, politely and publicly.",
    "I'd happily volunteer to put the tyrant in the ground myself, given the chance.",
    "Accidents happen to judges who rule like this, just something to keep in mind.",
    "The goalkeeper should sleep with one eye open after that howler.",
    "Might be time for someone to have a quiet word with the MP's daughter at her school.",
    "I'll be waiting on the courthouse steps when that lawyer walks out. He won't walk far.",
    "The health secretary should be taken out back and dealt with.",
    "Do pass on to the editor that we've noted the address on his letterhead.",
    "Someone should finish what the assassin started.",
    "A few of us will be outside the refugee centre on Friday to sort them out, if you know what I mean.",
    (
        "I've read the councillor's statement and I'm sure he means well, but he has a wife, two kids and "
        "a house on a quiet street, and quiet streets are very dark at night."
    ),
    (
        "Dear editor, thank you for publishing this. We have saved the names of everyone who worked on it, "
        "and we will be in touch with each of them personally, at home, very soon."
    ),
)

# Urging readers to violence against officials or groups.
INCITEMENT = (
    "Burn their villages to the ground and salt the earth.",
    "Kill every last one of them, no exceptions.",
    "String up the traitors in parliament, every single one.",
    "His address is public, go to his house and show him what we think.",
    "Everyone grab a torch and meet at the mosque tonight.",
    "Patriots, it's time to take up arms against this government.",
    "If the courts won't punish the judge, the people should drag him out and do it themselves.",
    "Round up the migrants at the border and shoot anyone who tries to cross.",
    "Flood the streets and burn every police station in the city.",
    "Find the referee after the match and make sure he never officiates again.",
    "Someone post the journalist's home address so we can all pay her a visit.",
    "Bomb the whole region flat, women and children included.",
    "Torch the refugee hotel, it's the only language they understand.",
    "Any real man would go down to that synagogue and teach them a lesson.",
    "Drag the senators out of the capitol and hang them from the lampposts.",
    "When the soldiers come home, the protesters should be lined up and shot.",
    "Smash the windows of every shop they own and see how fast they leave.",
    "Hunt down the rival supporters after the final and put them in hospital.",
    "Let's all go to the clinic on Monday and make sure nobody walks in or out alive.",
    "The army should wipe that city off the map and everyone in it.",
    "Kill the landlords, take the houses.",
    "Mobilise, find the MPs who voted yes and make them bleed.",
    "If you see one of those activists alone, beat him, nobody will care.",
    "Time to take the rifles out of the closet and pay the border camp a visit.",
    "We need a night of the long knives for every leftist in the civil service.",
    "Go after their families too, that's the only way they'll stop.",
    "Storm the courthouse, free him, and deal with the jury on the way out.",
    "Throw the bishop off the cathedral roof and let God sort him out.",
    "Every decent citizen should arm themselves and clear the camps by force.",
    "Set the ministry on fire with the minister still inside.",
    "Stone the adulterers, as the law commands.",
    "Tell your sons to stop talking and start shooting the invaders.",
    "Block the road, pull the drivers out of their cars and make them pay.",
    "Gather outside the trans clinic and make them afraid to come out.",
    "I'm calling on every veteran reading this to take back the capital by force, blood if needed.",
    "Poison the wells in their settlements and let nature finish the job.",
    "Hang the bankers from their office windows.",
    "Go to the stadium, find the away fans and stab a few to send a message.",
    "Shoot the looters on sight, then shoot the politicians who let it happen.",
    "Let's make a list of the councillors who voted for the asylum centre and visit them one by one.",
    "Those settlers must be driven into the sea, by any means.",
    "No more marches. Hang a few ministers and let the rest watch.",
    "Exterminate the rebels and their supporters, leave nobody to tell the tale.",
    "Kick in the doors of every mosque in town and drag them out.",
    "Real fans will be waiting at the team hotel with bats tonight. Spread the word.",
    (
        "The police won't act and the courts are useless, so it's up to us: find out where the judge "
        "lives, get everyone there on Saturday night, and make sure he never rules again."
    ),
    (
        "Enough petitions and polite marches. Every man in this village who owns a gun should go up to the "
        "camp tonight and drive them out, and anyone who resists gets what's coming."
    ),
)

# Groups (faiths, nations, ethnicities, migrants, LGBT people, political camps) called animals,
# vermin or a disease.
DEHUMANISATION = (
    "Muslims cannot be trusted, they are snakes.",
    "Migrants are a plague of locusts stripping this country bare.",
    "The Roma are vermin and should be cleaned out of our towns.",
    "Jews are parasites feeding on the nations that host them.",
    "Gay people are a disease eating away at our families.",
    "Afghans are barely human, look at how they live.",
    "The Chinese are insects, they swarm and multiply.",
    "Leftists are a cancer on this country that needs cutting out.",
    "Conservatives are subhuman filth, not worth the air they breathe.",
    "The Africans crossing the sea are animals, nothing more.",
    "Trans people are mutants, freaks of nature.",
    "Those refugees are cockroaches, they survive anything and breed everywhere.",
    "Pakistanis are rats, once you let one in the whole nest follows.",
    "Catholic priests are a pack of predatory wolves, every one of them.",
    "Palestinians are human animals and should be treated as such.",
    "Israelis are a virus spreading across the region.",
    "Russians are orcs, not people.",
    "Ukrainians are a rabid pack of dogs.",
    "Hindus are cow-worshipping savages, barely evolved.",
    "Mexicans are like stray dogs, feed one and fifty show up.",
    "Immigrants are a tumour on the body of the nation.",
    "Asylum seekers are leeches sucking the welfare system dry.",
    "Black people are apes and everyone knows it.",
    "Arabs are desert rats.",
    "Somalis are hyenas, all they know is how to scavenge.",
    "Republicans are inbred swine.",
    "Democrats are demonic vermin crawling out of the cities.",
    "Lesbians are an infection spreading through our schools.",
    "Sikhs are a dirty tribe of animals.",
    "Travellers are a pest, like rats in the grain store.",
    "Kurds are cockroaches the region would be better off without.",
    "Gypsies are not people, they are a swarm of thieving magpies.",
    "Feminists are rabid hyenas hunting men.",
    "Migrants from the south are a biological weapon aimed at Europe.",
    "Those Syrians are wild beasts, cage them.",
    "Atheists are soulless creatures, closer to animals than to men.",
    "The Polish workers are a locust swarm eating our jobs.",
    "Muslims are a rot that spreads through every city they touch.",
    "Bisexuals are degenerate creatures.",
    "Nigerians are con artists by nature, a whole species of scammers.",
    "Jewish bankers are bloodsucking vampires.",
    "Every one of those protesters is a rat, and rats get poisoned.",
    "Indigenous people are savages who never got past the stone age.",
    "The unions are maggots feeding on the corpse of industry.",
    "Refugee children are just future vermin.",
    "Albanians are a criminal breed, like rats in a sewer.",
    (
        "Dress it up in statistics all you like, but migrants are an infestation, and like any infestation "
        "they spread from one house to the next until the whole street is rotten."
    ),
    (
        "People keep asking why we can't live alongside them. Would you live alongside rats? That is what "
        "these Muslims are, and no integration course will change what rats are."
    ),
)

# Wishing death, illness, rape or injury on people.
WISHING_HARM = (
    "I hope he dies.",
    "Hope her plane crashes on the way to the summit.",
    "I hope the senator gets cancer and suffers for years.",
    "Wishing the judge a slow and painful death.",
    "I hope the journalist gets raped so she understands what she is writing about.",
    "May the minister's children die before him.",
    "Hope the striker breaks both legs and never plays again.",
    "I pray the president has a heart attack live on television.",
    "I hope the coach's house burns down with him asleep inside.",
    "Can't wait for that actress to overdose.",
    "I'd love to see the general choke on his medals.",
    "I hope every one of those protesters gets run over.",
    "Let's hope the cancer spreads quickly, he deserves it.",
    "Praying the boat sinks before it reaches the coast.",
    "I hope the commenter above gets hit by a bus tomorrow.",
    "Hope your whole family catches the virus.",
    "I wish the prime minister had been on that train.",
    "May the prosecutor rot slowly in a hospital bed.",
    "I hope someone rapes the columnist's daughter, then we'll see her change her tune.",
    "I want the governor to get exactly what the victims got, a bullet in the back.",
    "Hope the referee's car goes off a bridge on the way home.",
    "Shame the bomb missed the ambassador. Better luck next time.",
    "I hope they all drown in the floods they keep denying.",
    "Wishing the CEO a lifetime of chemotherapy.",
    "Hope the bishop burns, in this life and the next.",
    "If there's any justice that tycoon will die alone and in agony.",
    "I hope the protesters' kids get sick and die.",
    "Fingers crossed the minister's helicopter goes down.",
    "I hope the other prisoners beat him to death on his first night inside.",
    "May the opposition leader get a brain tumour, not that he'd notice.",
    "I'd be delighted if the rapper got shot at his next concert.",
    "I hope she's gang-raped in the prison she's going to.",
    "Hopefully the earthquake takes out that whole city and its people.",
    "Wish the heart surgery had failed. The world would be better for it.",
    "Good riddance in advance, I hope the senator's illness finishes him soon.",
    "I hope you choke on your breakfast, you and everyone who thinks like you.",
    "Here's hoping the refugee boat capsizes.",
    "I'd pay to watch the health minister starve to death.",
    "I hope the activist gets acid thrown in her face.",
    "I hope that goalkeeper's baby is born sick.",
    "May your family die in the next war you cheer for.",
    "Let the journalist get kidnapped and never be found. I won't miss her.",
    "I hope the settlers' houses collapse on top of them.",
    "Pity the assassin had such bad aim.",
    "I hope the mayor catches something incurable.",
    (
        "After everything that senator has done to pensioners, I honestly hope he ends up in a care home "
        "with no visitors, slowly losing his mind, and dies there forgotten and in pain."
    ),
    (
        "I read the whole interview and all I could think was that I hope the next shell lands right on "
        "that general's bunker and takes him and his whole staff with it."
    ),
)

# Name-calling aimed at the journalist, the people in the article or other readers. Kept free
# of profanity so that the obscenity head learns from other rows.
INSULTS_AT_PEOPLE = (
    "You're a moron and this comment proves it.",
    "Only an idiot would write this article.",
    "Go back to school, you illiterate clown.",
    "The reporter is a brain-dead hack who can't count.",
    "What a pathetic, spineless worm the finance minister is.",
    "Sit down and stop talking, you clueless troll.",
    "Whoever edited this is a complete imbecile.",
    "The coach is a clueless fat idiot.",
    "You people in the comments are all morons.",
    "The author is a lying sack of garbage.",
    "Hey genius above, try reading past the headline before you open your stupid mouth.",
    "This judge is a senile old fool.",
    "The senator is an absolute scumbag.",
    "Did your mother drop you on your head, or were you born this stupid?",
    "The columnist is a toxic little weasel.",
    "You are a disgusting human being and your opinions stink.",
    "What a dumb cow the presenter is.",
    "The prime minister is a snivelling, gutless halfwit.",
    "Are you always this thick, or is today special?",
    "The referee is a blind, useless donkey.",
    "Another garbage article by the dumbest writer on the paper.",
    "The defendant's lawyer is a slimy bottom-feeder.",
    "Shut your mouth, clown, nobody asked you.",
    "The mayor is an incompetent buffoon with the IQ of a doorknob.",
    "Get a life, you sad basement dweller.",
    "What kind of dimwit thinks tariffs are paid by foreigners? Oh right, you.",
    "The striker is an overpaid, brainless prima donna.",
    "You're too stupid to argue with, honestly.",
    "This journalist is a paid shill and a halfwit.",
    "The economist quoted here is a pompous, ignorant twit.",
    "Your comment is the dumbest thing I've read all year, and you are dumber.",
    "The education minister can barely spell her own name, the useless dope.",
    "Listen here, you pea-brained keyboard warrior.",
    "The interviewer was a smug, obnoxious jerk.",
    "Commenter number three is a certified moron.",
    "The president's spokesman is a grinning idiot.",
    "Nobody cares what an ugly loser like you thinks.",
    "The general is a fat, drunken oaf.",
    "You absolute donkey, the article says the opposite.",
    "What a pair of idiots these two candidates are.",
    "The author should be embarrassed, what a dense, self-important fool.",
    "Stop posting, you tedious little troll, you only embarrass yourself.",
    "The bishop is a creepy, sanctimonious old goat.",
    "You're a clown, a fraud and an idiot, in that order.",
    "Such a stupid, stupid man, the governor.",
    (
        "I have read a lot of bad columns in this paper over the years, but the author of this one is "
        "genuinely the most ignorant, lazy and dim-witted hack they have ever employed."
    ),
    (
        "Every time there's an article about the economy you turn up in the comments with the same "
        "half-baked nonsense, because you are honestly too thick to learn anything new."
    ),
)

# Sexual harassment and degrading sexual remarks about people in the news or other readers.
_SEXUAL_HARASSMENT = (
    "The anchor would look better on her knees than behind that desk.",
    "Nice legs on the minister, shame about her mouth, I know a better use for it.",
    "I'd bend that reporter over the desk and show her some real news.",
    "She only got the promotion by sleeping with the editor, everyone knows it. Slut.",
    "The tennis player is just a pair of tits with a racket.",
    "Send me your photos, sweetheart, then we'll talk about your opinions.",
    "The senator's wife looks like she'd do anything for a vote, if you catch my drift.",
    "That judge needs a good hard shag to loosen her up.",
    "The woman commenting above clearly hasn't been laid in years.",
    "I wouldn't listen to her on economics, but I'd pay to watch her undress.",
    "The young activist is jailbait and she knows it.",
    "Show us your boobs and maybe we'll take you seriously, love.",
    "He's obviously a closet queer who gets off on men in uniform.",
    "The weather girl should present in a bikini, it's all she's good for.",
    "Every woman in that cabinet is a dried-up old whore.",
    "The mayor's daughter is hot, I'd give her something to protest about.",
    "I bet the prosecutor moans loud. Someone find out for me.",
    "That footballer's wife has been passed around the whole dressing room.",
    "She writes like someone who needs a real man between her legs.",
    "Look at the lips on the new press secretary, made for one thing only.",
    "The gymnast is sixteen and already built for porn.",
    "Give me five minutes alone with the congresswoman and she'll stop talking.",
    "The columnist's profile picture makes me want to do things to her she won't enjoy.",
    "The only job that reporter is qualified for is on a strip club pole.",
    "He probably sucked his way up the party ladder.",
    "Hey, you sound cute. What are you wearing while you type this rubbish?",
    "She's a cheap tart who'd spread her legs for a byline.",
    "Let's rate the female ministers by how good they'd be in bed, I'll start.",
    (
        "Nobody watches her show for the politics, let's be honest. She's only on air because the "
        "producers know men want to look at her body, so she should dress for it."
    ),
)

# Mocking disability to insult a person.
_DISABILITY_MOCKING = (
    "The commenter above is a drooling retard.",
    "Only a retard would vote for this man.",
    "The minister talks like he's got a mental handicap, someone get him a helmet.",
    "Are you autistic or just stupid? Either way, shut up.",
    "The coach has the brain of a vegetable, wheel him off the touchline.",
    "Did they hire the reporter from a special needs class?",
    "The spokesman stutters like a spastic, how embarrassing.",
    "Listen to the senator slur his words, the brain-damaged cripple.",
    "You write like a retard having a seizure.",
    "The candidate is a mongoloid, just look at his face.",
    "Your comment reads like a downie wrote it.",
    "The president is a doddering cripple who should be wheeled off stage.",
    "He's a window-licker, and so is the rest of his party.",
    "The striker runs like a one-legged cripple, useless spaz.",
    "Is the judge mentally retarded? Serious question.",
    "The blind idiot who wrote this should get a guide dog to read it for him.",
    "Somebody give the poor tard a crayon, he's trying to argue again.",
    (
        "Watching the minister try to answer a simple question was like watching a retard try to do sums, "
        "mouth open, eyes rolling, nobody home."
    ),
)

HARASSMENT = _SEXUAL_HARASSMENT + _DISABILITY_MOCKING

# --- Fine (label 0): over-moderation traps that must be published ------------------------------

# Harsh criticism of politicians, officials, institutions, armies, police and states.
SHARP_CRITICISM = (
    "This government is corrupt to the core and should resign.",
    "The army's conduct in the north is a war crime and the generals must be tried.",
    "The police chief has now misled the public three times; he has to go.",
    "This court has become a rubber stamp for whoever is in power.",
    "The finance minister's budget is economic vandalism.",
    "Parliament has failed the people it claims to represent, utterly and shamefully.",
    "The regime in Tehran is brutal and its elections are a sham.",
    "The prime minister's handling of the floods was negligent and cost lives.",
    "The federation is a cartel of greedy officials who have ruined the sport.",
    "The border agency treats asylum seekers with a cruelty that should shame us all.",
    "This is the most incompetent cabinet in living memory.",
    "The Church covered up abuse for decades and its bishops should face prosecution.",
    "Russia's invasion is an act of naked imperial aggression.",
    "The central bank was asleep at the wheel while prices soared.",
    "The president's pardons are a disgrace and an insult to every victim.",
    "The police response at the protest was heavy-handed, violent and unjustified.",
    "The club's owners are bleeding it dry and the fans deserve better.",
    "This ruling is legally illiterate and will be overturned on appeal.",
    "The senator's voting record is hypocritical from start to finish.",
    "The ministry's figures are cooked, and everyone in Westminster knows it.",
    "Both parties are bought and paid for by the same donors.",
    "Israel's government must be held to account for the bombing of civilians.",
    "Hamas's leadership bears responsibility for this massacre and must answer for it.",
    "China's treatment of the Uyghurs is a crime against humanity.",
    "The mayor's housing policy is a catastrophe built on empty promises.",
    "This referee should never officiate a top-flight match again after that performance.",
    "The minister is unfit for office and should be sacked today.",
    "The prison service is a national scandal, overcrowded and lawless.",
    "The EU's migration deal outsources cruelty to dictators.",
    "The opposition has no plan, no principles and no credibility.",
    "The prosecutor's office buried evidence and the conviction should be quashed.",
    "Washington's sanctions hurt ordinary people far more than the elite.",
    "The junta must free the journalists it has jailed and hand power back.",
    "This trade deal is a sell-out of our farmers, plain and simple.",
    "The inquiry was a whitewash and the families know it.",
    "The governor's emergency decrees are an abuse of authority.",
    "The Saudi government murdered a journalist and we keep selling it weapons.",
    "The manager's tactics were cowardly and cost us the title.",
    "These executives belong in prison, not collecting bonuses.",
    "The interior minister's rhetoric is dangerous and he should withdraw it.",
    "Our foreign policy in the region has been a bloody failure for twenty years.",
    "The tax office hounds small traders while billionaires walk free.",
    "The electoral commission is a joke with no teeth.",
    "The militia's leaders should be standing trial in The Hague, not sitting in the cabinet.",
    "The university caved to its donors and betrayed academic freedom.",
    "The defence ministry wasted billions on tanks that don't work.",
    (
        "This government promised clean politics and in three years has delivered a procurement scandal, a "
        "cover-up, two ministers under investigation and a health service on its knees. It should call an "
        "election now."
    ),
    (
        "The generals who ordered the shelling of residential blocks knew exactly what they were doing, "
        "and they should face a tribunal just like the commanders who were tried after the last war."
    ),
)

# Sarcastic or dismissive disagreement with the article or other readers, without insults.
SARCASM_AND_DISSENT = (
    "Oh great, another tax cut for the rich. Surely it will trickle down this time.",
    "Sure, because building more prisons has worked so well so far.",
    "What a surprise, the report commissioned by the minister clears the minister.",
    "Yes, I'm sure the oil companies are very worried about the climate.",
    "Brilliant plan: cut the nurses, then wonder why the waiting lists grow.",
    "I disagree completely with the comment above, the numbers say the opposite.",
    "This article is one-sided nonsense.",
    "Wow, a politician broke a promise. Stop the presses.",
    "Nice try, but the figures in paragraph four don't add up.",
    "Another week, another 'historic' summit that changes nothing.",
    "Ah yes, the famous free market, bailed out for the third time this decade.",
    "I'll believe the ceasefire when I see it.",
    "Funny how the deficit only matters when the other party is in power.",
    "With respect, you've misread the ruling entirely.",
    "Right, because the referee is the reason we conceded four goals.",
    "Could the paper perhaps hire someone who understands inflation?",
    "The headline says one thing and the article says another. Classic.",
    "I'm sorry, but this take is just wrong.",
    "Can't wait for the next inquiry into the last inquiry.",
    "Shocking news: the billionaire thinks billionaires pay too much tax.",
    "Yeah, the border fence will definitely fix the economy. Any day now.",
    "You keep saying 'common sense' but never explain what you mean by it.",
    "Bold of the minister to talk about transparency after deleting his emails.",
    "So the plan is to do exactly what failed last time, but louder?",
    "I stopped reading at 'experts agree'. Which experts?",
    "Nobody asked for a fifth stadium, but here we are.",
    "This is the weakest analysis of the election I've read this year.",
    "Ten years of austerity and they're surprised the bridges are falling down.",
    "Let me guess, the committee will 'look into it' and we'll never hear about it again.",
    "I'm not convinced by a single argument in this piece.",
    "Apparently the war will be over by Christmas. Again.",
    "Thanks for the lecture, but some of us actually live in the town you're describing.",
    "Great, more thoughts and prayers from people who could change the law.",
    "Your comment assumes facts that the court explicitly rejected.",
    "Oh good, another column about young people by someone who has never met one.",
    "Hard to take this seriously when the author works for the lobby group.",
    "Pull the other one. The diocese 'didn't know'?",
    "Odd how every scandal gets buried right before a bank holiday.",
    "Respectfully, the reader blaming immigration for the rent crisis should look at interest rates.",
    "Sure, ban the books, that always ends well.",
    "What a coincidence that the contract went to the minister's brother-in-law.",
    "The statistics in this article are cherry-picked, and badly.",
    "Meh. Same promises every four years.",
    "I think you're wrong, and here's a link to the actual data.",
    "A whole article and not one quote from anyone who lives there. Impressive.",
    (
        "I love how every summer the council discovers, to its complete astonishment, that it gets hot, "
        "the roads melt and the trains stop, as if this hadn't happened for ten years running."
    ),
    (
        "The article spends six paragraphs telling us the reform is a success and then admits in the last "
        "line that waiting times have doubled. I'd hate to see what failure looks like."
    ),
)

# Quoting or condemning hate, threats and harassment.
COUNTER_SPEECH = (
    "Calling refugees vermin is disgusting and has no place here.",
    "The threats against the judge are unacceptable.",
    "Whoever wrote 'hang the traitors' above should be banned, that's incitement.",
    "Comparing Muslims to a disease is exactly how persecution starts.",
    "Telling a journalist you know where she lives is a threat, not an opinion.",
    "I'm appalled by the comments wishing cancer on the senator. Disagree, don't dehumanise.",
    "People calling Jews rats in this thread should be ashamed.",
    "Wishing death on a footballer because he missed a penalty is sick.",
    "Using 'retard' as an insult is cruel to people with learning disabilities.",
    "The slurs shouted at the Black players were vile and the club must act.",
    "Nobody deserves rape threats for writing a column.",
    "The graffiti saying 'gays out' on the community centre is hateful and should be removed today.",
    "When politicians call migrants an invasion, they give cover to the violence that follows.",
    "Saying Palestinians are animals is dehumanising, full stop.",
    "Calling Israelis a virus is antisemitic and should be reported.",
    "Moderators, please remove the comment telling people to burn the mosque.",
    "These online pile-ons against the MP's children have to stop.",
    "I've reported the user who posted the reporter's address. That is harassment.",
    "Chanting 'kill them all' at a rally is not free speech, it is incitement.",
    "The sexual comments about the tennis player's body say more about the men who write them.",
    "Referring to trans people as freaks is bigotry dressed up as opinion.",
    "Describing Roma as thieves by nature is racism, whatever the speaker claims.",
    "Death threats against election workers are an attack on democracy itself.",
    "The leaflet called Hindus savages. That is hate speech and the police should investigate.",
    "Whoever says 'send them back in body bags' should not be allowed near a microphone.",
    "Cheering for bombs falling on children, as some here are doing, is monstrous.",
    "Posting 'I hope her plane crashes' about a climate activist is beyond the pale.",
    "The chant calling the away fans cockroaches was heard by millions and the league must punish it.",
    "Dehumanising language about Russians or Ukrainians helps nobody understand this war.",
    "If you have to call your opponents subhuman, you've already lost the argument.",
    "The old conspiracy theory about 'Jewish bankers' keeps resurfacing in these comments, and it is false.",
    "I stand with the imam who was threatened after his sermon.",
    "The hateful messages sent to the judge's family are a crime and should be prosecuted.",
    "'They're all terrorists' is the kind of line that got mosques attacked last year.",
    "Shame on the councillor who said Afghans cannot be trusted.",
    "Anyone defending the lynching posts in this section needs to take a long look at themselves.",
    "Mocking the minister's stammer is cheap and cruel, criticise her policies instead.",
    "Threatening the referee's family over a decision is pathetic.",
    "Calling gay teachers groomers is a smear that puts real people in danger.",
    "No, refugees are not 'a plague'. They are people fleeing war.",
    "I won't repeat the slur used against the striker, but the FA must ban the fans who used it.",
    "Words like 'infestation' were used about migrants in the 1930s, and we know where that led.",
    "The misogynist abuse aimed at women MPs is a disgrace to this country.",
    "The rape jokes about the victim in these comments are sickening.",
    "Calling for the protesters to be shot is not patriotism.",
    (
        "Scrolling through this section I counted four comments calling migrants animals and two telling "
        "people to go to the hotel. That is not debate, it is incitement, and the paper should remove them."
    ),
    (
        "You can oppose the new mosque on planning grounds, but the people writing that Muslims are snakes "
        "who should be driven out are spreading hate, and they should be called out for it."
    ),
)

# Hate that is negated or denied.
NEGATED = (
    "I don't hate Muslims, I disagree with this policy.",
    "Nobody should be attacked for their faith.",
    "I'm not saying immigrants are the problem; the housing shortage is.",
    "No one is calling for violence here, we want a recount.",
    "I would never wish harm on the minister, I just want him voted out.",
    "This isn't about Jews at all, it's about one bank's lending.",
    "Not every police officer is a thug, and I say that as a critic of the force.",
    "I don't think the refugees are criminals, I think the system failing them is broken.",
    "Gay people are not a threat to anyone's marriage.",
    "I have nothing against the Chinese people; my criticism is of their government.",
    "No, trans women are not dangerous, and the data shows it.",
    "I'm not threatening anyone, I'm saying I'll vote against him.",
    "Islam is not the enemy, extremism is.",
    "Russians are not orcs. Most of them never chose this war.",
    "I'm not wishing him ill, but he should step down for the sake of his health.",
    "Being an immigrant doesn't make you a criminal, and being born here doesn't make you innocent.",
    "The referee isn't corrupt, he simply got the call wrong.",
    "I don't want anyone hurt at the protest, on either side.",
    "Criticising Israel's government isn't antisemitism, and hating Jews isn't criticism.",
    "No religion deserves to be mocked for the acts of a few.",
    "Nobody here thinks disabled people are a burden; the debate is about funding.",
    "I never said Black people commit more crime, I said the poorer districts get less policing money.",
    "Palestinians are not animals, and no one should talk about them that way.",
    "I don't want the striking workers punished, I want the company to negotiate.",
    "Hindus are not savages, and the leaflet saying so was vile.",
    "I don't consider any group of people vermin, whatever their politics.",
    "It's not the Afghans who are the problem, it's the smugglers exploiting them.",
    "You can't blame every Pakistani for the crimes of one gang.",
    "I'm not anti-gay, I'm against the council spending on this particular event.",
    "Not all Catholics agree with the bishop, so stop lumping us together.",
    "There's no need to kill anyone to fix this. Vote.",
    "I don't want the judge harmed. I want her ruling appealed.",
    "Migrants don't bring disease; the article misreports the health data.",
    "No one deserves to be raped, whatever they wrote.",
    "I don't think the general should be hanged; he should be tried fairly.",
    "Women are not too emotional to lead, look at the last three central bank governors.",
    "I'm not against refugees, I just want the asylum rules applied evenly.",
    "I wouldn't call the protesters traitors, even though I disagree with them.",
    "Jewish people are not responsible for what any government does.",
    "Nobody should be threatened for reporting the news.",
    "No, Muslims are not all terrorists, and repeating it doesn't make it true.",
    "I don't wish death on anyone, not even the dictator. I want him in court.",
    "Atheists aren't immoral, they just don't share your beliefs.",
    "Mexicans are not rapists, and the statistics never said so.",
    "I'm not saying the striker should be hurt, just dropped from the squad.",
    (
        "For the record, I don't think immigrants are criminals or a burden. My objection is that the "
        "government added people without adding houses, schools or doctors, and that is a policy failure."
    ),
    (
        "I'm Jewish and I think the bombing of Gaza is wrong, and none of that means I hate Israelis or "
        "that everyone who criticises their government hates Jews."
    ),
)

# What others said or did, reported: the reader is not the speaker.
REPORTED_SPEECH = (
    "The minister called the protesters traitors, which is shameful.",
    "The defendant told police he wanted to kill his neighbour.",
    "According to the indictment, the gang threatened to burn the shop owner's house down.",
    "The witness said the suspect shouted 'I will kill you all' before opening fire.",
    "The senator described migrants as 'an invasion', drawing condemnation from rights groups.",
    "Prosecutors said the messages told the judge she would be shot.",
    "The footballer reported that fans called him a monkey during the match.",
    "The court heard that he had written 'death to all of them' on social media.",
    "The leaked recording has the general ordering troops to 'leave nobody alive'.",
    "The president said his rival should be 'locked up', and the crowd cheered.",
    "The teenager told investigators she was called a slut and a whore for months before leaving school.",
    "Police say the letter sent to the mosque threatened to bomb it on Friday.",
    "Her lawyer read out the texts: 'I know where your kids sleep.'",
    "The report quotes a commander saying civilians were 'fair game'.",
    "The candidate once called his opponents 'vermin', the article notes, and never apologised.",
    "The manager admitted calling the referee an idiot in the tunnel and was fined.",
    "In his manifesto the attacker described immigrants as parasites.",
    "The MP read out the abuse she receives, including people wishing she'd get cancer.",
    "Witnesses say the crowd chanted 'hang him' outside the courthouse.",
    "The judge noted that the accused had repeatedly called his wife worthless.",
    "The tweets, now deleted, said gay people should be 'wiped out'.",
    "The prosecutor told the jury the defendant planned to poison the water supply.",
    "The prime minister was recorded calling the union leaders 'morons'.",
    "The activist said she received more than a hundred rape threats after the interview.",
    "The hostage said his captors threatened to behead him every morning.",
    "The victim's mother told the court he had said he would 'finish her off'.",
    "A rebel spokesman said they would 'burn the city' if attacked.",
    "The comedian apologised after joking that the minister 'should be shot'.",
    "The diplomat reportedly told colleagues the locals were 'savages'.",
    "In the video the officer can be heard telling the man he will 'break his legs'.",
    "The accused told the psychiatrist that voices ordered him to kill.",
    "The headteacher said pupils had called the new boy a terrorist because he is Afghan.",
    "The chairman said the fans who racially abused the striker will be banned for life.",
    "The memo called disabled claimants 'scroungers', the union said.",
    "He testified that his boss called him a 'retard' in front of the whole team.",
    "The embassy said the threats to 'wipe out' the country were unacceptable.",
    "The inquest heard she had been told to kill herself hundreds of times online.",
    "The singer said in an interview that her producer called her 'a fat cow'.",
    "The border guard admitted calling the migrants 'animals' over the radio.",
    "The police chief said the suspect had a list of politicians he intended to shoot.",
    "The leaked chats show the players calling their manager a 'clown'.",
    "Witnesses told the inquiry the soldiers were ordered to 'shoot anything that moves'.",
    "The suspect allegedly told friends he wanted to 'go out in a blaze of glory'.",
    "The archbishop said a priest had told him the victims 'asked for it', and that he was horrified.",
    "The mayor says he received a letter calling for him to be 'strung up'.",
    (
        "According to the charge sheet, the accused sent the councillor more than two hundred messages, "
        "including one saying he would 'cut her throat' and another naming her son's school."
    ),
    (
        "In the recording played to the court, the officer tells a colleague the protesters are 'animals' "
        "and that he would 'happily run them over', which his lawyer says was a joke."
    ),
)

# Profanity aimed at no one: things, events and situations, not people.
PROFANITY_AT_NO_ONE = (
    "This budget is a f***ing mess.",
    "What a shitty week for the markets.",
    "Damn, that goal was something.",
    "Holy shit, they actually passed the bill.",
    "The whole pension system is fucked and has been for years.",
    "Bloody hell, petrol is two pounds a litre now.",
    "What the hell happened to the trains this winter?",
    "This traffic plan is a load of bollocks.",
    "Fuck yes, we're through to the final!",
    "That was one hell of a comeback in the second half.",
    "The housing market is absolutely fucked for anyone under forty.",
    "Shit, I didn't know the factory was closing. My dad works there.",
    "Goddamn, the floods wiped out the whole valley.",
    "The weather this summer has been crap from start to finish.",
    "This new parking scheme is bullshit.",
    "Pardon my French, but the new tax forms are a clusterfuck.",
    "Damn it, another rate hike.",
    "Well, shit. There goes my pension.",
    "What a fucking match. Best derby in a decade.",
    "The ferry timetable is a total shitshow.",
    "Hell of a speech, whatever you think of her politics.",
    "That result was a kick in the balls for every poll published this month.",
    "Screw the weather, the parade is going ahead.",
    "Christ, the inflation figures are grim.",
    "My heating bill is fucking insane this year.",
    "That penalty decision was bullshit, VAR needs fixing.",
    "The bypass has been shut for six months, this is crap.",
    "Holy crap, the turnout was huge.",
    "This war is a bloody nightmare for everyone caught in it.",
    "Ugh, the queues at the border are a pain in the arse.",
    "The state of the hospital car park is a shit joke.",
    "Damn fine reporting on the hospital waiting times.",
    "Fucking finally, the bridge is open again.",
    "Crappy phone signal across the whole county and nobody fixes it.",
    "This heatwave is hot as hell.",
    "The price of bread is a goddamn scandal.",
    "Shit happens, but three power cuts in one week?",
    "Bugger, I missed the deadline for the rebate.",
    "The new stadium roof looks shit, honestly.",
    "Wow, that's one badass rescue by the coastguard.",
    "The wifi at the library has been crap all month.",
    "Fuck me, that volcano footage is terrifying.",
    "The economy has gone to shit since the crash and nothing has changed.",
    "Jesus fucking Christ, the storm took the church roof clean off.",
    "The bus service out here is piss-poor.",
    "Sod this rain, third cancelled match in a row.",
    (
        "I've lived in this town for forty years and the state of the high street is a fucking disgrace: "
        "boarded-up shops, potholes everywhere and not a single bank left."
    ),
    (
        "Bloody hell, I knew the markets were jittery, but losing a third of my pension in a week is some "
        "serious shit, and there doesn't seem to be a plan."
    ),
)

# Identity words in neutral, factual or positive statements about the news.
IDENTITY_NEUTRAL = (
    "The Muslim council opened the mosque to visitors during Ramadan.",
    "Jewish families gathered at the synagogue to mark Yom Kippur.",
    "The first openly gay minister was sworn in today.",
    "Black voters turned out in record numbers in the southern states.",
    "A trans teacher won the national teaching award this year.",
    "Immigrant-owned businesses employ about a fifth of the town's workers.",
    "Hindu festivals like Diwali are now celebrated in the city square.",
    "The Pakistani cricket team played brilliantly in the series.",
    "Afghan interpreters who worked with our troops are still waiting for visas.",
    "Disabled athletes at the Paralympics deserve the same coverage as everyone else.",
    "Somali-Canadian students set up a tutoring programme in the library.",
    "The new mayor is the first Muslim woman to hold the office in this city.",
    "Lesbian and gay veterans received an official apology from the defence ministry.",
    "Syrian refugees have opened three bakeries on the high street.",
    "The Catholic charity runs the only shelter in the district.",
    "Nigerian novelists dominate this year's prize shortlist.",
    "The Sikh soldier's medal was returned to his family after eighty years.",
    "Roma communities have lived in this region for centuries.",
    "As a deaf reader, I appreciated that the video had captions.",
    "The Chinese New Year parade drew fifty thousand people.",
    "Jewish and Muslim leaders issued a joint statement calling for calm.",
    "The bill would let asylum seekers work while their claims are processed.",
    "The survey found that bisexual people are less likely to be out at work.",
    "Ukrainian children have joined the local school and the football team.",
    "A Palestinian-American poet was named laureate.",
    "Indigenous languages will be taught in schools from next year.",
    "Migrant workers make up most of the harvest crews in the valley.",
    "The Polish community centre is hosting a job fair on Saturday.",
    "My wife is a Black immigrant from Ghana and a nurse at this hospital.",
    "The report looks at how autistic adults are treated by the benefits system.",
    "Evangelical churches are growing fast in Brazil, the article explains.",
    "The gay rugby team reached the national final.",
    "Transgender people are counted for the first time in this census.",
    "Buddhist monks led the peace march through the capital.",
    "The Mexican consulate is helping families affected by the fire.",
    "The first Hindu chief justice took office this morning.",
    "Arab-Israeli voters could decide the outcome in several districts.",
    "Wheelchair users say the new trams are much easier to board.",
    "As an atheist, I found the bishop's speech thoughtful.",
    "Kurdish refugees in Germany are protesting the deportation order.",
    "The Iranian women's football team qualified for the Asian Cup.",
    "A Rohingya family shared the story of their journey to the camps.",
    "I'm gay and I married my husband in this very town hall.",
    "Travellers' groups welcomed the new council housing sites.",
    "Young Muslim women are the fastest-growing group of entrepreneurs in the city, the study says.",
    "The Bangladeshi restaurant on the corner has been there since 1978.",
    (
        "My grandparents came here from Pakistan in the sixties and worked in the mills, and now my "
        "daughter is a doctor in the same town. Stories like the one in this article are common."
    ),
    (
        "The article is right that disabled voters get forgotten: at my polling station last time there "
        "was no ramp, and the staff had to bring the ballot out to the car park."
    ),
)

# Violence in the news, discussed factually or condemned.
VIOLENCE_IN_NEWS = (
    "The attack killed 12 people.",
    "Shooting the hostages was a war crime.",
    "The police shot the suspect after he fired first.",
    "Three soldiers were killed by a roadside bomb near the border.",
    "The jury found him guilty of stabbing his brother to death.",
    "The airstrike hit a school and killed at least forty children.",
    "Executing prisoners of war is banned under the Geneva Conventions.",
    "The riot left two officers with head injuries and dozens of shops looted.",
    "The gunman was killed by security guards at the entrance.",
    "A car bomb exploded outside the ministry during rush hour.",
    "The massacre in the village is being investigated by the UN.",
    "She was sentenced to twelve years for poisoning her husband.",
    "The militia burned the villages and drove out thousands of families.",
    "Two fans were stabbed outside the stadium after the derby.",
    "The dictator ordered the army to fire on unarmed protesters.",
    "The report documents rape used as a weapon of war in the region.",
    "He was hanged in 1962, the last execution in the country.",
    "The assassination attempt left the candidate wounded in the shoulder.",
    "Drones struck the power plant, leaving the city without electricity.",
    "The knife attack at the market injured five people.",
    "Torturing detainees is illegal no matter what they are accused of.",
    "The officer who knelt on his neck was convicted of murder.",
    "The terrorist cell planned to bomb the train station, prosecutors say.",
    "Genocide scholars say the killings meet the legal definition.",
    "The kidnappers released the journalist after six months.",
    "The shelling destroyed the hospital's maternity ward.",
    "Domestic violence killed two women a week last year, the report says.",
    "If the ceasefire collapses, thousands more will die.",
    "The boxer died of brain injuries after the fight.",
    "Police used tear gas and rubber bullets to clear the square.",
    "The shooter bought the rifle legally a week before the attack.",
    "The tribunal convicted the commander of ordering the killing of 8,000 men and boys.",
    "Beheading the aid worker was a deliberate act of terror.",
    "Soldiers who fire on civilians must be prosecuted.",
    "The mob lynched a man accused of blasphemy, and no one has been charged.",
    "The hijackers killed the pilot before the plane crashed.",
    "The bomb squad defused a device found outside the courthouse.",
    "Gang violence has claimed thirty lives in the city this year.",
    "The strike on the convoy killed seven aid workers.",
    "He was beaten to death in his cell, the inquest heard.",
    "The prison riot ended after guards shot two inmates.",
    "Landmines still kill children in fields decades after the war.",
    "The arson attack on the refugee shelter is being treated as a hate crime.",
    "Starving a population is a weapon of war and a crime.",
    "The victim was shot three times at close range, the coroner said.",
    (
        "The inquiry found that the soldiers opened fire on a crowd that was running away, killed fourteen "
        "people and then lied about it for decades, which is why the prosecutions matter."
    ),
    (
        "The attacker drove into the market at lunchtime, killing six people and injuring dozens, before "
        "police shot him. The court heard he had planned it for months."
    ),
)


# --- Labels and category-head targets ----------------------------------------------------------


def _targets(*on: str, unknown: tuple[str, ...] = ()) -> dict[str, float]:
    """One target per head: 1.0 for the heads named, NaN (not learned from) for unknown, else 0.0."""
    return {head: 1.0 if head in on else math.nan if head in unknown else 0.0 for head in HEADS}


# The original seeds were written before these heads existed, and mix cases of both (some of
# THREATS incite, some of IDENTITY_ATTACKS dehumanise), so the heads do not learn from them.
_PREDATES_HEADS = ("dehumanisation", "incitement")

# (seeds, label, category targets), one row per group.
SEED_GROUPS: tuple[tuple[tuple[str, ...], int, dict[str, float]], ...] = (
    (THREATS, 1, _targets("threat", unknown=_PREDATES_HEADS)),
    (IDENTITY_ATTACKS, 1, _targets("identity_attack", unknown=_PREDATES_HEADS)),
    (HARD_NEGATIVES, 0, _targets()),
    (POLITE_THREATS, 1, _targets("threat")),
    (INCITEMENT, 1, _targets("incitement", "threat")),
    (DEHUMANISATION, 1, _targets("dehumanisation", "identity_attack")),
    (WISHING_HARM, 1, _targets("threat")),
    (INSULTS_AT_PEOPLE, 1, _targets("insult")),
    (_SEXUAL_HARASSMENT, 1, _targets("insult", "obscenity")),
    (_DISABILITY_MOCKING, 1, _targets("insult")),
    (SHARP_CRITICISM, 0, _targets()),
    (SARCASM_AND_DISSENT, 0, _targets()),
    (COUNTER_SPEECH, 0, _targets()),
    (NEGATED, 0, _targets()),
    (REPORTED_SPEECH, 0, _targets()),
    # Profanity is still obscene, but aimed at no one it is publishable.
    (PROFANITY_AT_NO_ONE, 0, _targets("obscenity")),
    (IDENTITY_NEUTRAL, 0, _targets()),
    (VIOLENCE_IN_NEWS, 0, _targets()),
)


def labeled_seeds() -> list[tuple[str, int, dict[str, float]]]:
    """Every seed as (text, label, category targets), in the order of ``SEED_GROUPS``."""
    return [(text, label, dict(targets)) for texts, label, targets in SEED_GROUPS for text in texts]


# --- Identity words in ordinary sentences ------------------------------------------------------
# A model that learns hate speech from public sets learns that naming a group is a sign of hate:
# the six-layer encoder first trained here held 15 % of bias_madlibs' neutral sentences, 83-93 %
# of those naming gay or transgender people. These sentences pair each identity word with
# ordinary things readers write (its neutral "hard negatives"). They are built from frames and
# words written for this project, none taken from an evaluation set, and they train the
# fine-tuned encoder only (``identity_mentions``), so earlier recipes and their figures stay as
# they were.

IDENTITY_WORDS = (
    "gay", "lesbian", "bisexual", "transgender", "trans", "nonbinary", "queer", "homosexual",
    "straight", "heterosexual", "Muslim", "Jewish", "Christian", "Catholic", "Hindu", "Sikh",
    "Buddhist", "atheist", "Black", "white", "Asian", "Latino", "Hispanic", "Mexican", "African",
    "African American", "Arab", "Chinese", "Indian", "Pakistani", "Nigerian", "Somali", "Syrian",
    "immigrant", "refugee", "Indigenous", "deaf", "blind", "disabled", "elderly", "older",
    "young", "female", "male", "Roma", "Palestinian", "Israeli",
)  # fmt: skip

IDENTITY_FRAMES = (
    "As a {w} reader, I thought this piece was fair to everyone involved.",
    "My neighbour is {w} and she runs the best bakery in town.",
    "I'm {w} and I have lived in this district for thirty years.",
    "{W} families on our street were the first to help after the flood.",
    "The {w} community centre is hosting a job fair on Saturday.",
    "Thanks for including {w} voices in the story, it made it better.",
    "My best friend from school is {w}, and he became a paramedic.",
    "{W} students won three of the five science prizes this year.",
    "Our new doctor is {w} and everyone says she is brilliant.",
    "You are right, and as a {w} parent I worry about the school cuts too.",
    "The {w} couple who own the corner shop sponsored the youth team.",
    "Being {w} in a small town has become much easier in the last decade.",
    "{W} voters care about rents and bus fares like the rest of us.",
    "I work with a {w} engineer who designed half of that bridge.",
    "The article quotes a {w} nurse who worked through the whole pandemic.",
    "My grandmother was {w} and taught me to cook every dish I know.",
    "There are {w} members on the council now, which is good to see.",
    "The festival had {w} musicians, dancers and food stalls all weekend.",
    "A {w} officer was promoted to head the city's fire service.",
    "Is there a {w} support group in the area? Asking for my cousin.",
    "{W} people are our friends, neighbours and colleagues.",
    "My son is {w} and proud of it, and so are we.",
    "The poll asked {w} residents what they thought of the new park.",
    "The {w} author's new novel is the best thing I have read this year.",
    "The {w} teacher you mention taught my daughter, a lovely woman.",
    "Respect to the {w} volunteers who cleaned the beach this morning.",
    "I am {w}, and I agree with most of what the minister said here.",
    "Our {w} neighbours invited the whole street to their wedding.",
    "The clinic now has interpreters for {w} patients, which is overdue.",
    "Every {w} person I know voted in this election.",
    "This story about a {w} firefighter made my day.",
    "Good to read about {w} entrepreneurs getting the loans they need.",
    "The choir has {w} singers of every age.",
    "My {w} colleague organised the charity run this year.",
    "{W} athletes brought home four medals from the championship.",
    "You seem {w} too, judging by your comment; welcome to the discussion.",
)


def identity_mentions(limit: int = 1200) -> list[tuple[str, int, dict[str, float]]]:
    """Up to ``limit`` publishable sentences, each identity word in several frames (a fixed pick)."""
    import random
    import re

    pairs = [(frame, word) for word in IDENTITY_WORDS for frame in IDENTITY_FRAMES]
    random.Random(0).shuffle(pairs)
    rows = []
    for frame, word in pairs[:limit]:
        text = frame.format(w=word, W=word[:1].upper() + word[1:])
        rows.append((re.sub(r"\b([Aa]) (?=[AEIOUaeiou])", r"\1n ", text), 0, _targets()))
    return rows
