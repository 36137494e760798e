// A refusal thrown from a plugin hook (the rate limiter throws what its errorResponseBuilder
// returns): the intake's error handler sends its problem document as it is.
import type { Problem } from '../problem.ts';

export class ProblemError extends Error {
  readonly problem: Problem;
  readonly statusCode: number;

  constructor(problem: Problem) {
    super(problem.detail);
    this.name = 'ProblemError';
    this.problem = problem;
    this.statusCode = problem.status;
  }
}
