#!/usr/bin/env bash
# Set up this machine for CloudStack Runbook development and tests:
# the Debian packages in scripts/system-packages.txt, then the npm dependencies (which bring
# the pinned Node 24 runtime), then the `runbook` command on the PATH (install-command.sh).
# Safe to run again: it only installs what is missing.
#   --no-command  leave the `runbook` command alone (`npm test` sets up with it: a test run
#                 must not repoint the operator's command at whichever checkout it tests)
set -euo pipefail
cd "$(dirname "$0")/.."
command=yes
for arg in "$@"; do
  case "$arg" in
    --no-command) command=no ;;
    *) echo "setup: unknown option $arg (known: --no-command)" >&2; exit 2 ;;
  esac
done

mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' scripts/system-packages.txt | grep -v '^$')
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  echo "setup: installing Debian packages: ${missing[*]}"
  # Several checkouts may set up at once: wait for the dpkg lock instead of failing on it.
  $sudo apt-get -o DPkg::Lock::Timeout=900 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  # `npm install`, not `npm ci`: npm leaves other platforms' optional packages (astro's and
  # pagefind's native bindings) out of the lock file, and `npm ci` then refuses the lock.
  # The versions still come from package-lock.json.
  npm install --no-audit --no-fund --loglevel=error
fi
if [ "$command" = yes ]; then bash scripts/install-command.sh; fi
echo "setup: ready ($(node_modules/.bin/node --version))"
