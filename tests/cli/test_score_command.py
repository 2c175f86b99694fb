"""`commentdesk score` keeps the contract in PRODUCT.md: one JSON line out per line in, in order."""

import json
import os
import subprocess
import sys

import pytest

ARTICLE = {
    "title": "Central bank holds interest rates at 4.25%",
    "body": "The central bank kept its main rate at 4.25 percent as inflation cooled slowly. Services inflation stayed at 4.4 percent.",
}


@pytest.mark.models
def test_score_reads_json_lines_and_answers_each_in_order():
    lines = [
        {
            "id": "a",
            "article": ARTICLE,
            "text": "Services inflation at 4.4 percent means the bank is right to hold rates for now.",
            "parent": None,
        },
        {"id": 2, "article": ARTICLE, "text": "You are a brainless idiot and a disgusting moron.", "parent": None},
        {
            "id": {"nested": True},
            "article": ARTICLE,
            "text": "I agree, a cut in February looks likely.",
            "parent": "Do you think rates will be cut soon?",
        },
        {
            "id": 4,
            "article": ARTICLE,
            "text": "Earn $500 a day working from home, whatsapp me at +1 555 010 2030 www.cash.biz",
            "parent": None,
        },
    ]
    stdin = (
        "\n".join(json.dumps(line) for line in lines) + "\nnot json at all\n" + json.dumps({"id": 6, "text": "no article"}) + "\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "commentdesk.cli", "score"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert result.returncode == 0, result.stderr
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [out["id"] for out in outputs] == ["a", 2, {"nested": True}, 4, None, 6]
    for out in outputs:
        assert set(out) == {"id", "decision", "abuse", "relevance", "spam", "reasons"}
        assert out["decision"] in {"publish", "hold", "reject"}
        assert all(0.0 <= out[key] <= 1.0 for key in ("abuse", "relevance", "spam"))
        assert all(set(reason) == {"code", "message"} for reason in out["reasons"])
    assert outputs[0]["decision"] == "publish"
    assert outputs[1]["decision"] != "publish"
    assert outputs[2]["decision"] == "publish"
    assert outputs[3]["decision"] == "reject" and outputs[3]["spam"] >= 0.9
    assert outputs[4]["reasons"][0]["code"] == "invalid_input"
    assert outputs[5]["decision"] == "hold" and outputs[5]["reasons"][0]["code"] == "invalid_input"
    assert "loading models" in result.stderr  # progress goes to stderr, never stdout
