// Lint rules: typescript-eslint's type-aware recommended set (floating and misused promises matter most in
// the comlink and worker code), lit's template checks, and the project's boundaries (maths free of UI, UI
// free of tfjs).
import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
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
      // AssemblyScript (its own types: v128, f32, usize), compiled by scripts/simdKernelsModule.ts.
      'src/model/kernels/simd/assembly',
    ],
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Stores, the worker's API and test doubles implement Promise-returning contracts; an async method
      // that happens not to await is how they keep one shape (errors become rejections, not throws).
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['src/ui/**/*.ts'],
    extends: [lit.configs['flat/recommended']],
    rules: {
      // lit calls a template's event listeners with the element as `this` (`@click=${this.onClick}`).
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: {
      // Tests read the files and reports under test with JSON.parse and assert on their fields; typing
      // each parsed value would restate the schema the tests check.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
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
