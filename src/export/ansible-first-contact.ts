// The cloudstack_api role of the Ansible export: what the installer's first contact does
// (src/cloudstack/first-contact.ts), with ansible.builtin.uri. Wait for the API, log in as
// admin (the default password on a fresh management server, else ADMIN_PASSWORD), set
// ADMIN_PASSWORD, make API keys if admin has none, and hand them to the modules (as facts)
// and to `cs` (a private ini file, so they never appear on a command line or in the
// environment Ansible puts on one). Nothing is kept on disk beyond the run: the ini is a
// temporary file that the last task of each chapter with api steps removes. A second run logs in with ADMIN_PASSWORD and
// changes nothing.

type Task = Record<string, unknown>;

const form = (body: Record<string, string>) => ({
  url: '{{ runbook_api_endpoint }}',
  method: 'POST',
  body_format: 'form-urlencoded',
  body: { ...body, response: 'json' },
});

/** An API call in the login session (session key and cookie, as upstream's UI does). */
const inSession = (command: string, params: Record<string, string>) => ({
  ...form({
    command,
    ...params,
    sessionkey: '{{ runbook_api_session.json.loginresponse.sessionkey }}',
  }),
  headers: { Cookie: '{{ runbook_api_session.cookies_string }}' },
});

/** The keys as the last getUserKeys answered them. */
const KEYS =
  '(runbook_api_keys if (runbook_api_new_keys.skipped | default(false)) else runbook_api_new_keys).json.getuserkeysresponse.userkeys';

export function firstContactTasks(apiWaitSeconds: number): Task[] {
  const login = (password: string) =>
    form({ command: 'login', username: 'admin', password, domain: '/' });
  return [
    {
      name: 'Wait for the CloudStack API to answer',
      'ansible.builtin.uri': {
        url: '{{ runbook_api_endpoint }}?command=listCapabilities&response=json',
        status_code: [200, 401, 432, 531],
      },
      register: 'runbook_api_up',
      until: 'runbook_api_up.status in [200, 401, 432, 531]',
      retries: Math.max(1, Math.ceil(apiWaitSeconds / 10)),
      delay: 10,
      check_mode: false,
    },
    {
      name: 'Log in as admin with the default password (a fresh management server)',
      'ansible.builtin.uri': { ...login('password'), status_code: [200, 401, 531] },
      register: 'runbook_api_login_default',
      check_mode: false,
    },
    {
      name: 'Log in as admin with ADMIN_PASSWORD (set by an earlier run)',
      'ansible.builtin.uri': {
        ...login("{{ runbook_secrets['ADMIN_PASSWORD'] }}"),
        status_code: [200, 401, 531],
      },
      register: 'runbook_api_login_set',
      when: 'runbook_api_login_default.status != 200',
      check_mode: false,
      no_log: true,
    },
    {
      name: 'Stop when neither password is accepted',
      'ansible.builtin.fail': {
        msg: 'cannot log in as admin: neither the default password nor ADMIN_PASSWORD from the secrets is accepted. Set the admin password to ADMIN_PASSWORD in the UI, then run the playbook again.',
      },
      when: 'runbook_api_login_default.status != 200 and runbook_api_login_set.status != 200',
    },
    {
      name: 'Keep the login session',
      'ansible.builtin.set_fact': {
        runbook_api_session:
          '{{ runbook_api_login_default if runbook_api_login_default.status == 200 else runbook_api_login_set }}',
        runbook_api_admin:
          '{{ (runbook_api_login_default if runbook_api_login_default.status == 200 else runbook_api_login_set).json.loginresponse }}',
      },
      no_log: true,
    },
    {
      name: 'Set the admin password to ADMIN_PASSWORD',
      'ansible.builtin.uri': inSession('updateUser', {
        id: '{{ runbook_api_admin.userid }}',
        password: "{{ runbook_secrets['ADMIN_PASSWORD'] }}",
        currentpassword: 'password',
      }),
      when: 'runbook_api_login_default.status == 200',
      changed_when: true,
      no_log: true,
    },
    {
      name: "Read admin's API keys",
      'ansible.builtin.uri': inSession('getUserKeys', { id: '{{ runbook_api_admin.userid }}' }),
      register: 'runbook_api_keys',
      check_mode: false,
      no_log: true,
    },
    {
      name: 'Create API keys for admin (it has none)',
      'ansible.builtin.uri': inSession('registerUserKeys', {
        id: '{{ runbook_api_admin.userid }}',
      }),
      when: "not (runbook_api_keys.json.getuserkeysresponse.userkeys.secretkey | default(''))",
      changed_when: true,
      no_log: true,
    },
    {
      name: "Read admin's new API keys",
      'ansible.builtin.uri': inSession('getUserKeys', { id: '{{ runbook_api_admin.userid }}' }),
      register: 'runbook_api_new_keys',
      when: "not (runbook_api_keys.json.getuserkeysresponse.userkeys.secretkey | default(''))",
      no_log: true,
    },
    {
      // uri cannot run in check mode, so the two calls above were skipped: say what they would do.
      name: 'Check mode: a first run would set ADMIN_PASSWORD and create API keys (the API steps wait for them)',
      'ansible.builtin.debug': {
        msg: 'The API steps after this are skipped in check mode: without API keys they cannot look at the cloud.',
      },
      when: "ansible_check_mode and (runbook_api_login_default.status == 200 or not (runbook_api_keys.json.getuserkeysresponse.userkeys.secretkey | default('')))",
      changed_when: true,
    },
    {
      name: 'Log out (signed requests from here on)',
      'ansible.builtin.uri': inSession('logout', {}),
      changed_when: false,
      check_mode: false,
    },
    {
      name: 'Keep the API keys for the modules',
      'ansible.builtin.set_fact': {
        runbook_api_key: `{{ ${KEYS}.apikey }}`,
        runbook_api_secret: `{{ ${KEYS}.secretkey }}`,
      },
      when: `${KEYS}.secretkey | default('')`,
      no_log: true,
    },
    {
      name: 'Make a private file for the cs command',
      'ansible.builtin.tempfile': { suffix: '.cloudstack.ini' },
      register: 'runbook_cs_ini',
      when: 'runbook_api_secret is defined',
      changed_when: false,
      check_mode: false,
    },
    {
      name: 'Give the cs command the API keys',
      'ansible.builtin.copy': {
        dest: '{{ runbook_cs_ini.path }}',
        mode: '0600',
        content:
          '[cloudstack]\nendpoint = {{ runbook_api_endpoint }}\nkey = {{ runbook_api_key }}\nsecret = {{ runbook_api_secret }}\n',
      },
      when: 'runbook_api_secret is defined',
      changed_when: false,
      check_mode: false,
      no_log: true,
    },
    {
      name: 'Point the cs command at it',
      'ansible.builtin.set_fact': { runbook_cs_config: '{{ runbook_cs_ini.path }}' },
      when: 'runbook_api_secret is defined',
    },
  ];
}

/** The role's last task: the temporary ini file goes. */
export const FORGET_KEYS_TASK: Task = {
  name: "Remove the cs command's private file",
  'ansible.builtin.file': { path: '{{ runbook_cs_config }}', state: 'absent' },
  when: 'runbook_cs_config is defined',
  changed_when: false,
  check_mode: false,
};
