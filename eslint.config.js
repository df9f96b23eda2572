// Lint: typescript-eslint's recommended rules plus the layering rule from ARCHITECTURE.md
// (the domain imports nothing but itself).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', '.services/', 'bench/results/', 'console/dist/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../../*/**', '!../../domain/**'], message: 'The domain is pure: it imports only itself.' },
            {
              group: ['node:*', 'pg', 'redis', 'fastify', '@platformatic/*', '@electric-sql/*'],
              message: 'The domain does no I/O.',
            },
          ],
        },
      ],
    },
  },
);
