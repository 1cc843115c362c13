// Writes src/model/kernels/simd/hostKernelsWasm.ts from its AssemblyScript source (`npm run build:kernels`).
import { writeFileSync } from 'node:fs';
import { SIMD_KERNELS_MODULE, simdKernelsModule } from './simdKernelsModule.ts';

writeFileSync(SIMD_KERNELS_MODULE, await simdKernelsModule());
console.log(`wrote ${SIMD_KERNELS_MODULE}`);
