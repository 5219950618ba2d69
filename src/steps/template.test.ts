import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../sdk/index.js';
import type { Site } from './problems.js';
import { compileTemplate } from './template.js';
import { flowErrorOf } from './test-helpers.js';

const site: Site = { where: 'flow f/step map', field: 'name.template', code: 'CONFIG_BAD_MAPPING' };
const data: JsonObject = {
  customer: { first_name: 'Ada', last_name: 'Lovelace', vip: true, tags: ['x', 'y'] },
  lines: [
    { sku: 'A', qty: 2 },
    { sku: 'B', qty: 0 },
  ],
  total: 12.5,
  zero: 0,
  flag: false,
  nothing: null,
  html: '<b>&</b>',
  'odd key': 'spaced',
};

describe('templates', () => {
  it('plain paths are read by the kit renderer, with the path language of every component', () => {
    expect(compileTemplate('{{lines[-1].sku}}/{{lines[0].qty}}', site)(data)).toBe('B/2');
    expect(compileTemplate('{{meta["a.b"]}}', site)({ meta: { 'a.b': 'dotted' } })).toBe('dotted');
  });

  // Paths only: compiled to concatenation, must print exactly what Handlebars prints.
  it.each([
    ['{{customer.first_name}} {{customer.last_name}}', 'Ada Lovelace'],
    ['{{ customer.first_name }}!', 'Ada!'],
    ['{{{html}}} {{html}}', '<b>&</b> <b>&</b>'],
    ['{{lines.0.sku}}/{{lines.[1].sku}}', 'A/B'],
    ['{{missing}}|{{nothing}}|{{missing.deep}}', '||'],
    ['{{total}} {{zero}} {{flag}}', '12.5 0 false'],
    ['{{customer.tags}}', 'x,y'],
    ['{{[odd key]}}', 'spaced'],
    ['plain text', 'plain text'],
    ['', ''],
    ['{{! a comment }}x{{customer.first_name}}', 'xAda'],
    ['a  {{~customer.first_name~}}  b', 'aAdab'],
    ['{{this.total}}', '12.5'],
    ['{{lines.length}}', '2'],
  ])('plain %j → %j (same as Handlebars)', (source, expected) => {
    expect(compileTemplate(source, site)(data)).toBe(expected);
    expect(Handlebars.compile(source, { noEscape: true })(data)).toBe(expected);
  });

  it.each([
    ['{{#if customer.vip}}VIP {{/if}}{{customer.last_name}}', 'VIP Lovelace'],
    ['{{#unless flag}}no flag{{/unless}}', 'no flag'],
    ['{{#each lines}}{{sku}}x{{qty}};{{/each}}', 'Ax2;Bx0;'],
    ['{{#with customer}}{{first_name}}{{/with}}', 'Ada'],
    ['{{upper customer.last_name}}', 'LOVELACE'],
    ['{{lower "ABC"}}', 'abc'],
    ['{{trim "  x "}}', 'x'],
    ['{{default missing "n/a"}}', 'n/a'],
    ['{{default customer.first_name "n/a"}}', 'Ada'],
    ['{{concat customer.first_name "-" total}}', 'Ada-12.5'],
    ['{{join customer.tags " & "}}', 'x & y'],
    ['{{round total}}', '13'],
    ['{{#if (eq customer.first_name "Ada")}}yes{{else}}no{{/if}}', 'yes'],
    ['{{#if (gt total 10)}}big{{/if}}', 'big'],
    ['{{#if (and customer.vip (not flag))}}ok{{/if}}', 'ok'],
    ['{{#if (or flag zero)}}t{{else}}f{{/if}}', 'f'],
    ['{{lookup lines 1}}', '[object Object]'],
    ['{{#each customer.tags}}{{@index}}={{this}} {{/each}}', '0=x 1=y '],
    ['{{html}}', '<b>&</b>'],
    ['{{upper}}', ''],
  ])('with helpers %j → %j', (source, expected) => {
    expect(compileTemplate(source, site)(data)).toBe(expected);
  });

  it.each([
    ['{{#if x}}open', 'bad template'],
    ['{{customer.first_name', 'bad template'],
    ['{{shout name}}', 'unknown template helper "shout"'],
    ['{{uper name}}', 'unknown template helper "uper"'],
    ['{{#if (shout x)}}y{{/if}}', 'unknown template helper "shout"'],
    ['{{> partial}}', 'partials'],
  ])('rejects %j at compile time', (source, message) => {
    const error = flowErrorOf(() => compileTemplate(source, site));
    expect(error.code).toBe('CONFIG_BAD_MAPPING');
    expect(error.where).toBe('flow f/step map');
    expect(error.field).toBe('name.template');
    expect(error.message).toContain(message);
  });

  it('suggests the closest helper', () => {
    expect(flowErrorOf(() => compileTemplate('{{uper name}}', site)).hint).toContain('Did you mean "upper"?');
  });

  it('does not reach inherited properties', () => {
    expect(compileTemplate('{{constructor}}{{lines.constructor}}', site)(data)).toBe('');
  });
});
