#!/usr/bin/env bash
# The one way a workflow commits: stages only the named folders (data/ by default; site/ for the
# Pages job), commits only when something changed there, then pushes with `git pull --rebase` and
# a bounded number of retries when another job pushed first.
#
#   commit-data.sh MESSAGE [data|site ...]
#
# Env: COMMIT_RETRIES (default 5), COMMIT_RETRY_DELAY (seconds, default 3, times the attempt),
# COMMIT_REMOTE (default origin), COMMIT_BRANCH (default the checked-out branch),
# COMMIT_REDO (optional): a bash command that redoes the job's write. Jobs of different groups
# may run at once (see the README's "Concurrency"); when the rebase conflicts because another
# job changed the same file, this job's commit is dropped, the branch reset to the remote's,
# COMMIT_REDO run on top of it and its result committed. Without it a conflict fails the run.
# On Actions it sets the step output committed=true after a successful push.
set -euo pipefail

if [ "$#" -lt 1 ] || [ -z "$1" ]; then
  echo "usage: commit-data.sh MESSAGE [data|site ...]" >&2
  exit 2
fi
message="$1"
shift
paths=("$@")
if [ "${#paths[@]}" -eq 0 ]; then paths=(data); fi
for p in "${paths[@]}"; do
  case "$p" in
    data | site) ;;
    *)
      echo "commit-data.sh: refusing to commit '$p' (only data and site)" >&2
      exit 2
      ;;
  esac
done
case "$message" in
  *$'\n'* | *$'\r'*)
    echo "commit-data.sh: the message must be one line" >&2
    exit 2
    ;;
esac

retries="${COMMIT_RETRIES:-5}"
delay="${COMMIT_RETRY_DELAY:-3}"
remote="${COMMIT_REMOTE:-origin}"
branch="${COMMIT_BRANCH:-$(git rev-parse --abbrev-ref HEAD)}"
if [ "$branch" = "HEAD" ]; then
  echo "commit-data.sh: detached HEAD; set COMMIT_BRANCH" >&2
  exit 2
fi

if [ -z "$(git config user.name || true)" ]; then
  git config user.name "github-actions[bot]"
  git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
fi

# Stages the folders and commits them; exits 0 when there is nothing to commit.
commit_paths() {
  git add -A -- "${paths[@]}"
  # Never a token or key file, wherever it came from.
  if git diff --cached --name-only -- "${paths[@]}" | grep -Ei '(^|/)(token\.json|[^/]*\.token|[^/]*\.key)$'; then
    echo "commit-data.sh: refusing to commit a token file (listed above)" >&2
    exit 1
  fi
  if git diff --cached --quiet -- "${paths[@]}"; then
    echo "commit-data.sh: no changes in ${paths[*]}; nothing to commit"
    exit 0
  fi
  # --only semantics: whatever else may be staged stays out of this commit.
  git commit -q -m "$message" -- "${paths[@]}"
  echo "commit-data.sh: committed '$message'"
}

commit_paths

attempt=1
while true; do
  if git push -q "$remote" "HEAD:refs/heads/$branch"; then
    echo "commit-data.sh: pushed to $remote/$branch (attempt $attempt)"
    if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "committed=true" >> "$GITHUB_OUTPUT"; fi
    exit 0
  fi
  if [ "$attempt" -ge "$retries" ]; then
    echo "commit-data.sh: push to $remote/$branch rejected $attempt times; giving up" >&2
    exit 1
  fi
  echo "commit-data.sh: push rejected; rebasing on $remote/$branch (attempt $attempt of $retries)" >&2
  sleep "$((delay * attempt))"
  if ! git pull -q --rebase "$remote" "$branch"; then
    git rebase --abort 2>/dev/null || true
    if [ -z "${COMMIT_REDO:-}" ]; then
      echo "commit-data.sh: rebase on $remote/$branch failed (conflict); giving up" >&2
      exit 1
    fi
    echo "commit-data.sh: rebase on $remote/$branch conflicts; redoing the write on top of it" >&2
    # FETCH_HEAD is the remote branch the pull just fetched; files this job created and the
    # remote does not have stay in the work tree, untracked, for the redo to keep or replace.
    git reset -q --hard FETCH_HEAD
    if ! bash -euo pipefail -c "$COMMIT_REDO"; then
      echo "commit-data.sh: the redo (COMMIT_REDO) failed on $remote/$branch; giving up" >&2
      exit 1
    fi
    commit_paths
  fi
  attempt=$((attempt + 1))
done
