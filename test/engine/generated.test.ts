import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

describe('the precompiled compose schema validator', () => {
  it('was generated from the dclint schema that is installed (run node scripts/gen-compose-validator.mjs after upgrading dclint)', () => {
    const header = readFileSync(join(root, 'server/src/engine/generated/composeSchemaValidator.js'), 'utf8').split('\n')[0]!;
    const installed = (JSON.parse(readFileSync(join(root, 'node_modules/dclint/package.json'), 'utf8')) as { version: string }).version;
    assert.match(header, new RegExp(`from dclint@${installed.replace(/\./g, '\\.')} `));
  });
});
