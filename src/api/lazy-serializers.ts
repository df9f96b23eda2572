// Fastify's response serializers (fast-json-stringify), each compiled when its route first answers
// with that status instead of all at start-up: compiling every route's schemas up front took about
// 1 s of CPU per start (bench/results/CHAOS.md), most of it for answers a process never gives.
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;

export function lazySerializers(): SerializerFactory {
  const eager = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = eager(externalSchemas, options);
    return (route) => {
      let serialize: ((doc: unknown) => string) | undefined;
      return (doc) => (serialize ??= compile(route))(doc);
    };
  };
}
