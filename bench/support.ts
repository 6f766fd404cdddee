// What the benchmark needs besides the dist/ bundles, bundled by bench/run.mjs into one CommonJS file.
export { bigDockerfile, generateRepo, GENERATOR_VERSION } from './generate';
export type { GeneratedRepo } from './generate';
export { NodeFileSystem } from '../server/src/node/nodeFileSystem';
