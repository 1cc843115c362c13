// The engine's dedicated module Worker: exposes an EngineHost through comlink. The page talks to it only
// through workers/contract.ts (see src/platform/engineClient.ts).
import { expose } from 'comlink';
import { EngineHost } from '../src/platform/engineHost.ts';
import type { EngineApi } from './contract.ts';

const api: EngineApi = new EngineHost();
expose(api);
