"""The ``sh`` half of an installed hook: "not a hotfix branch" decided without Python.

Starting Python costs more than the rest of a commit. The script written by
``hotfix-hooks install`` therefore reads what the Python hook would read first (the
git directory's ``HEAD``, a worktree's ``.git`` file, the rebase state, pre-push's ref
lines) with shell built-ins and exits 0 itself when the answer is certainly "nothing to
do". Anything unusual hands over to Python, which decides as before:

- a ``<hook>.local`` to chain, ``GIT_WORK_TREE`` set, or ``GIT_DIR`` pointing anywhere
  but where ``.git`` points;
- a ``.hotfix-hooks.toml``, or a ``pyproject.toml`` that mentions hotfix-hooks in its
  first MiB (it may configure another ``branch_prefix``) or is not a regular file (a
  symlink, a FIFO: never read here, Python says what is wrong with it);
- a ``HEAD`` on a branch with the prefix, a symlink, or neither a branch nor a commit id;
- commit-msg: a rebase in progress (the branch being rebased counts), or a subject that
  ties the commit to a hotfix from any branch (``042/T007: ...``, :mod:`~hotfix_hooks.core.tie`);
- pre-push: a ref line that mentions the prefix (source *or* destination), or no ref
  lines at all while a branch with the prefix is checked out.

These are :func:`hotfix_hooks.config.settings.cheap_prefix`'s decisions, written with the
same names (filled in from the Python constants); ``tests/unit/install/test_script.py`` runs
the generated script and the Python owner over a table of states and requires the script
to exit early only where Python would do nothing.
"""

from __future__ import annotations

import shlex

from hotfix_hooks.config.settings import DEDICATED, PYPROJECT, TABLE
from hotfix_hooks.core.branch import DEFAULT_PREFIX
from hotfix_hooks.core.safe_files import READ_LIMIT
from hotfix_hooks.install.managers import HOOK_IDS

# The decision ``config.settings.cheap_prefix`` makes in Python, in the same order and from
# the same names: a dedicated file, or a pyproject.toml that is not a regular file (a
# symlink to /dev/zero, a FIFO) or whose first READ_LIMIT bytes mention us, may configure
# another prefix: Python decides. The pyproject.toml read is bounded (``head -c``: a shell
# variable of at most 1 MiB, matched by ``case``, one process; ``grep`` would hold a line
# without end whole), and never of anything but a regular file (a FIFO or /dev/stdin would
# block, or eat pre-push's ref lines).
_COMMON = """\
# Not a hotfix branch: exit here, without starting Python. Anything unusual is left to Python.
hh_where() {{  # the git directory and HEAD, when nothing unusual is going on; else fail
    [ -z "${{GIT_WORK_TREE-}}" ] && [ ! -e "$0.local" ] && [ ! -L "$0.local" ] || return 1
    if [ -d .git ]; then
        hh_gd=.git
    elif [ -f .git ] && IFS= read -r hh_gd < .git; then
        case $hh_gd in "gitdir: "?*) hh_gd=${{hh_gd#gitdir: }} ;; *) return 1 ;; esac
    else
        return 1
    fi
    [ -z "${{GIT_DIR-}}" ] || [ "$GIT_DIR" = "$hh_gd" ] || return 1
    [ ! -L "$hh_gd/HEAD" ] && IFS= read -r hh_b < "$hh_gd/HEAD" || hh_b=
}}
hh_detached() {{  # HEAD is a commit id: no branch at all
    case $hh_b in *[!0-9a-f]* | "") return 1 ;; esac
    [ ${{#hh_b}} -ge 40 ]
}}
hh_config() {{  # no configuration file can change the prefix; else fail
    [ ! -e {dedicated} ] && [ ! -L {dedicated} ] || return 1
    if [ -e {pyproject} ] || [ -L {pyproject} ]; then
        [ -f {pyproject} ] && [ ! -L {pyproject} ] && [ -r {pyproject} ] || return 1
        {{ hh_p=$(head -c {limit} {pyproject}); }} 2>/dev/null  # NULs dropped (bash: warned)
        case $hh_p in *{mention}*) return 1 ;; esac
    fi
}}
hh_branch() {{  # HEAD on a branch without the prefix; else fail
    case $hh_b in
    "ref: refs/heads/"{prefix}* | "ref: refs/heads/.invalid") return 1 ;;
    "ref: refs/heads/"?*) return 0 ;;
    esac
    return 1
}}
"""

_MANAGED = """\
case $0 in *.legacy)
    # pre-commit or prek moved this hook aside and runs it before its own hooks: when those
    # include ours, ours has run (or will) already. A mention in a YAML comment is no hook.
    for hh_cfg in .pre-commit-config.yaml .pre-commit-config.yml; do
        [ -f "$hh_cfg" ] && [ ! -L "$hh_cfg" ] || continue
        if head -c {limit} "$hh_cfg" | grep -Eq '^[^#]*({id}|hotfix-hooks +hook +{hook})'; then
            exit 0
        fi
    done ;;
esac
"""

_BODY = {
    "post-checkout": """\
if [ $# -eq 3 ] && hh_where; then
    [ "$3" = 1 ] || exit 0  # a file checkout: nothing to scaffold
    hh_detached && exit 0
    hh_config && hh_branch && exit 0
fi
exec {run}
""",
    "commit-msg": """\
hh_tied() {{  # a subject "042/T007: ..." ties a commit to a hotfix from any branch
    hh_s=
    [ -f "$1" ] && [ ! -L "$1" ] || return 1
    IFS= read -r hh_s < "$1" 2>/dev/null || [ -n "$hh_s" ] || return 1
    case $hh_s in [0-9]*/[Tt][0-9]*) return 0 ;; esac
    return 1
}}
if [ $# -eq 1 ] && hh_where && [ ! -e "$hh_gd/rebase-merge" ] && [ ! -e "$hh_gd/rebase-apply" ]
then
    hh_tied "$1" || {{
        hh_detached && exit 0
        hh_config && hh_branch && exit 0
    }}
fi
exec {run}
""",
    "pre-push": """\
if [ $# -eq 2 ] && [ ! -t 0 ] && hh_where; then
    hh_in=$(cat)
    case $hh_in in
    *[![:space:]]*)  # git's ref lines: a hotfix source or destination names the prefix
        case $hh_in in *{prefix}*) ;; *) hh_config && exit 0 ;; esac ;;
    *)  # none: a hook manager kept them from us; the checked-out branch is pushed
        hh_detached && exit 0
        hh_config && hh_branch && exit 0 ;;
    esac
    if [ -n "$hh_in" ]; then
        printf '%s\\n' "$hh_in" | {run}
        exit $?
    fi
    exec {run} < /dev/null
fi
exec {run}
""",
}


def fast_path(hook: str, run: str) -> str:
    """The script's body after the interpreter check; ``run`` is the sh command that runs
    the Python hook with the script's arguments."""
    body = _BODY.get(hook)
    if body is None:
        return f"exec {run}\n"
    prefix = shlex.quote(DEFAULT_PREFIX)  # a case pattern: quoted, it matches itself only
    managed = _MANAGED.format(id=HOOK_IDS[hook], hook=hook, limit=READ_LIMIT)
    common = _COMMON.format(
        prefix=prefix,
        dedicated=shlex.quote(DEDICATED),
        pyproject=shlex.quote(PYPROJECT),
        mention=shlex.quote(TABLE),
        limit=READ_LIMIT,
    )
    return managed + common + body.format(run=run, prefix=prefix)
