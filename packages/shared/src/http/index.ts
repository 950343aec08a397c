export { checkUrlHost, createAddressGuard, type AddressGuard, type AddressVerdict } from "./address-guard.js";
export {
  createHttpClient,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_REDIRECTS,
  type HttpClient,
  type HttpClientOptions,
  type HttpGetOptions,
  type HttpPostOptions,
  type HttpResponse,
  type ResolveHost,
} from "./http-client.js";
export { HttpFetchError, isHttpFetchError, type HttpFetchReason } from "./http-fetch-error.js";
export { parseRetryAfter } from "./retry-after.js";
export { HostBusyError, politeGet, redisHostSlots, waitingHostSlots, type HostSlots, type HostWaiter } from "./host-slots.js";
