"""Regenerate the parameter and outcome tables of docs/ODD.md from the code.

    uv run python scripts/odd_tables.py          # rewrite the tables in place
    uv run python scripts/odd_tables.py --check  # exit 1 if docs/ODD.md is out of date

tests/test_docs.py runs the check, so the ODD cannot drift from the parameters.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mobilization.district.model import DISTRICT_OUTCOMES
from mobilization.district.parameters import DISTRICT_PARAMETERS
from mobilization.village.outcomes import OUTCOMES
from mobilization.village.parameters import PARAMETERS, PRESETS

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


def _rows(params: list) -> list[str]:
    rows = ["| parameter | default | range | basis | meaning and justification |",
            "|---|---|---|---|---|"]
    for p in params:
        if p.default is None:
            default = " / ".join(f"{m}: {PRESETS[m][p.name]}" for m in PRESETS)
        else:
            default = f"{p.default}"
        allowed = p.range_text().replace("|", "\\|")  # a pipe would end the cell
        rows.append(f"| `{p.name}` | {default} | {allowed} | {p.basis} | "
                    f"{p.doc.replace('|', '/')} |")
    return rows


def parameter_table(table: dict = PARAMETERS) -> str:
    """The parameters as Markdown tables, one per group (in the order the groups first
    appear in the table), or one table if all are of one group."""
    by_group: dict[str, list] = {}
    for p in table.values():
        by_group.setdefault(p.group, []).append(p)
    if len(by_group) == 1:
        return "\n".join(_rows(list(table.values())))
    parts = []
    for group, params in by_group.items():
        parts.append(f"**{group}** ({len(params)})\n\n" + "\n".join(_rows(params)))
    return "\n\n".join(parts)


def outcome_table(table: dict = OUTCOMES) -> str:
    rows = ["| outcome | meaning |", "|---|---|"]
    rows += [f"| `{k}` | {v} |" for k, v in table.items()]
    return "\n".join(rows)


def render(text: str) -> str:
    for name, table in (("parameters", parameter_table()), ("outcomes", outcome_table()),
                        ("district-parameters", parameter_table(DISTRICT_PARAMETERS)),
                        ("district-outcomes", outcome_table(DISTRICT_OUTCOMES))):
        text = re.sub(
            rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)",
            lambda m, t=table: m.group(1) + t + "\n" + m.group(2),
            text,
            flags=re.S,
        )
    return text


def main() -> int:
    text = ODD.read_text()
    new = render(text)
    if "--check" in sys.argv:
        if new != text:
            print("docs/ODD.md tables are out of date: run scripts/odd_tables.py")
            return 1
        return 0
    ODD.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
