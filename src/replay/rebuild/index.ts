// Read-model rebuild: the read models folded again from the log into shadow tables, then swapped in.
export { rebuildReadModels, type RebuildRequest, type RebuildResult, type RebuildModel } from './rebuild.ts';
