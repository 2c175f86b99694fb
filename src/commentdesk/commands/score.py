"""`commentdesk score`: moderate JSON lines from stdin, one decision per line on stdout (moderation/scorer.py)."""

from __future__ import annotations

import argparse
import sys

from commentdesk.commands.common import MODEL_SETTINGS
from commentdesk.config import add_settings_arguments, settings_from

SCORE_CONTRACT = """\
Moderate comments given as JSON lines on stdin; write one decision per input line on stdout,
in the same order.

Each input line is a JSON object:
  {"id": any JSON value, "article": {"title": str, "body": str}, "text": str, "parent": str or null}
  (parent: the text of the comment this one answers, or null for a top-level comment)

Each output line is a JSON object:
  {"id": the input's id, "decision": "publish" | "hold" | "reject",
   "abuse": 0-1, "relevance": 0-1 (higher = more on-topic), "spam": 0-1,
   "reasons": [{"code": str, "message": str}, ...]}

A line that cannot be read (not JSON, a blank line, text that is not UTF-8 or holds a lone
surrogate such as "\\ud800", an id of NaN or Infinity) is answered "hold" with the reason code
"invalid_input", and the id when one can be found and written as strict JSON (else null). The
output is always strict JSON in UTF-8; a byte order mark before the first line is ignored.

The models are waited for however busy the machine is: a line is held for a model only when the
model fails, with the reason "model_unavailable". Progress goes to stderr (a bar with lines per
second on a terminal), never to stdout.

Example:
  echo '{"id": 1, "article": {"title": "Rates held", "body": "The bank kept rates at 4.25%."},
         "text": "Holding is right while inflation stays high.", "parent": null}' | commentdesk score
"""


DATA_DIR_MEANING = "The server's data folder, whose models/ holds the site-trained weights unless --models-dir says otherwise."


def register(commands) -> None:
    score = commands.add_parser(
        "score",
        help="Moderate JSON lines from stdin; one decision per line on stdout.",
        description=SCORE_CONTRACT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_settings_arguments(score, {"data_dir"} | MODEL_SETTINGS, meanings={"data_dir": DATA_DIR_MEANING})
    score.set_defaults(handler=run)


def run(args) -> int:
    from commentdesk.commands.common import server_models
    from commentdesk.moderation.scorer import Scorer
    from commentdesk.moderation.scorer import run as score_lines

    # The same weights the server uses. A batch tool waits for the models: no time budget, so a
    # busy machine never holds a line.
    models = server_models(settings_from(args), timeout_ms=None)
    stdin = sys.stdin
    if hasattr(stdin, "reconfigure"):
        # Whatever the locale, bytes that are not UTF-8 reach the scorer as lone surrogates and
        # are answered there as an invalid line, instead of ending the run in a decoding error.
        stdin.reconfigure(encoding="utf-8", errors="surrogateescape")
    return score_lines(stdin, sys.stdout, sys.stderr, Scorer(models=models))
