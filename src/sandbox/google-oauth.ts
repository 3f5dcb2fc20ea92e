// Stand-in for Google's OAuth 2.0 endpoints, so `npm run calendar:connect` and
// the refresh-token path of googleapis can run without Google: the consent page
// approves at once and redirects back with a code; the token endpoint trades
// codes and refresh tokens for access tokens the Calendar stand-in accepts.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export class GoogleOAuthStandIn {
  private readonly codes = new Map<string, { clientId: string; redirectUri: string }>();
  private readonly refreshTokens = new Map<string, string>();
  /** The scopes each consent request asked for, in order: what an owner would have been asked to allow. */
  readonly requestedScopes: string[][] = [];

  /** @param grantAccess called with every access token issued, so the Calendar stand-in accepts it. */
  constructor(private readonly grantAccess: (accessToken: string) => void) {}

  register(app: FastifyInstance): void {
    app.get<{ Querystring: Record<string, string | undefined> }>('/o/oauth2/v2/auth', async (request, reply) => {
      const { client_id: clientId, redirect_uri: redirectUri, response_type: responseType, state, scope } = request.query;
      if (!clientId || !redirectUri || responseType !== 'code' || !scope?.includes('calendar')) {
        return reply
          .code(400)
          .type('text/plain')
          .send('Error 400: invalid_request (client_id, redirect_uri, response_type=code and a calendar scope are required)');
      }
      this.requestedScopes.push(scope.split(' ').filter(Boolean));
      const code = `4/${randomBytes(18).toString('base64url')}`;
      this.codes.set(code, { clientId, redirectUri });
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      if (state) target.searchParams.set('state', state);
      target.searchParams.set('scope', scope);
      return reply.redirect(target.toString(), 302);
    });

    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    app.post<{ Body: Record<string, string | undefined> }>('/token', async (request, reply) => {
      const body = request.body ?? {};
      if (body.grant_type === 'authorization_code') {
        const grant = body.code ? this.codes.get(body.code) : undefined;
        if (!grant || grant.clientId !== body.client_id || grant.redirectUri !== body.redirect_uri || !body.client_secret) {
          return reply.code(400).send({ error: 'invalid_grant', error_description: 'Malformed auth code.' });
        }
        this.codes.delete(body.code!);
        const refreshToken = `1//${randomBytes(24).toString('base64url')}`;
        this.refreshTokens.set(refreshToken, grant.clientId);
        return this.issue(refreshToken);
      }
      if (body.grant_type === 'refresh_token') {
        if (!body.refresh_token || this.refreshTokens.get(body.refresh_token) !== body.client_id) {
          return reply.code(400).send({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
        }
        return this.issue();
      }
      return reply.code(400).send({ error: 'unsupported_grant_type' });
    });
  }

  private issue(refreshToken?: string) {
    const accessToken = `ya29.${randomBytes(24).toString('base64url')}`;
    this.grantAccess(accessToken);
    return {
      access_token: accessToken,
      expires_in: 3599,
      token_type: 'Bearer',
      scope: 'https://www.googleapis.com/auth/calendar',
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    };
  }
}
