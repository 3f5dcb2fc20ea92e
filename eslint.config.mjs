// Lint rules that guard the system's correctness, not just style:
// floating promises lose errors, and workflow code must stay deterministic.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'src/generated/', 'coverage/', '.data/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
    // CommonJS configuration files (Jest's) share their settings with require().
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // The console's React code: hooks called in a stable order with complete dependency lists.
    files: ['admin/**/*.tsx', 'admin/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // Workflow code is replayed deterministically in Temporal's sandbox: no Node
    // built-ins, no I/O clients, no project modules that use them. Type-only
    // imports are erased at compile time and stay allowed. The agent's pure logic
    // and the failure vocabulary are bundled with the workflows, so the same holds there.
    files: ['src/workflows/**/*.ts', 'src/agent/**/*.ts', 'src/failures.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Node built-ins are not available in workflow code; use an activity.', allowTypeImports: true },
            {
              group: [
                'fs',
                'path',
                'os',
                'crypto',
                'http',
                'https',
                'net',
                'child_process',
                'worker_threads',
                'stream',
                'events',
                'util',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
                '@temporalio/testing',
                'openai',
                'openai/*',
                'googleapis',
                '@prisma/*',
                'pg',
                'fastify',
                'pino',
                'zod',
                '../activities',
                '../activities/*',
                '../db/*',
                '../api/*',
                '../sandbox/*',
                '../whatsapp/*',
                // Pure: how a reply is formatted and split into WhatsApp messages (turn.ts counts them).
                '!../whatsapp/outgoing',
                '!../whatsapp/format',
                '!../whatsapp/split-message',
                '!../whatsapp/interactive',
                '../local/*',
                '../generated/*',
                '../config',
                './db/*',
                './api/*',
                './sandbox/*',
                './whatsapp/*',
                './local/*',
                './generated/*',
                './config',
              ],
              message: 'Workflow code must stay deterministic and free of I/O: call an activity instead.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
