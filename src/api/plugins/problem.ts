// Every error leaves the API as RFC 9457 application/problem+json with a stable `code` and, for bad
// input, `errors[]` naming each field at fault. 5xx internals are logged, never sent.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiApp } from '../types.ts';
import { BssError, type ErrorCode, type FieldError } from '../../errors.ts';
import { isErrorCode } from '../../error-codes.ts';
import { DomainRejection } from '../../domain/index.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: FieldError[];
  retryable?: boolean;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Fastify's own 4xx codes (FST_ERR_CTP_BODY_TOO_LARGE…) as codes of ours; any other as BAD_REQUEST. */
export function frameworkCode(fastifyCode: string | undefined): ErrorCode {
  const code = (fastifyCode ?? '').replace(/^FST_ERR_/, '');
  return isErrorCode(code) ? code : 'BAD_REQUEST';
}

export function problemType(code: string): string {
  return `https://bss.droid.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  problem: Omit<Problem, 'type' | 'title'>,
): FastifyReply {
  const body: Problem = {
    type: problemType(problem.code),
    title: TITLES[problem.status] ?? 'Error',
    ...problem,
    instance: request.url,
  };
  return reply.status(problem.status).type('application/problem+json').send(body);
}

function fieldErrors(error: FastifyError): FieldError[] {
  const context = error.validationContext ?? 'body';
  return (error.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>;
    const extra = typeof params['additionalProperty'] === 'string' ? `/${params['additionalProperty']}` : '';
    const missing = typeof params['missingProperty'] === 'string' ? `/${params['missingProperty']}` : '';
    // An enum names what it allows, so the client need not look it up.
    const allowed = Array.isArray(params['allowedValues']) ? `: ${params['allowedValues'].join(', ')}` : '';
    return {
      field: `/${context}${v.instancePath}${extra}${missing}`,
      message: extra ? 'unknown field' : `${v.message ?? 'invalid'}${allowed}`,
    };
  });
}

/** Ids the route took from the path are named by the URL, so they get no misleading /body pointer. */
function inBody(body: unknown, field: string): boolean {
  const top = field.split(/[.[]/)[0] ?? '';
  return typeof body === 'object' && body !== null && Object.hasOwn(body, top);
}

function fieldPointer(field: string): string {
  return `/body/${field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .join('/')}`;
}

/** @platformatic/kafka's refusal of a topic the broker does not have (a replay or offsets request). */
function unknownKafkaTopic(error: { code?: string; message: string }): string | undefined {
  return error.code === 'PLT_KFK_USER' ? /^Unknown topic (.+)\.$/.exec(error.message)?.[1] : undefined;
}

export function registerProblemHandler(app: ApiApp): void {
  app.setErrorHandler((error: FastifyError | BssError, request, reply) => {
    if (error instanceof DomainRejection) {
      return sendProblem(reply, request, {
        status: error.status,
        code: error.code,
        detail: error.message,
        ...(error.field && inBody(request.body, error.field)
          ? { errors: [{ field: fieldPointer(error.field), message: error.message }] }
          : {}),
      });
    }
    if (error instanceof BssError) {
      // A dependency outage is expected and answered 503: one warning per request, not an error storm.
      if (error.status === 503) request.log.warn({ code: error.code }, error.message);
      else if (error.status >= 500) request.log.error({ err: error }, error.message);
      if (error.status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '1');
      return sendProblem(reply, request, {
        status: error.status,
        code: error.code,
        detail:
          error.status >= 500 && error.status !== 503 ? 'The server could not complete the request' : error.message,
        ...(error.errors.length > 0 ? { errors: [...error.errors] } : {}),
        ...(error.retryable ? { retryable: true } : {}),
      });
    }
    if (error.validation) {
      return sendProblem(reply, request, {
        status: 400,
        code: 'VALIDATION_FAILED',
        detail: 'The request has invalid or unknown fields',
        errors: fieldErrors(error),
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendProblem(reply, request, {
        status,
        code: frameworkCode(error.code),
        detail: error.message,
      });
    }
    const topic = unknownKafkaTopic(error);
    if (topic !== undefined) {
      return sendProblem(reply, request, { status: 404, code: 'TOPIC_NOT_FOUND', detail: `No topic ${topic}` });
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, {
      status: 500,
      code: 'INTERNAL',
      detail: 'The server could not complete the request',
    });
  });
}
