"""``hotfix-hooks rules``: the rule book, and where each rule runs (policy/rules.WHERE)."""

from __future__ import annotations

import textwrap

import click

from hotfix_hooks.core import ui
from hotfix_hooks.core.errors import UsageError
from hotfix_hooks.policy.rules import POINT_HELP, POINTS, RULES, WHERE, Rule, find_rule


def _table() -> list[str]:
    width = max(len(rule.name) for rule in RULES)
    head = f"{'rule':<6} {'name':<{width}}  " + "  ".join(POINTS)
    lines = [head]
    for rule in RULES:
        marks = "  ".join(
            ("yes" if point in WHERE[rule.id] else "-").center(len(point)) for point in POINTS
        )
        lines.append(f"{rule.id:<6} {rule.name:<{width}}  {marks}")
    lines.append("")
    lines += [f"{rule.id}  {rule.summary}" for rule in RULES]
    lines.append("")
    lines += [f"{point}: {POINT_HELP[point]}" for point in POINTS]
    lines.append("")
    lines.append("One rule, explained: hotfix-hooks rules HH001")
    return lines


def _explain(rule: Rule) -> list[str]:
    lines = [f"{rule.id} {rule.name}", f"  {rule.summary}"]
    lines.append(f"  runs at: {', '.join(WHERE[rule.id])}")
    lines.append("")
    lines += textwrap.wrap(rule.explanation, 88, initial_indent="  ", subsequent_indent="  ")
    return lines


def _json(rules: list[Rule]) -> str:
    import json

    return json.dumps(
        [
            {
                "id": rule.id,
                "name": rule.name,
                "summary": rule.summary,
                "explanation": rule.explanation,
                "runs_at": list(WHERE[rule.id]),
            }
            for rule in rules
        ],
        indent=2,
    )


@click.command(short_help="The rules: what each checks and where it runs.")
@click.argument("rule", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON.")
def rules(rule: str | None, as_json: bool) -> None:
    """Every rule (id, name, what it checks) and where it runs: the client's pre-push, the
    server's pre-receive and update hooks, check in CI, finish and status. With RULE (an
    id such as HH001, or a name such as rollback-plan): that rule, explained.

    Examples:

    \b
        hotfix-hooks rules
        hotfix-hooks rules HH001
        hotfix-hooks rules task-tie --json
    """
    chosen = list(RULES)
    if rule is not None:
        found = find_rule(rule)
        if found is None:
            known = ", ".join(f"{r.id} ({r.name})" for r in RULES)
            raise UsageError(f"no rule {rule!r}: the rules are {known}")
        chosen = [found]
    if as_json:
        click.echo(_json(chosen))
        return
    for line in _explain(chosen[0]) if rule is not None else _table():
        ui.emit(line)
