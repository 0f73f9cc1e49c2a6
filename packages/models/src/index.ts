export { currentModelMetrics, ModelMetrics, modelMetricsLayer } from "./CallTelemetry.js"
export { type CachedOptions, cached } from "./cache/CachedModel.js"
export { generateKey, type ModelIdentity, type RequestKey, scoreKey } from "./cache/CacheKey.js"
export { atRepeat, currentRepeat, withRepeat } from "./cache/CacheRepeat.js"
export {
  type CacheEntry,
  type CacheStats,
  makeResponseCache,
  ResponseCache,
  type ResponseCacheOptions,
  type ResponseCacheService,
} from "./cache/ResponseCache.js"
export { ResponseCacheError } from "./cache/ResponseCacheError.js"
export * from "./Fallback.js"
export { scoreLabels, teacherForceLabels } from "./Labels.js"
export * from "./LanguageModel.js"
export * from "./Metering.js"
export * from "./ModelConfig.js"
export * from "./ModelError.js"
export * from "./ModelRegistry.js"
export {
  type EndpointLimiter,
  type EndpointLimiterWatcher,
  endpointConcurrency,
  watchEndpointLimiters,
} from "./openai/EndpointLimiter.js"
export { makeOpenAiClient } from "./openai/OpenAiClient.js"
export { MissingApiKey, makeOpenAiModel, type OpenAiModelOptions } from "./openai/OpenAiModel.js"
export * from "./openai/Probe.js"
export { countTokens, type TokenizerFamily, tokenizerFamily } from "./openai/TokenEstimate.js"
export { flattenMessages, makeSimModel, type SimModelOptions } from "./sim/SimModel.js"
export { makeZeroModel, type ZeroModelOptions } from "./zero/ZeroModel.js"
