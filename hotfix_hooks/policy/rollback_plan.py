"""The Rollback Plan and Rollback Trigger of a hotfix document, judged. Pure: no git, no I/O.

What counts is what a reader sees. Each block of the section is rendered as CommonMark
(markdown-it-py, through the document model) and walked with the standard library's HTML
parser (``document/visible.py``): comments, elements that are hidden or struck out (``hidden``,
``display:none``, ``<del>``/``<s>``/``~~…~~``, ``<template>``, a closed ``<dialog>``,
``<script>``/``<style>``), links without a target and images show nothing. An HTML block
that opens such an element before the section hides what follows it, as a browser does.

A plan then needs at least one real *step*, defined by what it is (``is_step``):

- a line of code (a code block or a code span) that is not a comment, of two words or more
  or one with a path, a version or an option in it (``./rollback.sh``);
- a link with a real target (``[runbook](https://wiki/rb)``), whatever its text says unless
  that is a placeholder;
- a sentence that says what to do to what: an action word (revert, redeploy, roll back,
  restore, disable, set, flip, scale, …) leading its clause, then what it acts on
  (``Purge the CDN``, ``Redeploy the previous release``), or a concrete target (a version,
  a commit, a flag or path name: ``v1.4.2``, ``abc1234``, ``checkout_v2``, ``deploy/api``)
  with any word to say what to do with it (``redeploy v1.4.2``, ``Zurück auf Version 1.4``).

Never a step: a placeholder (``TBD``, ``TODO: …``, ``N/A``, ``[a bracketed hint]``,
``<sha>``/``{{VERSION}}`` template slots), a question or an instruction to the writer
(``How to rollback if hotfix fails``, ``Describe the rollback``), an action without an
object (``revert``, ``revert later``, ``revert if needed``, ``roll back as usual``), or
words that do not act (``see slack``, ``the usual``, ``plan will follow``, ``idk``).
The trigger (and any other section ``find`` reads) needs content words, not a step.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from hotfix_hooks.document.model import Block, HotfixDocument
    from hotfix_hooks.document.visible import Visible

PLAN = "Rollback Plan"
TRIGGER = "Rollback Trigger"

# Estimated microseconds of markdown-it inline parsing one verdict may spend (the model's
# ``inline_cost``).
INLINE_BUDGET = 200_000
# Raw HTML (HTML blocks) one verdict hands the HTML parser, as (characters x "<"): the
# standard library's parser rescans unclosed constructs (quadratic on "<a<a<a..." before
# Python 3.13.5), so hostile HTML is refused as too complex instead of read for seconds.
HTML_BUDGET = 4_000_000

# -- words ---------------------------------------------------------------------------------


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Placeholders, and a to-do note when it starts a line ("TODO: write the plan").
PLACEHOLDERS = _set(
    "tbd tbc tba todo fixme xxx wip na none nil null nothing pending unknown placeholder "
    "idk dunno later soon"
)
_TODO_START = _set("tbd tbc tba todo fixme xxx wip")
# Words that carry no object: grammar, vagueness, and the section's own name.
_STOP = _set(
    "a an the to of in on at for from with by and or then it its it's this that these those "
    "all any some is are be been will would should must can could may might we i you they "
    "he she our my your their as so up out into onto back off over down forward again "
    "first next just only also via per using use if when once unless while until after "
    "before there here what how why who which where no not yes ok okay done do does did "
    "get make take put go have has had"
)
_VAGUE = (
    _set(
        "later soon asap needed necessary required possible usual usually normal normally "
        "standard appropriate appropriately accordingly somehow something everything anything "
        "stuff thing things whatever same previous previously necessary applicable manually "
        "quickly fast easily simple simply change changes issue issues problem problems "
        "etc ok fine good well required"
    )
    | PLACEHOLDERS
)
# What only names the section: "Rollback steps here", "Plan: see below".
_GENERIC = _set(
    "rollback roll rolled rolling plan plans planned step steps procedure procedures "
    "details detail instructions instruction info information below above section "
    "documented document docs"
)
# Pointers to somewhere else, not a step: "see slack", "check with ops", "ask bob".
_POINTERS = _set("see check ask consult refer follow look read contact ping")
# Questions and instructions to the writer: a template's hint, in any wording.
_QUESTIONS = _set("how what when where which why who whom whether")
_TO_WRITER = _set(
    "describe explain document fill write specify outline provide insert enter list "
    "summarize summarise detail define"
)
# Action words a step starts with (its clause's first word, or after "then", "we", ...).
_ACTIONS = _set("""
    revert rollback roll-back redeploy re-deploy deploy restore reinstate undo downgrade
    disable enable re-enable turn switch toggle flip set unset reset change update edit
    patch apply reapply run rerun re-run execute invoke trigger promote demote failover
    fail scale drain cordon uncordon restart reboot reload stop start kill pause resume
    suspend purge flush clear invalidate remove delete drop truncate recreate rebuild
    reindex replace swap move migrate point repoint route reroute shift block unblock
    allow deny pin unpin merge cherry-pick push tag checkout release ship build install
    uninstall upgrade reconfigure rotate evict deactivate activate rename recover replay
    requeue retry cut mark hide lock unlock freeze unfreeze backfill fall bring return
    shut spin pull reduce lower raise throttle redirect resync sync reprovision provision
    decommission rollout keep comment uncomment hotpatch detach attach roll unmerge add
    create destroy
    """)
# Words after which an action word is still a verb ("then revert", "we redeploy", and a
# command's name: "git revert HEAD", "helm rollback api").
_SUBJECTS = _set(
    "then and or we i you ops sre oncall on-call team they will should must can just "
    "simply immediately first next finally please to also git kubectl helm terraform "
    "docker aws gcloud az heroku ansible make systemctl service npm pip fly argocd "
    "sudo"
)
# Subordinate clauses are conditions, not steps: "revert abc123 if errors spike".
_CONDITIONS = _set("if when once unless should whenever until")

_STRIP = "\"'()[]{}<>,;:!?*«»“”‘’`|"
# Where a clause ends (in text whose whitespace is single spaces: no run to backtrack over).
_CLAUSES = re.compile(r"[;:,](?: |$)|\.(?: |$)| [-–—]+ | (?:and )?then ")
_TEMPLATE_SLOT = re.compile(r"<[^<>\s]{1,40}>|\{\{[^{}]{0,40}\}\}")
_CODE_COMMENT = ("#", "//", "--", ";", "::", "%%", "rem ")  # %%: a Mermaid comment


def _fold(text: str) -> str:
    """NFKC, without zero-width and other format characters, casefolded."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text.casefold()


def _tokens(text: str) -> list[str]:
    """Words as written, without the punctuation around them ("v1.4.2." -> "v1.4.2")."""
    out = []
    for chunk in text.split():
        token = chunk.strip(_STRIP)
        while token.endswith("."):
            token = token[:-1]
        if token in ("n/a", "n.a", "n.a."):
            token = "na"  # noqa: S105 - a word, not a password
        if any(ch.isalnum() for ch in token):
            out.append(token)
    return out


def _concrete(token: str) -> bool:
    """A version, a commit, an issue, a path, a flag or a setting: ``v1.4.2``, ``abc1234``,
    ``#123``, ``deploy/api``, ``checkout_v2``, ``FLAG=false``, ``deploy.sh``."""
    alnum = sum(ch.isalnum() for ch in token)
    if alnum < 2 or all(part in PLACEHOLDERS for part in re.split(r"[\W_]+", token) if part):
        return False
    if token[0] == "#" and token[1:].isdigit():
        return True
    if any(ch.isdigit() for ch in token):
        return any(ch.isalpha() or ch == "." for ch in token)  # v1.4.2, 1.4; not "10"
    if alnum < 3:
        return False  # n/a, w/o
    if any(mark in token for mark in "_/=\\"):
        return True
    dotted = [part for part in token.split(".") if part]
    return len(dotted) >= 2 and all(len(part) >= 2 for part in dotted)  # not "e.g"


def _word(token: str) -> bool:
    """A word that says something: letters, two or more, not grammar or vagueness."""
    return (
        len(token) >= 2
        and any(ch.isalpha() for ch in token)
        and token not in _STOP
        and token not in _VAGUE
        and token not in _GENERIC
        and token not in _POINTERS
    )


def _drop_brackets(text: str) -> str:
    """Without every balanced ``[...]`` (a template's hint, a ticked box), nested or not."""
    if "[" not in text or "]" not in text:
        return text
    kept: list[str] = []
    depth = 0
    for ch in text:
        if ch == "[":
            depth += 1
            kept.append(" ")
        elif ch == "]" and depth:
            depth -= 1
        elif not depth:
            kept.append(ch)
    if depth:  # an unbalanced "[" keeps what followed it
        return text.replace("[", " ").replace("]", " ")
    return "".join(kept)


def is_template(text: str) -> bool:
    """A line with a template's slot in it: ``git revert <sha>``, ``v{{VERSION}}``."""
    return ("<" in text or "{{" in text) and _TEMPLATE_SLOT.search(text) is not None


def _to_do(tokens: list[str]) -> bool:
    return bool(tokens) and tokens[0] in _TODO_START


def _clause_is_step(tokens: list[str]) -> bool:
    for at, token in enumerate(tokens):
        if token in _CONDITIONS and at:  # "revert abc123 if it fails": the condition
            tokens = tokens[:at]
            break
    if not tokens or tokens[0] in _CONDITIONS:
        return False
    first = tokens[0]
    if first in _QUESTIONS or first in _TO_WRITER:
        return False  # "How to roll back if the hotfix fails", "Describe the steps"
    concrete = [t for t in tokens if _concrete(t)]
    if concrete and any(
        len(t) >= 2 and t.isalpha() and t not in PLACEHOLDERS and not _concrete(t) for t in tokens
    ):
        return True  # "redeploy v1.4.2", "revert abc1234", "Zurück auf die Version 1.4"
    for at, token in enumerate(tokens):
        verb = token in _ACTIONS and (at == 0 or tokens[at - 1] in _SUBJECTS)
        if verb and tokens[at + 1 : at + 2] and tokens[at + 1] in _GENERIC:
            continue  # "Revert steps", "Clear procedures": a word about the plan
        if verb and any(_word(t) or _concrete(t) for t in tokens[at + 1 :]):
            return True  # "Purge the CDN", "then redeploy the previous image"
    return False


def is_step(text: str) -> bool:
    """Visible text that says what to do to what (see the module's docstring)."""
    text = _fold(text)
    if is_template(text):
        return False
    text = " ".join(_drop_brackets(text).split())
    if _to_do(_tokens(text)) or text.endswith(":"):
        return False  # "TODO: ...", a lead-in ("To roll back:") or a template's label
    return any(_clause_is_step(_tokens(clause)) for clause in _CLAUSES.split(text))


def is_content(text: str) -> bool:
    """Visible text that says something (for a trigger): a word that is not a
    placeholder, grammar or the section's name, and not a hint to the writer."""
    text = _fold(text)
    if is_template(text):
        return False
    tokens = _tokens(_drop_brackets(text))
    if not tokens or _to_do(tokens):
        return False
    if len(tokens) > 1 and tokens[0] in _QUESTIONS and tokens[1] == "to":
        return False  # "When to rollback": the hint without its brackets
    return any(_word(t) or _concrete(t) for t in tokens)


def placeholder_only(text: str) -> bool:
    """Text that says nothing but a placeholder or a hint to the writer: ``TBD``,
    ``[fill me in]``, ``How to roll back``, ``<sha>`` (a link's text, say)."""
    text = _fold(text)
    tokens = _tokens(_drop_brackets(text))
    return (
        is_template(text)
        or not tokens
        or _to_do(tokens)
        or all(t in PLACEHOLDERS for t in tokens)
        or tokens[0] in _QUESTIONS
        or tokens[0] in _TO_WRITER
    )


def is_code(line: str) -> bool:
    """A line of code that does something: not a comment, not a placeholder, two words or
    more, or one with a path, a version or an option in it."""
    code = line.strip()
    if code.startswith("$ "):
        code = code[2:].strip()
    if not code or code.casefold().startswith(_CODE_COMMENT) or is_template(code):
        return False
    tokens = _tokens(_fold(code))
    if not tokens or _to_do(tokens) or all(t in PLACEHOLDERS for t in tokens):
        return False
    return len(tokens) >= 2 or "/" in code or "=" in code  # ./rollback.sh, FLAG=off


def _drop_code_comments(body: str) -> str:
    """Without ``/* ... */`` and ``<!-- ... -->`` (an unclosed one runs to the end), their
    line breaks kept."""
    for opener, closer in (("/*", "*/"), ("<!--", "-->")):
        if opener not in body:
            continue
        kept = []
        position = 0
        while True:
            start = body.find(opener, position)
            if start < 0:
                kept.append(body[position:])
                break
            kept.append(body[position:start])
            end = body.find(closer, start + len(opener))
            if end < 0:
                break
            position = end + len(closer)
            kept.append("\n" * body.count("\n", start, position))
        body = "".join(kept)
    return body


def code_lines(body: str) -> list[str]:
    """The lines of a code block that do something."""
    return [line.strip() for line in _drop_code_comments(body).splitlines() if is_code(line)]


def has_target(href: str) -> bool:
    """A link's target that leads somewhere: not "", "#", ``TBD`` or a ``<slot>``."""
    from urllib.parse import unquote

    target = unquote(href).strip()
    return (
        sum(ch.isalnum() for ch in target) >= 3
        and not is_template(target)
        and not all(t in PLACEHOLDERS for t in _tokens(_fold(target.replace("/", " "))))
    )


def is_link(target: str, text: str) -> bool:
    """A link to somewhere whose text is no placeholder (``[TBD](https://x)`` is TBD)."""
    return has_target(target) and not placeholder_only(text)


# -- the verdict -----------------------------------------------------------------------------


# Value types here and on every hook path are NamedTuples: defining a dataclass costs about
# a millisecond of the hook's start (it compiles its methods), a NamedTuple a fifth of that.
class Finding(NamedTuple):
    name: str
    found: bool
    real: bool
    text: str  # the real content, or what stood there
    line: int | None
    note: str | None = None  # why it could not be judged, when it could not

    @property
    def problem(self) -> str | None:
        if not self.found:
            return f"no {self.name} section"
        if not self.real:
            if self.note:
                return f"the {self.name} could not be judged: {self.note}"
            if self.name != PLAN or placeholder_only(" ".join(self.text.split())):
                return f"the {self.name} holds only a placeholder ({_short(self.text)})"
            return (
                f"the {self.name} names no step ({_short(self.text)}): say what to do to "
                "what, e.g. 'git revert abc1234' or 'Redeploy v1.4.2'"
            )
        return None


def finding_from(values: Sequence[object]) -> Finding | None:
    """The :class:`Finding` whose fields are ``values`` (as a cache stored them); None
    unless each has its field's type."""
    if len(values) != len(Finding._fields):
        return None
    name, found, real, text, line, note = values
    if not (
        isinstance(name, str)
        and isinstance(found, bool)
        and isinstance(real, bool)
        and isinstance(text, str)
        and (line is None or (isinstance(line, int) and not isinstance(line, bool)))
        and (note is None or isinstance(note, str))
    ):
        return None
    return Finding(name, found, real, text, line, note)


class Verdict(NamedTuple):
    plan: Finding
    trigger: Finding
    trigger_required: bool

    @property
    def passed(self) -> bool:
        return self.plan.real and (self.trigger.real or not self.trigger_required)

    @property
    def problems(self) -> list[str]:
        out = [p for p in (self.plan.problem,) if p]
        if self.trigger_required and self.trigger.problem:
            out.append(self.trigger.problem)
        return out

    @property
    def warnings(self) -> list[str]:
        if not self.trigger_required and self.trigger.problem:
            return [self.trigger.problem]
        return []


def judge(doc: HotfixDocument, *, trigger_required: bool = False) -> Verdict:
    budget = _Budget(INLINE_BUDGET, HTML_BUDGET)
    plan = find(doc, PLAN, budget, judge_line=is_step)
    return Verdict(plan, find(doc, TRIGGER, budget), trigger_required)


class TooComplexError(Exception):
    """A block holds more Markdown or HTML than the verdict's budget lets it read."""


class _Budget:
    def __init__(self, inline: int, html: int = HTML_BUDGET) -> None:
        self.left = inline
        self.html = html

    def spend(self, block: Block) -> None:
        from hotfix_hooks.document.model import inline_cost

        cost = inline_cost(block.source)
        if cost > self.left:
            raise TooComplexError(
                f"too much Markdown markup to read at line {block.line}: simplify it"
            )
        self.left -= cost

    def spend_html(self, block: Block) -> None:
        """Each HTML block is read on its own (``_Visible.read``): what an unclosed
        construct costs the parser is bounded by its block's characters times its "<"."""
        self.html -= len(block.source) * block.source.count("<")
        if self.html < 0:
            raise TooComplexError(f"too much HTML to read at line {block.line}: simplify it")


def find(
    doc: HotfixDocument,
    name: str,
    budget: _Budget | None = None,
    *,
    judge_line: Callable[[str], bool] = is_content,
) -> Finding:
    """The first section called ``name`` with real content, else the first one at all."""
    budget = budget or _Budget(INLINE_BUDGET)
    sections = doc.sections(name)
    note = None
    html_blocks = doc.html_blocks() if sections else []
    for section in sections:
        walker = _walker()
        shown: list[str] = []
        try:
            for block in html_blocks:  # HTML before the section may hide it
                if block.end_line >= section.line:
                    break
                budget.spend_html(block)
                walker.read(block.source, block.line)
                walker.take()
            for block in section.blocks:
                hidden = walker.hidden_since
                if _block_lines(block, walker, budget, judge_line):
                    shown.append(_display(block))
                elif hidden is not None and block.kind != "html":
                    note = note or (
                        f"it is inside HTML that hides it (the element opened at line {hidden})"
                        ": write it outside"
                    )
        except TooComplexError as error:
            note = note or str(error)
        if shown:
            return Finding(name, True, True, "\n".join(shown), section.line)
    if sections:
        return Finding(name, True, False, sections[0].content, sections[0].line, note)
    return Finding(name, False, False, "", None)


def _walker() -> Visible:
    from hotfix_hooks.document.visible import Visible

    return Visible(has_target)


def _block_lines(
    block: Block, walker: Visible, budget: _Budget, judge_line: Callable[[str], bool]
) -> list[str]:
    """The visible lines of ``block`` that are real, read in ``walker``'s state."""
    if block.kind == "code":
        return [] if walker.hiding else code_lines(block.source)
    if block.kind == "html":
        budget.spend_html(block)
        walker.read(block.source, block.line)
    elif block.kind in ("text", "heading") and any(ch.isalnum() for ch in block.source):
        budget.spend(block)
        walker.read(f"<p>{block.html()}</p>", block.line)
    else:
        return []
    real = []
    for line in walker.take():
        text = "".join(line.text).strip()
        if line.slot or is_template(text):
            continue  # a template's "git revert <sha>"
        if (
            any(is_link(target, label) for target, label in line.links)
            or any(is_code(code) for code in line.code)
            or judge_line(text)
        ):
            real.append(text)
    return real


def real_lines(block: Block, budget: _Budget | None = None) -> list[str]:
    """The visible lines of ``block`` that are real steps (read on its own)."""
    return _block_lines(block, _walker(), budget or _Budget(INLINE_BUDGET), is_step)


def block_is_real(block: Block) -> bool:
    """For edits: whether ``block`` holds what a person wrote (not only a placeholder), a
    step or not: an edit never overwrites it. A block too large to judge counts."""
    try:
        return bool(_block_lines(block, _walker(), _Budget(INLINE_BUDGET), is_content))
    except TooComplexError:
        return True


def _display(block: Block) -> str:
    if block.kind == "code":
        return "\n".join(code_lines(block.source))
    return f"- {block.source}" if block.list_item else block.source


def _short(text: str) -> str:
    flat = " ".join(text.split())
    if not flat:
        return "nothing"
    return repr(flat if len(flat) <= 60 else flat[:57] + "...")
