#!/usr/bin/env bash
# Puts a `runbook` command on the PATH that runs this checkout's installer with its pinned
# Node 24 (node_modules/node), the same way the images do (appliance/lib/bundle.ts).
#
# It goes into npm's global bin folder (`npm prefix -g`/bin, e.g. /usr/bin or /usr/local/bin):
# that folder is on the PATH wherever npm works, and it is where `npx runbook` looks outside a
# project before it would fetch a package of that name from the registry (a stranger's).
# RUNBOOK_BIN_DIR names another folder (tests, or a user without root: ~/.local/bin).
#
# A small /bin/sh script, not a symlink to installer/bin/runbook.js: its `#!/usr/bin/env node`
# would pick whatever `node` comes first on the PATH, and a shell's exec costs about a millisecond.
set -euo pipefail
cd "$(dirname "$0")/.."
checkout=$(pwd -P)
marker='# CloudStack Runbook: the installer of a checkout, written by scripts/install-command.sh'

dir=${RUNBOOK_BIN_DIR:-}
if [ -z "$dir" ]; then
  dir="$(npm prefix -g)/bin"
fi
target="$dir/runbook"

if [ -e "$target" ] && ! grep -qxF "$marker" "$target" 2>/dev/null; then
  echo "setup: $target exists and is not CloudStack Runbook's; it was left alone." >&2
  echo "setup: remove it, or put the command elsewhere: RUNBOOK_BIN_DIR=~/.local/bin npm run setup" >&2
  exit 1
fi

# Single quotes keep any path as it is ('\'' for a quote inside it).
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
node=$(quote "$checkout/node_modules/node/bin/node")
cli=$(quote "$checkout/installer/bin/runbook.js")
temp=$(mktemp)
trap 'rm -f "$temp"' EXIT
cat >"$temp" <<EOF
#!/bin/sh
$marker
# $checkout
[ -x $node ] || { echo "runbook: $checkout is gone or not set up; run npm run setup in a checkout" >&2; exit 2; }
exec $node $cli "\$@"
EOF
chmod 0755 "$temp"

as_root=
if ! { [ -d "$dir" ] && [ -w "$dir" ]; } && ! { [ ! -e "$dir" ] && mkdir -p "$dir" 2>/dev/null; }; then
  as_root=sudo
fi
if [ -e "$target" ] && cmp -s "$temp" "$target"; then
  echo "setup: runbook command: $target (unchanged)"
else
  # install(1) replaces the file rather than writing into it: a running `runbook` is not disturbed.
  $as_root install -m 0755 "$temp" "$target"
  echo "setup: runbook command: $target → $checkout"
fi
case ":$PATH:" in
  *":$dir:"*) ;;
  *) echo "setup: note: $dir is not on your PATH; add it (export PATH=\"$dir:\$PATH\") or run $target" >&2 ;;
esac
