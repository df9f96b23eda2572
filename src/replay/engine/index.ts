export { startReplay, type ReplayDeps, type ReplayRequest, type ReplayRun } from './replay-engine.ts';
export {
  createJobRegistry,
  type JobRegistry,
  type ReplayJob,
  type ReplayJobSnapshot,
  type ReplayJobStatus,
  type ReplayError,
} from './jobs.ts';
export { LIVE_EVENTS_TOPIC, REPLAY_HEADER, type ReplayTarget } from './targets.ts';
