// The APIs the runbook uses, as a CloudStack management server answers them: account and
// discovery APIs here, the rest in apis-network.ts and apis-infra.ts. Each handler checks
// what CloudStack checks and moves the simulated cloud's state.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApiFault, type Handler } from './handler-kit.ts';
import { NETWORK_HANDLERS } from './apis-network.ts';
import { INFRA_HANDLERS } from './apis-infra.ts';
import { SLOW_HANDLERS } from './apis-slow.ts';
import { TEMPLATE_HANDLERS } from './apis-templates.ts';

export { ApiFault, type Answer, type CallContext } from './handler-kit.ts';

interface ApiSpec {
  async: boolean;
  required: string[];
  optional: string[];
}

/** The API reference snapshot the installer validates against: the simulator uses the same. */
export const REFERENCE = JSON.parse(
  readFileSync(new URL('../../src/cloudstack/api-reference.json', import.meta.url), 'utf8'),
) as { apis: Record<string, ApiSpec> };

const ACCOUNT_HANDLERS: Record<string, Handler> = {
  listCapabilities: () => ({
    kind: 'object',
    key: 'capability',
    value: {
      cloudstackversion: '4.22.0.0',
      securitygroupsenabled: false,
      dynamicrolesenabled: true,
      apilimitinterval: 1,
      apilimitmax: 0,
      allowuserviewdestroyedvm: false,
      kvmsnapshotenabled: true,
    },
  }),
  listApis: (ctx) => {
    // API discovery, from the same reference the simulator validates against.
    const names = Object.keys(HANDLERS).filter((n) => !ctx.params.name || n === ctx.params.name);
    return {
      kind: 'list',
      key: 'api',
      items: names.map((name) => {
        const spec = REFERENCE.apis[name];
        const params = spec
          ? [
              ...spec.required.map((p) => ({ name: p, required: true })),
              ...spec.optional.map((p) => ({ name: p, required: false })),
            ]
          : [];
        return { name, isasync: spec?.async ?? false, description: '', params, response: [] };
      }),
    };
  },
  logout: () => ({ kind: 'flat', value: { description: 'success' } }),
  updateUser: (ctx) => {
    const user = ctx.cloud.users.find((u) => u.id === ctx.params.id);
    if (!user)
      throw new ApiFault(
        431,
        `Unable to execute API command updateuser due to invalid value. Invalid parameter id value=${ctx.params.id} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`,
      );
    if (ctx.params.password !== undefined) {
      if (user!.id === ctx.user.id && ctx.params.currentpassword !== user!.password) {
        throw new ApiFault(431, 'Current password is incorrect.', 4350);
      }
      user!.password = ctx.params.password;
    }
    return {
      kind: 'object',
      key: 'user',
      value: {
        id: user!.id,
        username: user!.username,
        account: 'admin',
        accountid: user!.accountid,
        accounttype: 1,
        domainid: user!.domainid,
        domain: 'ROOT',
        state: 'enabled',
        roletype: 'Admin',
        rolename: 'Root Admin',
        usersource: 'native',
        isdefault: true,
      },
    };
  },
  registerUserKeys: (ctx) => {
    const user = ctx.cloud.users.find((u) => u.id === ctx.params.id);
    if (!user) throw new ApiFault(431, `Unable to find user by id`);
    user.apikey = randomBytes(64).toString('base64url');
    user.secretkey = randomBytes(64).toString('base64url');
    return {
      kind: 'object',
      key: 'userkeys',
      value: { apikey: user.apikey, secretkey: user.secretkey },
    };
  },
  getUserKeys: (ctx) => {
    const user = ctx.cloud.users.find((u) => u.id === ctx.params.id);
    if (!user) throw new ApiFault(431, `Unable to find user by id`);
    return {
      kind: 'object',
      key: 'userkeys',
      value: user.apikey ? { apikey: user.apikey, secretkey: user.secretkey } : {},
    };
  },
  listUsers: (ctx) => ({
    kind: 'list',
    key: 'user',
    items: ctx.cloud.users
      .filter((u) => !ctx.params.username || u.username === ctx.params.username)
      .map((u) => ({
        id: u.id,
        username: u.username,
        account: 'admin',
        domainid: u.domainid,
        state: 'enabled',
      })),
  }),
};

export const HANDLERS: Record<string, Handler> = {
  ...ACCOUNT_HANDLERS,
  ...NETWORK_HANDLERS,
  ...INFRA_HANDLERS,
  ...SLOW_HANDLERS,
  ...TEMPLATE_HANDLERS,
};
