import { Context, DefaultServices, Effect, type Fiber, FiberRef, FiberRefs, Tracer } from "effect"

/**
 * Effect's own tracer, which every fiber has unless another was installed: it keeps spans in memory and
 * exports nothing. Spans on hot paths (one per model call, one per agent turn) are made only when another
 * tracer listens (OpenTelemetry's, which `lyceum` installs when OTEL_EXPORTER_OTLP_ENDPOINT is set): a span
 * costs several microseconds, which nobody should pay for spans nobody reads.
 */
const builtInTracer: Tracer.Tracer = Effect.runSync(Effect.tracer)

/** Whether fibers with these FiberRefs send spans somewhere: tracing enabled, with a tracer that exports. */
export const isTracing = (refs: FiberRefs.FiberRefs): boolean =>
  FiberRefs.getOrDefault(refs, FiberRef.currentTracerEnabled) &&
  Context.get(FiberRefs.getOrDefault(refs, DefaultServices.currentServices), Tracer.Tracer) !== builtInTracer

/** `isTracing` for a running fiber, from the tracer it caches (the hot-path check: well under a microsecond). */
export const isTracingFiber = (fiber: Fiber.RuntimeFiber<unknown, unknown>): boolean =>
  fiber.currentTracer !== builtInTracer && fiber.getFiberRef(FiberRef.currentTracerEnabled)

/**
 * The span to parent work done elsewhere (another fiber, another actor's mailbox) under, when this fiber is
 * traced; `undefined` otherwise, so untraced code carries nothing.
 */
export const tracedParent = (fiber: Fiber.RuntimeFiber<unknown, unknown>): Tracer.AnySpan | undefined =>
  isTracingFiber(fiber) ? fiber.currentSpan : undefined

/** `tracedParent` from a logger's or a runtime's FiberRefs. */
export const tracedParentOf = (refs: FiberRefs.FiberRefs): Tracer.AnySpan | undefined => {
  if (!isTracing(refs)) return undefined
  const span = Context.getOption(FiberRefs.getOrDefault(refs, FiberRef.currentContext), Tracer.ParentSpan)
  return span._tag === "Some" ? span.value : undefined
}
