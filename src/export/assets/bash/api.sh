# ---- The CloudStack API, through python3-cs --------------------------------------------
# Every call goes through python3-cs's `cs` command (python3 -m cs: Debian 12's package ships
# the module, no /usr/bin/cs), signed with admin's API keys. The keys come from a login at the
# first api step of each run, as the installer's first contact does; they stay in this
# shell's memory and reach cs through its environment, never a command line or a file.
RUNBOOK_API_KEY=
RUNBOOK_API_SECRET=
RUNBOOK_PYTHON=/usr/bin/python3

api_need_cs() {
  if ! "$RUNBOOK_PYTHON" -c 'import cs' 2>/dev/null; then
    echo "    installing python3-cs (the CloudStack API client the api steps use)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-cs >/dev/null
  fi
}

# api_keys: wait for the API, log in as admin (the default password on a fresh management
# server, else ADMIN_PASSWORD), set ADMIN_PASSWORD, make API keys if admin has none. python3-cs
# signs requests but cannot log in, so this part uses requests (a python3-cs dependency).
api_keys() {
  local keys
  if [ -n "$RUNBOOK_API_SECRET" ]; then return 0; fi
  api_need_cs
  keys=$(RUNBOOK_API_ENDPOINT=$RUNBOOK_API_ENDPOINT "$RUNBOOK_PYTHON" - <<'RUNBOOK_PY'
import os, sys, time
import requests

url = os.environ['RUNBOOK_API_ENDPOINT']
wanted = os.environ['ADMIN_PASSWORD']
deadline = time.time() + 900
while True:
    try:
        requests.get(url, params={'command': 'listCapabilities', 'response': 'json'}, timeout=10).json()
        break
    except (requests.RequestException, ValueError) as err:
        if time.time() > deadline:
            sys.exit('the CloudStack API at %s did not answer within 15 minutes (%s)' % (url, err))
        print('    waiting for the API at %s' % url, file=sys.stderr)
        time.sleep(10)

session = requests.Session()

def login(password):
    r = session.post(url, data={'command': 'login', 'username': 'admin', 'password': password, 'domain': '/', 'response': 'json'}, timeout=60)
    return r.json().get('loginresponse') if r.status_code == 200 else None

def call(command, **params):
    r = session.post(url, data=dict(params, command=command, response='json', sessionkey=admin['sessionkey']), timeout=60)
    body = r.json()
    answer = next(iter(body.values()))
    if r.status_code != 200:
        sys.exit('%s: %s' % (command, answer.get('errortext', r.status_code)))
    return answer

admin = login('password')
if admin:
    call('updateUser', id=admin['userid'], password=wanted, currentpassword='password')
    print('    admin password set (ADMIN_PASSWORD)', file=sys.stderr)
else:
    admin = login(wanted)
    if not admin:
        sys.exit('cannot log in as admin: neither the default password nor ADMIN_PASSWORD is accepted; set the admin password to ADMIN_PASSWORD in the UI')
keys = call('getUserKeys', id=admin['userid']).get('userkeys', {})
if not keys.get('secretkey'):
    call('registerUserKeys', id=admin['userid'])
    keys = call('getUserKeys', id=admin['userid']).get('userkeys', {})
    print('    API keys created for admin', file=sys.stderr)
call('logout')
print(keys['apikey'], keys['secretkey'])
RUNBOOK_PY
) || return
  read -r RUNBOOK_API_KEY RUNBOOK_API_SECRET <<<"$keys"
}

# cs_call API KEY=VALUE...: one signed call; the answer's JSON on stdout (nothing for an
# empty list). Async calls are waited for, as cs does.
cs_call() {
  api_keys || return
  CLOUDSTACK_ENDPOINT=$RUNBOOK_API_ENDPOINT CLOUDSTACK_KEY=$RUNBOOK_API_KEY CLOUDSTACK_SECRET=$RUNBOOK_API_SECRET \
    CLOUDSTACK_TIMEOUT=$RUNBOOK_STEP_TIMEOUT "$RUNBOOK_PYTHON" -m cs "$@"
}

# api_json PROGRAM ARG... < JSON: a small filter over an answer (python3, which cs needs anyway).
read -r -d '' RUNBOOK_JSON_PRELUDE <<'RUNBOOK_PY' || true
import json, re, shlex, sys
text = sys.stdin.read().strip()
data = json.loads(text) if text else {}
def unwrap(d):
    keys = [k for k in d if k != "count"] if isinstance(d, dict) else []
    return d[keys[0]] if len(keys) == 1 and isinstance(d[keys[0]], (dict, list)) else d
def same(a, b):
    return re.sub(r"\s+", "", str(a).lower()) == re.sub(r"\s+", "", b.lower())
def pairs(args):
    return [a.split("=", 1) for a in args]
RUNBOOK_PY
api_json() {
  local program=$1
  shift
  "$RUNBOOK_PYTHON" -c "$RUNBOOK_JSON_PRELUDE
$program" "$@"
}

# api_find KEY FIELD=VALUE... < ANSWER: the first item of the answer's KEY list whose fields
# have these values (case and spaces aside, as the installer compares); exit 1 when none.
api_find() {
  api_json '
key, want = sys.argv[1], pairs(sys.argv[2:])
for item in data.get(key, []):
    if all(f in item and same(item[f], v) for f, v in want):
        print(json.dumps({"found": item}))
        sys.exit(0)
sys.exit(1)' "$@"
}

# api_same FIELD=VALUE... < FOUND: exit 0 when the object already has every value.
api_same() {
  api_json '
item = unwrap(data)
sys.exit(0 if all(f in item and same(item[f], v) for f, v in pairs(sys.argv[1:])) else 1)' "$@"
}

# api_admin < USERS: the admin user as the login step captures it (its id also as userid).
api_admin() {
  api_json '
user = dict(unwrap(data)[0])
user["userid"] = user["id"]
print(json.dumps({"found": user}))'
}

# api_capture NAME=PATH... < ANSWER: `NAME=value` lines for the step's captures; a path is
# fields and [n] indexes, and a field of a one-item list is its item's (addHost answers a list).
api_capture() {
  api_json '
for name, path in pairs(sys.argv[1:]):
    value = unwrap(data)
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if token.startswith("["):
            value = value[int(token[1:-1])] if isinstance(value, list) and int(token[1:-1]) < len(value) else None
        elif isinstance(value, list):
            value = value[0].get(token) if len(value) == 1 else None
        elif isinstance(value, dict):
            value = value.get(token)
        else:
            value = None
    if value is None or isinstance(value, (dict, list)):
        sys.exit("capture %s=%s: the answer has no such value" % (name, path))
    print("%s=%s" % (name, shlex.quote(str(value))))' "$@"
}

# api_keep CAPTURES: export the captured values and keep them for later runs.
api_keep() {
  set -a
  eval "$1"
  set +a
  mkdir -p -- "$RUNBOOK_STATE_DIR"
  chmod 0700 -- "$RUNBOOK_STATE_DIR"
  printf '%s\n' "$1" >>"$RUNBOOK_STATE_DIR/captured.env"
}

# Values captured by api steps of earlier runs.
if [ -f "$RUNBOOK_STATE_DIR/captured.env" ]; then
  set -a
  # shellcheck source=/dev/null
  . "$RUNBOOK_STATE_DIR/captured.env"
  set +a
fi
