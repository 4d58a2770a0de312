// Package llm talks to OpenAI-compatible endpoints (OpenAI, Mistral, Azure
// OpenAI's v1 API, Ollama, vLLM, TEI, …) through go-openai: the only package
// of the module that imports it. It holds the embeddings client (Embedder)
// and the streaming chat-completions client of the assistant (Chat), on the
// same error classes; llmtest is a test server speaking the chat wire
// format.
//
// # Chat
//
// Chat.Stream sends the messages with stream: true and hands each content
// delta to its caller as it arrives. ChatConfig.Timeout bounds the whole
// call, FirstTokenTimeout each attempt's wait for its first token; only an
// attempt that delivered no token is retried (tokens cannot be taken back).
// Upstream failures (429, 5xx, timeouts, a stream that is not the wire
// format) wrap offres.ErrUnavailable so the assistant falls back to its
// extractive answer; a cancelled context (a client gone) cancels the HTTP
// request at once.
//
// # Embeddings
//
// An Embedder turns texts into vectors, one per text and in order. It splits
// the texts into batches (EmbedConfig.BatchSize), sends them with a bounded
// number of requests in flight (EmbedConfig.Concurrency, shared by every
// call on the Embedder), bounds each request with its own timeout, and checks
// each response: one vector per input, reordered by the index the API gives
// each item, all of one dimension, finite.
//
// # Retries
//
// Rate limits (429, except an exhausted quota), server errors (5xx but 501
// and 505), request timeouts (408) and transient network failures are
// retried with exponential backoff and jitter, up to EmbedConfig.MaxRetries
// times. A Retry-After (seconds or HTTP date) or retry-after-ms header is
// honoured, capped at MaxRetryWait; a wait that would pass the caller's
// deadline is not started. Other errors are not retried.
//
// # Errors
//
// Errors wrap the domain's kinds: offres.ErrUnavailable when the endpoint is
// down, rate limited, out of quota, timed out or rejects the credentials
// (the message says "authentication"; it is not offres.ErrUnauthorized,
// which means the caller of offres is not authorised); offres.ErrInvalid for
// an empty input; ErrBadResponse for a response that breaks the contract.
// A request the endpoint rejects otherwise (400, 404, 501: an unknown model,
// an input too long) carries no domain kind: it is a configuration or
// programming error, neither the user's input nor an outage. A *StatusError
// in the chain gives the HTTP status and the provider's error type and code.
// A cancelled context returns the context's error.
//
// Input texts are never logged nor put in errors: errors name inputs by
// position, and a provider message that quotes an input is withheld.
package llm
