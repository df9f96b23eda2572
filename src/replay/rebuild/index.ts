export { rebuildReadModels, type RebuildRequest, type RebuildResult, type RebuildModel } from './rebuild.ts';
