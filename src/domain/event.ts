// The shape shared by every domain event: a `type` ('<entity>.<action>') and
// `data`. The type parameter forces every event's data to carry `customerId`
// (the partition key of the event log) and `at` (ISO time of the fact).

export type DomainEventOf<Type extends string, Data extends { customerId: string; at: string }> = {
  type: Type;
  data: Data;
};

/** Compile-time exhaustiveness: a switch that forgets a case fails to type-check here. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
