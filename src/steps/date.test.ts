import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Json } from '../sdk/index.js';
import { compileDateFormat } from './date-format.js';
import { compileDateParse, parseIso } from './date-parse.js';
import { compileDateTransform, type DateOptions } from './date-transform.js';
import type { Site } from './problems.js';
import { resolveZone, utcZone, wallToInstant, type Zone } from './zone.js';

const site: Site = { where: 'w', field: 'd.transform.date', code: 'CONFIG_BAD_MAPPING' };
const zone = (name: string): Zone => resolveZone(name) as Zone;
const date = (options: DateOptions, value: Json): Json => compileDateTransform(options, site, 'd')(value);

describe('date transform', () => {
  it.each<[DateOptions, Json, Json]>([
    [{}, '2024-03-05T10:20:30Z', '2024-03-05T10:20:30.000Z'],
    [{}, '2024-03-05T10:20:30.123456+01:00', '2024-03-05T09:20:30.123Z'],
    [{}, '2024-03-05 10:20:30-0530', '2024-03-05T15:50:30.000Z'],
    [{}, '2024-03-05T10:20+02', '2024-03-05T08:20:00.000Z'],
    [{}, '2024-03-05', '2024-03-05T00:00:00.000Z'],
    [{}, 1709634030000, '2024-03-05T10:20:30.000Z'],
    [{}, '', null],
    [{ zone: 'Europe/Berlin' }, '2024-03-05T10:20:30', '2024-03-05T09:20:30.000Z'],
    [{ zone: 'Europe/Berlin' }, '2024-07-05T10:20:30', '2024-07-05T08:20:30.000Z'],
    [{ zone: 'Europe/Berlin' }, '2024-07-05T10:20:30Z', '2024-07-05T10:20:30.000Z'],
    [{ zone: 'America/New_York' }, '2024-01-15', '2024-01-15T05:00:00.000Z'],
    [{ zone: '+05:30' }, '2024-01-15T00:00', '2024-01-14T18:30:00.000Z'],
    [{ format: 'yyyy-MM-dd' }, '2024-03-05T23:59:59Z', '2024-03-05'],
    [{ format: 'yyyy-MM-dd', outputZone: 'Europe/Berlin' }, '2024-03-05T23:59:59Z', '2024-03-06'],
    [{ format: 'dd.MM.yy HH:mm:ss.SSS' }, '2024-03-05T07:08:09.010Z', '05.03.24 07:08:09.010'],
    [{ format: 'd/M/y h:m:s a' }, '2024-03-05T13:08:09Z', '5/3/2024 1:8:9 PM'],
    [{ format: 'hh a' }, '2024-03-05T00:30:00Z', '12 AM'],
    [
      { format: "yyyy-MM-dd'T'HH:mm:ssZZ", outputZone: 'Asia/Kolkata' },
      '2024-03-05T00:00:00Z',
      '2024-03-05T05:30:00+05:30',
    ],
    [{ format: 'ZZZ Z', outputZone: 'America/St_Johns' }, '2024-01-05T00:00:00Z', '-0330 -3:30'],
    [{ format: 'X' }, '2024-03-05T10:20:30.999Z', '1709634030'],
    [{ format: 'x' }, '2024-03-05T10:20:30.999Z', '1709634030999'],
    [{ format: 'millis' }, '2024-03-05T10:20:30Z', 1709634030000],
    [{ format: 'seconds' }, '2024-03-05T10:20:30Z', 1709634030],
    [{ outputZone: 'Europe/Berlin' }, '2024-03-05T10:20:30Z', '2024-03-05T11:20:30.000+01:00'],
    [{ outputZone: 'UTC' }, '2024-03-05T10:20:30Z', '2024-03-05T10:20:30.000Z'],
    [{ format: 'EEE, d MMM yyyy' }, '2024-03-05T10:20:30Z', 'Tue, 5 Mar 2024'],
    [{ format: "MMMM d 'at' HH:mm", outputZone: 'Europe/Berlin' }, '2024-07-01T10:00:00Z', 'July 1 at 12:00'],
    [{ parse: 'dd.MM.yyyy HH:mm' }, '05.03.2024 10:20', '2024-03-05T10:20:00.000Z'],
    [{ parse: 'dd.MM.yyyy HH:mm', zone: 'Europe/Berlin' }, '05.03.2024 10:20', '2024-03-05T09:20:00.000Z'],
    [{ parse: 'd/M/yyyy h:mm a', format: 'yyyy-MM-dd HH:mm' }, '5/3/2024 1:05 pm', '2024-03-05 13:05'],
    [{ parse: 'd/M/yyyy h:mm a', format: 'HH:mm' }, '5/3/2024 12:05 AM', '00:05'],
    [{ parse: 'yyyy-MM-dd HH:mm ZZ' }, '2024-03-05 10:20 +02:00', '2024-03-05T08:20:00.000Z'],
    [{ parse: 'yyyyMMddHHmmss' }, '20240305102030', '2024-03-05T10:20:30.000Z'],
    [{ parse: 'X' }, '1709634030', '2024-03-05T10:20:30.000Z'],
    [{ parse: 'seconds' }, 1709634030, '2024-03-05T10:20:30.000Z'],
    [{ parse: 'millis' }, '1709634030000', '2024-03-05T10:20:30.000Z'],
    [{ parse: 'dd MMM yyyy' }, '05 Mar 2024', '2024-03-05T00:00:00.000Z'],
    [{ parse: 'dd.MM.yyyy' }, 1709634030000, '2024-03-05T10:20:30.000Z'],
  ])('%j of %j → %j', (options, value, expected) => {
    expect(date(options, value)).toEqual(expected);
  });

  it.each<[DateOptions, Json]>([
    [{}, '2024-02-30'],
    [{}, '2023-02-29'],
    [{}, '2024-13-01'],
    [{}, '2024-03-05T24:00'],
    [{}, '2024-03-05T10:2'],
    [{}, '2024-03-05T10:20:30+1'],
    [{}, '2024-03-05X'],
    [{}, 'March 5, 2024'],
    [{}, true],
    [{}, Number.NaN],
    [{ parse: 'dd.MM.yyyy' }, '32.01.2024'],
    [{ parse: 'h:mm a' }, '13:00 PM'],
    [{ parse: 'dd MMM yyyy' }, '05 Foo 2024'],
    [{ parse: 'seconds' }, 'soon'],
  ])('%j rejects %j', (options, value) => {
    expect(() => date(options, value)).toThrow(/RECORD|is not/);
  });
});

describe('time zones and daylight saving', () => {
  it.each<[string, string, string]>([
    // Europe/Berlin springs forward 2024-03-31 02:00 → 03:00: 02:30 does not exist, moves forward.
    ['Europe/Berlin', '2024-03-31T02:30:00', '2024-03-31T01:30:00.000Z'],
    ['Europe/Berlin', '2024-03-31T01:59:59', '2024-03-31T00:59:59.000Z'],
    ['Europe/Berlin', '2024-03-31T03:00:00', '2024-03-31T01:00:00.000Z'],
    // falls back 2024-10-27 03:00 → 02:00: 02:30 happens twice, the earlier one wins.
    ['Europe/Berlin', '2024-10-27T02:30:00', '2024-10-27T00:30:00.000Z'],
    ['Europe/Berlin', '2024-10-27T03:30:00', '2024-10-27T02:30:00.000Z'],
    ['America/New_York', '2024-03-10T02:30:00', '2024-03-10T07:30:00.000Z'],
    ['America/New_York', '2024-11-03T01:30:00', '2024-11-03T05:30:00.000Z'],
    ['Australia/Lord_Howe', '2024-04-07T01:45:00', '2024-04-06T14:45:00.000Z'],
  ])('%s wall time %s → %s', (name, wall, expected) => {
    expect(date({ zone: name }, wall)).toBe(expected);
  });

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
