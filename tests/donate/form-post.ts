/** Posts the donation form as a browser without JavaScript would (urlencoded, redirects not followed). */
export async function postForm(baseUrl: string, route: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(baseUrl + route, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, location: res.headers.get('location'), headers: res.headers, text: await res.text() };
}

export function formFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    amount: '20.00', otherAmount: '', frequency: 'once', installments: '', earmark: 'travel',
    firstName: 'Ana', lastName: 'Pérez', email: `ana.${Math.random().toString(16).slice(2, 10)}@example.org`,
    phone: '', addressLine1: '', addressLine2: '', city: '', region: '', postalCode: '', country: '', note: '', website: '',
    ...overrides,
  };
}
