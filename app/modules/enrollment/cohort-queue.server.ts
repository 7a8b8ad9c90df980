/**
 * Enrolments into one cohort take turns on the cohort's row lock in the database (that is what makes them
 * correct, across every app server). Within one server, a burst into one cohort (a popular course opening)
 * also takes turns here first, so the waiting requests wait in memory instead of each holding a database
 * connection while blocked on the lock — the rest of the site keeps its connections.
 */
const tails = new Map<string, Promise<void>>();

export function inCohortQueue<T>(cohortId: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(cohortId) ?? Promise.resolve();
  const run = previous.then(work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(cohortId, tail);
  void tail.then(() => {
    if (tails.get(cohortId) === tail) tails.delete(cohortId);
  });
  return run;
}
