import type { Response } from 'express';

/**
 * One strict policy for every page: our own scripts, styles, fonts and images only, no inline
 * code. Forms may go to Stripe Checkout (Chrome applies form-action to the 303 as well).
 */
export function cspDirectives(frameAncestors: readonly string[]): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'form-action': ["'self'", 'https://checkout.stripe.com'],
    'frame-ancestors': frameAncestors.length > 0 ? [...frameAncestors] : ["'none'"],
  };
}

export function cspHeader(frameAncestors: readonly string[]): string {
  return Object.entries(cspDirectives(frameAncestors)).map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/** Lets our own pages and the organization's listed origins frame this response, and no one else. */
export function allowFraming(res: Response, origins: readonly string[]): void {
  res.setHeader('Content-Security-Policy', cspHeader(["'self'", ...origins]));
  // frame-ancestors governs framing; X-Frame-Options cannot name other origins.
  res.removeHeader('X-Frame-Options');
}
