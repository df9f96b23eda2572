/** The application's only source of time; tests pass a fixed or stepping clock. */
export type Clock = () => string;

export const systemClock: Clock = () => new Date().toISOString();
