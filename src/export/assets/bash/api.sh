# cloudstack_api < STEP_JSON: one api step through the bundled CloudStack client (signed
# requests, each create looked up first); captured values are exported and kept.
RUNBOOK_API_PROGRAM=
cloudstack_api() {
  local step captures status=0
  if [ -z "$RUNBOOK_API_PROGRAM" ]; then
    RUNBOOK_API_PROGRAM=$(mktemp --suffix=.py)
    # shellcheck disable=SC2064
    trap "rm -f -- '$RUNBOOK_API_PROGRAM'" EXIT
    write_api_program >"$RUNBOOK_API_PROGRAM"
  fi
  mkdir -p -- "$RUNBOOK_STATE_DIR"
  chmod 0700 -- "$RUNBOOK_STATE_DIR"
  step=$(mktemp)
  captures=$(mktemp)
  cat >"$step"
  # api steps see no HOST_* values: a line using ${HOST_IP} runs once per KVM host.
  env -u HOST_IP -u HOST_NAME -u HOST_FQDN -u HOST_ROLE python3 "$RUNBOOK_API_PROGRAM" --step-file "$step" --captures-out "$captures" \
    --state-file "$RUNBOOK_STATE_DIR/api-keys.json" --timeout "$RUNBOOK_STEP_TIMEOUT" >/dev/null || status=$?
  if [ "$status" -eq 0 ]; then
    set -a
    # shellcheck source=/dev/null
    . "$captures"
    set +a
    cat "$captures" >>"$RUNBOOK_STATE_DIR/captured.env"
  fi
  rm -f -- "$step" "$captures"
  return "$status"
}

# Values captured by api steps of earlier runs.
if [ -f "$RUNBOOK_STATE_DIR/captured.env" ]; then
  set -a
  # shellcheck source=/dev/null
  . "$RUNBOOK_STATE_DIR/captured.env"
  set +a
fi
