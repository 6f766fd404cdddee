/**
 * The language server proper, engine included: dist/serverMain.js, which dist/server.js (../server.ts)
 * loads once it has answered `initialize`.
 */
export { startServer } from './lsp/server';
export { NodeFileSystem } from './node/nodeFileSystem';
export { youngGenerationCollector } from './node/youngGeneration';
