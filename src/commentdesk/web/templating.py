"""The one Jinja environment over `web/templates`: reader pages, notice and mail pages, and the
moderators' workspace all render through it. Each part adds its own globals and filters at import
(web/reader.py, web/moderate/templating.py); names do not overlap."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from commentdesk.web import language, timefmt
from commentdesk.web.static_files import static_url

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES_DIR)
language.install(templates.env)
templates.env.filters["iso_time"] = timefmt.iso_time
templates.env.globals["static_url"] = static_url


def render(request: Request, name: str, context: dict, status_code: int = 200):
    return templates.TemplateResponse(request, name, context, status_code=status_code)
