"""Every command in README.md and docs/ works in the shell a new user has after
`./scripts/example`: one whose PATH holds only the system folders (not ~/.local/bin,
where `pip --user` puts uv)."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELL_LANGUAGES = {"sh", "bash", "shell", "console"}
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SEPARATORS = {"|", "||", "&&", ";", "&", "(", ")", ";;"}
KEYWORDS_BEFORE_A_COMMAND = {"do", "then", "else", "while", "until", "if", "!", "time", "exec"}
KEYWORDS_WITHOUT_A_COMMAND = {"for", "case", "done", "fi", "esac", "in", "{", "}"}
ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")

needs_venv = pytest.mark.skipif(
    not (REPO / ".venv" / "bin" / "newsclean").exists(),
    reason="no .venv in the checkout (./scripts/example creates it)",
)


def code_blocks() -> list[tuple[str, int, str, str]]:
    """(document, line, language, text) of every code block in README.md and docs/."""
    blocks = []
    for path in DOCS:
        for token in MarkdownIt("commonmark").parse(path.read_text()):
            if token.type in ("fence", "code_block"):
                language = token.info.strip() if token.type == "fence" else ""
                name = str(path.relative_to(REPO))
                blocks.append((name, token.map[0] + 1, language, token.content))
    return blocks


def shell_commands() -> list[tuple[str, str]]:
    """(where, logical line) of every command line of the shell blocks."""
    commands = []
    for name, line, language, text in code_blocks():
        if language in SHELL_LANGUAGES:
            for command in text.replace("\\\n", " ").splitlines():
                if command.strip() and not command.strip().startswith("#"):
                    commands.append((f"{name}:{line}", command))
    return commands


def words(command: str) -> list[str]:
    """The words and operators of a command line, comments dropped."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


def programs(command: str) -> list[str]:
    """The programs a command line runs, those inside `$( … )` included."""
    command = re.sub(r"\$\(\(.*?\)\)", "0", command)  # arithmetic
    found = []
    while substitution := re.search(r"\$\(([^()]*)\)", command):
        found += programs(substitution.group(1))
        command = command[: substitution.start()] + "X" + command[substitution.end() :]
    segment: list[str] = []
    for word in [*words(command), ";"]:
        if word not in SEPARATORS:
            segment.append(word)
            continue
        while segment and (ASSIGNMENT.match(segment[0]) or segment[0] in KEYWORDS_BEFORE_A_COMMAND):
            segment.pop(0)
        if segment and segment[0] not in KEYWORDS_WITHOUT_A_COMMAND:
            found.append(segment[0])
        segment = []
    return found


def system_shell(script: str) -> subprocess.CompletedProcess[str]:
    """Run `script` with bash in the checkout, with only the system folders on PATH."""
    return subprocess.run(
        ["/bin/bash", "-c", script],
        cwd=REPO,
        env={"PATH": SYSTEM_PATH, "HOME": str(Path.home()), "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_parser_finds_every_program_of_a_line() -> None:
    line = (
        'A=1 .venv/bin/python x.py --n $((n / 2)) | while read -r f; do ln "$(basename "$f")"; done'
    )
    assert programs(line) == ["basename", ".venv/bin/python", "read", "ln"]
    assert programs('eval "$(scripts/airflow-local env)"') == ["scripts/airflow-local", "eval"]
    assert programs("for n in 1 2; do") == []


def test_every_code_block_is_fenced_with_its_language() -> None:
    """An indented or unlabelled block could hide a shell command from the checks below."""
    unlabelled = [f"{name}:{line}" for name, line, language, _ in code_blocks() if not language]
    assert unlabelled == []
    assert len(shell_commands()) >= 10


def test_no_document_tells_the_user_to_run_uv() -> None:
    """uv may sit outside PATH (pip --user); the docs run the checkout's .venv instead."""
    for path in DOCS:
        text = path.read_text()
        assert not re.search(r"(?<!-m )(?<![\w-])uv run\b", text), path.name


@needs_venv
def test_every_documented_program_resolves_without_local_bin() -> None:
    wanted = {program for _, command in shell_commands() for program in programs(command)}
    assert {".venv/bin/newsclean", "scripts/airflow-local", "./scripts/example"} <= wanted
    checks = "\n".join(
        f"type -t -- {shlex.quote(program)} >/dev/null || echo {shlex.quote(program)}"
        for program in sorted(wanted)
    )
    result = system_shell(checks)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [], "programs not found with the system PATH"


@needs_venv
def test_the_documented_help_commands_run() -> None:
    helps = [
        (where, shlex.join(words(command)))
        for where, command in shell_commands()
        if words(command)[-1:] == ["--help"]
    ]
    assert {command for _, command in helps} >= {
        ".venv/bin/newsclean run --help",
        ".venv/bin/newsclean check --help",
        "scripts/airflow-local --help",
    }
    for where, command in helps:
        result = system_shell(command)
        assert result.returncode == 0, f"{where}: {command}: {result.stderr}"
        assert "usage" in result.stdout.lower() or "scripts/airflow-" in result.stdout, where


@needs_venv
def test_the_airflow_env_puts_the_checkouts_tools_on_path() -> None:
    result = system_shell('eval "$(scripts/airflow-local env)" && command -v airflow newsclean')
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        str(REPO / ".venv" / "bin" / "airflow"),
        str(REPO / ".venv" / "bin" / "newsclean"),
    ]
