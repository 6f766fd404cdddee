/**
 * schemas/docker-modularity.schema.json is what editors check a .docker-modularity.json/.yaml/.yml
 * against; server/src/engine/config.ts is what the CLI and the server accept. Before, the schema
 * took configs the engine refused (an unknown rule id, an absolute path, a path leading out of the
 * workspace, the workspace root as a folder), so an editor showed no problem where the CLI exited 2,
 * and it offered no rule ids to complete.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import fc from 'fast-check';
import { ConfigError, normalizeConfigPath, PATH_KEYS, parseConfig } from '../../server/src/engine/config';
import { configValidatorSource, withEngineParts } from '../../server/src/engine/configSchema';
import { RULES } from '../../server/src/engine/rules';
import { normalizeSettings, settingsToOverrides } from '../../server/src/lsp/settings';

interface SchemaNode {
  $ref?: string;
  propertyNames?: { enum?: string[] };
}
const schema = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'schemas', 'docker-modularity.schema.json'), 'utf8'),
) as Record<string, unknown> & { properties: Record<string, SchemaNode> };
const properties = schema.properties;
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as Record<string, unknown> & {
  contributes: { configuration: { properties: Record<string, object> } };
};
/** A setting of the extension, as package.json contributes it (VS Code's settings editor validates with it). */
const manifestSetting = (key: string): object => manifest.contributes.configuration.properties[key]!;

/** Whether an editor's JSON Schema validator (ajv, draft-07) accepts the config. */
const schemaAccepts = (() => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return (config: unknown): boolean => validate(config);
})();

/** Whether the engine accepts the config, as the CLI reads a workspace's .docker-modularity.json. */
function engineAccepts(config: unknown): boolean {
  try {
    parseConfig('.docker-modularity.json', JSON.stringify(config), new Set(RULES.map((r) => r.id)));
    return true;
  } catch (e) {
    if (e instanceof ConfigError) {
      return false;
    }
    throw e;
  }
}

/** Path values the engine takes as a path inside the workspace. */
const ACCEPTED_PATHS = [
  'docs/ROADMAP.md',
  './docs/ROADMAP.md',
  'docs\\ROADMAP.md',
  'docs/',
  '.env',
  '..docs',
  '...',
  'docs/../ROADMAP.md',
  'a/../b',
  'a/b/../../c',
  'docs/./../docs/ROADMAP.md',
  'docs\\..\\ROADMAP.md',
  'a/b/c/d/e/f/g/h/../../../../../../../../x',
  'C:ROADMAP.md',
];
/** Path values the engine refuses: absolute, leading out of the workspace, or its root. */
const REFUSED_PATHS = [
  '/etc/secrets.env',
  '\\etc\\secrets.env',
  '\\\\server\\share\\secrets.env',
  'C:\\secrets.env',
  'c:/secrets.env',
  '~/secrets.env',
  '..',
  '../x',
  '..\\x',
  './../x',
  './/..',
  '.',
  './',
  '.\\',
  './/./',
  'docs/..',
  'docs/../',
  'docs/../..',
  'docs/../../x',
  'docs\\..\\..\\x',
  'a/b/../../..',
  'a/./b/.././../x/../..',
  'a//b/../../../x',
  'a/b/c/d/e/f/g/h/../../../../../../../..',
  'a/b/c/d/e/f/g/h/../../../../../../../../../x',
];

/** How many folders deep a path goes before it is resolved: `a/b/../c` goes 2 deep. */
function deepest(p: string): number {
  let depth = 0;
  let most = 0;
  for (const part of p.split(/[\\/]/)) {
    depth = part === '..' ? depth - 1 : part === '' || part === '.' ? depth : depth + 1;
    most = Math.max(most, depth);
  }
  return most;
}

/**
 * Paths of the given segments, with either separator, that go at most 8 folders deep: some folders, then any
 * segments, then as many `..` (a few more or fewer) and any segments again, so that many end at the root or leave it.
 */
function pathUpTo8Deep(segments: string[]): fc.Arbitrary<string> {
  const any = fc.array(fc.tuple(fc.constantFrom(...segments), fc.constantFrom('/', '\\')), { maxLength: 8 });
  const folders = fc.integer({ min: 0, max: 8 });
  return fc
    .tuple(folders, any, fc.integer({ min: -2, max: 2 }), any, fc.constantFrom(...segments))
    .map(([deep, middle, more, rest, last]) => {
      const parts = [
        ...Array<[string, string]>(deep).fill(['d', '/']),
        ...middle,
        ...Array<[string, string]>(Math.max(0, deep + more)).fill(['..', '/']),
        ...rest,
      ];
      return parts.map(([name, separator]) => name + separator).join('') + last;
    })
    .filter((p) => deepest(p) <= 8);
}

/** The values that the schema or the engine does not take as `expected` says, with what each says. */
function disagreements<T>(values: readonly T[], expected: boolean, schema: (v: T) => boolean, engine: (v: T) => boolean) {
  return values
    .map((value) => ({ value, schema: schema(value), engine: engine(value) }))
    .filter((r) => r.schema !== expected || r.engine !== expected);
}

/** One config per path setting, each with `value`. */
const everyPathKey = (value: string): Record<string, string>[] => PATH_KEYS.map((key) => ({ [key]: value }));

describe('config schema and engine: the same configs accepted', () => {
  it('lists exactly the engine’s rule ids as the names `rules` may have (editors complete them)', () => {
    assert.deepEqual(
      properties.rules!.propertyNames?.enum,
      RULES.map((r) => r.id),
    );
  });

  it('holds what the engine gives them (npm run gen:schemas writes it): the rule ids, their levels, the path pattern', () => {
    const generated = withEngineParts(schema, manifest, RULES);
    assert.deepEqual(generated.schema, schema, 'schemas/docker-modularity.schema.json is out of date: run npm run gen:schemas');
    assert.deepEqual(generated.manifest, manifest, 'package.json is out of date: run npm run gen:schemas');
  });

  it('is what the engine validates a config file with, precompiled byte for byte (npm run gen:schemas writes it)', () => {
    const file = join(__dirname, '..', '..', 'server', 'src', 'engine', 'generated', 'configSchemaValidator.js');
    assert.equal(
      readFileSync(file, 'utf8'),
      configValidatorSource(schema),
      'server/src/engine/generated/configSchemaValidator.js is out of date: run npm run gen:schemas',
    );
  });

  it('gives the dockerModularity.rules setting the engine’s rule ids, each with its levels and what it finds', () => {
    // Before, the setting took any name: the settings editor completed no rule id and marked no unknown one.
    const setting = manifestSetting('dockerModularity.rules') as {
      properties?: Record<string, { type?: string; enum?: string[]; description?: string }>;
      additionalProperties?: unknown;
    };
    assert.deepEqual(
      Object.keys(setting.properties ?? {}),
      RULES.map((r) => r.id),
    );
    for (const rule of RULES) {
      const property = setting.properties![rule.id]!;
      assert.deepEqual([property.type, property.enum], ['string', ['off', 'hint', 'info', 'warning', 'error']], rule.id);
      assert.ok(property.description?.startsWith(rule.meta.description), rule.id);
    }
    assert.equal(setting.additionalProperties, false);
    // What the settings editor accepts is what the server applies (it warns about, and drops, an id no rule has).
    const settingAccepts = new Ajv({ strict: false }).compile(setting);
    const known = new Set(RULES.map((r) => r.id));
    for (const rules of [
      { 'install-outside-base': 'error', 'unused-volume': 'off' },
      { 'no-such-rule': 'error' },
      { 'unused-volume': 'loud' },
    ]) {
      const { overrides, unknownRules } = settingsToOverrides(normalizeSettings({ rules }), [], known);
      const engine = unknownRules.length === 0 && Object.keys(overrides.rules ?? {}).length === Object.keys(rules).length;
      assert.deepEqual({ rules, schema: settingAccepts(rules) }, { rules, schema: engine });
    }
  });

  it('checks every path setting as a workspace path', () => {
    assert.deepEqual(
      PATH_KEYS.filter((key) => properties[key]?.$ref !== '#/definitions/workspacePath'),
      [],
    );
  });

  const accepted: unknown[] = [
    {},
    { $schema: './node_modules/docker-modularity/schemas/docker-modularity.schema.json' },
    { rules: { 'install-outside-base': 'error', 'unused-volume': 'off' } },
    { baseImage: 'myapp-base:latest', exemptImages: ['cuda'], exclude: ['archived/**'] },
    ...ACCEPTED_PATHS.flatMap(everyPathKey),
    { secretsFile: 'secrets.env', archiveDir: 'archived', entrypointsDir: 'scripts/entrypoints' },
    { composeFiles: ['local.yml', 'production.yml', 'deploy/**/*.yml'] },
  ];
  const rejected: unknown[] = [
    { rules: { 'no-such-rule': 'error' } },
    { rules: { 'install-outside-base': 'loud' } },
    { rules: 'install-outside-base' },
    { noSuchSetting: true },
    { baseImage: '' },
    { exclude: 'archived/**' },
    { composeFiles: 'local.yml' },
    { composeFiles: ['/srv/app/local.yml'] },
    { composeFiles: ['../production.yml'] },
    ...everyPathKey(''),
    ...REFUSED_PATHS.flatMap(everyPathKey),
  ];

  it('accepts and rejects the same configs', () => {
    assert.deepEqual(disagreements(accepted, true, schemaAccepts, engineAccepts), []);
    assert.deepEqual(disagreements(rejected, false, schemaAccepts, engineAccepts), []);
  });

  it('takes a path as the engine resolves it, `..` after folders too, for any path up to 8 folders deep', () => {
    // Before, the schema took docs/.. (the root) and docs/../../x (out of the workspace), which the engine refuses.
    fc.assert(
      fc.property(pathUpTo8Deep(['docs', 'a b', '.', '..', '...', '', '~', 'C:']), (p) => {
        assert.equal(schemaAccepts({ roadmapFile: p }), engineAccepts({ roadmapFile: p }), p);
      }),
      { numRuns: 3000 },
    );
  });

  it('is never stricter than the engine, however deep the path', () => {
    // Deeper than 8 folders before the `..` that leaves them, the schema leaves the path to the engine.
    const deep = `${'a/'.repeat(9)}${'../'.repeat(10)}x`;
    assert.deepEqual([schemaAccepts({ roadmapFile: deep }), engineAccepts({ roadmapFile: deep })], [true, false]);
    const segment = fc.constantFrom('d', '.', '..', '');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 40 }), (parts) => {
        const p = parts.join('/');
        assert.ok(schemaAccepts({ roadmapFile: p }) || !engineAccepts({ roadmapFile: p }), p);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('dockerModularity.sharedEnvFile setting and the engine: the same paths accepted', () => {
  // Before, the setting's pattern was its own: it refused C:shared.env, which the engine reads as a relative path,
  // and took ./../x, . and ./, which the server ignores (with a warning) for the default .env.docker.
  const setting = manifestSetting('dockerModularity.sharedEnvFile');
  const settingAccepts = new Ajv({ strict: false }).compile(setting);
  /** Whether the server applies the value (it trims it; empty is unset), rather than ignore it and warn (server/src/lsp/server.ts). */
  const serverApplies = (value: string | null): boolean => {
    const set = normalizeSettings({ sharedEnvFile: value }).sharedEnvFile;
    return set === null || normalizeConfigPath(set) !== undefined;
  };
  // The same paths as in the config file; the setting also trims what it is given, and empty leaves it unset.
  const accepted = [...ACCEPTED_PATHS, null, '', '  ', ' .env.shared ', '.env.shared\n'];
  const refused = [...REFUSED_PATHS, ' /etc/secrets.env', '  ../x', '../x ', ' . ', '.. \t'];

  it('accepts and refuses, in the settings editor, the values the server applies and ignores', () => {
    assert.deepEqual(disagreements(accepted, true, settingAccepts, serverApplies), []);
    assert.deepEqual(disagreements(refused, false, settingAccepts, serverApplies), []);
  });

  it('accepts what the server applies, blanks around it or not, for any path up to 8 folders deep', () => {
    const blanks = fc.constantFrom('', ' ', '\t', ' \n ');
    const value = fc
      .tuple(blanks, pathUpTo8Deep(['docs', ' ', '.', '..', '', '~']), blanks)
      .map(([lead, path, trail]) => lead + path + trail);
    fc.assert(
      fc.property(value, (v) => {
        assert.equal(settingAccepts(v), serverApplies(v), JSON.stringify(v));
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts and refuses, for a path without blanks around it, what the config file’s sharedEnvFile does', () => {
    for (const value of [...ACCEPTED_PATHS, ...REFUSED_PATHS]) {
      assert.equal(settingAccepts(value), schemaAccepts({ sharedEnvFile: value }), value);
    }
  });
});
