"""More hand-written comments for the harm model, beside those of ``seed_examples``.

The public sets label few threats and almost no sexual harassment, and what they do label is
blunt ("X should be shot"). These sentences, written for this project in the voice of news
readers, cover what a newsroom also sees: threats against officials and their families in calm
words, calls on other readers to act, wishing harm, and sexual remarks aimed at a person. The
look-alikes (and plain talk of disability) are the other half and matter as much: violent words about sport, politics and news
events, and talk *about* harassment, which must be published.

None of these sentences is in the evaluation suites (``evaluation/suites/``), and the suites are
never trained on; a test checks that the two do not overlap.
"""

# Threats against a named or implied person, blunt or polite.
THREATS_MORE = (
    "Councillor, we know what time you leave the depot. Drive carefully.",
    "Tell the inspector his car will not be the only thing that gets scratched next time.",
    "The planning officer should remember that his kids walk to school past my house.",
    "I will be at the mayor's surgery on Friday and he will not walk out of it.",
    "Keep writing about my brother's case and you will need more than a lawyer.",
    "The landlord who evicted us is going to find out what a brick through the window feels like.",
    "We have the magistrate's address now, and people are getting very angry.",
    "That bishop had better get a bodyguard, because I am done talking.",
    "Next time the governor visits our town he goes home in an ambulance.",
    "My advice to the union boss: stay indoors after dark for a while.",
    "I'm going to put the chief executive in hospital if he closes our plant.",
    "One more cut to our pensions and the treasurer will be picking his teeth off the floor.",
    "The editor should know that some of us own guns and have long memories.",
    "If the school head expels my son I will make sure she never teaches again, one way or another.",
    "Say hello to your wife for me, commissioner. She walks the dog at seven, doesn't she?",
    "Dear senator, it would be tragic if your office caught fire over the holidays.",
    "I'd hate for the coach's new car to end up in the canal with him in it.",
    "Somebody is going to teach that blogger some manners with a cricket bat.",
    "We'll pay the ombudsman a visit at home, and it won't be to discuss his report.",
    "The ref from Saturday should remember we know which pub he drinks in.",
)

# Wishing death, illness or injury on someone.
WISH_HARM_MORE = (
    "I hope the chancellor chokes on his own budget speech, literally.",
    "Hope the landlord's roof falls in on him one night.",
    "May the general who ordered this die in agony.",
    "I really hope that prison guard ends up in a wheelchair.",
    "I pray the senator's jet goes down over the ocean.",
    "Wish that coach had been on the bus when it crashed.",
    "Hope the tax inspector catches something incurable.",
    "I hope the cyclist who caused this gets hit by a lorry next.",
    "Can't wait until the old dictator finally croaks, the slower the better.",
    "I hope every councillor who voted for this loses a child.",
    "The sooner the bishop is dead and buried the better, I hope it hurts.",
    "I hope the umpire goes blind, it wouldn't change much.",
    "If there is any justice the CEO will drown on his yacht.",
    "Praying that the company's boss gets the same disease he refused to pay for.",
    "I hope the protesters who blocked the road all freeze to death tonight.",
)

# Calls on other readers to act violently against officials, institutions or people.
INCITEMENT_MORE = (
    "Everyone who lost their job should go to the minister's house and drag him into the street.",
    "Citizens, arm yourselves and march on the council chamber tomorrow.",
    "Post the regulator's home address here and let's give him a night he remembers.",
    "Fans, bring bricks for the visiting supporters' coaches on Saturday.",
    "Someone leak the inspectors' addresses so people can show them what they think.",
    "Farmers should block the agriculture secretary's car and pull him out of it.",
    "It is time for the people to hang the bankers from the lamp posts outside their offices.",
    "Nurses, stop striking and start breaking the managers' windows instead.",
    "Every decent person should turn up at that school and make the headteacher afraid to come to work.",
    "Go find the journalist who wrote this and make sure she can't type for a while.",
    "Villagers should set fire to the wind farm company's offices, it's the only way they'll listen.",
    "Storm the embassy and throw the diplomats out of the windows.",
    "The workers should lock the board in the factory and burn it down around them.",
    "Round up the landlords who raise rents and give them a taste of the street.",
    "Readers, track down the cyclist in the video and teach him a lesson he won't walk away from.",
    "Let's all meet at the mosque on the high street tonight and make them leave for good.",
    "Anyone who sees the councillor in town should spit on him and worse.",
    "People in that estate should beat the police back with whatever they can find.",
)

# Sexual harassment of a person: their body, propositions, degrading sexual remarks.
SEXUAL_HARASSMENT_MORE = (
    "The new weather presenter can forecast in my bed any night.",
    "Forget her policies, I'd just like to see the health secretary in stockings.",
    "That female referee should blow my whistle after the match.",
    "The councillor has a nice rack, shame she opens her mouth.",
    "I'd let the anchor read me the news while she sits on my lap.",
    "Send nudes, Ms Spokeswoman, then I'll read your statement.",
    "She's only good for one thing and it isn't running a ministry.",
    "The athlete's shorts are so tight I couldn't concentrate on the race, mmm.",
    "Somebody tell the pretty reporter I want a private interview in my hotel room.",
    "I'd like to give the economist a lesson in supply and demand, bent over her desk.",
    "The barrister in the photo looks like she'd be fun on her back.",
    "Lady MPs should wear short skirts in the chamber, give us something to look at.",
    "Tell the volleyball girls to lose the shorts altogether next time.",
    "Bet the headmistress is a right goer after a few drinks, I'd find out.",
    "Whoever wrote this article, post a photo in your underwear and I'll read it.",
    "The gymnastics coach should make the girls train naked, sales would go up.",
    "Hey sweetheart, instead of arguing in the comments why not come sit on my face.",
    "The female officer in the video could arrest me and frisk me all night.",
    "The minister's daughter is legal now, isn't she? Asking for a friend.",
    "I'd grab the singer by the hips and show her a proper encore.",
    "Women's tennis is softcore porn with rackets, and the players know it.",
    "That campaigner should spend less time protesting and more time on her knees.",
)

# Mocking people for a disability or illness, with or without a slur.
DISABILITY_MOCKERY_MORE = (
    "The new chairman walks like he's had a stroke, and thinks like it too.",
    "Listen to the councillor mumbling, sounds like he needs a carer to wipe his chin.",
    "Those kids in the special unit are just dribbling lumps taking up teachers' time.",
    "The umpire must be deaf and blind, somebody fetch him an ear trumpet and a cane.",
    "Deaf people shouldn't be allowed to complain, they can't hear the argument anyway.",
    "His supporters all look like they've escaped from a psychiatric ward.",
    "The midfield plays like a care home outing, all zimmer frames and drool.",
    "People with Down's syndrome shouldn't be allowed to vote, they don't understand anything.",
    "The mayor flaps his arms about like an autistic kid having a meltdown, pathetic.",
    "Dyslexic teachers, what next, blind bus drivers? Useless.",
    "That presenter with the lisp sounds like a simpleton, get her off the radio.",
    "Mentally ill people are just attention seekers who need a kick up the backside.",
    "She writes like someone who was dropped on her head as a baby, total vegetable.",
    "The board members are so thick they'd need a helmet and a carer to cross the road.",
    "Wheelchair users at the front of the bus slow everyone down, they should stay at home.",
    "The junior minister twitches like a spastic whenever a journalist asks a real question.",
    "His campaign video looks like it was made by a class of brain-damaged toddlers.",
    "Autistic adults are just overgrown weirdos who can't look you in the eye.",
    "Only a psycho off his meds would defend this council.",
    "The striker has the coordination of a drunk cripple on ice.",
)

# Look-alikes that must be published: violent words that are not threats, and talk about
# harassment that harasses no one.
HARM_LOOKALIKES = (
    "We're going to kill them on Saturday, their defence is a shambles.",
    "The striker absolutely murdered that free kick.",
    "This budget will kill off small businesses in every town.",
    "The minister should be sacked, then prosecuted for misleading parliament.",
    "I hope the government falls before Christmas, it has no majority left.",
    "I hope he loses his seat at the next election and never comes back.",
    "Wish the council had spent the money on buses instead.",
    "The senator deserves to be jailed if the fraud is proven.",
    "Those responsible for the fire should face life in prison.",
    "The comedian absolutely killed it at the festival last night.",
    "Let's storm the ballot boxes in May and vote every one of them out.",
    "Fans should boycott the club shop until the owners listen.",
    "Everyone should write to their MP about this, and go to the protest on Saturday.",
    "I would happily see this whole policy burned to the ground and rebuilt.",
    "The prosecutor tore the defence apart in her closing speech.",
    "I hope the coach gets the sack after that performance.",
    "May the best team win on Sunday, and may the referee have a quiet game.",
    "The report says the minister groped two staff members, he must resign.",
    "Sexual harassment in parliament has been covered up for decades, this inquiry is overdue.",
    "The singer says a producer assaulted her in 2009, and she deserves to be heard.",
    "She is a brilliant presenter and the sexist comments about her looks are disgusting.",
    "Women athletes should not have to wear bikini bottoms, let them choose their kit.",
    "The journalist who exposed the abuse was threatened for years, shameful.",
    "Threatening a judge is a crime and the man who did it should be charged.",
    "People calling for the minister to be shot should have their accounts closed.",
    "If the dam breaks, thousands of homes will be destroyed downstream.",
    "My grandfather was shot down over France in 1943 and survived the war.",
    "The boxer knocked his opponent out cold in the third round.",
    "The army should pull out of the region before more soldiers die.",
    "The police officer who shot the teenager must stand trial.",
    "Honestly, this tax rise is daylight robbery and I hope voters punish them for it.",
    "The chef's new menu is to die for.",
    "The ambassador was expelled, which is the right response to the poisoning.",
    "She looked great in the final and played even better, well deserved title.",
    "The minister's speech was a car crash from start to finish.",
    "I'll be at the town hall protest on Friday with my placard, peaceful as always.",
    "Hang on, the figures in the third paragraph don't add up.",
    "This decision is a slap in the face for every nurse in the country.",
    "The new stadium roof will blow the old one away.",
    # Security and conflict policy, argued calmly: the subject is violent, the comment is not.
    "Sharing intelligence on the militants' hideouts is the only step that will build trust.",
    "A joint operation in the border region would need parliament's approval first.",
    "The army's campaign against the insurgents has displaced thousands of families.",
    "Counter-terrorism cooperation works better than public accusations between governments.",
    "The ceasefire talks should include the tribal elders, not just the generals.",
    "Sanctions on the group's financiers would do more than another drone campaign.",
    "If the extremists are sheltered across the border, both governments share the blame.",
    "The minister offered talks on the network's safe havens, which is a reasonable start.",
    "Police need more officers on the night shift, the response times prove it.",
    "The hotel fire inquiry should look at the fire doors and the alarm system.",
    "Hospital staff and firefighters marched together, which was lovely to see.",
    "The defence budget rises again while the army still lacks basic equipment.",
    # Disability and illness named plainly or kindly.
    "My son is autistic and the school has been wonderful with him this year.",
    "Wheelchair users still can't get onto half the platforms in this city.",
    "As someone with dyslexia, I found the exam adjustments made all the difference.",
    "The deaf community has asked for sign language at every council meeting.",
    "My mum had a stroke last year and the rehabilitation team were brilliant.",
    "People with Down's syndrome deserve proper support in mainstream schools.",
    "Mental illness is an illness, and the waiting lists for therapy are a scandal.",
    "The blind runner and her guide crossed the line together to huge applause.",
    "ADHD diagnoses in adults have doubled, which says more about past neglect than fashion.",
    "The care home staff looked after my dad with real dignity until the end.",
    # Women and gay people named kindly: words about a person's sex are not sexual harassment.
    "She is a kind and gracious woman, and a fine councillor.",
    "My neighbour is a friendly lesbian who runs the bakery on the corner.",
    "Our new coach is a young woman and a brilliant tactician.",
    "The captain is a proud gay man and a role model for the kids.",
    "What a lovely, generous woman the head teacher is.",
    "Two of the best officers in the force are women, and it shows.",
    "He's a gentle, funny bisexual bloke and everyone at the club likes him.",
    "The nurse who cared for my mum was a wonderful young woman.",
    "Respect to the female firefighters who went into that building.",
    "The trans woman who founded the food bank deserves an award.",
    "My daughter's girlfriend is a sweet, clever girl.",
    "Female pilots fly this route every day without anyone noticing.",
)

# Group name -> (texts, harm heads they are positive for). Every other head is 0 for them.
HARM_SEED_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "threats_more": (THREATS_MORE, ("violence",)),
    "wish_harm_more": (WISH_HARM_MORE, ("violence",)),
    "incitement_more": (INCITEMENT_MORE, ("violence",)),
    "sexual_harassment_more": (SEXUAL_HARASSMENT_MORE, ("sexual",)),
    "disability_mockery_more": (DISABILITY_MOCKERY_MORE, ("disability",)),
    "harm_lookalikes": (HARM_LOOKALIKES, ()),
}
