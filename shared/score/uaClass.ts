import UAParser from 'ua-parser-js';
import { isbot } from 'isbot';

/**
 * What kind of software a user agent says it is. Only `scripting_tool`, `headless` and `scanner` count as
 * scripted: SDKs and HTTP libraries (`okhttp`, `axios`, `aws-sdk-java`...) are how partners and mobile apps
 * legitimately call APIs, so a plain SDK user agent is never suspicious by itself.
 */
export type UaClass =
  | 'browser'
  | 'mobile_app'
  | 'sdk'
  | 'scripting_tool'
  | 'headless'
  | 'scanner'
  | 'crawler'
  | 'monitor'
  | 'empty'
  | 'other';

const SCANNER = /\b(zgrab|nuclei|sqlmap|nikto|nmap|masscan|dirbuster|gobuster|ffuf|feroxbuster|wfuzz|acunetix|nessus|openvas|burp|zap\/|wpscan|httpx - |jaeles|arachni|w3af|whatweb|censys|shodan|netsparker|qualys)/i;
const SCRIPTING = /^(python-requests|python-urllib|python-httpx|python\/|httpx\/|aiohttp|curl\/|wget\/|libwww-perl|lwp-|go-http-client|httpie|powershell|winhttp|java\/\d|ruby|php\/|scrapy|mechanize|postmanruntime|insomnia|node-fetch|axios\/|undici|got \(|node$|node\/|deno\/|bun\/)/i;
/** Shells that wrap a browser-like prefix around their name (`Mozilla/5.0 (...) WindowsPowerShell/5.1`). */
const SHELL = /\b(windowspowershell|powershell)\/\d/i;
const HEADLESS = /(headlesschrome|phantomjs|puppeteer|playwright|selenium|webdriver|electron.*headless)/i;
const MONITOR = /(pingdom|uptimerobot|statuscake|site24x7|datadog synthetics|newrelicpinger|checkly|better uptime|amazon-route53-health|elb-healthchecker|gomezagent|catchpoint)/i;
const CRAWLER = /(googlebot|bingbot|duckduckbot|baiduspider|yandexbot|applebot|slackbot|facebookexternalhit|twitterbot|linkedinbot|discordbot|telegrambot|whatsapp|skypeuripreview|embedly|pinterestbot|redditbot)/i;
/** Honest bots name themselves or link to their documentation. */
const SELF_DECLARED_BOT = /(bot\b|bot\/|crawler|spider|preview|fetcher|\+https?:\/\/)/i;
const MOBILE_APP = /(cfnetwork|dalvik|okhttp|\((iphone|ipad); (cpu )?ios|\(linux; android|darwin\/)/i;

const cache = new Map<string, UaClass>();

/**
 * @example
 * classifyUserAgent('curl/8.4.0') // 'scripting_tool'
 * classifyUserAgent('okhttp/4.12.0') // 'mobile_app'
 */
export function classifyUserAgent(ua: string): UaClass {
  let c = cache.get(ua);
  if (c !== undefined) return c;
  c = classify(ua);
  if (cache.size > 20_000) cache.clear();
  cache.set(ua, c);
  return c;
}

function classify(ua: string): UaClass {
  if (!ua || ua === '-') return 'empty';
  if (SCANNER.test(ua)) return 'scanner';
  if (HEADLESS.test(ua)) return 'headless';
  if (MONITOR.test(ua)) return 'monitor';
  if (CRAWLER.test(ua)) return 'crawler';
  // Before the self-declared-bot rule: HTTP libraries link their home page too (`node-fetch/1.0 (+https://...)`).
  if (SCRIPTING.test(ua) || SHELL.test(ua)) return 'scripting_tool';
  if (SELF_DECLARED_BOT.test(ua)) return 'crawler';
  if (MOBILE_APP.test(ua)) return 'mobile_app';
  const r = new UAParser(ua).getResult();
  if (r.browser.name && /headless/i.test(r.browser.name)) return 'headless';
  if (!isbot(ua) && r.browser.name && r.engine.name) return 'browser';
  if (r.os.name && /ios|android/i.test(r.os.name) && !/^mozilla/i.test(ua)) return 'mobile_app';
  if (/^[\w.\- ]+\/[\w.\-]+/.test(ua)) return 'sdk';
  return 'other';
}

/** True for classes that say "automation written by hand" rather than an app, SDK or browser. */
export function isScriptedClass(c: UaClass): boolean {
  return c === 'scripting_tool' || c === 'headless' || c === 'scanner';
}

/** Interactive (human-driven) clients: a session normally used from these and then from a script is suspect. */
export function isInteractiveClass(c: UaClass): boolean {
  return c === 'browser' || c === 'mobile_app';
}

/** Scripted, or a plain HTTP library / unknown / empty UA: automation of some kind (not an app, browser, crawler or monitor). */
export function isAutomationClass(c: UaClass): boolean {
  return isScriptedClass(c) || c === 'sdk' || c === 'other' || c === 'empty';
}
