"""Explanations: why each occurrence sits where it does, and what stops the rest.

search.py solves small models around an occurrence (minimal sets of rules and of other
meetings); facts.py is what the rules' own sentences (in `scheduler/rules/`) see and assembles
them; answers.py builds the explanations; render.py writes them as JSON or terminal lines;
reasons.py fills the reason column of every plan.
"""

from scheduler.explain.answers import Explainer
from scheduler.explain.reasons import annotate
from scheduler.explain.render import explain_occurrence, explain_plan, render_text, to_json

__all__ = ["Explainer", "annotate", "explain_occurrence", "explain_plan", "render_text", "to_json"]
