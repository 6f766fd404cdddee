// Flat ESLint config: type-aware rules for TypeScript sources, no console in the server.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'examples/**', 'test/fixtures/**', '.e2e/**', '.perf/**', '.probe/**', '.scratch/**', 'test-results/**', 'server/src/engine/generated/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      curly: 'error',
    },
  },
  { files: ['server/src/engine/**/*.ts', 'server/src/lsp/**/*.ts', 'server/src/server.ts'], rules: { 'no-console': 'error' } },
);
