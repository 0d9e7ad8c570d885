import path from 'node:path';
import express, { Router } from 'express';

const PUBLIC_DIR = path.resolve(__dirname, '../../public');

/** Our CSS and scripts, from our own host; `/embed.js` may be loaded by any page. */
export function assetRoutes(): Router {
  const router = Router();
  router.get('/embed.js', (_req, res) => {
    res.set({ 'Cross-Origin-Resource-Policy': 'cross-origin', 'Cache-Control': 'public, max-age=300' });
    res.type('application/javascript').sendFile(path.join(PUBLIC_DIR, 'embed.js'));
  });
  router.use('/assets', express.static(path.join(PUBLIC_DIR, 'assets'), { maxAge: '1h', index: false, fallthrough: true }));
  return router;
}
