"""tasks.md read as CommonMark reads it: a task is a heading (## to ######, at the top
level) whose text starts with its ID; ``### T099`` in a code block, an HTML block or
comment, a list or a quote is no task (issue 20, item 5).

Two readers, one answer: the commit-msg hook may not import markdown-it, so it reads tasks
with document/blocks (CommonMark's block algorithm, no Markdown parser); the gate reads them
with the document model (markdown-it). Here they are compared on hand-made shapes and on
generated documents mixing every block construct (fixed seeds: the same documents every
run). Known deviations of markdown-it from the CommonMark spec are listed at the end: there
the block reader follows the spec, and the server (markdown-it) decides.
"""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from hotfix_hooks.document.blocks import top_level_headings
from hotfix_hooks.document.model import model_tasks
from hotfix_hooks.document.model import top_level_headings as model_headings
from hotfix_hooks.document.tasks import parse_tasks

SEED = """\
# Tasks: Hotfix 042

### T001: Implement Hotfix
Fix the login 500.

### T002: Essential Testing ###

#### T003 - Deploy to Production
"""


def lines_of(text: str, reader: object) -> list[tuple[int, int]]:
    assert callable(reader)
    return [(line, level) for line, level, _ in reader(text)]


@pytest.mark.parametrize(
    ("text", "tasks"),
    [
        (SEED, ["T001", "T002", "T003"]),
        ("```\n### T099: in code\n```\n### T001: x\n", ["T001"]),
        ("~~~~\n### T099\n~~~\n### T098\n~~~~\n### T001\n", ["T001"]),
        ("<!--\n### T099: in a comment\n-->\n### T001\n", ["T001"]),
        ("<!-- one line --> \n### T001\n", ["T001"]),
        ("<div>\n### T099: in HTML\n\n### T001\n", ["T001"]),
        ("<details>\n\n### T002: shown\n\n</details>\n", ["T002"]),
        ("- a list\n  ### T099: in it\n### T001\n", ["T001"]),
        ("> ### T099: quoted\n### T001\n", ["T001"]),
        ("    ### T099: indented code\n\n### T001\n", ["T001"]),
        ("para\n    ### T099: a continuation line\n", []),
        ("##T099 no space\n#T098\n# T097: level 1\n####### T096\n", []),
        ("### T001: first\n### T001: again\n", ["T001"]),
        ("### T0011\n### T001x\n### T001_\n### t001\n", []),
        ("[ref]: /url\n1. x\n   ### T099: in the list\n### T001\n", ["T001"]),
        ("\t### T099: a tab is code\n   ### T001: three spaces\n", ["T001"]),
    ],
)
def test_what_is_a_task(text: str, tasks: list[str]) -> None:
    assert [task for task, _ in parse_tasks(text)] == tasks
    assert model_tasks(text) == parse_tasks(text)


def test_titles_as_commonmark_reads_them() -> None:
    assert parse_tasks(SEED) == [
        ("T001", "Implement Hotfix"),
        ("T002", "Essential Testing"),
        ("T003", "Deploy to Production"),
    ]
    assert parse_tasks("## T004: Monitor  #not closing#\n") == [("T004", "Monitor #not closing#")]


# Lines a generated document is made of: each a container prefix (or none) and a block.
PREFIXES = ["", "", "", " ", "  ", "   ", "    ", "\t", "  \t", "> ", ">", "- ", "-", "* ",
            "+ ", "1. ", "1) ", "2. ", "10. ", "-   ", "-      ", " - ", "   - ", "1.  "]  # fmt: skip
BLOCKS = ["### T001 x", "## T002: y ##", "#T003", "# T004", "####### T005", "###", "```", "~~~",
          "````", "``` x`", "```py", "<!--", "-->", "x -->", "<div>", "</div>", "<pre>",
          "</pre>", "<script>", "<?", "?>", "<!X", ">", "<![CDATA[", "]]>", "<a b='c'>", "<a>",
          "</a>", "<a", "<div", "---", "***", "===", "- - -", "___", "text", "para line", "",
          "", "", "code", "T001", "[a]: /b", '[a]: </b> "t"', "-", "1.", "*", "<textarea>",
          "</textarea>", "<DIV>", "</DIV >"]  # fmt: skip


def generated(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    documents = []
    for _ in range(count):
        lines = [
            "".join(rng.choice(PREFIXES) for _ in range(rng.choice([0, 1, 1]))) + rng.choice(BLOCKS)
            for _ in range(rng.randint(1, 10))
        ]
        documents.append("\n".join(lines) + rng.choice(["", "\n"]))
    return documents


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_the_block_reader_agrees_with_the_model(seed: int) -> None:
    for text in generated(seed, 1500):
        assert lines_of(text, top_level_headings) == lines_of(text, model_headings), text
        assert parse_tasks(text) == model_tasks(text), text


@pytest.mark.parametrize(
    "text",
    [
        # markdown-it ends a list (or a quote inside a quote) at a lazy continuation line
        # that would start a block relative to the list's indentation (here an HTML block);
        # CommonMark keeps it in the paragraph, so the heading below is at the top level
        "   - <a\n\t</div>\n</pre>\n## T002: y ##\n",
        "> > para line\n\t___\n</a>\n## T002\n",
        # a link reference definition spread over lines is a paragraph to the block reader
        "[a]:\n-1.\n</pre>\n### T001 x\n",
    ],
)
def test_known_deviations_of_markdown_it(text: str) -> None:
    assert lines_of(text, top_level_headings) != lines_of(text, model_headings)


def test_the_commit_msg_path_never_imports_the_markdown_parser() -> None:
    probe = (
        "import sys\n"
        "from hotfix_hooks.document.tasks import parse_tasks\n"
        "assert parse_tasks('### T001: x\\n```\\n### T002\\n```\\n') == [('T001', 'x')]\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('markdown_it', 're')))"
    )
    from tests.conftest import unmeasured_env

    out = subprocess.run(  # without coverage.py, which imports re itself
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env=unmeasured_env(),
    ).stdout
    assert out.strip() == "[]"


def test_the_parser_failing_is_one_clear_line() -> None:
    from hotfix_hooks.core.errors import UsageError
    from hotfix_hooks.document.model import HotfixDocument

    with pytest.raises(UsageError, match="cannot be read as CommonMark"):
        HotfixDocument.parse(b"> - <!X\n>")
    assert model_tasks("> - <!X\n>\n### T001\n") == parse_tasks("> - <!X\n>\n### T001\n")
