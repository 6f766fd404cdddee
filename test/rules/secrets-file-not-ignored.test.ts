import { RuleTester } from '../ruleTester';
import { secretsFileNotIgnored } from '../../server/src/engine/rules/env/secretsFileNotIgnored';
import { workspace } from './envWorkspace';

RuleTester.run(secretsFileNotIgnored, {
  valid: [
    { name: 'roadmap-following workspace: .gitignore names secrets.env', files: workspace() },
    { name: 'ignored by *.env', files: workspace({ '.gitignore': '__pycache__/\n*.env\n!.env.docker\n' }) },
    { name: 'ignored by a secrets* pattern anchored with a leading slash', files: workspace({ '.gitignore': '# local files\n/secrets*\n!secrets.example\n' }) },
    { name: 'no secrets file at all', files: workspace({ 'secrets.env': undefined }) },
    {
      name: 'a secrets file in a folder that .gitignore ignores whole; a later negation cannot re-include it',
      files: workspace({ 'secrets.env': undefined, 'config/secrets.env': 'DB_PASSWORD=x\n', '.gitignore': 'config/\n!config/secrets.env\n' }),
      config: { secretsFile: 'config/secrets.env' },
    },
  ],
  invalid: [
    {
      name: 'a negation re-includes it: the name is appended again',
      files: workspace({ '.gitignore': '*.env\n!secrets.env\n' }),
      errors: [
        { path: "secrets.env", message: "Expected .gitignore to ignore the secrets file secrets.env; git would commit the secrets it holds.", line: 1, column: 1, endLine: 1, endColumn: 12 },
      ],
      output: {
        ".gitignore": `*.env
!secrets.env
secrets.env
`,
      },
    },
    {
      name: 'a pattern for another folder does not match: .gitignore without a final line break',
      files: workspace({ '.gitignore': '__pycache__/\n/deploy/secrets.env' }),
      errors: [
        { path: "secrets.env", message: "Expected .gitignore to ignore the secrets file secrets.env; git would commit the secrets it holds.", line: 1, column: 1, endLine: 1, endColumn: 12 },
      ],
      output: {
        ".gitignore": `__pycache__/
/deploy/secrets.env
secrets.env
`,
      },
    },
    {
      name: 'no .gitignore: it is created',
      files: workspace({ '.gitignore': undefined }),
      errors: [
        { path: "secrets.env", message: "Expected .gitignore to ignore the secrets file secrets.env; git would commit the secrets it holds.", line: 1, column: 1, endLine: 1, endColumn: 12 },
      ],
      output: {
        ".gitignore": `secrets.env
`,
      },
    },
    {
      name: 'a secrets file in a folder, from the config',
      files: workspace({ 'secrets.env': undefined, 'config/secrets.env': '# database\nDB_PASSWORD=x\n', '.gitignore': 'secrets.env/\n' }),
      config: { secretsFile: 'config/secrets.env' },
      errors: [
        { path: "config/secrets.env", message: "Expected .gitignore to ignore the secrets file config/secrets.env; git would commit the secrets it holds.", line: 2, column: 1, endLine: 2, endColumn: 12 },
      ],
      output: {
        ".gitignore": `secrets.env/
/config/secrets.env
`,
      },
    },
  ],
});
