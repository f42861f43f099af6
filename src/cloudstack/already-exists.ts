// Upstream's answers that mean "what you asked to create is already there" (apache/cloudstack
// 4.22). Such an answer to a create is read as "it exists": the object is looked up and
// captured, instead of failing the step. Any other error stays an error.
import { CloudStackError } from './errors.ts';

const ALREADY_THERE: Record<string, RegExp> = {
  // ConfigurationManagerImpl.checkZoneParameters (InvalidParameterValueException, 431)
  createZone: /A zone with that name already exists/i,
  // ConfigurationManagerImpl.checkPodAttributes / createPod (431)
  createPod: /A pod with name: .* already exists in zone/i,
  // NetworkServiceImpl.addTrafficTypeToPhysicalNetwork (CloudRuntimeException, 530, in the job)
  addTrafficType: /This physical network already supports the traffic type/i,
  // ResourceManagerImpl.discoverCluster: the unique (pod, name) key refuses the row (530)
  addCluster: /Unable to create cluster .* in pod and data center with specified ids/i,
  // LibvirtServerDiscoverer.find, wrapped by ResourceManagerImpl.discoverHostsFull (530)
  addHost: /is already in the database for resource/i,
  // StorageManagerImpl.discoverImageStore (431); addSecondaryStorage names the store by URL
  addImageStore: /The image store with name .* already exists/i,
  addSecondaryStorage: /The image store with name .* already exists/i,
  // CloudStackPrimaryDataStoreLifeCycleImpl.initialize, wrapped by StorageManagerImpl.createPool
  // ("Failed to add data store: ...", 530); the second text when the same URL comes back
  createStoragePool:
    /already in use by another pod|Another active pool with the same uuid already exists/i,
};

/** Is this error upstream's way of saying the object of a create already exists? */
export function saysAlreadyExists(api: string, err: unknown): boolean {
  const pattern = ALREADY_THERE[api];
  return pattern !== undefined && err instanceof CloudStackError && pattern.test(err.errorText);
}
