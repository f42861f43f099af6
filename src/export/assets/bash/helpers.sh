# ---- Helpers: what the installer does on a host ----------------------------------------

RUNBOOK_STATE_DIR=${RUNBOOK_STATE_DIR:-/var/lib/runbook-export}
RUNBOOK_STEP_TIMEOUT=1800

# run_sh < SCRIPT: run a script as the installer does: bash -euo pipefail, from /, no stdin.
run_sh() {
  local script
  script=$(cat)
  (cd / && umask 022 && exec timeout -k 10 "$RUNBOOK_STEP_TIMEOUT" bash -euo pipefail -c "$script" runbook-step) </dev/null
}

# write_file [-n] PATH MODE OWNER [NAME...] < CONTENT: write a file atomically, reporting
# changed/unchanged. Only the named ${NAME} references are replaced (host values, secrets,
# captures); the site's values are in the text already. -n: the file has no final newline.
write_file() {
  local strip=no
  if [ "$1" = -n ]; then strip=yes; shift; fi
  local path=$1 mode=$2 owner=$3 content name dir tmp
  shift 3
  IFS= read -r -d '' content || true
  if [ "$strip" = yes ]; then content=${content%$'\n'}; fi
  for name in "$@"; do
    if [ -z "${!name+set}" ]; then echo "$path: \${$name} has no value" >&2; return 1; fi
    content=${content//"\${$name}"/"${!name}"}
  done
  dir=$(dirname -- "$path")
  mkdir -p -- "$dir"
  tmp=$(mktemp -- "$dir/.runbook.XXXXXXXX")
  printf '%s' "$content" >"$tmp"
  if [ -n "$mode" ]; then chmod -- "$mode" "$tmp"
  elif [ -e "$path" ]; then chmod --reference="$path" -- "$tmp"
  else chmod 0644 -- "$tmp"; fi
  if [ -n "$owner" ]; then chown -- "$owner" "$tmp"
  elif [ -e "$path" ]; then chown --reference="$path" -- "$tmp"; fi
  if [ -f "$path" ] && cmp -s -- "$tmp" "$path" \
    && [ "$(stat -c %a:%u:%g -- "$tmp")" = "$(stat -c %a:%u:%g -- "$path")" ]; then
    rm -f -- "$tmp"
    echo "    $path: unchanged"
    return 0
  fi
  sync -- "$tmp"
  mv -f -- "$tmp" "$path"
  echo "    $path: changed"
}

# done_marker ID: where a step without a check records that it ran, and as what.
done_marker() { echo "$RUNBOOK_STATE_DIR/done/$HOST_NAME.$1"; }

# run_step ID TITLE RETRIES TIMEOUT FINGERPRINT: the step's check (or its done marker), the
# step, its verify; retried with backoff; the script stops at the first failed step.
run_step() {
  local id=$1 title=$2 retries=$3 fingerprint=$5 fn=${1//-/_} attempt delay=2
  RUNBOOK_STEP_TIMEOUT=$4
  echo "==> $id: $title"
  if declare -F "check_$fn" >/dev/null; then
    if "check_$fn"; then echo "    skipped: check passed, already done"; return 0; fi
  elif [ -n "$fingerprint" ] && [ "$(cat -- "$(done_marker "$id")" 2>/dev/null)" = "$fingerprint" ]; then
    echo "    skipped: done in an earlier run"; return 0
  fi
  for ((attempt = 1; attempt <= retries + 1; attempt++)); do
    if "step_$fn" && { ! declare -F "verify_$fn" >/dev/null || "verify_$fn"; }; then
      if [ -n "$fingerprint" ]; then
        mkdir -p -- "$RUNBOOK_STATE_DIR/done"
        echo "$fingerprint" >"$(done_marker "$id")"
      fi
      echo "    done"
      return 0
    fi
    if ((attempt <= retries)); then
      echo "    attempt $attempt of $((retries + 1)) failed; trying again in $delay s" >&2
      sleep "$delay"; delay=$((delay * 2))
    fi
  done
  echo "FAILED: step $id on $HOST_NAME; see $RUNBOOK_DOCS_URL$(step_url "$id")" >&2
  exit 1
}
