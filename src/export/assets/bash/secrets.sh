# load_secrets NAME...: the secrets come from a file only its owner can read (secrets.env
# beside this script by default), or are asked for on the terminal; never from this script.
RUNBOOK_SECRETS_FILE=${RUNBOOK_SECRETS_FILE:-$(dirname -- "$(readlink -f -- "$0")")/secrets.env}
load_secrets() {
  local name value
  if [ -f "$RUNBOOK_SECRETS_FILE" ]; then
    case $(stat -c %a -- "$RUNBOOK_SECRETS_FILE") in
      600|400) ;;
      *) echo "$RUNBOOK_SECRETS_FILE can be read by others; run: chmod 600 $RUNBOOK_SECRETS_FILE" >&2; return 1 ;;
    esac
    set -a
    # shellcheck source=/dev/null
    . "$RUNBOOK_SECRETS_FILE"
    set +a
  fi
  for name in "$@"; do
    if [ -n "${!name:-}" ]; then continue; fi
    if [ -t 0 ]; then
      read -r -s -p "$name: " value; echo
      printf -v "$name" '%s' "$value"
      export "${name?}"
    else
      echo "$name has no value: put $name=... in $RUNBOOK_SECRETS_FILE (mode 0600) or run on a terminal" >&2
      return 1
    fi
  done
}
