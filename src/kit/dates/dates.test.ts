import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../sdk/index.js';
import { compileDateFormat } from './date-format.js';
import { compileDateParse, parseIso } from './date-parse.js';
import { resolveZone, utcZone, wallToInstant, type Zone } from './zone.js';

const zone = (name: string): Zone => resolveZone(name) as Zone;

describe('time zones and daylight saving', () => {
  it('formats both sides of a transition with the right offset', () => {
    const format = compileDateFormat("yyyy-MM-dd'T'HH:mm ZZ", zone('Europe/Berlin')) as (ms: number) => Json;
    expect(format(Date.UTC(2024, 9, 27, 0, 59))).toBe('2024-10-27T02:59 +02:00');
    expect(format(Date.UTC(2024, 9, 27, 1, 0))).toBe('2024-10-27T02:00 +01:00');
    expect(format(Date.UTC(2024, 2, 31, 0, 59))).toBe('2024-03-31T01:59 +01:00');
    expect(format(Date.UTC(2024, 2, 31, 1, 0))).toBe('2024-03-31T03:00 +02:00');
  });

  it('formats like luxon for every fast token, in many zones and instants', () => {
    const tokens = "yyyy yy y MM M dd d HH H hh h mm m ss s SSS a Z ZZ ZZZ X x 'lit'";
    const zones = [
      'UTC',
      'Europe/Berlin',
      'America/New_York',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
      '-03:00',
    ];
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const name of zones) {
      const z = zone(name);
      const format = compileDateFormat(tokens, z) as (ms: number) => Json;
      for (let i = 0; i < 300; i++) {
        const ms = Math.floor(Date.UTC(1990, 0, 1) + random() * 50 * 365 * 86_400_000);
        const expected = DateTime.fromMillis(ms, { zone: typeof z.luxon === 'string' ? z.luxon : z.luxon }).toFormat(
          tokens,
        );
        expect(format(ms), `${name} ${new Date(ms).toISOString()}`).toBe(expected);
      }
    }
  });

  it('agrees with Intl on offsets across a whole year, hour by hour', () => {
    const z = zone('America/Sao_Paulo');
    const fresh = zone('America/Sao_Paulo');
    for (let ms = Date.UTC(2018, 0, 1); ms < Date.UTC(2019, 0, 1); ms += 3_600_000 + 17_000) {
      const luxon = DateTime.fromMillis(ms, { zone: 'America/Sao_Paulo' }).offset;
      expect(z.offset(ms)).toBe(luxon);
      expect(fresh.offset(ms + 1)).toBe(DateTime.fromMillis(ms + 1, { zone: 'America/Sao_Paulo' }).offset);
    }
  });

  it('round-trips every wall time except the skipped hour', () => {
    const z = zone('Europe/Berlin');
    const gap = [Date.UTC(2024, 2, 31, 2), Date.UTC(2024, 2, 31, 3)];
    let shifted = 0;
    for (let wall = Date.UTC(2024, 0, 1); wall < Date.UTC(2025, 0, 1); wall += 7 * 60_000 + 13_000) {
      const t = wallToInstant(wall, z);
      const back = t + z.offset(t) * 60_000;
      if (wall >= (gap[0] as number) && wall < (gap[1] as number)) {
        expect(back - wall).toBe(3_600_000);
        shifted++;
      } else expect(back).toBe(wall);
    }
    expect(shifted).toBeGreaterThan(5);
  });

  it.each([
    ['UTC', 0],
    ['utc', 0],
    ['Z', 0],
    ['+02:00', 120],
    ['-0530', -330],
    ['UTC+3', 180],
    ['GMT-01:30', -90],
  ])('resolves fixed zone %s to %i minutes', (name, minutes) => {
    expect(resolveZone(name)?.offset(Date.now())).toBe(minutes);
    expect(resolveZone(name)?.fixed).toBe(true);
  });

  it.each(['Mars/Base', '+25:00', '', 'Europe/'])('rejects zone %j', (name) => {
    expect(resolveZone(name)).toBeUndefined();
  });
});

describe('parsers and formatters', () => {
  it('parses ISO by character codes, in a zone when there is no offset', () => {
    expect(parseIso('2024-03-05T10:20:30.5Z', utcZone)).toBe(Date.UTC(2024, 2, 5, 10, 20, 30, 500));
    expect(parseIso('2024-03-05t10:20:30,25z', utcZone)).toBe(Date.UTC(2024, 2, 5, 10, 20, 30, 250));
    expect(parseIso('0050-01-01', utcZone)).toBe(new Date('0050-01-01T00:00:00Z').getTime());
    expect(parseIso('2024-03-05T10:20:30.Z', utcZone)).toBeNaN();
    expect(parseIso('2024-03-0a', utcZone)).toBeNaN();
  });

  it('names bad formats', () => {
    expect(compileDateFormat('yyyy-bb', utcZone)).toContain('unknown date token "bb"');
    expect(compileDateParse('qqq', utcZone)).toContain('unknown date token "qqq"');
    expect(compileDateFormat('', utcZone)).toBe('empty format');
  });

  it('writes years beyond 9999 in expanded ISO form', () => {
    const format = compileDateFormat('yyyy', utcZone) as (ms: number) => Json;
    expect(format(Date.UTC(12345, 0, 1))).toBe('+012345');
    expect(format(Date.UTC(999, 0, 1))).toBe('0999');
  });
});
