// JUnit XML for `steadysim batch`, written by hand (it is small): one <testsuite> per scenario file, one
// <testcase> per expectation of each of its runs; a failed expectation is a <failure>, an invalid file or a
// run that crashed is an <error>. The format CI systems read (GitLab, Jenkins, GitHub test reporters).

export interface JUnitProblem {
  readonly message: string;
  readonly type: string;
  /** The element's text: details, a stack. */
  readonly body?: string;
}

export interface JUnitCase {
  readonly classname: string;
  readonly name: string;
  /** Seconds; left out when unknown. */
  readonly time?: number;
  readonly failure?: JUnitProblem;
  readonly error?: JUnitProblem;
  /** Text for <system-out>. */
  readonly systemOut?: string;
}

export interface JUnitSuite {
  readonly name: string;
  /** The scenario file. */
  readonly file?: string;
  /** Seconds (wall). */
  readonly time: number;
  readonly cases: readonly JUnitCase[];
}

/** Characters XML 1.0 does not allow at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are dropped. */
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for an attribute value or element content: the five special characters as entities, invalid characters dropped. */
export function escapeXml(s: string): string {
  return s.replace(INVALID_XML, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string)
    // Newlines and tabs in attribute values would be normalised to spaces by parsers: keep them as references.
    .replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** Element content: like escapeXml, but newlines stay readable. */
function escapeText(s: string): string {
  return escapeXml(s).replace(/&#10;/g, '\n').replace(/&#9;/g, '\t');
}

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`).join('');
}

const seconds = (t: number): string => (Number.isFinite(t) ? t.toFixed(3) : '0');

function problem(tag: 'failure' | 'error', p: JUnitProblem): string {
  const open = `<${tag}${attrs({ message: p.message, type: p.type })}`;
  return p.body ? `${open}>${escapeText(p.body)}</${tag}>` : `${open}/>`;
}

export function junitXml(suites: readonly JUnitSuite[], name = 'steadysim'): string {
  const count = (s: JUnitSuite, k: 'failure' | 'error') => s.cases.filter((c) => c[k] !== undefined).length;
  const total = (k: 'failure' | 'error') => suites.reduce((n, s) => n + count(s, k), 0);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites${attrs({
    name,
    tests: suites.reduce((n, s) => n + s.cases.length, 0),
    failures: total('failure'),
    errors: total('error'),
    time: seconds(suites.reduce((t, s) => t + s.time, 0)),
  })}>`);
  suites.forEach((s, id) => {
    out.push(`  <testsuite${attrs({ name: s.name, id, file: s.file, tests: s.cases.length, failures: count(s, 'failure'), errors: count(s, 'error'), skipped: 0, time: seconds(s.time) })}>`);
    for (const c of s.cases) {
      const head = `    <testcase${attrs({ classname: c.classname, name: c.name, file: s.file, time: c.time === undefined ? undefined : seconds(c.time) })}`;
      const inner = [
        c.failure ? `      ${problem('failure', c.failure)}` : undefined,
        c.error ? `      ${problem('error', c.error)}` : undefined,
        c.systemOut ? `      <system-out>${escapeText(c.systemOut)}</system-out>` : undefined,
      ].filter((x): x is string => x !== undefined);
      out.push(inner.length ? `${head}>\n${inner.join('\n')}\n    </testcase>` : `${head}/>`);
    }
    out.push('  </testsuite>');
  });
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
