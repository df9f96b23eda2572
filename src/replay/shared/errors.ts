import { BssError } from '../../errors.ts';

export const badReplayRequest = (message: string): BssError =>
  new BssError('INVALID_REPLAY_REQUEST', message, { status: 400 });

export const replayConflict = (message: string): BssError => new BssError('REPLAY_CONFLICT', message, { status: 409 });
