// A job that refers to data the farm does not have (an unknown order or item) cannot succeed by
// retrying: it becomes an incident at once, naming what is missing.
export class JobDataError extends Error {
  override readonly name: string = 'JobDataError';
}

export const isJobDataError = (err: unknown): err is JobDataError => err instanceof JobDataError;
