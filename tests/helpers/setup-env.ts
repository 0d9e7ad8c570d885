import nock from 'nock';

// Stripe is the only outside party and is always mocked; the loopback stays open for the
// app under test, PostgreSQL and the SMTP server.
nock.disableNetConnect();
nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host));
