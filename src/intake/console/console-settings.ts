// What the console's server part needs from the configuration: where the built page lies, the
// engine's REST address with the farm's own engine credentials (the browser never holds them), and
// the token endpoint the sign-in form exchanges a client id and secret at.
import path from 'node:path';
import type { Config } from '../../platform/config.ts';
import { gatewayHeaders, type GatewayHeaders } from '../../platform/gateway-auth.ts';

export interface ConsoleSettings {
  /** the built page (console/build.ts writes it): index.html, main.js, main.css */
  readonly assetsDir: string;
  /** the engine's REST address, without /v2 */
  readonly engineRestAddress: string;
  /** the farm's own engine credentials as headers; undefined when the engine needs none */
  readonly engineHeaders: GatewayHeaders | undefined;
  /** deadline of one forwarded engine call or token exchange */
  readonly timeoutMs: number;
  readonly tokenUrl: string;
  readonly tokenAudience: string;
}

/** dist/console of the checkout or image, found from this file whether it runs as src/ (.ts) or dist/src/ (.js) */
export function defaultAssetsDir(): string {
  const here = import.meta.dirname;
  const root = here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '..', '..', '..', '..') : path.resolve(here, '..', '..', '..');
  return path.join(root, 'dist', 'console');
}

export function consoleSettings(config: Config, assetsDir: string = defaultAssetsDir()): ConsoleSettings {
  return {
    assetsDir,
    engineRestAddress: config.ZEEBE_REST_ADDRESS.replace(/\/+$/, ''),
    engineHeaders: gatewayHeaders(config),
    timeoutMs: config.ZEEBE_COMMAND_TIMEOUT_MS,
    tokenUrl: config.API_TOKEN_URL,
    tokenAudience: config.API_TOKEN_AUDIENCE,
  };
}
