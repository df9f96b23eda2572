// A refusal as the API documents it: the status is one the OpenAPI document lists, the body names the code.
import assert from 'node:assert/strict';

const DOCUMENTED = new Set([400, 401, 403, 404, 409, 412, 422]);

export function expectRejected(response: { statusCode: number; body: string }, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.ok(DOCUMENTED.has(status));
  const problem = JSON.parse(response.body);
  assert.equal(problem.code, code);
  return problem;
}
