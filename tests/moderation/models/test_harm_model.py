"""The harm model: violence and sexual-harassment heads on the sentence embedding."""

import json

import numpy as np
import pytest

from commentdesk.moderation.models.harm import HEADS, HarmLoadError, HarmModel, HarmScore


@pytest.fixture(scope="module")
def model():
    return HarmModel.load()


def test_shipped_weights_load_with_version_heads_and_thresholds(model):
    assert model.version.startswith("harm-")
    assert model.heads == list(HEADS)
    assert model.dimensions == 384
    for head in HEADS:
        assert 0.5 <= model.recommended_thresholds[head] < 1


def test_probabilities_have_one_column_per_head_in_range(model):
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(5, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    probabilities = model.probabilities(vectors)
    assert probabilities.shape == (5, len(HEADS))
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    score = model.score("They will burn the house down.", vectors[0])
    assert set(score.scores) == set(HEADS)
    assert score.strongest()[1] == max(score.scores.values())


def test_missing_or_corrupt_weights_raise_a_clear_error(tmp_path):
    with pytest.raises(HarmLoadError):
        HarmModel.load(tmp_path)
    (tmp_path / "harm.json").write_text(json.dumps({"version": "x", "heads": ["violence", "sexual"]}))
    np.savez(tmp_path / "harm.npz", w=np.zeros((384, 5), np.float32), b=np.zeros(5, np.float32))
    with pytest.raises(HarmLoadError, match="do not match"):
        HarmModel.load(tmp_path)


def test_weight_files_stay_small():
    from commentdesk.moderation.models.harm import WEIGHTS_DIR

    assert (WEIGHTS_DIR / "harm.npz").stat().st_size < 100_000


def test_strongest_head_of_a_score():
    assert HarmScore({"violence": 0.2, "sexual": 0.9}).strongest() == ("sexual", 0.9)


def test_violence_needs_a_word_of_harm(model):
    from commentdesk.moderation.models.harm import UNCUED_CEILING, has_harm_cue

    assert has_harm_cue("It would be a shame if something happened to your family.")
    assert has_harm_cue("I hope the mayor ch0kes on his dinner.")  # read through the disguise
    assert not has_harm_cue("Sharing intelligence on the sanctuaries is the key step for both sides.")
    gated = model.gated(["Good luck with that.", "I will stab him."], np.array([[0.95, 0.1, 0.2], [0.95, 0.1, 0.2]]))
    assert gated[0, 0] == UNCUED_CEILING and gated[1, 0] == 0.95
    assert list(gated[0, 1:]) == [0.1, 0.2]  # the other heads are not gated


@pytest.mark.parametrize(
    ("text", "cued"),
    [
        ("The extension should have a stop at the hospital, and cyclists need a safe lane.", False),
        ("Families want the children's school kept open.", False),
        ("I hope your family stays safe on the way to school.", True),  # the same words, aimed at someone
        ("Nice hospital you work at. Be a pity if it burned.", True),
        ("Someone needs to drive a car through that parade.", True),
        ("Harbourside will regret those two dropped catches in the deep.", False),
        ("Keep writing that and you will regret it.", True),
    ],
)
def test_everyday_words_are_a_cue_only_in_a_comment_aimed_at_someone(text, cued):
    from commentdesk.moderation.models.harm import has_harm_cue

    assert has_harm_cue(text) is cued


@pytest.mark.parametrize(
    ("text", "cued"),
    [
        ("The fire brigade and the firefighters' band led the parade.", False),
        ("Two fire-fighters and a fireman from the new fire station visited the school.", False),
        ("Somebody should set fire to the fire station.", True),  # the other "fire" still counts
        ("The fire doors were locked for months.", True),
        ("Fire the manager before the derby.", True),
    ],
)
def test_the_fire_services_names_are_no_word_of_harm(text, cued):
    from commentdesk.moderation.models.harm import has_harm_cue

    assert has_harm_cue(text) is cued


@pytest.mark.parametrize(
    ("text", "cued"),
    [
        ("He is a crook and should be locked up.", False),
        ("Lock them all up and let the courts sort it out.", False),
        ("The owner who left the fire exits blocked should face criminal charges.", False),
        ("The killer was sentenced to life on Friday.", False),
        ("Lock him in a cell and burn the place down.", True),  # violence instead of the law
        ("Lock the doors with them inside.", True),
        ("Forget prison, someone should break his legs.", True),
        ("You will face a bullet if you come back.", True),
        ("Nice face, shame if someone smashed it.", True),
        ("When he gets out we'll be waiting at the gate.", True),  # menace, like "waiting for"
        ("Just run the thugs over if they come back.", True),
        ("The tram will run over the old bridge.", True),  # passes the gate; the head decides
    ],
)
def test_the_laws_answer_to_a_crime_is_no_word_of_harm(text, cued):
    from commentdesk.moderation.models.harm import has_harm_cue

    assert has_harm_cue(text) is cued


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Osei killed it today, what a finish.", "Osei did very well today, what a finish."),
        ("She is KILLING it this season and he smashed it too.", "She is doing very well this season and he did very well too."),
        ("He smashes it every week.", "He does very well every week."),
        ("They should have killed it at birth.", None),  # a wish, not praise
        ("I'd have killed it myself.", None),
        ("We are going to smash it.", None),
        ("He killed it with a hammer.", None),  # a deed
        ("The mayor is wrong again.", None),
    ],
)
def test_praise_in_violent_words_is_put_plainly(text, plain):
    from commentdesk.moderation.models.harm import without_praise_idioms

    assert without_praise_idioms(text) == plain


@pytest.mark.parametrize(
    ("text", "cued"),
    [
        ("Osei killed it today, what a finish.", False),
        ("The band absolutely smashed it at the festival.", False),
        ("He smashed it and we will smash his face in after the game.", True),  # another word of harm
        ("You killed it tonight, and I will kill you after the show.", True),
        ("They should have killed it at birth.", True),
    ],
)
def test_praise_in_violent_words_is_no_word_of_harm(text, cued):
    from commentdesk.moderation.models.harm import has_harm_cue

    assert has_harm_cue(text) is cued


def test_a_sports_comment_praising_a_player_is_below_the_hold_level_at_the_shipped_precision(model):
    from commentdesk.moderation.models.embedder import Embedder

    # The head alone read it at 0.66 with the 8-bit encoder, above the hold level of 0.59.
    embedder = Embedder().load()
    for text in ("Osei killed it today, what a finish.", "Our striker killed it on Saturday, what a finish."):
        violence = model.score(text, embedder.encode([text])[0], embedder.encode).scores["violence"]
        assert violence < model.recommended_thresholds["violence"]
    threat = "You killed it tonight, and I will kill you after the show."
    assert model.score(threat, embedder.encode([threat])[0], embedder.encode).scores["violence"] > 0.9


def test_real_embeddings_tell_threats_from_violent_words_in_news(model, monkeypatch, tmp_path):
    from commentdesk.moderation.models.embedder import Embedder

    # The 32-bit vectors the heads were trained on: 8-bit weights move a score by up to about 0.1,
    # and that margin is not what this test is about.
    monkeypatch.setenv("COMMENTDESK_MODEL_CACHE", str(tmp_path))
    monkeypatch.setenv("COMMENTDESK_EMBEDDER_BACKEND", "onnx")

    threats = [
        "It would be a real pity if your children had an accident on the way to school, councillor.",
        "I hope the mayor's car goes off a bridge with him in it.",
        "Everyone should go to the inspector's house tonight and teach him a lesson he won't forget.",
    ]
    news = [
        "The bridge collapsed in 1998 and four people died, the inquiry found.",
        "The council should resign over this, every last one of them.",
        "Our striker killed it on Saturday, what a finish.",
    ]
    texts = threats + news
    violence = model.gated(texts, model.probabilities(Embedder().load().encode(texts)))[:, HEADS.index("violence")]
    assert min(violence[:3]) > max(violence[3:])
    threshold = model.recommended_thresholds["violence"]
    assert all(value < threshold for value in violence[3:])


def test_a_disguised_comment_is_read_a_second_time_with_the_disguise_undone(model):
    from commentdesk.moderation.models.harm import undisguised

    assert undisguised("Ｋｉｌｌ the mayor before he sells us out.") == "kill the mayor before he sells us out."
    assert undisguised("K i l l  the mayor.") == "kill the mayor."
    assert undisguised("The mayor is wrong again.") is None
    read: list[list[str]] = []
    calm = np.zeros((1, model.dimensions), np.float32)

    def encode(texts):
        read.append(list(texts))
        return np.ones((len(texts), model.dimensions), np.float32) / np.sqrt(model.dimensions)

    model.score("The mayor is wrong again.", calm, encode)
    assert read == []  # no disguise, no second reading
    second = model.score("Ｋｉｌｌ the mayor.", calm, encode)
    first = model.score("Ｋｉｌｌ the mayor.", calm)
    assert read == [["kill the mayor."]]
    assert all(second.scores[head] >= first.scores[head] for head in first.scores)


@pytest.mark.parametrize(
    ("text", "cued"),
    [
        # A jumble of common words: "her" and "would" alone made the head read a remark on a woman.
        ("Off here under her we could an off other up would.", False),
        ("She said the council would publish the figures in her report next week.", False),
        ("That weather girl should wear shorter skirts, just saying.", True),
        ("Nice legs on the new presenter, shame about the politics.", True),
        ("The mayor's wife gets more attention than her policies.", True),  # names a woman
        ("She'd be prettier if she talked less.", True),
    ],
)
def test_sexual_head_needs_a_sexual_word_or_a_woman_named(text, cued):
    from commentdesk.moderation.models.harm import has_sexual_cue

    assert has_sexual_cue(text) is cued


def test_sexual_head_is_gated_like_violence(model):
    from commentdesk.moderation.models.harm import UNCUED_CEILING

    column = model.heads.index("sexual")
    scores = np.zeros((2, len(model.heads)))
    scores[:, column] = 0.92
    gated = model.gated(["Off here under her we could an off other up would.", "Nice legs, love."], scores)
    assert gated[0, column] == UNCUED_CEILING and gated[1, column] == 0.92
