// The site file's shape (DESIGN.md section 4) with the runbook's defaults. Structure only:
// the network rules an operator would check live in ./checks.ts, which reads the parsed value.
import { z } from 'zod';

export const SUPPORTED_CLOUDSTACK_VERSIONS = ['4.22'] as const;

const sshOverride = z.strictObject({
  host: z.string().min(1).optional(),
  port: z.int().min(1).max(65535).optional(),
  user: z.string().min(1).optional(),
  identity: z.string().min(1).optional(),
});

const machine = z.strictObject({
  address: z.string(),
  hostname: z.string(),
  ssh: sshOverride.optional(),
});

export const siteSchema = z.strictObject({
  name: z.string().min(1).default('cloud'),
  network: z
    .strictObject({
      interface: z.string().default('eth0'),
      cidr: z.string().default('172.16.10.0/24'),
      gateway: z.string().default('172.16.10.1'),
      dns: z.array(z.string()).min(1).max(2).default(['8.8.8.8', '8.8.4.4']),
      domain: z.string().default('cloud.internal'),
    })
    .prefault({}),
  management: machine.prefault({ address: '172.16.10.2', hostname: 'cloudstack-mgmt' }),
  hosts: z.array(machine).nullable().default([]).transform((h) => h ?? []),
  ssh: z
    .strictObject({
      user: z.string().min(1).default('root'),
      identity: z.string().min(1).optional(),
      port: z.int().min(1).max(65535).default(22),
      /** Ask for a password at connect time instead of using keys. */
      password: z.boolean().default(false),
    })
    .prefault({}),
  zone: z
    .strictObject({
      name: z.string().min(1).default('Zone1'),
      public: z.string().default('172.16.10.11-172.16.10.20'),
      pod: z.string().default('172.16.10.21-172.16.10.30'),
      guestVlans: z.string().default('100-200'),
      podName: z.string().min(1).default('Pod1'),
      clusterName: z.string().min(1).default('Cluster1'),
      physicalNetworkName: z.string().min(1).default('Physical Network 1'),
    })
    .prefault({}),
  storage: z
    .strictObject({
      primary: z.string().default('/export/primary'),
      secondary: z.string().default('/export/secondary'),
    })
    .prefault({}),
  cloudstack: z
    .strictObject({
      version: z.string().default('4.22'),
      repository: z.string().default('https://download.cloudstack.org/debian'),
      /** MySQL's APT repository (or a mirror): the Python connector Debian 12 lacks comes from it. */
      mysqlRepository: z.string().default('https://repo.mysql.com/apt/debian'),
      /** The API the api steps talk to; defaults to the management server's. */
      endpoint: z.string().optional(),
      /** CA file to trust for an https endpoint (TLS verification is never turned off). */
      ca: z.string().optional(),
    })
    .prefault({}),
});

export type Site = z.output<typeof siteSchema>;
export type SiteMachine = z.output<typeof machine>;
