// Writes the parts of the config schemas that come from the engine (the rule ids, with their levels and
// descriptions) into schemas/docker-modularity.schema.json and package.json's contributes.configuration,
// and the engine's precompiled validator of the config file into
// server/src/engine/generated/configSchemaValidator.js: see server/src/engine/configSchema.ts. Run after
// adding or renaming a rule, or editing the schema: npm run gen:schemas (test/engine/configSchema.test.ts
// fails until the files are up to date).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { configValidatorSource, withEngineParts } from '../server/src/engine/configSchema.ts';
import { RULES } from '../server/src/engine/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = { schema: join(root, 'schemas/docker-modularity.schema.json'), manifest: join(root, 'package.json') };
const read = (file) => JSON.parse(readFileSync(file, 'utf8'));
/** Writes a file whose text is not already `text`, and says so. */
const update = (file, text) => {
  if (!existsSync(file) || text !== readFileSync(file, 'utf8')) {
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
};
const generated = withEngineParts(read(files.schema), read(files.manifest), RULES);
for (const [key, file] of Object.entries(files)) {
  const options = { ...(await prettier.resolveConfig(file)), filepath: file };
  update(file, await prettier.format(JSON.stringify(generated[key], null, 2), options));
}
update(join(root, 'server/src/engine/generated/configSchemaValidator.js'), configValidatorSource(generated.schema));
