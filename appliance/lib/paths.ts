// Where the appliance builds keep things. Stage outputs live under appliance/.cache/ (gitignored),
// finished images under appliance/out/.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const applianceDir = path.join(repoRoot, 'appliance');
export const cacheDir = process.env.RUNBOOK_APPLIANCE_CACHE ?? path.join(applianceDir, '.cache');
export const outDir = process.env.RUNBOOK_APPLIANCE_OUT ?? path.join(applianceDir, 'out');
