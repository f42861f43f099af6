usage() {
  cat <<USAGE
usage: $0 [--host NAME] [--list]
  --host NAME   the machine this runs on (default: the only one of this role, or the one
                whose address this machine has)
  --list        list the steps and exit
Environment: RUNBOOK_SECRETS_FILE (default: secrets.env beside this script),
RUNBOOK_STATE_DIR (default: /var/lib/runbook-export), RUNBOOK_KVM_READY=yes (no pause
before the api steps).
USAGE
}

RUNBOOK_HOST=${RUNBOOK_HOST:-}
RUNBOOK_LIST=no
while [ $# -gt 0 ]; do
  case $1 in
    --host) RUNBOOK_HOST=${2:?--host needs a machine name}; shift 2 ;;
    --list) RUNBOOK_LIST=yes; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

# pick_machine: the line of RUNBOOK_MACHINES ("name address") this script runs as.
pick_machine() {
  local line name address mine
  if [ -n "$RUNBOOK_HOST" ]; then
    for line in "${RUNBOOK_MACHINES[@]}"; do
      read -r name address <<<"$line"
      if [ "$name" = "$RUNBOOK_HOST" ]; then echo "$line"; return 0; fi
    done
    echo "no machine named $RUNBOOK_HOST has this role; the machines are: ${RUNBOOK_MACHINES[*]}" >&2
    return 1
  fi
  if [ ${#RUNBOOK_MACHINES[@]} -eq 1 ]; then echo "${RUNBOOK_MACHINES[0]}"; return 0; fi
  mine=" $(hostname -I 2>/dev/null || true) "
  for line in "${RUNBOOK_MACHINES[@]}"; do
    read -r name address <<<"$line"
    case $mine in *" $address "*) echo "$line"; return 0 ;; esac
  done
  echo "cannot tell which machine this is; run again with --host NAME (one of: ${RUNBOOK_MACHINES[*]})" >&2
  return 1
}
