// Placeholder: replaced below.
import { referenceOps, type ModelOps } from '../modelOps.ts';
export const gpuOps: ModelOps = { ...referenceOps, name: 'fast-gpu' };
