/**
 * How many of a cohort's agents a coordinator (or an agent) asks at once. Bounded, not "unbounded": a
 * population of a million agents must not start a million fibers, asks and their buffers in one go; 64 keeps
 * every core and model endpoint busy (each agent's own calls have their own limits). Results do not depend on
 * it: asks are answered in the order given, and every agent draws from its own seeded generator.
 */
export const AGENT_CONCURRENCY = 64
