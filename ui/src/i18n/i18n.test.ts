import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { en } from './en';
import { zhCN } from './zh-CN';
import { i18n, known, osLocale, plural, t, tParts } from './index.svelte';
import type { MessageKey } from './en';

describe('i18n', () => {
  it('has every English key in Simplified Chinese, none empty', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(zhCN)) expect(text, key).not.toBe('');
  });

  it('writes every entry the way the end-to-end tests read the catalogs (a key in single quotes)', () => {
    // tests/e2e/conftest.py reads these files line by line to click what users read.
    const line = /^\s*'([a-z_.0-9A-Z]+)':\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"),?\s*$/;
    for (const [name, catalog] of [['en', en], ['zh-CN', zhCN]] as const) {
      const text = readFileSync(`${process.cwd()}/src/i18n/${name}.ts`, 'utf-8');
      const read = new Set(text.split('\n').flatMap((l) => line.exec(l)?.[1] ?? []));
      for (const key of Object.keys(catalog)) expect(read.has(key), `${name}: ${key}`).toBe(true);
    }
  });

  it('keeps the same placeholders in both languages', () => {
    const names = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join();
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(names(zhCN[key]), key).toBe(names(en[key]));
  });

  it('follows the OS locale and switches', () => {
    expect(osLocale(['zh-CN', 'en'])).toBe('zh-CN');
    expect(osLocale(['zh-Hans-CN'])).toBe('zh-CN');
    expect(osLocale(['de-DE', 'en-US'])).toBe('en');
    i18n.locale = 'zh-CN';
    expect(t('check.progress', { done: 3, total: 9 })).toBe('已完成 3 / 9 次查询');
    i18n.locale = 'en';
    expect(t('check.progress', { done: 3, total: 9 })).toBe('3 of 9 questions answered');
  });

  it('fills placeholders with plain text', () => {
    expect(t('prepare.will_check', { domain: '<b>x</b>' })).toBe('MX Doctor will check <b>x</b>.');
  });

  it('reads a key built from data that the catalog lacks as itself, in both languages', () => {
    const key = 'wait.state.<img src=x onerror=alert(1)>' as MessageKey;
    expect(known(key)).toBe(false);
    expect(known('wait.state.clear')).toBe(true);
    // Nothing an object has of its own is taken for a message.
    expect(known('constructor')).toBe(false);
    expect(known('__proto__')).toBe(false);
    for (const locale of ['en', 'zh-CN'] as const) {
      i18n.locale = locale;
      expect(t(key)).toBe('wait.state.<img src=x onerror=alert(1)>');
      expect(tParts(key, { x: 1 })).toEqual([{ text: 'wait.state.<img src=x onerror=alert(1)>', value: false }]);
      expect(t('constructor' as MessageKey)).toBe('constructor');
    }
    i18n.locale = 'en';
  });

  it('uses the glossary\'s terms in every Chinese text, the window\'s and the core\'s (glossary.md)', () => {
    const core = readFileSync(`${process.cwd()}/../src-tauri/core/data/messages.zh-CN.json`, 'utf-8');
    const texts = [...Object.values(zhCN), ...(JSON.stringify(JSON.parse(core)).match(/"(?:[^"\\]|\\.)*"/g) ?? [])];
    // Each variant a person would otherwise meet for one thing, and the term to use instead.
    const variants: [RegExp, string][] = [
      [/DNS ?服务商|域名服务商|DNS ?提供商|DNS ?托管商/, '解析服务商'],
      [/邮箱服务(?!商)|邮件服务商/, '邮箱服务商'],
      [/高速缓存|缓冲/, '缓存'],
      [/邮箱服务器|邮局服务器/, '邮件服务器'],
      [/规范名称|CNAME ?别名/, '别名'],
      [/解析器|递归服务器|递归 ?DNS/, 'DNS 服务'],
    ];
    const found = texts.flatMap((text) => variants.filter(([re]) => re.test(text)).map(([re, term]) => `${re.exec(text)![0]} (use ${term}) in ${text}`));
    expect(found).toEqual([]);
  });

  it('words counts with the language\'s plural rules, never "(s)"', () => {
    i18n.locale = 'en';
    expect(plural('count.problem', 1)).toBe('1 problem');
    expect(plural('count.problem', 2)).toBe('2 problems');
    expect(plural('count.problem', 0)).toBe('0 problems');
    expect(plural('check.problems', 1, { errors: 1, more: plural('check.more', 1) })).toBe('1 problem stops your mail; 1 more puts it at risk.');
    i18n.locale = 'zh-CN';
    expect(plural('count.problem', 1)).toBe('1 个问题');
    i18n.locale = 'en';
    for (const [name, catalog] of [['en', en], ['zh-CN', zhCN]] as const)
      for (const [key, text] of Object.entries(catalog)) expect(text, `${name} ${key}`).not.toMatch(/\w\(s\)/);
    const core = readFileSync(`${process.cwd()}/../src-tauri/core/data/messages.en.json`, 'utf-8');
    expect(core).not.toMatch(/\w\(s\)/);
  });
});
