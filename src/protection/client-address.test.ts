/** Who a request comes from, and whether a cookie may count (unit tests of the pure parts). */
import { describe, expect, it } from 'vitest';
import { httpToken, isSameOriginRequest } from '../auth/token-sources.js';
import { clientAddress } from './client-address.js';
import { deeperThan } from './json-depth.js';

describe('clientAddress', () => {
  it('is the peer unless trustProxy, then the last X-Forwarded-For entry', () => {
    const headers = { 'x-forwarded-for': '1.1.1.1, 2.2.2.2' };
    expect(clientAddress('::ffff:10.0.0.1', headers, false)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', headers, true)).toBe('2.2.2.2');
    expect(clientAddress('10.0.0.1', { 'x-forwarded-for': ['9.9.9.9', '3.3.3.3'] }, true)).toBe('3.3.3.3');
    expect(clientAddress('10.0.0.1', {}, true)).toBe('10.0.0.1');
  });
});

describe('isSameOriginRequest', () => {
  const allow = ['https://app.example'];
  it('trusts the own host, listed origins and Sec-Fetch-Site same-origin; never "*" or a null origin', () => {
    expect(isSameOriginRequest('POST', { origin: 'https://sb.example', host: 'sb.example' }, allow)).toBe(true);
    expect(isSameOriginRequest('POST', { origin: 'https://sb.example', host: 'sb.example:443' }, allow)).toBe(true);
    expect(isSameOriginRequest('POST', { origin: 'http://sb.example:8080', host: 'sb.example' }, allow)).toBe(false);
    expect(isSameOriginRequest('POST', { origin: 'https://app.example', host: 'sb.example' }, allow)).toBe(true);
    expect(isSameOriginRequest('POST', { origin: 'https://evil.example', host: 'sb.example' }, ['*'])).toBe(false);
    expect(isSameOriginRequest('POST', { origin: 'null', 'sec-fetch-site': 'cross-site' }, allow)).toBe(false);
    expect(isSameOriginRequest('POST', { 'sec-fetch-site': 'same-site' }, allow)).toBe(false);
    expect(isSameOriginRequest('POST', { 'sec-fetch-site': 'same-origin' }, allow)).toBe(true);
    expect(isSameOriginRequest('GET', {}, allow)).toBe(true);
    expect(isSameOriginRequest('DELETE', {}, allow)).toBe(false);
  });

  it('httpToken prefers the header and never reads the query', () => {
    expect(httpToken({ method: 'POST', headers: { authorization: 'Bearer h', cookie: 'switchboard_token=c' } }, [])).toBe('h');
    expect(httpToken({ method: 'POST', headers: { cookie: 'switchboard_token=c', origin: 'https://evil.example' } }, [])).toBeUndefined();
    expect(httpToken({ method: 'GET', headers: { cookie: 'switchboard_token=c' } }, [])).toBe('c');
  });
});

describe('deeperThan', () => {
  it('counts nesting of arrays and objects, scalars are depth 0', () => {
    expect(deeperThan('x', 0)).toBe(false);
    expect(deeperThan({ a: [1] }, 2)).toBe(false);
    expect(deeperThan({ a: [[1]] }, 2)).toBe(true);
    expect(deeperThan(Buffer.alloc(10), 0)).toBe(false);
    let deep: unknown = 0;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(deeperThan(deep, 32)).toBe(true);
  });
});
