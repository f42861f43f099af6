// The small pure pieces of the docs site: edit links, directive attributes, variable markers,
// the address form's mapping onto the site file.
import { describe, expect, it } from 'vitest';
import { editUrlFor } from '../../docs/src/lib/edit-link.ts';
import { directiveAttributesAt } from '../../docs/src/plugins/directive-attributes.ts';
import { splitVariables, variableCatalog } from '../../docs/src/lib/variables.ts';
import { siteFromFields } from '../../docs/src/lib/address-fields.ts';
import { siteConfig } from '../../docs/site.config.ts';
import { siteSchema } from '../../src/site-file/schema.ts';
import { siteVariables } from '../../src/site-file/variables.ts';

const repo = siteConfig.repositoryUrl;

describe('edit links', () => {
  const source = `${repo}/edit/main/docs/src/content/docs/database.mdx`;
  it('English pages edit their MDX source', () => {
    expect(
      editUrlFor({
        sourceEditUrl: source,
        locale: undefined,
        lang: 'en',
        id: 'database',
        isFallback: false,
      }),
    ).toBe(source);
  });
  it('translated pages edit their PO catalog, named by language tag', () => {
    expect(
      editUrlFor({
        sourceEditUrl: 'x',
        locale: 'zh-cn',
        lang: 'zh-CN',
        id: 'zh-cn/database',
        isFallback: false,
      }),
    ).toBe(`${repo}/edit/main/locales/zh-CN/database.po`);
    expect(
      editUrlFor({ sourceEditUrl: 'x', locale: 'ja', lang: 'ja', id: 'ja', isFallback: false }),
    ).toBe(`${repo}/edit/main/locales/ja/index.po`);
  });
  it('an untranslated page shown in English edits the English source', () => {
    expect(
      editUrlFor({
        sourceEditUrl: source,
        locale: 'ja',
        lang: 'ja',
        id: 'ja/database',
        isFallback: true,
      }),
    ).toBe(source);
  });
});

describe('step directive attributes from the page source', () => {
  it('keeps } inside quoted values and reads #id, bare and single-quoted values', () => {
    const line = `:::step[Export [all] storage]{#nfs-exports on=management requires="a b" check="test -d \${PRIMARY_EXPORT} && echo {x}" verify='grep -q "^\${X} " f'}\nbody`;
    expect(directiveAttributesAt(line, 0)).toEqual({
      id: 'nfs-exports',
      on: 'management',
      requires: 'a b',
      check: 'test -d ${PRIMARY_EXPORT} && echo {x}',
      verify: 'grep -q "^${X} " f',
    });
  });
  it('has nothing to say about a directive without attributes', () => {
    expect(directiveAttributesAt(':::note[Title]\ntext', 0)).toBeUndefined();
  });
});

describe('variable markers', () => {
  const catalog = variableCatalog();
  it('shows site variables as their default, per-host and secret ones as names, unknown ones as text', () => {
    expect(
      splitVariables(
        'ping ${MGMT_IP} from ${HOST_IP} with ${ADMIN_PASSWORD} and ${ZONE_ID}',
        catalog,
      ),
    ).toEqual([
      { kind: 'text', text: 'ping ' },
      { kind: 'site', name: 'MGMT_IP', shown: '172.16.10.2' },
      { kind: 'text', text: ' from ' },
      { kind: 'host', name: 'HOST_IP', shown: '${HOST_IP}' },
      { kind: 'text', text: ' with ' },
      { kind: 'secret', name: 'ADMIN_PASSWORD', shown: '${ADMIN_PASSWORD}' },
      { kind: 'text', text: ' and ${ZONE_ID}' },
    ]);
  });
});

describe('address form → site file', () => {
  const defaults = siteSchema.parse({});
  it('empty form gives the default site’s variables', () => {
    expect(siteVariables(siteSchema.parse(siteFromFields({}, defaults)))).toEqual(
      siteVariables(defaults),
    );
  });
  it('derives every dependent variable from the reader’s values', () => {
    const site = siteSchema.parse(
      siteFromFields(
        {
          'management.address': '10.1.0.2',
          hosts: '10.1.0.3 kvm-a\n10.1.0.4 kvm-b',
          'network.dns': '1.1.1.1, 9.9.9.9',
          'zone.public': '10.1.0.50-10.1.0.60',
        },
        defaults,
      ),
    );
    const variables = siteVariables(site);
    expect(variables).toMatchObject({
      MGMT_IP: '10.1.0.2',
      PRIMARY_STORAGE_URL: 'nfs://10.1.0.2/export/primary',
      KVM_HOST_IPS: '10.1.0.3 10.1.0.4',
      KVM_HOSTNAMES: 'kvm-a kvm-b',
      ALL_IN_ONE: 'no',
      DNS1: '1.1.1.1',
      DNS2: '9.9.9.9',
      PUBLIC_START: '10.1.0.50',
      PUBLIC_END: '10.1.0.60',
      MGMT_HOSTNAME: 'cloudstack-mgmt',
    });
  });
});
