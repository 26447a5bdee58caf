// The contract of authentication and user/role/token management behind the management API.
import type { Principal } from './principal.js';

export interface AccessService {
  /**
   * Seeds built-in roles and the users of the config, and makes sure the administrator has a password:
   * BATON_ADMIN_PASSWORD / config, else one generated on first start. Returns the generated password once
   * (the caller prints it a single time); it is stored only as a salted slow hash.
   */
  initialize(): Promise<{ generatedAdminPassword: string | undefined }>;
  /**
   * Verifies an `Authorization` header (HTTP Basic or Bearer personal access token). Throws AdminError
   * `Unauthorized` (401) for missing or bad credentials, `TooManyRequests` (429) while `clientKey` (the client
   * address) is being slowed after repeated failures, `InvalidParameter` (400) for a malformed header.
   */
  authenticate(authorization: string | undefined, clientKey: string): Promise<Principal>;
}
