// Lint rules: typescript-eslint's recommended set (not yet its type-aware set), plus the project's boundaries
// (maths free of UI, UI free of tfjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const mathsDirs = ['src/corpus/**', 'src/model/**', 'src/train/**', 'src/eval/**', 'src/experiment/**'];

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'bench/out',
      'coverage',
      'bin',
      'runs',
      '.scratch',
      '.vitest-attachments',
      'scratch-*',
    ],
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: mathsDirs,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['lit', 'lit/*', '@lit/*', 'comlink', '*/ui/*', '*/platform/*', '*/workers/*'] },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'postMessage'],
    },
  },
  {
    // The contract both sides import points at neither side's code.
    files: ['workers/contract.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['*/platform/*', '*/ui/*'] }],
    },
  },
  {
    // The page: no tfjs, and no IndexedDB (the worker owns the run store; see localSettings.ts).
    files: ['src/ui/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@tensorflow/*', '*/model/*', '*/train/*', 'idb', '*/platform/idbRunStore.ts'] },
      ],
    },
  },
);
