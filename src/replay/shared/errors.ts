import { AppError } from '../../errors.ts';

export const badReplayRequest = (message: string): AppError =>
  new AppError('INVALID_REPLAY_REQUEST', message, { status: 400 });

export const replayConflict = (message: string): AppError => new AppError('REPLAY_CONFLICT', message, { status: 409 });
