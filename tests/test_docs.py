"""The documentation says what the code does: ODD tables are generated from the code,
and every parameter and outcome is described there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mobilization import OUTCOMES, PARAMETERS

ROOT = Path(__file__).resolve().parents[1]
ODD = (ROOT / "docs" / "ODD.md").read_text()


def test_odd_tables_are_generated_from_the_code():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "odd_tables.py"), "--check"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_parameter_and_outcome_is_in_the_odd():
    missing = [n for n in [*PARAMETERS, *OUTCOMES] if f"`{n}`" not in ODD]
    assert not missing, f"not described in docs/ODD.md: {missing}"


def test_every_mechanism_section_quotes_a_source():
    sections = ODD.split("\n### 7.")[1:]
    assert len(sections) >= 10
    for section in sections:
        title = section.splitlines()[0]
        if "Calibration" in title:
            continue
        assert "> \"" in section or '> "' in section, f"section 7.{title} quotes no source"


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "uv run mobilize compare" in readme
    assert "uv run pytest" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "uv run pytest" in ci


def test_calibrated_defaults_are_the_documented_fit() -> None:
    """The defaults of the parameters marked ``calibrated`` are the fitted values that
    ``mobilize calibrate experiments/calibrate.toml`` reports in docs/calibration.md, and
    every calibrated parameter is fitted there."""
    import re

    from mobilization.village.parameters import PARAMETERS

    text = (ROOT / "docs" / "calibration.md").read_text()
    fitted = {m[1]: float(m[2]) for m in re.finditer(r"^\| `(\w+)` \| ([0-9.e-]+) \|", text,
                                                     re.MULTILINE)}
    calibrated = {n: p.default for n, p in PARAMETERS.items() if p.basis == "calibrated"}
    assert calibrated, "no parameter is marked calibrated"
    assert {n: fitted.get(n) for n in calibrated} == calibrated
    assert "are the fitted values of this report" in text


def _readme_commands() -> list[list[str]]:
    """Every ``uv run mobilize ...`` command line in the README, split into arguments."""
    import re
    import shlex

    readme = (ROOT / "README.md").read_text()
    out = []
    for m in re.finditer(r"uv run mobilize ([^`\n&#|>]+)", readme):
        out.append(shlex.split(m.group(1).strip()))
    return out


def test_readme_commands_parse_and_name_files_that_exist() -> None:
    """The README's ``mobilize`` commands are valid command lines of the current CLI, and
    the experiment files and figures it names are in the repository."""
    import re

    from mobilization.cli import build_parser

    commands = _readme_commands()
    assert len(commands) >= 10
    parser = build_parser()
    for argv in commands:
        args = parser.parse_args(argv)
        path = getattr(args, "file", None)
        if path is not None:
            assert (ROOT / path).is_file(), f"README runs {path}, which does not exist"
    readme = (ROOT / "README.md").read_text()
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme):
        assert (ROOT / image).is_file(), f"README shows {image}, which does not exist"


def test_every_shipped_experiment_loads() -> None:
    from mobilization.experiments.experiment import load

    files = sorted((ROOT / "experiments").glob("*.toml"))
    assert len(files) >= 5
    for path in files:
        experiment = load(path)
        assert experiment.n_runs > 0, path.name


def test_readme_states_the_python_the_package_needs():
    """The README once said 3.11+ while the package needs 3.12 (issue 10, item 8)."""
    import re
    import tomllib

    needs = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    version = re.fullmatch(r">=\s*(\d+\.\d+)", needs).group(1)
    readme = (ROOT / "README.md").read_text()
    assert f"Python {version} or newer" in readme
    assert not re.search(r"Python 3\.\d+\+", readme)


def test_the_odd_names_code_that_exists():
    """Every module path the ODD names (``village/model.py``, ``district/model.py``) is a
    file of the package, so the description follows the code when it moves."""
    import re

    named = set(re.findall(r"`((?:village|district|experiments|dashboard|cli)/\w+\.py)`", ODD))
    assert named, "the ODD names no module"
    missing = sorted(n for n in named if not (ROOT / "mobilization" / n).exists())
    assert not missing, f"docs/ODD.md names modules that do not exist: {missing}"
