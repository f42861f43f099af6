#!/usr/bin/python3
# -*- coding: utf-8 -*-
# The api steps of the CloudStack Runbook, outside the installer: signed requests (HMAC-SHA1
# as CloudStack verifies them), async jobs polled with backoff, each create looked up first so
# a re-run changes nothing, captures taken from the last call's result. Python standard
# library only. Two ways in: as an Ansible module (library/cloudstack_api.py of the Ansible
# export) or as a program (`python3 cloudstack_api.py --step-file F`, the bash export).

DOCUMENTATION = r'''
module: cloudstack_api
short_description: Run one api step of the CloudStack Runbook
description:
  - Runs the CloudMonkey-style calls of one runbook api step against the CloudStack API,
    creating only what is not there yet, and returns the values the step captures.
options:
  endpoint: {description: API endpoint URL, type: str, required: true}
  state_file: {description: JSON file (mode 0600) that keeps the admin API keys, type: path, required: true}
  step: {description: The step (calls, capture, first_contact, async_apis), type: dict, required: true}
  variables: {description: Values for the step's variables (site values and captures), type: dict, required: true}
  secrets: {description: The site's secrets (never logged), type: dict, required: true}
  timeout: {description: Seconds to wait for the API and for async jobs, type: int, default: 1800}
  ca_file: {description: CA file for an https endpoint with a private CA, type: path}
author: CloudStack Runbook
'''

import base64
import hashlib
import hmac
import json
import os
import re
import shlex
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

try:
    from ansible.module_utils.basic import AnsibleModule
except ImportError:  # run as a plain program by the bash export
    AnsibleModule = None

DEFAULT_ADMIN = ('admin', 'password', '/')
VAR = re.compile(r'\$\{([A-Za-z_][A-Za-z0-9_]*)\}')
READ_ONLY = re.compile(r'^(list|get|query)')
JOB_FIELDS = {'jobid', 'jobstatus', 'jobprocstatus', 'jobresultcode', 'jobresulttype', 'jobinstancetype',
              'jobinstanceid', 'accountid', 'userid', 'cmd', 'created', 'completed', 'account', 'domainid',
              'domainpath', 'managementserverid', 'managementservername', 'id'}


class StepError(Exception):
    pass


def encode(value):
    # java.net.URLEncoder with spaces as %20: only A-Z a-z 0-9 . - * _ stay as they are.
    return urllib.parse.quote(value, safe='-_.*').replace('~', '%7E')


def canonical(params):
    return '&'.join('%s=%s' % (k, encode(params[k])) for k in sorted(params) if k.lower() != 'signature')


class Client(object):
    def __init__(self, endpoint, timeout, ca_file=None, log=None):
        self.url = endpoint if '/client/api' in endpoint else endpoint.rstrip('/') + '/client/api'
        self.timeout = timeout
        self.keys = None
        self.session = None
        self.cookie = ''
        self.log = log or (lambda line: None)
        self.context = ssl.create_default_context(cafile=ca_file) if ca_file else None

    def _send(self, method, query, headers=None):
        url = self.url + ('?' + query if method == 'GET' else '')
        data = query.encode() if method == 'POST' else None
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        if data is not None:
            request.add_header('Content-Type', 'application/x-www-form-urlencoded')
        try:
            with urllib.request.urlopen(request, timeout=60, context=self.context) as answer:
                return answer.status, answer.read().decode('utf-8'), answer.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode('utf-8', 'replace'), error.headers

    def _parse(self, api, status, body):
        try:
            parsed = json.loads(body)
        except ValueError:
            raise StepError('%s: HTTP %s with a body that is not JSON; is %s the CloudStack API?' % (api, status, self.url))
        keys = list(parsed.keys()) if isinstance(parsed, dict) else []
        key = next((k for k in keys if k.lower() == api.lower() + 'response'), keys[0] if len(keys) == 1 else None)
        inner = parsed.get(key) if key else None
        if not isinstance(inner, dict):
            raise StepError('%s: unexpected response shape' % api)
        if 'errorcode' in inner or 'errortext' in inner:
            raise StepError('%s failed (%s): %s' % (api, inner.get('errorcode'), inner.get('errortext')))
        return inner

    def request(self, api, params):
        params = dict(params, command=api, response='json')
        headers = {}
        if self.keys:
            params['apiKey'] = self.keys['apikey']
            digest = hmac.new(self.keys['secretkey'].encode(), canonical(params).lower().encode(), hashlib.sha1).digest()
            query = canonical(params) + '&signature=' + encode(base64.b64encode(digest).decode())
        elif self.session:
            params['sessionkey'] = self.session
            query = canonical(params)
            headers['Cookie'] = self.cookie
        else:
            raise StepError('%s: no API keys and no login session' % api)
        status, body, _ = self._send('GET' if READ_ONLY.match(api) else 'POST', query, headers)
        return self._parse(api, status, body)

    def login(self, username, password, domain):
        query = canonical({'command': 'login', 'username': username, 'password': password, 'domain': domain, 'response': 'json'})
        status, body, headers = self._send('POST', query)
        inner = self._parse('login', status, body)
        self.session = inner.get('sessionkey')
        cookies = headers.get_all('Set-Cookie') or []
        self.cookie = '; '.join(c.split(';')[0] for c in cookies)
        return inner

    def wait_for_api(self):
        deadline, wait = time.time() + self.timeout, 2
        while True:
            try:
                status, body, _ = self._send('GET', 'command=listCapabilities&response=json')
                if isinstance(json.loads(body), dict):
                    return
            except (OSError, ValueError):
                pass
            if time.time() + wait > deadline:
                raise StepError('the CloudStack API at %s did not answer within %ss' % (self.url, self.timeout))
            time.sleep(wait)
            wait = min(wait * 2, 15)

    def call(self, api, params, is_async):
        inner = self.request(api, params)
        job = inner.get('jobid')
        if 'jobresult' not in inner and isinstance(job, str) and (is_async or set(inner) <= JOB_FIELDS):
            deadline, wait = time.time() + self.timeout, 0.5
            while True:
                inner = self.request('queryAsyncJobResult', {'jobid': job})
                if inner.get('jobstatus') != 0:
                    break
                if time.time() + wait > deadline:
                    raise StepError('%s: job %s still pending after %ss' % (api, job, self.timeout))
                time.sleep(wait)
                wait = min(wait * 2, 5)
        return unwrap(api, inner)


def unwrap(api, inner):
    payload = inner
    if 'jobresult' in inner and isinstance(inner.get('jobstatus'), int):
        result = inner['jobresult']
        if inner['jobstatus'] == 2:
            result = result if isinstance(result, dict) else {}
            raise StepError('%s failed (%s): %s' % (api, result.get('errorcode'), result.get('errortext')))
        if not isinstance(result, dict):
            return result
        payload = result
    keys = [k for k in payload if k != 'count']
    if api.lower().startswith('list') or 'count' in payload:
        found = next((payload[k] for k in keys if isinstance(payload[k], list)), [])
        if api.lower().startswith('list'):
            return found
        return found[0] if len(found) == 1 else found
    if len(keys) == 1 and isinstance(payload[keys[0]], dict):
        return payload[keys[0]]
    return payload


def same(a, b):
    return a is not None and b is not None and str(a).lower() == str(b).lower()


def host_of(url):
    return re.sub(r'^[a-z]+://', '', url or '', flags=re.I).split('/')[0].split(':')[0]


def listed(client, api, params):
    result = client.call(api, dict((k, v) for k, v in params.items() if v), False)
    return [o for o in result if isinstance(o, dict)] if isinstance(result, list) else []


def first(items, test):
    return next((o for o in items if test(o)), None)


# Before a create, find the object it would make; before an update, compare what is set.
EXISTS = {
    'createZone': lambda c, p: first(listed(c, 'listZones', {'name': p.get('name')}), lambda o: same(o.get('name'), p.get('name'))),
    'createPhysicalNetwork': lambda c, p: first(listed(c, 'listPhysicalNetworks', {'zoneid': p.get('zoneid'), 'name': p.get('name')}), lambda o: same(o.get('name'), p.get('name'))),
    'addTrafficType': lambda c, p: first(listed(c, 'listTrafficTypes', {'physicalnetworkid': p.get('physicalnetworkid')}), lambda o: same(o.get('traffictype'), p.get('traffictype'))),
    'createPod': lambda c, p: first(listed(c, 'listPods', {'zoneid': p.get('zoneid'), 'name': p.get('name')}), lambda o: same(o.get('name'), p.get('name'))),
    'createVlanIpRange': lambda c, p: first(listed(c, 'listVlanIpRanges', {k: p.get(k) for k in ('zoneid', 'podid', 'physicalnetworkid', 'networkid')}), lambda o: same(o.get('startip'), p.get('startip')) and same(o.get('endip'), p.get('endip'))),
    'addCluster': lambda c, p: first(listed(c, 'listClusters', {'zoneid': p.get('zoneid'), 'podid': p.get('podid'), 'name': p.get('clustername')}), lambda o: same(o.get('name'), p.get('clustername'))),
    'addHost': lambda c, p: first(listed(c, 'listHosts', {'zoneid': p.get('zoneid'), 'type': 'Routing'}), lambda o: same(o.get('ipaddress'), host_of(p.get('url'))) or same(o.get('name'), host_of(p.get('url')))),
    'createStoragePool': lambda c, p: first(listed(c, 'listStoragePools', {'zoneid': p.get('zoneid'), 'name': p.get('name')}), lambda o: same(o.get('name'), p.get('name'))),
    'addImageStore': lambda c, p: first(listed(c, 'listImageStores', {'zoneid': p.get('zoneid')}), lambda o: (p.get('url') is not None and same(o.get('url'), p.get('url'))) or (p.get('name') is not None and same(o.get('name'), p.get('name')))),
    'addSecondaryStorage': lambda c, p: first(listed(c, 'listImageStores', {'zoneid': p.get('zoneid')}), lambda o: same(o.get('url'), p.get('url'))),
}

STATE = {
    'updateConfiguration': (lambda c, p: first(listed(c, 'listConfigurations', {k: p.get(k) for k in ('name', 'zoneid', 'clusterid', 'storageid', 'accountid', 'domainid')}), lambda o: same(o.get('name'), p.get('name'))), lambda p: {'value': p.get('value', '')}),
    'configureVirtualRouterElement': (lambda c, p: first(listed(c, 'listVirtualRouterElements', {'id': p.get('id')}), lambda o: same(o.get('id'), p.get('id'))), None),
    'updateNetworkServiceProvider': (lambda c, p: first(listed(c, 'listNetworkServiceProviders', {}), lambda o: same(o.get('id'), p.get('id'))), None),
    'updatePhysicalNetwork': (lambda c, p: first(listed(c, 'listPhysicalNetworks', {'id': p.get('id')}), lambda o: same(o.get('id'), p.get('id'))), None),
    'updateZone': (lambda c, p: first(listed(c, 'listZones', {'id': p.get('id')}), lambda o: same(o.get('id'), p.get('id'))), None),
}


def differs(current, wanted):
    norm = lambda v: re.sub(r'\s+', '', str(v)).lower()
    return [k for k, v in wanted.items() if k not in current or norm(current[k]) != norm(v)]


def run_call(client, api, params, is_async, log):
    if api in EXISTS:
        found = EXISTS[api](client, params)
        if found:
            log('%s: already there (%s), nothing to do' % (api, found.get('name', found.get('id', ''))))
            return found, False
    elif api in STATE:
        current_of, fields = STATE[api]
        current = current_of(client, params)
        wanted = fields(params) if fields else dict((k, v) for k, v in params.items() if k != 'id')
        if current and not differs(current, wanted):
            log('%s: already as wanted, nothing to do' % api)
            return current, False
    return client.call(api, params, is_async), not READ_ONLY.match(api)


def evaluate(value, path):
    for token in re.findall(r'[^.\[\]]+|\[\d+\]', path):
        if value is None:
            return None
        if token.startswith('['):
            value = value[int(token[1:-1])] if isinstance(value, list) and int(token[1:-1]) < len(value) else None
        elif isinstance(value, list):
            value = value[0].get(token) if len(value) == 1 and isinstance(value[0], dict) else None
        elif isinstance(value, dict):
            value = value.get(token)
        else:
            return None
    return value


def substitute(text, variables, line):
    def value(match):
        name = match.group(1)
        if name not in variables:
            raise StepError('${%s} has no value (line: %s); an earlier api step captures it, or the site defines it' % (name, line))
        return str(variables[name])
    return VAR.sub(value, text)


def prepared_calls(step, variables):
    calls = []
    for call in step.get('calls', []):
        per_host = [variables]
        if any(re.search(r'\$\{HOST_(IP|NAME|FQDN)\}', v) for v in call['params'].values()) and 'HOST_IP' not in variables:
            ips = variables.get('KVM_HOST_IPS', '').split()
            names = variables.get('KVM_HOSTNAMES', '').split()
            per_host = [dict(variables, HOST_IP=ip, HOST_NAME=names[i] if i < len(names) else ip,
                             HOST_FQDN='%s.%s' % (names[i], variables['DOMAIN']) if i < len(names) and variables.get('DOMAIN') else ip)
                        for i, ip in enumerate(ips)]
        for values in per_host:
            params = dict((k, substitute(v, values, call['text'])) for k, v in call['params'].items())
            calls.append((call['api'], params))
    return calls


def read_keys(state_file):
    try:
        with open(state_file) as f:
            keys = json.load(f).get('apiKeys')
        return keys if keys and keys.get('apikey') and keys.get('secretkey') else None
    except (OSError, ValueError):
        return None


def save_keys(state_file, keys):
    folder = os.path.dirname(os.path.abspath(state_file))
    if not os.path.isdir(folder):
        os.makedirs(folder, 0o700)
    temp = state_file + '.tmp'
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as f:
        json.dump({'apiKeys': keys}, f)
    os.rename(temp, state_file)


def ensure_keys(client, state_file, admin_password, log):
    keys = read_keys(state_file)
    if keys:
        client.keys = keys
        return False
    if not admin_password:
        raise StepError('ADMIN_PASSWORD has no value; put it in the secrets file')
    client.wait_for_api()
    changed = False
    try:
        login = client.login(*DEFAULT_ADMIN)
        log('logged in with the default admin password; setting ADMIN_PASSWORD')
        client.call('updateUser', {'id': str(login['userid']), 'password': admin_password, 'currentpassword': DEFAULT_ADMIN[1]}, False)
        changed = True
    except StepError:
        login = client.login(DEFAULT_ADMIN[0], admin_password, DEFAULT_ADMIN[2])
    user = str(login['userid'])
    keys = client.call('getUserKeys', {'id': user}, False)
    if not (isinstance(keys, dict) and keys.get('secretkey')):
        client.call('registerUserKeys', {'id': user}, False)
        keys = client.call('getUserKeys', {'id': user}, False)
        changed = True
    keys = {'apikey': keys['apikey'], 'secretkey': keys['secretkey']}
    save_keys(state_file, keys)
    client.keys, client.session = keys, None
    return changed


def run_step(step, variables, endpoint, state_file, timeout, ca_file=None, log=lambda line: None):
    """Returns (changed, captured, messages); raises StepError."""
    client = Client(endpoint, timeout, ca_file, log)
    changed = ensure_keys(client, state_file, variables.get('ADMIN_PASSWORD'), log)
    if step.get('first_contact'):
        users = client.call('listUsers', {'username': DEFAULT_ADMIN[0]}, False)
        admin = users[0] if isinstance(users, list) and users else {}
        last = dict(admin, userid=admin.get('id'))
    else:
        last = None
        async_apis = set(step.get('async_apis', []))
        for api, params in prepared_calls(step, variables):
            last, did = run_call(client, api, params, api in async_apis, log)
            changed = changed or did
    captured = {}
    for name, path in step.get('capture', {}).items():
        value = evaluate(last, path)
        if value is None or isinstance(value, (dict, list)):
            raise StepError('capture %s=%s: the last result has no such value' % (name, path))
        captured[name] = str(value)
    return changed, captured


def main_ansible():
    module = AnsibleModule(argument_spec=dict(
        endpoint=dict(type='str', required=True),
        state_file=dict(type='path', required=True),
        step=dict(type='dict', required=True),
        variables=dict(type='dict', required=True),
        secrets=dict(type='dict', required=True, no_log=True),
        timeout=dict(type='int', default=1800),
        ca_file=dict(type='path'),
    ))
    p = module.params
    messages = []
    try:
        variables = dict(p['variables'], **p['secrets'])
        changed, captured = run_step(p['step'], variables, p['endpoint'], p['state_file'], p['timeout'], p['ca_file'], messages.append)
    except (StepError, OSError) as error:
        module.fail_json(msg=str(error), messages=messages)
    module.exit_json(changed=changed, captured=captured, messages=messages)


def main_cli(argv):
    args = dict(zip(argv[0::2], argv[1::2]))
    with open(args['--step-file']) as f:
        step = json.load(f)
    endpoint = os.environ.get('API_URL') or args.get('--endpoint')
    state_file = args.get('--state-file', '/var/lib/runbook-export/api-keys.json')
    try:
        changed, captured = run_step(step, dict(os.environ), endpoint, state_file, int(args.get('--timeout', 1800)),
                                     args.get('--ca-file'), lambda line: sys.stderr.write('    %s\n' % line))
    except (StepError, OSError) as error:
        sys.stderr.write('    error: %s\n' % error)
        return 1
    with open(args['--captures-out'], 'w') as out:
        for name, value in captured.items():
            out.write('%s=%s\n' % (name, shlex.quote(value)))
    sys.stdout.write('changed\n' if changed else 'ok\n')
    return 0


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1].startswith('--'):
        sys.exit(main_cli(sys.argv[1:]))
    main_ansible()
