// Replay request problems as AppErrors, so the API maps them to 400/404/409 problem+json as is.
import { AppError } from '../../errors.ts';

export const badReplayRequest = (message: string): AppError =>
  new AppError('INVALID_REPLAY_REQUEST', message, { status: 400 });

export const replayConflict = (message: string): AppError => new AppError('REPLAY_CONFLICT', message, { status: 409 });
