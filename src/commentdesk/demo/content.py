"""The demo's articles and readers' comments (written for commentdesk; the places in the local
stories are invented). Each comment is posted through the real moderation pipeline, so what
ends up published, held or rejected is decided by the models, not by this file.

A comment is (key, author, text, minutes after the article, key of the comment it answers).
"""

from __future__ import annotations

from typing import TypedDict

# (key, author, text, minutes after publication, the key of the comment it answers or None)
DemoComment = tuple[str, str, str, int, str | None]


class DemoArticle(TypedDict):
    key: str
    url: str
    title: str
    author: str
    published_at: str
    body: str
    comments: list[DemoComment]


SITE = {"slug": "demo", "name": "The Eastbridge Courier"}

ARTICLES: list[DemoArticle] = [
    {
        "key": "haqqani",
        "url": "https://courier.example/world/2017/10/pakistan-offers-joint-operations-haqqani",
        "title": "Pakistan offers US joint operations against Haqqani network if sanctuaries are found",
        "author": "Foreign desk",
        "published_at": "2017-10-06T09:30:00+00:00",
        "body": """\
Pakistan's foreign minister Khawaja Asif said on Thursday that Islamabad had offered the United States joint operations against the Haqqani network if Washington could show that the group's sanctuaries were on Pakistani soil.

Speaking to reporters after talks in Washington, Asif said Pakistan had asked American officials to share the locations they suspected. If hideouts were identified, he said, Pakistani forces were prepared to act on them together with US forces rather than leave the matter to accusations.

The offer comes weeks after the US administration announced a new strategy for Afghanistan and South Asia that accused Pakistan of giving safe haven to militant groups, including the Haqqani network, which American commanders blame for some of the deadliest attacks in Kabul. Islamabad has rejected the charge, saying its military operations in the tribal areas dismantled militant infrastructure and that many fighters moved across the border into Afghanistan.

The foreign office in Islamabad presented the minister's remarks as a continuation of existing policy. A spokesman said Pakistan had always been willing to act on credible, actionable intelligence, and that cooperation with Washington on counter-terrorism had never stopped.

Defence analysts read the offer differently. Some saw a tactical move to shift the burden of proof back to Washington: by asking for evidence of specific sanctuaries, Pakistan could answer American pressure without conceding that such sanctuaries exist. Others said joint operations on Pakistani territory would be politically difficult at home, where the presence of foreign troops is deeply unpopular, and doubted the military would accept them in practice.

Relations between the two countries have been strained over aid, the war in Afghanistan and the role of militant groups in the region. Officials from both sides are expected to meet again in the coming weeks.""",
        "comments": [
            (
                "h1",
                "Sana Rehman",
                "If the sanctuaries are really on Pakistani soil, a joint operation is the fastest way to settle the argument. Share the intelligence and let both militaries act on it.",
                45,
                None,
            ),
            (
                "h2",
                "Tom Whitfield",
                "The foreign office calls it existing policy, the analysts call it a tactic. Both can be true: asking Washington for evidence puts the burden of proof back on the US.",
                130,
                None,
            ),
            (
                "h3",
                "Farid Khan",
                "Joint operations with US troops inside Pakistan would never survive domestic politics. The minister knows that, so this offer is aimed at Washington, not at the Haqqani network.",
                260,
                None,
            ),
            ("h4", "Nadia Q", "Can anyone recommend a good laptop for university? My old one keeps crashing.", 300, None),
            (
                "h5",
                "deals4u",
                "Earn $500 a day working from home!!! Visit www.quick-cash-now.biz and whatsapp me at +1 555 010 2030",
                320,
                None,
            ),
        ],
    },
    {
        "key": "bikelanes",
        "url": "https://courier.example/local/2026/11/council-approves-bike-lane-network",
        "title": "Council approves 40 km protected bike-lane network after heated debate",
        "author": "City desk",
        "published_at": "2026-11-27T16:00:00+00:00",
        "body": """\
Eastbridge city council voted 7 to 4 on Tuesday night to build a 40-kilometre network of protected bike lanes over the next three years, ending a year of consultation that filled the council chamber on several evenings.

The plan separates cyclists from traffic with kerbs and planters on the main routes into the centre, including Harbour Road and the length of Mill Street. About 600 on-street parking spaces will be removed, and delivery bays will be moved to side streets.

Supporters pointed to the city's collision figures: eleven cyclists were seriously injured on Harbour Road alone last year. Councillor Ama Mensah, who chairs the transport committee, said the network would make cycling a realistic choice for parents and older residents, not just the confident few.

Shop owners on Mill Street argued that losing parking would cost them customers, and several asked for the work to be phased so that no street is dug up during the holiday season. The council agreed to pause construction in December and to review the effect on trade after the first year.

The network will cost 38 million, two thirds of it from a national active-travel grant. Construction on the first section is due to begin in March.""",
        "comments": [
            (
                "b1",
                "Priya Natarajan",
                "Finally. I stopped cycling to work after a near miss on Harbour Road; protected lanes would bring me back.",
                30,
                None,
            ),
            (
                "b2",
                "Gareth Lloyd",
                "Removing 600 parking spaces on Mill Street will hurt the small shops. The council should have phased the bike lanes street by street and measured trade first.",
                55,
                None,
            ),
            (
                "b3",
                "Priya Natarajan",
                "They did agree to review trade after the first year, and most Mill Street shoppers arrive on foot or by bus according to the consultation survey.",
                80,
                "b2",
            ),
            (
                "b4",
                "Helen Baxter",
                "Delivery bays on side streets sound fine until you are the driver carrying a fridge. Who was asked about that in the consultation?",
                120,
                "b2",
            ),
            ("b5", "Marcus Bell", "The councillors who voted for this are idiots who never leave their offices.", 150, None),
            (
                "b6",
                "Jo Kim",
                "Good to see the grant covers two thirds of the cost. Will the council publish the collision figures for each route once the lanes are built?",
                200,
                None,
            ),
            (
                "b7",
                "Ahmed Saleh",
                "My favourite recipe for lentil soup needs cumin, lemon and a lot of patience. Does anyone have tips for making it creamier?",
                240,
                None,
            ),
        ],
    },
    {
        "key": "rates",
        "url": "https://courier.example/business/2026/11/central-bank-holds-rates",
        "title": "Central bank holds interest rates at 4.25% as inflation cools more slowly than hoped",
        "author": "Business desk",
        "published_at": "2026-11-20T11:00:00+00:00",
        "body": """\
The central bank kept its main interest rate at 4.25 percent on Thursday, saying inflation was falling but not yet quickly enough to justify a cut.

Consumer prices rose 3.1 percent in the year to October, down from 3.6 percent in the summer but still above the bank's 2 percent target. Services inflation, which tracks wages closely, remained stubborn at 4.4 percent.

Six members of the monetary policy committee voted to hold and three voted for a quarter-point cut, a wider split than markets had expected. The governor said the committee wanted more evidence that wage growth was slowing before lowering borrowing costs.

Mortgage holders coming off fixed-rate deals face higher monthly payments in the coming year, and business groups urged the bank to act sooner, warning that investment plans were being delayed. Economists at several banks now expect the first cut in February.""",
        "comments": [
            (
                "r1",
                "Oliver Grant",
                "Services inflation at 4.4 percent is the real story. Until wage growth slows the bank is right to hold, whatever the business groups say.",
                40,
                None,
            ),
            (
                "r2",
                "Leila Haddad",
                "Three votes for a cut is a clear signal. A quarter point in February seems likely and mortgage holders will be relieved.",
                90,
                "r1",
            ),
            (
                "r3",
                "Sam Ortiz",
                "Holding rates while people lose their homes is a political choice. The committee answers to nobody and it shows.",
                150,
                None,
            ),
            (
                "r4",
                "crypto_king",
                "Forget the bank, my crypto signals group made 300% this month. DM me for an invite, link in bio: https://t.me/fastgains",
                170,
                None,
            ),
        ],
    },
    {
        "key": "drought",
        "url": "https://courier.example/environment/2026/11/reservoirs-drought-water-rationing",
        "title": "Reservoirs at record low as drought forces water rationing in the southern valleys",
        "author": "Environment desk",
        "published_at": "2026-11-24T07:45:00+00:00",
        "body": """\
Households in the southern valleys will receive mains water on alternate days from next week after the region's reservoirs fell to 18 percent of capacity, the lowest level since records began.

The regional water authority said rainfall over the past twelve months was less than half the long-term average, and that hot autumn weather had pushed up evaporation and demand from farms. Hospitals, schools and care homes will be exempt from the rationing schedule.

Farmers' groups warned that restrictions on irrigation would reduce next year's harvest of fruit and vegetables, and asked for compensation. The authority said it would prioritise drinking water and livestock.

Engineers are fixing leaks in the ageing pipe network, which loses an estimated quarter of the water it carries, and a temporary pipeline from the northern lakes is being considered. Climate scientists say droughts of this length are becoming more frequent in the region as average temperatures rise.""",
        "comments": [
            (
                "d1",
                "Maria Costa",
                "Losing a quarter of the water through leaking pipes is unacceptable. Fixing the network should have come before any rationing schedule.",
                25,
                None,
            ),
            (
                "d2",
                "Ben Adeyemi",
                "Leak repairs take years. The rationing is painful but with reservoirs at 18 percent there is no other quick option.",
                70,
                "d1",
            ),
            (
                "d3",
                "Ruth Feld",
                "Farmers use most of the water in the valleys. Irrigation limits are fair if the compensation is real.",
                110,
                None,
            ),
            (
                "d4",
                "Tariq Aziz",
                "Is the northern pipeline going to be paid for by the water authority or by the regional budget?",
                160,
                None,
            ),
        ],
    },
    {
        "key": "malaria",
        "url": "https://courier.example/health/2026/11/malaria-vaccine-rollout-clinics",
        "title": "Malaria vaccine reaches rural clinics as health workers report strong demand",
        "author": "Health desk",
        "published_at": "2026-11-18T08:15:00+00:00",
        "body": """\
Rural clinics in the northern districts began giving children a malaria vaccine this month, and health workers say parents have been queueing before the doors open.

The vaccine is given in four doses to children from five months of age. In trials it reduced cases of clinical malaria in young children by around two thirds over the first year when doses were given before the rainy season.

Nurses said the main challenge is bringing children back for the later doses, since many families live hours from the nearest clinic. The health ministry is sending text-message reminders and training community volunteers to follow up with families.

Bed nets, indoor spraying and prompt treatment remain essential, officials stressed, because the vaccine does not offer complete protection. Supplies for the first year are funded by an international vaccine alliance.""",
        "comments": [
            (
                "m1",
                "Grace Mwangi",
                "My sister is a nurse in one of those districts. The text reminders really help families come back for the second and third doses.",
                60,
                None,
            ),
            (
                "m2",
                "Peter Novak",
                "Two thirds fewer cases in young children is a huge result. Four doses is demanding though; the follow-up volunteers will make or break the rollout.",
                95,
                None,
            ),
            (
                "m3",
                "Amina Yusuf",
                "Good point about the later doses. Could clinics give the vaccine at the same visits as other childhood immunisations?",
                140,
                "m2",
            ),
            ("m4", "Dan Price", "Vaccines are a scam pushed by people who want to control you. Wake up.", 180, None),
        ],
    },
    {
        "key": "cricket",
        "url": "https://courier.example/sport/2026/11/eastbridge-win-cup-final",
        "title": "Eastbridge win the county cup final by three wickets in a tense last over",
        "author": "Sports desk",
        "published_at": "2026-11-28T19:30:00+00:00",
        "body": """\
Eastbridge won the county cup for the first time in twelve years, chasing 241 with two balls to spare at a packed Riverside Ground on Saturday.

Needing nine runs from the final over, wicketkeeper Dev Sharma hit a six over midwicket and then scrambled a two to seal the win. Opener Lucy Hart had earlier anchored the chase with 88 from 104 balls.

Harbourside had looked in control after their spinners took four wickets for 30 runs in the middle overs, but dropped two catches in the deep as the pressure mounted.

The club's captain dedicated the trophy to the volunteers who rebuilt the pavilion after last winter's floods.""",
        "comments": [
            (
                "c1",
                "Ravi Menon",
                "What a finish! Sharma's six in the last over was the shot of the season, and Hart's 88 made the chase possible.",
                20,
                None,
            ),
            (
                "c2",
                "Claire Dunn",
                "Harbourside will regret those two dropped catches in the deep. Their spinners deserved better.",
                45,
                None,
            ),
            (
                "c3",
                "Ravi Menon",
                "Agreed, the middle overs were all Harbourside. Pressure does strange things to fielders.",
                60,
                "c2",
            ),
        ],
    },
]
