import nock from 'nock';

// Stripe is the only outside party and is always mocked; the loopback stays open for the
// app under test, PostgreSQL and the SMTP server.
if (!nock.isActive()) nock.activate();
nock.disableNetConnect();
nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host));

// Each test file loads its own nock; the previous file's must let go of http first.
afterAll(() => {
  nock.cleanAll();
  nock.restore();
});
