import { describe, expect, it } from 'vitest';
import type { Json } from '../sdk/index.js';
import { compileDateTransform, type DateOptions } from './date-transform.js';
import type { Site } from './problems.js';

const site: Site = { where: 'w', field: 'd.transform.date', code: 'CONFIG_BAD_MAPPING' };
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
});
