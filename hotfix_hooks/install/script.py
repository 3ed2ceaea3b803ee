"""The ``sh`` half of an installed hook: "not a hotfix branch" decided without Python.

Starting Python costs more than the rest of a commit. The script written by
``hotfix-hooks install`` therefore reads what the Python hook would read first (the
git directory's ``HEAD``, a worktree's ``.git`` file, the rebase state, pre-push's ref
lines) with shell built-ins and exits 0 itself when the answer is certainly "nothing to
do". Anything unusual hands over to Python, which decides as before:

- a ``<hook>.local`` to chain, ``GIT_WORK_TREE`` set, or ``GIT_DIR`` pointing anywhere
  but where ``.git`` points;
- a ``.hotfix-hooks.toml``, or a ``pyproject.toml`` that mentions hotfix-hooks (it may
  configure another ``branch_prefix``);
- a ``HEAD`` on a branch with the prefix, or one that is neither a branch nor a commit id;
- commit-msg: a rebase in progress (the branch being rebased counts), or a subject that
  ties the commit to a hotfix from any branch (``042/T007: ...``, :mod:`~hotfix_hooks.core.tie`);
- pre-push: a ref line that mentions the prefix (source *or* destination), or no ref
  lines at all while a branch with the prefix is checked out.
"""

from __future__ import annotations

from hotfix_hooks.core.branch import DEFAULT_PREFIX
from hotfix_hooks.install.managers import HOOK_IDS

_COMMON = """\
# Not a hotfix branch: exit here, without starting Python. Anything unusual is left to Python.
hh_plain() {{
    [ -z "${{GIT_WORK_TREE-}}" ] && [ ! -e "$0.local" ] && [ ! -L "$0.local" ] || return 1
    [ ! -e .hotfix-hooks.toml ] && [ ! -L .hotfix-hooks.toml ] || return 1
    if [ -d .git ]; then
        hh_gd=.git
    elif [ -f .git ] && IFS= read -r hh_gd < .git; then
        case $hh_gd in "gitdir: "?*) hh_gd=${{hh_gd#gitdir: }} ;; *) return 1 ;; esac
    else
        return 1
    fi
    [ -z "${{GIT_DIR-}}" ] || [ "$GIT_DIR" = "$hh_gd" ] || return 1
    if [ -e pyproject.toml ] || [ -L pyproject.toml ]; then
        grep -qF hotfix-hooks pyproject.toml 2>/dev/null
        [ $? -eq 1 ] || return 1
    fi
}}
hh_branch() {{  # HEAD on a branch without the prefix, or detached; else fail
    IFS= read -r hh_b < "$hh_gd/HEAD" || return 1
    case $hh_b in
    "ref: refs/heads/{prefix}"* | "ref: refs/heads/.invalid") return 1 ;;
    "ref: refs/heads/"?*) return 0 ;;
    *[!0-9a-f]* | "") return 1 ;;
    esac
    [ ${{#hh_b}} -ge 40 ]
}}
"""

_MANAGED = """\
case $0 in *.legacy)
    # pre-commit or prek moved this hook aside and runs it before its own hooks: when those
    # include ours, ours has run (or will) already. A mention in a YAML comment is no hook.
    for hh_cfg in .pre-commit-config.yaml .pre-commit-config.yml; do
        if [ -f "$hh_cfg" ] && grep -Eq '^[^#]*({id}|hotfix-hooks +hook +{hook})' "$hh_cfg"; then
            exit 0
        fi
    done ;;
esac
"""

_BODY = {
    "post-checkout": """\
if [ $# -eq 3 ] && hh_plain; then
    [ "$3" = 1 ] || exit 0  # a file checkout: nothing to scaffold
    hh_branch && exit 0
fi
exec {run}
""",
    "commit-msg": """\
hh_tied() {{  # a subject "042/T007: ..." ties a commit to a hotfix from any branch
    hh_s=
    IFS= read -r hh_s < "$1" 2>/dev/null || [ -n "$hh_s" ] || return 1
    case $hh_s in [0-9]*/[Tt][0-9]*) return 0 ;; esac
    return 1
}}
if [ $# -eq 1 ] && hh_plain && [ ! -e "$hh_gd/rebase-merge" ] && [ ! -e "$hh_gd/rebase-apply" ]
then
    hh_tied "$1" || {{ hh_branch && exit 0; }}
fi
exec {run}
""",
    "pre-push": """\
if [ $# -eq 2 ] && [ ! -t 0 ] && hh_plain; then
    hh_in=$(cat)  # git's ref lines: a hotfix source or destination names the prefix
    case $hh_in in
    *"{prefix}"*) ;;
    "") hh_branch && exit 0 ;;
    *) exit 0 ;;
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
    managed = _MANAGED.format(id=HOOK_IDS[hook], hook=hook)
    return (
        managed
        + _COMMON.format(prefix=DEFAULT_PREFIX)
        + body.format(run=run, prefix=DEFAULT_PREFIX)
    )
