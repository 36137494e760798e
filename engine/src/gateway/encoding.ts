// Response headers that ask clients to stop compressing. The SDK gzips every request; grpc-js
// servers inflate it fine, but on messages this small zlib was a fifth of the engine's CPU in
// bench:engine. A grpc-js client that reads `grpc-accept-encoding: identity` in a response sends
// plain messages on that channel from then on (gRPC's compression negotiation); a request that
// still arrives compressed is inflated as before.
import * as grpc from '@grpc/grpc-js';

export function identityEncodingHeaders(): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('grpc-accept-encoding', 'identity');
  return metadata;
}
