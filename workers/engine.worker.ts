// The engine's dedicated module Worker: exposes the LabHost (engine + lab) through comlink. The page talks to it only
// through workers/contract.ts (see src/platform/engineClient.ts).
import { expose } from 'comlink';
import { LabHost } from '../src/platform/labHost.ts';
import type { WorkerApi } from './contract.ts';

const api: WorkerApi = new LabHost();
expose(api);
