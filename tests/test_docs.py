"""The docs cannot go stale: every ```console example of README.md, CONTRIBUTING.md and
docs/*.md is run and its output compared, docs/commands.md is the app's own help
(scripts/make_docs.py; conventions in docs/README.md), and links, stores, exit codes, the
module map and the performance page are checked against what they describe."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402
import bench_page  # noqa: E402
import make_docs  # noqa: E402

FIX = "run `python scripts/make_docs.py --write`, then review `git diff`"


# --------------------------------------------------------------------------------------
# The real docs


@pytest.mark.slow
@pytest.mark.parametrize("path", make_docs.markdown_files(), ids=make_docs.display_name)
def test_console_examples_are_current(path: Path) -> None:
    problems = make_docs.check_file(path)
    if problems:
        report = "\n\n".join([*problems, f"{len(problems)} stale example(s): {FIX}"])
        pytest.fail(report, pytrace=False)


def test_the_command_reference_is_current() -> None:
    """Changing a command's options or help needs `python scripts/make_docs.py --write`."""
    written = make_docs.REFERENCE.read_text(encoding="utf-8")
    assert written == make_docs.render_reference(), f"docs/commands.md is stale: {FIX}"


def test_every_command_is_in_the_reference() -> None:
    from summit_cli.cli.application import COMMANDS

    text = make_docs.REFERENCE.read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"\n## summits {name}\n" in text, name
        assert f"Usage: summits {name} [OPTIONS]" in text, name
    assert "\n### summits formats add\n" in text
    assert "\n## Global options\n" in text


def test_the_reference_is_what_the_installed_command_prints() -> None:
    """The in-process rendering equals `COLUMNS=100 summits ... --help` for real."""
    pages = {path: page for path, _, page in make_docs.help_pages()}
    env = {"PATH": os.environ.get("PATH", ""), "COLUMNS": str(make_docs.WIDTH), "LC_ALL": "C.UTF-8"}
    summits = str(Path(sys.executable).with_name("summits"))
    for path in ("summits", "summits list", "summits formats add"):
        args = [summits, *path.split()[1:], "--help"]
        done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
        assert done.returncode == 0, done.stderr
        assert done.stdout.rstrip() == pages[path], path


# --------------------------------------------------------------------------------------
# Links, whole stores and the performance page


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to '-'."""
    text = heading.strip().lower().replace("`", "")
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors_of(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^(`{3,}|~{3,}).*?^\1\s*$", "", text, flags=re.M | re.S)  # code blocks
    return {github_anchor(m[1]) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*$", text, re.M)}


@pytest.mark.parametrize("path", make_docs.markdown_files(), ids=make_docs.display_name)
def test_local_links_and_anchors_exist(path: Path) -> None:
    """A link to a file of the repository (or a heading in one) cannot go stale either."""
    text = re.sub(
        r"^(`{3,}|~{3,}).*?^\1\s*$", "", path.read_text(encoding="utf-8"), flags=re.M | re.S
    )
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        file_part, _, fragment = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif fragment and linked.suffix == ".md" and fragment not in anchors_of(linked):
            broken.append(f"{target}: no heading with that anchor in {linked.name}")
    assert not broken, broken


def test_the_readme_links_every_docs_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = {target.partition("#")[0] for target in LINK.findall(readme)}
    pages = {p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md")}
    assert sorted(pages - linked) == [], "docs pages the README does not link"


def whole_stores(text: str) -> list[str]:
    """The ```yaml blocks of a Markdown text that are whole stores (a top-level version)."""
    blocks = re.findall(r"^```yaml\n(.*?)^```\s*$", text, flags=re.M | re.S)
    return [b for b in blocks if re.search(r"^version:", b, flags=re.M)]


def test_the_stores_written_out_in_the_docs_are_valid(tmp_path: Path) -> None:
    """A store printed in a doc (the "every key" example) passes `summits validate --strict`
    but for the unknown key it shows on purpose."""
    found = [
        (make_docs.display_name(p), block)
        for p in make_docs.markdown_files()
        for block in whole_stores(p.read_text(encoding="utf-8"))
    ]
    assert found, "store-format.md shows a whole store"
    summits = str(Path(sys.executable).with_name("summits"))
    for index, (name, block) in enumerate(found):
        store = tmp_path / f"store-{index}.yaml"
        store.write_text(block, encoding="utf-8")
        env = {**os.environ, "SUMMITS_STORE": str(store), "SUMMITS_NOW": "2022-01-01"}
        done = subprocess.run(
            [summits, "validate", "--strict", "--output", "json"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        problems = [p for p in json.loads(done.stdout) if "unknown key" not in p["message"]]
        assert problems == [], (name, problems)


def test_scripting_lists_every_exit_code() -> None:
    """docs/scripting.md's table of exit codes is the one of summit_cli/cli/exits.py."""
    from summit_cli.cli.exits import ExitCode

    text = (ROOT / "docs" / "scripting.md").read_text(encoding="utf-8")
    section = text.split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    documented = [int(code) for code in re.findall(r"^\| (\d+) \|", section, flags=re.M)]
    assert documented == sorted(int(code) for code in ExitCode)


def test_contributing_maps_every_module() -> None:
    """CONTRIBUTING.md's layout table names each module of summit_cli/, and only those."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    mapped = set(re.findall(r"^\| `(summit_cli/[\w/]+\.py)` \|", text, flags=re.M))
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "summit_cli").rglob("*.py")}
    assert sorted(modules - mapped) == [], "modules missing from CONTRIBUTING.md's layout"
    assert sorted(mapped - modules) == [], "CONTRIBUTING.md maps modules that do not exist"


def performance_problems(text: str, *, full: bool = True) -> list[str]:
    """How a page differs from the structure ``bench_page.render_markdown`` writes (the
    figures themselves are not checked)."""
    problems: list[str] = []
    lines = text.split("\n")
    if not lines[0].startswith("<!-- Written by `python scripts/bench.py --markdown"):
        problems.append("the first line does not say the page is written by scripts/bench.py")
    headings = [line[3:] for line in lines if line.startswith("## ")]
    if headings != list(bench_page.PAGE_SECTIONS):
        problems.append(f"sections {headings}, expected {list(bench_page.PAGE_SECTIONS)}")
    tables: list[list[list[str]]] = []
    for i, line in enumerate(lines):
        if line.startswith("| ") and i + 1 < len(lines) and lines[i + 1].startswith("| ---"):
            rows = []
            for row in lines[i:]:
                if not row.startswith("|"):
                    break
                rows.append([cell.strip() for cell in row.strip("|").split(" | ")])
            tables.append([rows[0], *rows[2:]])
    if len(tables) != 4:
        return [*problems, f"{len(tables)} tables, expected 4 (run, start-up, big stores, writes)"]
    run, startup, big, writes = tables
    about = {row[0]: row[1] for row in run[1:] if len(row) == 2}
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", about.get("date", "")):
        problems.append("no date of the run")
    for key in ("machine", "Python", "load", "command", "run"):
        if not about.get(key):
            problems.append(f"no {key} in the table of the run")
    if full and not about.get("run", "").startswith("full"):
        problems.append("not a full run (written with --quick?)")
    for name, rows, header in (
        ("start-up", startup, bench.STARTUP_HEADER),
        ("big stores", big, bench.BIG_HEADER),
        ("writes", writes, bench.WRITE_HEADER),
    ):
        if rows[0] != [h or "" for h in header]:
            problems.append(f"the {name} table has the columns {rows[0]}, expected {header}")
        if len(rows) < 2 or any(len(row) != len(header) for row in rows[1:]):
            problems.append(f"the {name} table has no rows, or rows of the wrong width")
    if startup[1:2] and startup[1][0] != "python -c pass":
        problems.append("the start-up table does not start with the baseline, python -c pass")
    sizes = ("1,000", "10,000", "100,000") if full else ("1,000",)
    expected = [[n, s] for n in sizes for s in ("json", "yaml")]
    if [row[:2] for row in big[1:]] != expected:
        problems.append(f"the big-store rows are {[row[:2] for row in big[1:]]}")
    return problems


def test_the_performance_page_is_a_full_run_of_bench() -> None:
    """docs/performance.md is written by `python scripts/bench.py --markdown ...`, never by
    hand: its structure is the one bench renders (its figures are not checked)."""
    text = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    problems = performance_problems(text)
    fix = "run `python scripts/bench.py --markdown docs/performance.md`"
    assert not problems, f"{problems}: {fix}"


def test_bench_renders_the_structure_the_page_is_checked_for() -> None:
    rows = {
        "startup": [
            ["python -c pass", "9.0", "1.0x", "", "", "9.2", "17"],
            ["next", "49.3", "5.5x", "6x", "ok", "49.7", "17"],
        ],
        "big": [
            [n, s, "0.09", "0.054", "17", "ok"]
            for n in ("1,000", "10,000", "100,000")
            for s in ("json", "yaml")
        ],
        "writes": [["add", "0.772", "83", "6", "1", "ok"], ["edit", "1.2", "82", "1", "1", "OVER"]],
    }
    report = bench_page.Report(
        date="2026-11-30",
        repeat=21,
        sizes=(1000, 10_000, 100_000),
        sections=[
            bench_page.Section(bench.STARTUP_TITLE, bench.STARTUP_HEADER, rows["startup"]),
            bench_page.Section(bench.BIG_TITLE, bench.BIG_HEADER, rows["big"]),
            bench_page.Section("writes", bench.WRITE_HEADER, rows["writes"], ["(cold: 1 s)"]),
        ],
        findings=["Closest to its budget: next."],
        command="python scripts/bench.py --markdown docs/performance.md",
        seconds=200.0,
        load=0.5,
    )
    page = bench_page.render_markdown(report)
    assert performance_problems(page) == []
    assert "| next | 49.3 | 5.5x | 6x | ok | 49.7 | 17 |" in page
    assert "- cold: 1 s\n" in page and "- Closest to its budget: next.\n" in page
    assert "| run | full, 200 s: every budget met |" in page
    assert "| load | 0.50 (1-minute load average when the run started) |" in page
    assert (
        "- Over its budget in this run: edit (wall s 1.2, peak MiB 82, lines changed 1, "
        "budget s 1).\n" in page
    )
    quick = bench_page.render_markdown(
        bench_page.Report(**{**report.__dict__, "quick": True, "over": True})
    )
    assert "quick (--quick), 200 s: a budget was not met" in quick
    assert "not a full run (written with --quick?)" in performance_problems(quick)


# --------------------------------------------------------------------------------------
# Reading blocks


def test_commands_outputs_and_exit_codes() -> None:
    text = (
        "Prose.\n"
        "\n"
        "```console\n"
        "$ summits --now 2021-12-31 next --field countdown\n"
        "in 9 days\n"
        "$ summits show nope  # exit 1\n"
        "summits: error: no event with id 'nope'\n"
        "\n"
        '$ summits list --from 01/02/2022; echo "exit $?"\n'
        "exit 2\n"
        "```\n"
    )
    (block,) = make_docs.parse(text)
    assert block.line == 3 and not block.skip and block.env == ()
    first, second, third = block.examples
    assert first.command == "summits --now 2021-12-31 next --field countdown"
    assert (first.line, first.exit_code, first.expected) == (4, 0, ("in 9 days",))
    assert (first.first, first.last) == (4, 5)
    assert second.exit_code == 1
    assert second.expected == ("summits: error: no event with id 'nope'", "")
    assert third.exit_code == 0  # the status is shown by echo, not asserted
    assert third.expected == ("exit 2",)


def test_a_command_without_output_and_an_empty_block() -> None:
    text = "```console\n$ summits add X --start 2022-01-01\n$ summits list\n```\n```console\n```\n"
    first, empty = make_docs.parse(text)
    assert [e.expected for e in first.examples] == [(), ()]
    assert empty.examples == ()


def test_continuation_lines_belong_to_the_command() -> None:
    text = "```console\n$ summits add 'A B' \\\n    --start 2022-01-01 # exit 3\nout\n```\n"
    (block,) = make_docs.parse(text)
    (example,) = block.examples
    assert example.command == "summits add 'A B' \\\n    --start 2022-01-01 # exit 3"
    assert example.exit_code == 3
    assert example.expected == ("out",)
    assert example.line == 2 and example.first == 3


def test_exit_comment_forms() -> None:
    for line, code in [
        ("summits show x # exit 1", 1),
        ("summits show x  #exit 70", 70),
        ("summits show x # exit 2   ", 2),
        ("summits show x", 0),
        ("echo '#exit 1'", 0),
        ('summits next; echo "exit $?"', 0),
    ]:
        (block,) = make_docs.parse(f"```console\n$ {line}\n```\n")
        assert block.examples[0].exit_code == code, line


def test_directives() -> None:
    text = (
        "<!-- docs: skip -->\n"
        "```console\n$ summits countdown --watch\n```\n"
        "<!-- docs: env SUMMITS_NOW=2021-12-31 SUMMITS_TZ='Europe/Zurich' -->\n"
        '<!-- docs: env NOTE="two words" -->\n'
        "\n"
        "```console\n$ summits next\n```\n"
        "```console\n$ summits list\n```\n"
    )
    skipped, pinned, plain = make_docs.parse(text)
    assert skipped.skip and skipped.env == ()
    assert not pinned.skip
    assert pinned.env == (
        ("SUMMITS_NOW", "2021-12-31"),
        ("SUMMITS_TZ", "Europe/Zurich"),
        ("NOTE", "two words"),
    )
    assert not plain.skip and plain.env == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<!-- docs: sikp -->\n```console\n$ x\n```\n", "doc.md:1: unknown docs directive"),
        ("<!-- docs: env 1X=2 -->\n```console\n$ x\n```\n", "doc.md:1: 'env' takes NAME=VALUE"),
        ("<!-- docs: env -->\n```console\n$ x\n```\n", "doc.md:1: unknown docs directive"),
        ("<!-- docs: skip -->\nProse.\n```console\n$ x\n```\n", "doc.md:1: a docs directive"),
        ("<!-- docs: skip -->\n```sh\n$ x\n```\n", "doc.md:1: a docs directive"),
        ("text\n<!-- docs: skip -->\n", "doc.md:2: a docs directive"),
        ("```console\nhello\n$ x\n```\n", "doc.md:2: output before the first"),
        ("```console\n$\n```\n", "doc.md:2: a '$' line without a command"),
        ("\n```console\n$ x\n", "doc.md:2: this console block is never closed"),
    ],
)
def test_mistakes_are_reported_with_file_and_line(text: str, message: str) -> None:
    with pytest.raises(make_docs.DocError, match="^" + message.replace("$", r"\$")):
        make_docs.parse(text, "doc.md")


def test_only_console_blocks_are_read() -> None:
    text = (
        "```sh\n$ summits list\n```\n"
        "````markdown\n```console\n$ summits list\nnot checked\n```\n````\n"
        "```text\n$ summits list\n```\n"
        "~~~console\n$ summits list --output ids\n~~~\n"
        "Inline ```console``` is not a fence.\n"
    )
    (block,) = make_docs.parse(text)
    assert block.examples[0].command == "summits list --output ids"


def test_an_indented_block_in_a_list_item() -> None:
    text = "- item:\n\n  ```console\n  $ summits list\n    indented output\n\n  ```\n"
    (block,) = make_docs.parse(text)
    assert block.indent == "  "
    assert block.examples[0].expected == ("  indented output", "")


def test_normalize_drops_trailing_whitespace_and_blank_lines() -> None:
    assert make_docs.normalize(["", "a  ", "b\t", " ", ""]) == ["", "a", "b"]
    assert make_docs.normalize(["", ""]) == []


# --------------------------------------------------------------------------------------
# Rewriting in place


def _result(text: str, outputs: list[list[str]]) -> make_docs.FileResult:
    result = make_docs.FileResult(Path("doc.md"), "doc.md", text, make_docs.parse(text))
    examples = [e for b in result.blocks if not b.skip for e in b.examples]
    result.outcomes = [
        make_docs.Outcome(e, e.exit_code, out) for e, out in zip(examples, outputs, strict=True)
    ]
    return result


def test_write_replaces_only_stale_output_lines() -> None:
    text = (
        "# Title  \n"
        "\n"
        "- a list item with a block:\n"
        "\n"
        "  ```console\n"
        "  $ one\n"
        "  old\n"
        "\n"
        "  $ two  # exit 1\n"
        "  same   \n"
        "  ```\n"
        "Trailing prose without newline"
    )
    result = _result(text, [["new", "", "  deeper"], ["same"]])
    assert [o.output_stale for o in result.outcomes] == [True, False]
    assert result.rewritten() == text.replace("  old\n", "  new\n\n    deeper\n")


def test_write_keeps_crlf_line_ends() -> None:
    text = "Intro\r\n```console\r\n$ one\r\nold\r\n```\r\n"
    result = _result(text, [["new", "lines"]])
    assert result.rewritten() == "Intro\r\n```console\r\n$ one\r\nnew\r\nlines\r\n```\r\n"


def test_write_of_a_current_file_is_byte_identical() -> None:
    text = "x\n```console\n$ one\nout   \n\n\n```\n<!-- docs: skip -->\n```console\n$ w\n```"
    result = _result(text, [["out"]])
    assert result.stale == []
    assert result.rewritten() == text


# --------------------------------------------------------------------------------------
# Running real examples


TOUR = """\
# A tour

```console
$ summits formats add normandy --name "Normandy Format" --tz Europe/Paris
$ summits add "Normandy advisers" --start "2022-01-26 10:00" --format normandy --city Paris
```

The store carries from block to block; an env directive pins one block.

<!-- docs: env SUMMITS_NOW=2022-01-20 -->
```console
$ summits upcoming --format normandy --output ids
$ echo "now=$SUMMITS_NOW"
```

```console
$ echo "now=${SUMMITS_NOW:-unset} home=$HOME store=$SUMMITS_STORE"
$ summits show nope  # exit 1
$ summits --now 2021-12-31 next --format geneva --output json --fields id | python -m json.tool
$ summits import invite.ics --format osce --dry-run
$ export SUMMITS_NOW=2021-12-31
$ mkdir -p sub && cd sub && touch here
$ pwd; summits next --field countdown
```

<!-- docs: skip -->
```console
$ summits countdown --watch
whatever the author wrote
```
"""


@pytest.mark.slow
def test_a_markdown_file_is_written_then_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMITS_NOW", "2030-01-01")  # the caller's environment never leaks in
    doc = tmp_path / "tour.md"
    doc.write_text(TOUR, encoding="utf-8")

    first = make_docs.run_file(doc)
    assert first.error == ""
    assert [o.exit_wrong for o in first.outcomes] == [False] * 11
    doc.write_text(first.rewritten(), encoding="utf-8")
    written = doc.read_text(encoding="utf-8")

    assert "summits: added format normandy in /tmp/tour/summits.yaml\nnormandy\n" in written
    assert "Normandy advisers, 2022-01-26T10:00 Europe/Paris) in /tmp/tour/summits.yaml" in written
    assert (
        "$ summits upcoming --format normandy --output ids\n2022-01-26-paris-normandy\n" in written
    )
    assert '$ echo "now=$SUMMITS_NOW"\nnow=2022-01-20\n' in written
    assert "now=unset home=~ store=/tmp/tour/summits.yaml\n" in written
    assert "summits: error: no event with id 'nope'" in written
    assert '[\n    {\n        "id": "2022-01-09-geneva-dinner"\n    }\n]\n' in written
    assert "summits: would import invite.ics: 1 added, 0 updated, 0 unchanged" in written
    assert "$ pwd; summits next --field countdown\n/tmp/tour/sub\nin 9 days\n```" in written
    assert "$ summits countdown --watch\nwhatever the author wrote\n" in written
    assert str(tmp_path) not in written

    assert make_docs.check_file(doc) == []


def test_stale_output_and_wrong_exit_codes_are_reported(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "Text\n"
        "```console\n"
        "$ summits --now 2021-12-31 next --format geneva --field countdown\n"
        "in 8 days\n"
        "$ summits show nope\n"
        "$ summits --now 2021-12-31 next --format geneva --field title  # exit 1\n"
        "Strategic Stability Dialogue working dinner\n"
        "```\n",
        encoding="utf-8",
    )
    stale, wrong_code, wrong_zero = make_docs.check_file(doc)
    name = str(doc)
    assert stale.startswith(f"{name}:3: $ summits --now 2021-12-31 next")
    assert f"--- {name}:4 (written)" in stale
    assert "  -in 8 days\n  +in 9 days" in stale
    assert wrong_code.startswith(f"{name}:5: $ summits show nope\n")
    assert "exit status 1, expected 0 (if that is intended, end the command with '# exit 1')" in (
        wrong_code
    )
    assert "+summits: error: no event with id 'nope'" in wrong_code
    assert wrong_zero.startswith(f"{name}:6: ")
    assert "exit status 0, expected 1 (remove its '# exit' comment" in wrong_zero
    assert "| Strategic Stability Dialogue working dinner" in wrong_zero


def test_every_file_starts_from_the_bundled_store(tmp_path: Path) -> None:
    adds = tmp_path / "adds.md"
    adds.write_text(
        "```console\n$ summits formats add minsk --name Minsk 2>/dev/null\nminsk\n```\n",
        encoding="utf-8",
    )
    lists = tmp_path / "lists.md"
    lists.write_text(
        "```console\n$ summits formats --output ids\ngeneva\nnrc\nosce\n"
        "$ ls invite.ics summits.yaml\ninvite.ics\nsummits.yaml\n```\n",
        encoding="utf-8",
    )
    assert make_docs.check_file(adds) == []
    assert make_docs.check_file(lists) == []


def test_output_a_console_block_cannot_hold_is_refused(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    text = "```console\n$ printf 'a\\n$ b\\n'\n$ printf '```\\n'\n```\n"
    doc.write_text(text, encoding="utf-8")
    result = make_docs.run_file(doc)
    assert [o.output for o in result.outcomes] == [["a", "$ b"], ["```"]]
    problems = result.problems()
    assert len(problems) == 2
    assert all("a console block cannot hold" in p for p in problems)
    assert result.rewritten() == text


def test_the_command_line_checks_and_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = tmp_path / "commands.md"
    monkeypatch.setattr(make_docs, "REFERENCE", reference)  # never the real one from a test
    doc = tmp_path / "doc.md"
    doc.write_text(
        "```console\n$ summits --now 2021-12-31 next --field countdown\n```\n", encoding="utf-8"
    )
    assert make_docs.main(["--check", str(doc)]) == 1
    assert "+in 9 days" in capsys.readouterr().out
    assert make_docs.main(["--write", str(doc)]) == 0
    out = capsys.readouterr().out
    assert "rewrote 1 example output(s)" in out
    assert reference.read_text(encoding="utf-8") == make_docs.render_reference()
    assert (
        doc.read_text(encoding="utf-8")
        == "```console\n$ summits --now 2021-12-31 next --field countdown\nin 9 days\n```\n"
    )
    assert make_docs.main([str(doc)]) == 0
