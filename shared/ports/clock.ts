/** The one source of "now": use cases ask it, domain functions are handed instants. */
export interface Clock {
  now(): Date;
}
