// The in-process failed sign-in counter against the adapters' contract.
import { createMemorySignInFailures } from '../../../src/application/auth/sign-in-failures.ts';
import { signInFailuresContract } from './sign-in-failures-contract.ts';

signInFailuresContract('in-process', async (limit) => createMemorySignInFailures(limit));
