// ESLint (flat config): typescript-eslint for correctness, @stylistic for the formatting the code
// already follows (2 spaces, single quotes, semicolons, trailing commas on multi-line literals).
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.otp-courier/**', 'deploy/**', '.bench-*/**'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/indent': ['warn', 2, { SwitchCase: 1, ignoredNodes: ['TemplateLiteral *'] }],
      '@stylistic/quotes': ['warn', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
      '@stylistic/semi': ['warn', 'always'],
      '@stylistic/comma-dangle': ['warn', 'always-multiline'],
      '@stylistic/eol-last': ['warn', 'always'],
      '@stylistic/no-trailing-spaces': 'warn',
      '@stylistic/no-multiple-empty-lines': ['warn', { max: 1, maxEOF: 0, maxBOF: 0 }],
      '@stylistic/arrow-parens': ['warn', 'always'],
      '@stylistic/brace-style': ['warn', '1tbs', { allowSingleLine: true }],
      '@stylistic/keyword-spacing': 'warn',
      '@stylistic/space-infix-ops': 'warn',
      '@stylistic/comma-spacing': 'warn',
      '@stylistic/key-spacing': 'warn',
      '@stylistic/no-tabs': 'warn',
    },
  },
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': ['warn', { fixStyle: 'inline-type-imports' }],
      // An async function without await is how a function keeps a Promise-returning interface here.
      '@typescript-eslint/require-await': 'off',
      // Its fix drops assertions that contextual typing needs (e.g. `{} as Record<string, number>` in a union return).
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      'no-console': ['warn', { allow: ['error', 'warn'] }],
      eqeqeq: ['warn', 'always'],
    },
  },
  {
    // The CLI prints to stdout by design; tests, benchmarks and the chaos harness report on it.
    files: ['src/cli/**', 'bench/**', 'chaos/**', 'test/**', 'scripts/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests pass methods of stand-ins and SDK mocks around on purpose, and vitest's asymmetric
    // matchers (expect.any, expect.objectContaining) are typed `any`.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // Hostile stand-ins reject with odd values on purpose.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
