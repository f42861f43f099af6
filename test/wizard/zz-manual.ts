import { makeClientKey, startHosts } from '../helpers/sshd.ts';
import { writeLoopbackSite } from './harness.ts';
const key = makeClientKey();
const hosts = await startHosts(['mgmt', 'kvm1'], key, 140);
const site = writeLoopbackSite(hosts, key, 'manual');
console.log(site.siteFile, site.work);
setInterval(() => {}, 100000);
