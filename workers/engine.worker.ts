// The engine's dedicated module Worker: exposes the LabHost through comlink. The page talks to it only
// through workers/contract.ts (see src/platform/engineClient.ts).
import { expose } from 'comlink';
import { LabHost } from '../src/platform/labHost.ts';
import type { LabApi } from './contract.ts';

// The worker's lifeline: a Web Lock under the worker's (unique) name, held until the worker is gone. A
// worker the browser ends (out of memory, a crash, a terminate from elsewhere) sends no message; the
// page, queued for the same lock, is granted it then and knows (src/platform/engineClient.ts).
void navigator.locks.request(self.name, () => new Promise<never>(() => {}));

const api: LabApi = new LabHost();
expose(api);
