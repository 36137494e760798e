// Sign-in: a client id and secret exchanged for a bearer token by the intake (POST
// /console/api/token), or a token pasted as it is. Either way the intake then says who it names.
import { getJson, send } from '../api.ts';
import { showError } from '../banner.ts';
import { h, show } from '../dom.ts';
import { navigate } from '../router.ts';
import { signIn, signOut, type Caller } from '../session.ts';

async function accept(bearer: string, returnTo: string): Promise<void> {
  // ask who the token names with it, before keeping it
  sessionStorage.setItem('console.token', bearer);
  try {
    const who = await getJson<Caller>('/console/api/me');
    signIn(bearer, who);
    navigate(returnTo.startsWith('/console/') && !returnTo.startsWith('/console/sign-in') ? returnTo : '/console/orders');
  } catch (error) {
    signOut();
    throw error;
  }
}

export async function signInPage(outlet: HTMLElement, returnTo: string): Promise<void> {
  const clientId = h('input', { name: 'clientId', autocomplete: 'username', required: true, testid: 'sign-in-client-id' });
  const clientSecret = h('input', { name: 'clientSecret', type: 'password', autocomplete: 'current-password', required: true, testid: 'sign-in-client-secret' });
  const pasted = h('textarea', { name: 'token', rows: 3, testid: 'sign-in-token', placeholder: 'eyJ…' });
  const credentials = h(
    'form',
    {
      testid: 'sign-in-form',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void (async () => {
          try {
            const answer = await send<{ accessToken: string }>('POST', '/console/api/token', { clientId: clientId.value, clientSecret: clientSecret.value });
            clientSecret.value = '';
            if (!answer) throw new Error('the intake gave no token');
            await accept(answer.accessToken, returnTo);
          } catch (error) {
            showError(error, 'Sign-in failed');
          }
        })();
      },
    },
    h('label', {}, 'Client id', clientId),
    h('label', {}, 'Client secret', clientSecret),
    h('button', { type: 'submit', testid: 'sign-in-submit' }, 'Sign in'),
  );
  const tokenForm = h(
    'form',
    {
      testid: 'sign-in-token-form',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void accept(pasted.value.trim().replace(/^Bearer\s+/i, ''), returnTo).catch((error: unknown) => showError(error, 'The token was not accepted'));
      },
    },
    h('label', {}, 'Bearer token', pasted),
    h('button', { type: 'submit', testid: 'sign-in-token-submit' }, 'Use this token'),
  );
  show(
    outlet,
    h('section', { class: 'sign-in' },
      h('h1', {}, 'Sign in'),
      h('p', { class: 'hint' }, 'With an API client of the farm (development: dev-operator-client / dev-viewer-client, secret <id>-secret).'),
      credentials,
      h('details', {}, h('summary', {}, 'or paste a bearer token'), tokenForm),
    ),
  );
  clientId.focus();
}
